"""Checking a request against the operation's schemas before it is sent.

The values are assembled exactly as they would be sent (`request.assemble`), then each
parameter and the body are validated with openapi-schema-validator's OpenAPI 3.0 or
3.1 validator (Swagger 2.0 through the 3.0 one), so the user learns "options.top_k:
0 is less than the minimum of 1" before the API answers 422, or not at all. The whole
document is the validator's registry, so every `$ref` resolves.

These are problems to show, not refusals: the form offers "send anyway", to test how
the API handles bad input.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.validators import extend
from openapi_schema_validator import OAS30WriteValidator, OAS31Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from autoui.dispatcher.raw import raw_body
from autoui.dispatcher.request import Parts, assemble, is_document
from autoui.dispatcher.values import ABSENT, FileValue, ValueProblem, stand_in
from autoui.mapper.calls import Issue
from autoui.mapper.plan import MEDIA_SELECTOR, MISSING, Field, OperationPlan, holds, value_at
from autoui.schemas import JSON_TYPES, TYPE_ALIASES

MAX_ISSUES = 20
_DOCUMENT_URI = "urn:autoui:document"
_MAX_REF_HOPS = 16  # a chain of $refs longer than this is taken as a loop
_SLOT = "x-autoui-checked"  # where the schema being checked sits in the registry's copy


def _uri(value: object) -> bool:
    """A URI has a scheme; rfc3987 (what jsonschema would use) is not a dependency."""
    if not isinstance(value, str):
        return True
    scheme = urlsplit(value).scheme
    return bool(scheme) and scheme[0].isalpha()


FORMATS = FormatChecker()  # every format jsonschema can check with what is installed
FORMATS.checks("uri")(_uri)
FORMATS.checks("url")(_uri)


def _lenient(cls: Any) -> Any:
    """`cls` knowing the type names real specs write instead of JSON Schema's (`int`,
    `Integer`, 2.0's `file`), as the form read them (`autoui.schemas.type_meant`); the
    document is checked as it is, and an unknown type name would stop the check."""
    names = {**TYPE_ALIASES, **{t: t for t in JSON_TYPES}, "file": "string"}
    names.update({name.capitalize(): meant for name, meant in names.items()})
    extra = {
        name: partial(lambda meant, checker, instance: checker.is_type(instance, meant), meant)
        for name, meant in names.items()
        if name not in JSON_TYPES
    }
    return extend(cls, type_checker=cls.TYPE_CHECKER.redefine_many(extra))


_VALIDATORS = {"3.1": _lenient(OAS31Validator), "3.0": _lenient(OAS30WriteValidator)}


def check(plan: OperationPlan, values: Mapping[str, Any]) -> list[Issue]:
    """Every problem with sending `values` for `plan`, or [] when there is none."""
    try:
        parts = assemble(plan, values, stand_in)
        raw = raw_body(values, stand_in)  # a raw body that cannot be sent is refused here
    except ValueProblem as exc:
        return [Issue(_label(exc.field), "value", str(exc).split(": ", 1)[-1])]
    issues = _missing_parameters(plan, parts)
    for field, value in parts.parameters:
        assert field.parameter is not None
        issues += [
            Issue(_label(field), rule, message)
            for _, rule, message in _validate(plan, field.parameter.schema, value)
        ]
    if raw is None:  # a raw body is the API's to judge
        issues += _body_issues(plan, parts)
    return issues[:MAX_ISSUES]


def _label(field: Field) -> str:
    return field.label.removesuffix(" *")


def _missing_parameters(plan: OperationPlan, parts: Parts) -> list[Issue]:
    given = {id(f) for f, _ in parts.parameters}
    return [
        Issue(_label(f), "required", "a value is required")
        for f in plan.fields
        if f.location != "body" and f.required and id(f) not in given
    ]


def _body_issues(plan: OperationPlan, parts: Parts) -> list[Issue]:
    body = plan.operation.body
    if body is None or parts.media_type is None:
        return []
    if parts.body is ABSENT:
        return [Issue("body", "required", "the request body is required")] if body.required else []
    media = body.content.get(parts.media_type)
    if media is None or media.schema is None:
        return []
    if isinstance(parts.body, FileValue) or not is_document(parts.media_type):
        return []  # bytes, text or XML: the schema describes what they encode
    document = _checkable(parts.body)
    # The user chose each alternative: check the value against that one, as the
    # discriminator would make the API do, rather than against "exactly one of them".
    chosen = [
        (f, next(v for v in f.variants or [] if v.label == parts.chosen[f.key]))
        for f in plan.fields
        if f.is_selector and f.key != MEDIA_SELECTOR and holds(f.when, parts.chosen)
    ]
    decided = {f.body_path for f, _ in chosen}
    errors = _validate(plan, media.schema, document, decided)
    for selector, variant in chosen:
        value = value_at(document, selector.body_path)
        if value is not MISSING and variant.schema is not None:
            errors += [
                ((*selector.body_path, *path), rule, text)
                for path, rule, text in _validate(plan, variant.schema, value, decided)
            ]
    by_path = {f.body_path: f for f, _ in parts.fields}
    found: list[Issue] = []
    for path, rule, text in errors:
        field = by_path.get(path)
        if field is not None and field.encoding in _TEXT_OF_FILE and rule in _TEXT_RULES:
            continue  # the stand-in file has no bytes: its encoded text is not known here
        issue = Issue(_label(field) if field else ".".join(path) or "body", rule, text)
        if issue not in found:
            found.append(issue)
    return found


_TEXT_OF_FILE = ("base64", "data_url")  # a file sent as text: the schema describes the text
_TEXT_RULES = ("pattern", "minLength", "maxLength", "format", "contentEncoding")


def _checkable(value: Any) -> Any:
    """Files stand in as strings: their bytes are not what the schema describes."""
    if isinstance(value, FileValue):
        return value.filename
    if isinstance(value, dict):
        return {k: _checkable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_checkable(v) for v in value]
    return value


def _errors(
    dialect: str, document: dict[str, Any], instance: Any
) -> tuple[list[Any], Registry[Any]]:
    """The validation errors of `instance` against the document's `_SLOT` schema, and
    the registry that resolves the document's `$ref`s."""
    spec = DRAFT202012 if dialect == "3.1" else DRAFT4
    registry: Registry[Any] = Registry().with_resource(
        _DOCUMENT_URI, spec.create_resource(document)
    )
    cls = _VALIDATORS["3.1" if dialect == "3.1" else "3.0"]
    validator = cls(
        {"$ref": f"{_DOCUMENT_URI}#/{_SLOT}"}, registry=registry, format_checker=FORMATS
    )
    return list(validator.iter_errors(instance)), registry


