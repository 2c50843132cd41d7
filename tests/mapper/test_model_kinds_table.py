"""The table of expected operation kinds (tests/support/model_kinds.py) covers exactly the
operations of the corpus's model-serving specs: none missing, none extra, every kind
one of the kinds. Whether autoui gives each operation its kind is issue 15's to test."""

from __future__ import annotations

from collections import Counter

import pytest
from support.model_kinds import KIND_NAMES, KINDS, SAME_DOCUMENT, kind_of, listed_operations
from support.model_servers.specs import ML_SERVING, SPECS_DIR, SpecsMissing, require_specs, spec

DOCUMENTS = (".json", ".yaml", ".yml")


def corpus_documents() -> list[str]:
    try:
        folder = require_specs() / ML_SERVING
    except SpecsMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    return sorted(
        str(path.relative_to(SPECS_DIR)) for path in folder.rglob("*") if path.suffix in DOCUMENTS
    )


def test_every_model_serving_document_has_its_operations_listed() -> None:
    documents = corpus_documents()
    assert documents, f"no documents under {SPECS_DIR / ML_SERVING}"
    covered = set(KINDS) | set(SAME_DOCUMENT)
    assert sorted(set(documents) - covered) == []  # a document with no entries
    assert sorted(d for d in covered - set(documents) if d.startswith(ML_SERVING)) == []


@pytest.mark.parametrize("relative", sorted(KINDS))
def test_the_table_lists_each_operation_once(relative: str) -> None:
    corpus_documents()
    expected = listed_operations(relative)
    assert len(expected) == len(set(expected))
    missing = [op for op in expected if op not in KINDS[relative]]
    extra = [op for op in KINDS[relative] if op not in expected]
    assert (missing, extra) == ([], [])


@pytest.mark.parametrize(("copy", "original"), sorted(SAME_DOCUMENT.items()))
def test_a_document_in_another_format_has_the_same_operations(copy: str, original: str) -> None:
    corpus_documents()
    operations = {
        name: sorted((m, p) for p, item in spec(name)["paths"].items() for m in item)
        for name in (copy, original)
    }
    assert operations[copy] == operations[original]


def test_every_entry_is_a_kind_with_a_reason_when_given() -> None:
    for relative, entries in KINDS.items():
        for operation, entry in entries.items():
            assert kind_of(entry) in KIND_NAMES, (relative, operation, entry)
            if not isinstance(entry, str):
                assert entry[1].strip(), (relative, operation)


def test_the_table_s_totals() -> None:
    """The totals the report quotes; a change to the table shows here."""
    totals = Counter(kind_of(e) for entries in KINDS.values() for e in entries.values())
    assert sum(totals.values()) == 602
    assert totals["chat"] == 15 and totals["other"] == 510


# --- what autoui makes of them: chats ---------------------------------------------------------

# Chats whose request is not a `messages` list (the Responses API's `input`, Anthropic's
# content blocks, Mistral's stored conversations): the chat view sends `messages`, so
# they keep their request form.
NOT_YET_CHATS = {
    ("big/openai/openapi.yaml", "POST /responses"),
    ("big/openai/openapi.yaml", "POST /responses?beta=true"),
    ("ml-serving/localai/swagger.json", "POST /v1/messages"),
    ("ml-serving/localai/swagger.json", "POST /v1/responses"),
    ("ml-serving/mistral/openapi.yaml", "POST /v1/conversations"),
    ("ml-serving/mistral/openapi.yaml", "POST /v1/conversations/{conversation_id}"),
    ("ml-serving/mistral/openapi.yaml", "POST /v1/conversations#stream"),
    ("ml-serving/mistral/openapi.yaml", "POST /v1/conversations/{conversation_id}#stream"),
}


@pytest.mark.parametrize("relative", sorted(KINDS))
def test_exactly_the_chats_open_as_chats(relative: str) -> None:
    """Precision first: nothing the table calls another kind becomes a chat (LocalAI's
    image, embedding and completion routes share the chat's schemas; Ollama's /api/create
    and TGI's /chat_tokenize take `messages`)."""
    from autoui import load_spec
    from autoui.mapper import plan_api

    corpus_documents()
    plan = plan_api(load_spec(str(SPECS_DIR / relative), validate=False))
    chats = {
        op.operation.label
        for op in plan.operations
        if any(o.component == "chat" for o in op.outputs)
    }
    expected = {
        operation
        for operation, entry in KINDS[relative].items()
        if kind_of(entry) == "chat" and (relative, operation) not in NOT_YET_CHATS
    }
    assert chats == expected
