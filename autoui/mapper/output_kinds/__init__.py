"""Output kinds: everything about one kind of output component, in one module per kind.

An output's `component` (`plan.OutputKind`, a closed set, or `auto` and `chat`) names its
kind, and so does a reply's `kind` once the dispatcher has read it. The kind's module
holds each layer's part of it (`base.Kind`): which whole replies (by media type) it shows,
what the reply holds for it, the component the builder makes (as data), what else a
reply planned as it may turn out to be, and the type a gradio_client or MCP caller gets.
`KINDS` collects them from the modules of this package: a new kind is a new module here
(and its name in `OutputKind`).

The modules also hold the kind's rules that read a response schema (`gallery`, `audio`,
`vector`, tensors for `table`) and a reply's JSON (`label`, `table`, `vector`). No Gradio
and no HTTP here (tests/mapper/test_output_kinds.py): the builder and the dispatcher both
read this package, which imports neither.

- `gallery`: generated images inside JSON (OpenAI's `data[].b64_json`/`url`,
  Automatic1111's `images: [base64...]`): one picture, or a gallery of several.
- `vector`: embeddings (OpenAI/Mistral/LocalAI `data[].embedding`, Ollama's `embeddings`,
  TEI's bare list of lists): the numbers, with the dimension; several, a table.
- `tensors`: KServe V2 / MLServer / open inference protocol `outputs` tensors as a table.
- `audio`: also a binary reply that the operation says is audio (OpenAI's `/audio/speech`
  is `application/octet-stream` by spec): a player.
"""

from __future__ import annotations

from typing import get_args

from autoui.mapper.kinds.base import collect
from autoui.mapper.output_kinds.base import Kind
from autoui.mapper.plan import OutputKind

NAMES: tuple[str, ...] = get_args(OutputKind)
# Kinds a reply planned `auto` (no response schema, or `*/*`) may turn out to be, beside
# the text, JSON and file every output area has.
UNPLANNED: tuple[OutputKind, ...] = ("image", "audio", "video", "gallery", "table", "label")


# In the order `OutputKind` lists them: the order their rules are tried in.
KINDS: dict[str, Kind] = collect(__name__, __path__, NAMES, Kind)


def for_media_type(media_type: str) -> OutputKind:
    """The kind that shows a whole reply of this media type."""
    return next(kind.name for kind in KINDS.values() if kind.media(media_type))


__all__ = ["KINDS", "NAMES", "UNPLANNED", "Kind", "for_media_type"]
