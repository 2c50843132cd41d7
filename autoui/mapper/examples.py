"""A form's named examples: each the value of every field it fills, so choosing one
prefills the whole form (a selector set to the alternative the example is of)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.ir import MediaType, Operation
from autoui.mapper.plan import MEDIA_SELECTOR, MISSING, NO_DEFAULT, Field, FormExample, value_at


def _variant_for(selector: Field, value: Any, fields: list[Field]) -> str:
    """The alternative an example value is an instance of: by its discriminator, else the
    one whose fields it fills most, else the first."""
    variants = selector.variants or []
    if selector.discriminator and isinstance(value, Mapping):
        tag = value.get(selector.discriminator)
        for variant in variants:
            if tag is not None and str(variant.value) == str(tag):
                return variant.label
    best, score = variants[0].label if variants else "", -1
    depth = len(selector.body_path)
    for variant in variants:
        own = [f for f in fields if (selector.key, (variant.label,)) in f.when]
        found = [(f, value_at(value, f.body_path[depth:])) for f in own]
        hits = sum(1 for f, v in found if v is not MISSING and _fits(f, v))
        if hits > score:
            best, score = variant.label, hits
    return best


def _fits(field: Field, value: Any) -> bool:
    kind = field.value_type
    if kind == "string":
        return isinstance(value, str)
    if kind in ("integer", "number"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, Mapping)
    return True


def form_examples(
    operation: Operation, media: MediaType | None, fields: list[Field]
) -> list[FormExample]:
    """The body's and parameters' named examples, each as a value for every field it
    fills (fields it leaves out get their default, or are cleared), so choosing one
    prefills the whole form. Only offered when there is a choice to make: several
    examples, or one with a name of its own."""
    body_examples = {e.name: e for e in media.examples} if media else {}
    names = list(body_examples)
    for param in operation.parameters:
        names += [e.name for e in param.examples if e.name not in names]
    if not names or (names == ["example"]):
        return []
    found = []
    for name in names:
        example = FormExample(name, body_examples[name].summary if name in body_examples else "")
        body = body_examples[name].value if name in body_examples else MISSING
        choices: dict[str, str] = {}
        if media is not None and any(f.key == MEDIA_SELECTOR for f in fields):
            choices[MEDIA_SELECTOR] = media.name
        for f in fields:
            if not all(choices.get(key, "") in labels for key, labels in f.when):
                continue
            if f.location != "body":
                assert f.parameter is not None
                given = [e.value for e in f.parameter.examples if e.name == name]
                value = given[0] if given else MISSING
            else:
                value = value_at(body, f.body_path) if body is not MISSING else MISSING
            if f.is_selector:
                choice = (
                    choices[f.key]
                    if f.key in choices
                    else _variant_for(f, value, fields)
                    if value is not MISSING
                    else f.default
                )
                choices[f.key] = choice
                example.values[f.api_param] = choice
            elif value is not MISSING:
                example.values[f.api_param] = value
            else:
                example.values[f.api_param] = None if f.default is NO_DEFAULT else f.default
        found.append(example)
    return found
