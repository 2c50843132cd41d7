"""Over every model-serving spec of the corpus (tests/support/model_kinds.py): each operation whose
answer is pictures, vectors, sound or tensors gets that view, and no other operation
does (issue 15: precision as much as recall). The rules: autoui/mapper/output_kinds."""

from __future__ import annotations

import functools

import pytest
from support.model_kinds import KINDS, kind_of
from support.model_servers.specs import SPECS_DIR, SpecsMissing, require_specs

from autoui import load_spec
from autoui.mapper import OperationPlan, plan_api

# The view each kind of operation gets (its planned primary output).
VIEWS = {
    "image_generate": "pictures",
    "image_edit": "pictures",
    "embed": "vector",
    "speech": "sound",
    "tensor_infer": "tensors",
}
# Where the view is not the kind's, and why (none may be silent).
EXCEPTIONS = {
    ("ml-serving/text-embeddings-inference/openapi.json", "POST /embed_all"): (
        "one vector per token: a matrix per input, shown as JSON"
    ),
    ("ml-serving/text-embeddings-inference/openapi.json", "POST /embed_sparse"): (
        "sparse vectors: index and value pairs, shown as JSON"
    ),
    ("ml-serving/torchserve/inference_open_api.json", "POST /v1/models/{model_name}:predict"): (
        "declared `*/*`: the reply decides (a V2 reply's tensors are found at run time)"
    ),
    ("ml-serving/torchserve/inference_open_api.json", "POST /v2/models/{model_name}/infer"): (
        "declared `*/*`: the reply decides (a V2 reply's tensors are found at run time)"
    ),
    ("ml-serving/mistral/openapi.yaml", "GET /v1/audio/voices/{voice_id}/sample"): (
        "listed as other (it manages voices), but its answer is a voice's sample: a sound"
    ),
}


@functools.cache
def plans(relative: str) -> dict[str, OperationPlan]:
    api = load_spec(SPECS_DIR / relative, validate=False)
    return {op.operation.label: op for op in plan_api(api).operations}


def view_of(plan: OperationPlan) -> str | None:
    output = plan.outputs[0]
    if output.component in ("gallery", "image") and output.rule == "pictures in the reply":
        return "pictures"
    if output.component == "vector":
        return "vector"
    if output.component == "audio":
        return "sound"
    if output.component == "table" and "tensors" in output.rule:
        return "tensors"
    return None


def cases() -> list[tuple[str, str, str]]:
    return [
        (rel, op, kind_of(entry)) for rel, entries in KINDS.items() for op, entry in entries.items()
    ]


@pytest.fixture(scope="module", autouse=True)
def corpus() -> None:
    try:
        require_specs()
    except SpecsMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.mark.parametrize("relative", sorted(KINDS))
def test_each_operation_gets_its_kind_s_view_and_no_other(relative: str) -> None:
    wrong = []
    for operation, entry in KINDS[relative].items():
        plan = plans(relative).get(operation)
        assert plan is not None, operation
        expected = VIEWS.get(kind_of(entry))
        got = view_of(plan)
        if expected == got or (relative, operation) in EXCEPTIONS:
            continue
        if got == "sound" and plan.outputs[0].rule.startswith("media type audio/"):
            continue  # the document declares audio (LocalAI's `audio/x-wav`): it plays
        wrong.append((operation, kind_of(entry), got, plan.outputs[0].rule))
    assert wrong == []


def test_every_exception_is_still_one() -> None:
    """An exception that the rules came to handle is taken off the list."""
    for relative, operation in EXCEPTIONS:
        plan = plans(relative)[operation]
        assert view_of(plan) != VIEWS.get(kind_of(KINDS[relative][operation]))
