"""Names for endpoints (`api_name`) and keyword arguments (`api_param`), the names of
reply fields that describe a reply rather than answer it (`METADATA_NAMES`), and those
that say a field holds a picture or a sound.

The first two are what a `gradio_client` or MCP user types, so they must be valid
Python identifiers, unique, stable across runs, and guessable from the spec.
"""

from __future__ import annotations

import hashlib
import keyword
import re

from autoui.ir import Operation

# What autoui's own handlers take beside the fields: Gradio fills them in (gr.EventData,
# gr.Request), so a field must never be called that.
EVENT_PARAM = "autoui_event"
REQUEST_PARAM = "autoui_request"
# Every operation's optional raw body (`autoui.dispatcher.raw`), beside its fields.
RAW_BODY_PARAM = "autoui_raw_body"
# Names gradio_client uses for its own keyword arguments (`Client.predict`, `submit`), and
# those above.
_RESERVED = frozenset(
    {"api_name", "fn_index", "headers", "result_callbacks"}
    | {EVENT_PARAM, REQUEST_PARAM, RAW_BODY_PARAM}
)
_NON_WORD = re.compile(r"\W+")
# Field names that say the field holds a picture or a sound: an input's widget
# (`rules.py`), an output's kind (`outputs.py`), media found inside a reply (the dispatcher).
IMAGE_NAMES = frozenset({"image", "img", "photo", "picture", "image_base64", "image_b64"})
AUDIO_NAMES = frozenset({"audio", "sound", "speech", "voice", "wav", "recording"})


def identifier(name: str) -> str:
    """`petId` -> `petId`; `X-API-Key` -> `x_api_key`; `a.b` -> `a_b`; `from` -> `from_`.

    A name that is already an identifier is kept as the spec spells it. Any other
    name has each run of other characters replaced by one underscore and is lower
    cased. A leading digit gets an underscore in front; Python keywords and
    gradio_client's own argument names get one behind.
    """
    ident = name.strip()
    if not ident.isidentifier() or not ident.isascii():
        ident = _NON_WORD.sub("_", ident).strip("_").lower() or "value"
    if ident[0].isdigit():
        ident = "_" + ident
    if not ident.isidentifier():  # `²` is a digit to `\w` and `isdigit`, not to Python
        ident = "".join(c if ("a" + c).isidentifier() else "_" for c in ident)
    if keyword.iskeyword(ident) or ident in _RESERVED:
        ident += "_"
    return ident


def fastapi_function_name(operation: Operation) -> str | None:
    """The route function's name, when the operationId is FastAPI's generated one.

    FastAPI's default id is `<function>` + `<path with non-word characters as _>` +
    `_<method>`, e.g. `generate_generate_post` for `def generate` on POST /generate.
    """
    suffix = re.sub(r"\W", "_", operation.path) + "_" + operation.method.lower()
    op_id = operation.operation_id
    if op_id.endswith(suffix) and len(op_id) > len(suffix):
        return op_id[: -len(suffix)]
    return None


def base_api_name(operation: Operation) -> str:
    if operation.operation_id:
        name = fastapi_function_name(operation) or operation.operation_id
    else:
        name = f"{operation.method.lower()}_{operation.path}"
    return _NON_WORD.sub("_", name).strip("_") or operation.method.lower()


def unique_names(operations: list[Operation]) -> list[str]:
    """One api_name per operation, in order; repeats get `_2`, `_3`, ..."""
    taken: set[str] = set()
    names = []
    for operation in operations:
        name = base = base_api_name(operation)
        n = 1
        while name.lower() in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name.lower())
        names.append(name)
    return names


# Claude's and OpenAI's tool calling take names of 1-64 of these (MCP itself allows 128).
MAX_TOOL_NAME = 64
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_NOT_TOOL_CHARACTER = re.compile(r"[^A-Za-z0-9_-]")
_HASH_LENGTH = 8


def tool_name(api_name: str) -> str:
    """The MCP tool name for an api_name: itself when it fits (ASCII, at most 64
    characters), else its first 55 characters, `_` and 8 hex digits of its hash.

    Stable: the same operation has the same tool name in every run, whatever else the
    spec holds (`tool_names` makes them unique)."""
    if TOOL_NAME.match(api_name):
        return api_name
    return _shortened(api_name)


def _shortened(api_name: str, salt: str = "") -> str:
    digest = hashlib.sha256((api_name + salt).encode()).hexdigest()[:_HASH_LENGTH]
    cut = _NOT_TOOL_CHARACTER.sub("_", api_name)[: MAX_TOOL_NAME - _HASH_LENGTH - 1]
    return f"{cut}_{digest}"


def tool_names(api_names: list[str]) -> list[str]:
    """`tool_name` of each, a repeat (not seen: two names alike in their first 55
    characters and their hash) hashed again with a counter."""
    taken: set[str] = set()
    names = []
    for api_name in api_names:
        name, salt = tool_name(api_name), 0
        while name in taken:
            salt += 1
            name = _shortened(api_name, f"#{salt}")
        taken.add(name)
        names.append(name)
    return names


def unique_params(candidates: list[tuple[str, str]]) -> list[str]:
    """Keyword names for (name, location) pairs, unique within one operation.

    A name that occurs once keeps its plain identifier (`prompt`). When two fields
    would share one (a path `id` and a body `id`), each is prefixed with its location
    (`path_id`, `body_id`), so no value can silently take another's place.
    """
    plain = [identifier(name) for name, _ in candidates]
    counts: dict[str, int] = {}
    for ident in plain:
        counts[ident] = counts.get(ident, 0) + 1
    result: list[str] = []
    taken: set[str] = set()
    for ident, (_, location) in zip(plain, candidates, strict=True):
        name = ident if counts[ident] == 1 else identifier(f"{location}_{ident}")
        base, n = name, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        result.append(name)
    return result


# Fields that describe a reply rather than answer it (read by the output rules, the
# vector rule and the dispatcher's tables).
METADATA_NAMES = frozenset(
    {
        "id",
        "object",
        "model",
        "created",
        "created_at",
        "updated_at",
        "timestamp",
        "request_id",
        "version",
        "status",
    }
)