def _validate(
    plan: OperationPlan,
    schema: Any,
    instance: Any,
    decided: Collection[tuple[str, ...]] = (),
) -> list[tuple[tuple[str, ...], str, str]]:
    """(path in the instance, rule, message) for each error of `instance`; a oneOf/anyOf
    at a `decided` path (whose alternative the user chose) is checked by the caller."""
    schemas = plan.schemas
    if schemas is None or schema is None:
        return []
    document = {**schemas.document, _SLOT: schema}
    found = []
    try:
        errors, registry = _errors(schemas.dialect, document, instance)
    except Exception as exc:  # a schema the validator cannot use must not block sending
        try:  # a 3.1 idiom in an older document (stoplight's `type: [object, string]`)
            errors, registry = _errors("3.1", document, instance)
        except Exception:
            return [((), "schema", f"cannot be checked: {type(exc).__name__}: {exc}"[:200])]
    for error in errors:
        if (
            error.validator in ("oneOf", "anyOf")
            and tuple(map(str, error.absolute_path)) in decided
        ):
            continue
        if error.validator == "oneOf" and not error.context:
            # Valid under several alternatives: the chosen one (and the discriminator,
            # which the validator does not read) decides; the API will take it.
            continue
        if error.context:
            error = best_match(error.context) or error
        path = tuple(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = _missing_name(error)
            if missing is None or _read_only(error, missing, registry):
                continue
            found.append(((*path, missing), "required", "a value is required"))
        else:
            found.append((path, str(error.validator), _short(error)))
    return found


def _missing_name(error: ValidationError) -> str | None:
    text: str = error.message
    if text.startswith("'") and "' is a required property" in text:
        return text[1 : text.index("' is a required property")]
    return None


def _read_only(error: ValidationError, name: str, registry: Registry[Any]) -> bool:
    """3.1 keeps `required` for readOnly properties in requests; OAS says it applies to
    responses only, so such a property is not missing from a request. The property may
    say so through a `$ref` (ijenko.net's `class: {$ref: FunctionalityClass}`)."""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    properties = schema.get("properties")
    prop = properties.get(name) if isinstance(properties, Mapping) else None
    resolver = registry.resolver(_DOCUMENT_URI)
    for _ in range(_MAX_REF_HOPS):
        if not (isinstance(prop, Mapping) and isinstance(prop.get("$ref"), str)):
            break
        if prop.get("readOnly") is True:
            return True
        try:
            prop = resolver.lookup(prop["$ref"]).contents
        except Exception:  # an unresolvable reference: the validator has reported it
            return False
    return isinstance(prop, Mapping) and prop.get("readOnly") is True


def _short(error: ValidationError) -> str:
    text: str = error.message
    if len(text) > 200:
        text = text[:197] + "..."
    if (
        error.validator in ("type", "enum", "const")
        and len(json.dumps(error.instance, default=str)) > 60
    ):
        text = f"{error.validator} mismatch: {text.split(' is not ', 1)[-1]}"
    return text
