"""From the walk's items (`inputs.py`) to form fields: each item's widget chosen by the
first rule that matches (`kinds.choose`), its starting values fitted to that widget, a
property that is the same widget in several media types merged into one field."""

from __future__ import annotations

from typing import Any

from autoui.ir import Api
from autoui.mapper.defaults import fitting, prefill, show_server_default
from autoui.mapper.kinds import choose
from autoui.mapper.naming import unique_params
from autoui.mapper.plan import MEDIA_SELECTOR, NO_DEFAULT, Field
from autoui.mapper.rules import Candidate
from autoui.mapper.walk import Item, Walk, bare


def fields(walk: Walk) -> list[Field]:
    """The items' fields, with media-type twins merged and their api_params made unique."""
    kept = _merge_media_twins([(_field(walk.api, item), item) for item in walk.items])
    params = unique_params([(item.param_name, item.location) for _, item in kept])
    for (built, _), api_param in zip(kept, params, strict=True):
        built.api_param = api_param
    return [built for built, _ in kept]


def _field(api: Api, item: Item) -> Field:
    location = item.location
    label = item.label if location == "body" else f"{item.label} ({location})"
    field = Field(
        key=f"{location}.{item.key}",
        api_param="",  # given once every field is known (see `fields`)
        label=label + (" *" if item.required else ""),
        location=location,
        name=item.name,
        component="variant",
        value_type="string",
        required=item.required,
        info=" ".join(item.description.split())[:500],
        schema=item.schema,
        body_path=item.body_path,
        parameter=item.parameter,
        group=item.group,
        when=item.when,
        variants=item.variants,
        discriminator=item.discriminator,
    )
    if item.variants is not None:
        field.choices = [v.label for v in item.variants]
        field.default = field.choices[0]
        field.rule = "variants" if item.key != "~send_as" else "media types"
        return field
    candidate = Candidate(
        item.name if item.body_path else item.label,
        item.schema,
        location,
        item.media_type,
        api.schemas,
        item.required,
    )
    widget, rule = choose(candidate)
    field.component = widget.component
    field.value_type = widget.value_type
    field.item_type = widget.item_type
    field.encoding = widget.encoding
    field.choices = widget.choices
    field.custom_values = widget.custom_values
    field.minimum, field.maximum, field.step = widget.minimum, widget.maximum, widget.step
    field.columns = widget.columns
    field.rule = rule
    examples = item.examples or ([] if widget.example is NO_DEFAULT else [widget.example])
    prefill(field, item.schema, examples, item.raw, api)
    field.default = fitting(field, field.default)
    field.server_default = fitting(field, field.server_default)
    field.placeholder = field.placeholder or widget.placeholder
    show_server_default(field)
    return field


def _merge_media_twins(built: list[tuple[Field, Item]]) -> list[tuple[Field, Item]]:
    """One field for a property that is the same widget in several media types.

    `name` typed once is then sent as JSON, a form field or a part, whichever the user
    chooses; only what differs (a nested object opened in JSON but edited as JSON text
    in a form, a file sent as base64 or as a part) keeps a field per media type.
    """
    first: dict[tuple[Any, ...], Field] = {}
    kept = []
    for f, item in built:
        media_only = len(f.when) == 1 and f.when[0][0] == MEDIA_SELECTOR
        if not media_only or f.is_selector:
            kept.append((f, item))
            continue
        twin = (
            bare(item.key),
            f.component,
            f.encoding,
            f.value_type,
            f.item_type,
            f.body_path,
            f.required,
            tuple(f.choices or ()),  # OpenAI's image sizes differ between JSON and multipart
            f.custom_values,
            (f.minimum, f.maximum),
        )
        if twin in first:
            earlier = first[twin]
            earlier.when = ((MEDIA_SELECTOR, earlier.when[0][1] + f.when[0][1]),)
            continue
        first[twin] = f
        kept.append((f, item))
    return kept
