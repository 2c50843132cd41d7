"""The model picker (issue 15): a `model` field offers the models the server lists.

Which operation lists the models is read from each spec's reply shapes
(`autoui.mapper.models`); these tests pin it for every model-serving spec of the corpus
and OpenAI's, and the names read from each listing shape. That the list is asked for
only when the user opens the picker, and that the picker takes free text, is driven in
Chromium in tests/browser/test_model_servers_e2e.py.
"""

from __future__ import annotations

import pytest
from support.model_servers.specs import SPECS_DIR, require_specs

from autoui import load_spec
from autoui.mapper import plan_api
from autoui.mapper.plan import names_at

# spec -> (the listing operation, where the names are), or None: no list to read.
LISTS: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "big/openai/openapi.yaml": ("GET /models", ("data", "*", "id")),
    "ml-serving/localai/swagger.json": ("GET /v1/models", ("data", "*", "id")),
    "ml-serving/mistral/openapi.yaml": ("GET /v1/models", ("data", "*", "id")),
    "ml-serving/ollama/openapi.yaml": ("GET /api/tags", ("models", "*", "name")),
    "ml-serving/text-generation-inference/openapi.json": ("GET /info", ("model_id",)),
    "ml-serving/text-embeddings-inference/openapi.json": ("GET /info", ("model_id",)),
    "ml-serving/torchserve/inference_open_api.json": None,
    "ml-serving/open-inference-protocol/generate_rest.yaml": None,
}


@pytest.mark.parametrize("relative", sorted(LISTS))
def test_the_model_list_is_found_from_the_reply_shapes(relative: str) -> None:
    require_specs()
    plan = plan_api(load_spec(str(SPECS_DIR / relative), validate=False))
    pickers = [f for op in plan.operations for f in op.fields if f.options_from is not None]
    sources = {(f.options_from.plan.operation.label, f.options_from.path) for f in pickers}
    expected = LISTS[relative]
    assert sources == ({expected} if expected else set())
    for f in pickers:
        assert (f.name, f.component, f.custom_values) == ("model", "dropdown", True)


def test_openai_s_open_enum_of_models_is_one_picker_not_two_variants() -> None:
    require_specs()
    plan = plan_api(load_spec(str(SPECS_DIR / "big/openai/openapi.yaml"), validate=False))
    chat = next(op for op in plan.operations if op.api_name == "createChatCompletion")
    models = [f for f in chat.fields if f.body_path[:1] == ("model",)]
    assert [(f.key, f.component, f.required) for f in models] == [("body.model", "dropdown", True)]
    # The spec's example model is not one a local server has: the picker starts empty.
    assert "gpt-4o-mini" in (models[0].choices or []) and not models[0].default


def test_inspect_says_where_a_picker_s_models_come_from() -> None:
    from autoui.report import plan_report

    require_specs()
    plan = plan_api(load_spec(str(SPECS_DIR / "ml-serving/ollama/openapi.yaml"), validate=False))
    report = plan_report(plan, "http://127.0.0.1:9")
    chat = next(op for op in report["operations"] if op["api_name"] == "chat")
    model = next(i for i in chat["inputs"] if i["api_param"] == "model")
    assert (model["rule"], model["choices_from"]) == ("model picker", "list")
    stream = next(i for i in chat["inputs"] if i["api_param"] == "stream")
    assert "default" not in stream and stream["server_default"] is True


@pytest.mark.parametrize(
    ("data", "path", "names"),
    [
        ({"object": "list", "data": [{"id": "a"}, {"id": "b"}]}, ("data", "*", "id"), ["a", "b"]),
        (
            {"models": [{"name": "llama3.2:latest"}, {}]},
            ("models", "*", "name"),
            ["llama3.2:latest"],
        ),
        ({"model_id": "bigscience/bloom"}, ("model_id",), ["bigscience/bloom"]),
        ([{"id": "x"}, {"id": "x"}, {"id": ""}], ("*", "id"), ["x"]),
        ({"error": "down"}, ("data", "*", "id"), []),
    ],
)
def test_names_are_read_from_each_listing_shape(data, path, names) -> None:
    assert names_at(data, path) == names
