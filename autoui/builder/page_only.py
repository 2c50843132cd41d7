"""Components that only the page's own events use, kept out of the API description.

Gradio writes every component's JSON schema into the page's config three times (as
`api_info`, `api_info_as_input` and `api_info_as_output`) with an example value, for
gradio_client and the "Use via API" page, unless the component's class says
`skip_api`. None of a page's components is an API parameter: the API endpoints take
`gr.api`'s hidden `Api` components (`builder.endpoints`), and every event of the page is
private. A navigator's Dropdown, whose schema lists every operation as an enum, was
105 KB of GitHub's 278 KB page; a File component is 4.3 KB. Gradio reads `skip_api`
from the class only (a property), so each such component's class becomes a subclass
that says so, under the same name and block name: the browser draws it as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gradio.blocks import Block
from gradio.components import Component
from gradio.components.api_component import Api

_CLASSES: dict[type[Component], type[Component]] = {}


def page_only(blocks: Iterable[Block]) -> None:
    """Mark each component of `blocks` but the API's own as the page's only."""
    for block in blocks:
        if isinstance(block, Component) and not isinstance(block, Api) and not block.skip_api:
            block.__class__ = _page_only_class(type(block))


def _page_only_class(cls: type[Component]) -> type[Component]:
    if cls not in _CLASSES:
        name = cls.__mro__[1].__name__ if hasattr(cls, "is_template") else cls.__name__
        namespace: dict[str, Any] = {
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "skip_api": property(lambda self: True),
            "get_block_name": lambda self: name.lower(),
            "get_block_class": lambda self: name.lower(),
        }
        # `type.__new__` itself: Gradio's ComponentMeta would make the class's events
        # again and rewrite the `.pyi` stub beside the component's module (in Gradio's
        # installed package) for a class of that name, without its events.
        _CLASSES[cls] = type.__new__(type(cls), cls.__name__, (cls,), namespace)
    return _CLASSES[cls]
