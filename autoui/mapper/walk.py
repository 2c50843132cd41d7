"""The state of the walk over one operation's inputs (`inputs.py`), passed explicitly to
the steps that open objects (`objects.py`) and alternatives (`unions.py`): the items
gathered so far in form order, where the walk is in a body, and what it noted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autoui.ir import Api, MediaType, Parameter
from autoui.mapper.plan import MEDIA_SELECTOR, FieldLocation, Variant, When

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@dataclass
class Item:
    """A field before its widget is chosen."""

    label: str  # the dotted path shown to the user, without the location
    key: str  # unique in the operation, without the location
    param_name: str  # what the api_param is made from
    schema: dict[str, Any]
    location: FieldLocation
    media_type: str | None
    required: bool
    description: str
    examples: list[Any]
    name: str  # the wire name
    parameter: Parameter | None = None
    body_path: tuple[str, ...] = ()
    raw: Any = None
    group: str = ""
    when: When = ()
    variants: list[Variant] | None = None
    discriminator: str = ""


@dataclass
class Place:
    """Where the walk is in a body: the media type and the enclosing selectors."""

    media: MediaType
    when: When = ()
    key: str = ""  # key of the enclosing object ("" at the top), variant labels included
    param_prefix: str = ""  # added to api_params of a media type other than the first
    refs: tuple[str, ...] = ()  # $refs being opened, to stop at recursion


# `unions.selector`: a oneOf/anyOf node as a selector and its alternatives' fields, or False
# (nothing added). Called through the walk by `objects.properties` for a property that is
# one, which keeps objects and unions from importing each other.
Union = Callable[["Walk", dict[str, Any], Any, Place, tuple[str, ...], bool, bool], bool]


@dataclass
class Walk:
    """What the walk over one operation has gathered, and the step for alternatives."""

    api: Api
    union: Union
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    required_objects: list[tuple[tuple[str, ...], When]] = field(default_factory=list)


def add(
    walk: Walk,
    place: Place,
    path: tuple[str, ...],
    schema: dict[str, Any],
    raw: Any,
    required: bool,
    examples: list[Any],
    label: str = "",
    key: str = "",
) -> None:
    """One body field at `path`: the node is edited whole by one widget."""
    label = label or ".".join(path)
    key = key or join(place.key, path[-1] if path else "body")
    walk.items.append(
        Item(
            label=label,
            key=key,
            param_name=place.param_prefix + (bare(key) if in_variant(place) else label),
            schema=schema,
            location="body",
            media_type=place.media.name,
            required=required,
            description=str(schema.get("description", "")),
            examples=examples,
            name=path[-1] if path else label,
            body_path=path,
            raw=raw,
            group=".".join(path[:-1]),
            when=place.when,
        )
    )


def in_variant(place: Place) -> bool:
    return any(key != MEDIA_SELECTOR for key, _ in place.when)


def bare(key: str) -> str:
    """A key without the `[media class]` that starts the keys of a second media type."""
    return key.split("]", 1)[1].lstrip(".") if key.startswith("[") else key


def join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix and name else prefix or name
