"""Model pickers: a `model` dropdown filled from the server's own list when it is opened.

The mapper says which operation lists the models and where the names are in its reply
(`autoui.mapper.models`). The list is asked for when the user opens the dropdown (its
focus event), each time, so it follows what the server has; never as the page loads,
since no request goes out that the user did not cause. The dropdown takes free text
too: a model the list does not name (one to pull, a new name) can be typed.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from typing import Any

import gradio as gr

from autoui.builder.endpoints import StartFn, session_of
from autoui.builder.fields import PRIVATE_NAME
from autoui.mapper.plan import Field, ModelList, names_at

log = logging.getLogger("autoui")


def wire_pickers(
    fields: list[Field], components: Mapping[str, gr.blocks.Block], start: StartFn
) -> None:
    """Fill each model picker among `fields` from its list when the user opens it."""
    for f in fields:
        if f.options_from is not None and f.api_param in components:
            component = components[f.api_param]
            component.focus(  # type: ignore[attr-defined]
                _refresher(f.options_from, f.choices or [], start),
                outputs=[component],
                api_name=PRIVATE_NAME,
                api_visibility="private",
                show_progress="hidden",
            )


def _refresher(source: ModelList, known: list[Any], start: StartFn) -> Any:
    def refresh(autoui_request: gr.Request) -> Any:
        live = start(source.plan, {}, session_of(autoui_request))
        try:
            replies = list(live.updates())
        except Exception:  # a bug here must not show a traceback in the page
            log.exception("autoui could not list the models (%s)", source.plan.operation.label)
            return gr.update()
        finally:
            live.close()
        reply = replies[-1] if replies else None
        if reply is None or not reply.ok:
            why = reply.error if reply is not None and reply.error else "no reply"
            gr.Warning(html.escape(f"The list of models could not be read: {why}"))
            return gr.update()
        names = list(dict.fromkeys(names_at(reply.data, source.path)))  # one entry a name
        return gr.update(choices=names or list(known))

    return refresh
