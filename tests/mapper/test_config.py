"""The overrides file and `x-autoui` hints: the schema accepts good files and names the
line, path and rule of a bad one; each kind of override changes what `autoui inspect
--json` reports (run in-process through the real CLI entry point)."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio.utils
import jsonschema
import pytest
from PIL import Image
from support.echo import echo_app
from support.servers import serve_asgi

import autoui
from autoui.cli import main
from autoui.config import config_schema, load_config
from autoui.dispatcher import Dispatcher
from autoui.mapper.overrides import planned

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = ROOT / "examples" / "autoui.yaml"


def _json_reply(properties: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties}
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Lab", "version": "1"},
    "servers": [{"url": "http://127.0.0.1:9/"}],
    "tags": [{"name": "text"}, {"name": "vision"}, {"name": "admin"}],
    "paths": {
        "/echo/generate": {
            "post": {
                "operationId": "generate",
                "tags": ["text"],
                "summary": "Generate text",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["prompt"],
                                "properties": {
                                    "prompt": {"type": "string"},
                                    "steps": {"type": "integer", "minimum": 1},
                                    "mode": {"type": "string"},
                                    "options": {
                                        "type": "object",
                                        "properties": {
                                            "temperature": {"type": "number"},
                                        },
                                    },
                                    "stop": {"type": "array", "items": {"type": "string"}},
                                    "verbose": {"type": "boolean"},
                                },
                            }
                        }
                    },
                },
                "responses": _json_reply(
                    {
                        "text": {"type": "string"},
                        "notes": {"type": "string"},
                        "usage": {"type": "object"},
                    }
                ),
            }
        },
        "/echo/vision": {
            "post": {
                "operationId": "askAboutImage",
                "tags": ["vision"],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "image_url": {"type": "string", "format": "uri"},
                                    "question": {"type": "string"},
                                },
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/echo/upload": {
            "post": {
                "operationId": "upload",
                "tags": ["vision"],
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "document": {"type": "string", "format": "binary"},
                                    "note": {"type": "string"},
                                },
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/echo/picture": {
            "get": {
                "operationId": "picture",
                "tags": ["vision"],
                "responses": {"200": {"description": "ok", "content": {"image/png": {}}}},
            }
        },
        "/echo/items/{id}": {
            "get": {
                "operationId": "get_item",
                "tags": ["text"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/echo/health": {
            "get": {
                "operationId": "health",
                "tags": ["admin"],
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where the files are, so messages name them as a user typed them."""
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text)
    return Path(name)


def inspect(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    config: str | None = None,
    spec: dict[str, Any] = SPEC,
) -> dict[str, Any]:
    """`autoui inspect SPEC [--config FILE] --json`, through the CLI's own main()."""
    args = ["inspect", str(write(tmp_path, "spec.json", json.dumps(spec))), "--json"]
    if config is not None:
        args += ["--config", str(write(tmp_path, "autoui.yaml", config))]
    capsys.readouterr()
    assert main(args) == 0, capsys.readouterr().err
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def error_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, name: str = "autoui.yaml"
) -> str:
    args = ["inspect", str(write(tmp_path, "spec.json", json.dumps(SPEC)))]
    args += ["--config", str(write(tmp_path, name, config))]
    capsys.readouterr()
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0].removeprefix("autoui: error: ")


def ops(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["api_name"]: op for op in report["operations"]}


def field(report: dict[str, Any], api_name: str, api_param: str) -> dict[str, Any]:
    found = [i for i in ops(report)[api_name]["inputs"] if i["api_param"] == api_param]
    assert len(found) == 1
    return found[0]


# --- the schema --------------------------------------------------------------------------


def test_the_shipped_schema_is_valid_and_is_the_one_in_schemas() -> None:
    jsonschema.Draft202012Validator.check_schema(config_schema())
    shipped = json.loads((ROOT / "schemas" / "autoui-config.schema.json").read_text())
    assert config_schema() == shipped


def test_every_theme_the_schema_allows_is_built_into_gradio() -> None:
    themes = config_schema()["properties"]["theme"]["enum"]
    assert set(themes) <= set(gradio.utils.BUILT_IN_THEMES)


def test_the_example_config_is_valid_against_the_schema() -> None:
    import yaml

    data = yaml.safe_load(EXAMPLE_CONFIG.read_text())
    jsonschema.Draft202012Validator(config_schema()).validate(data)
    assert len([line for line in EXAMPLE_CONFIG.read_text().splitlines() if line.strip()]) <= 12
    assert load_config(EXAMPLE_CONFIG).data == data


def test_a_json_config_file_works_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "autoui.json", json.dumps({"title": "From JSON", "theme": "glass"}))
    args = ["inspect", str(write(tmp_path, "spec.json", json.dumps(SPEC))), "--json"]
    assert main([*args, "--config", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["title"], report["theme"]) == ("From JSON", "glass")


def test_an_empty_config_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert inspect(tmp_path, capsys, "# nothing yet\n") == inspect(tmp_path, capsys)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "title: Lab\noperations:\n  generate:\n    fields:\n      prompt: {component: slide}\n",
            "autoui.yaml:5: operations.generate.fields.prompt.component: 'slide' is not one of "
            "['textbox', 'textarea', 'password', 'number', 'slider', 'checkbox', 'dropdown', "
            "'multiselect', 'list', 'image', 'audio', 'file', 'json'] (rule: enum)",
        ),
        (
            "operations:\n  generate:\n    fields:\n      prompt:\n        colour: red\n",
            "autoui.yaml:5: operations.generate.fields.prompt.colour: unknown key 'colour'; "
            "known keys: label, info, component, encoding, default, placeholder, examples, "
            "choices, minimum, maximum, step (rule: additionalProperties)",
        ),
        (
            "titel: Lab\n",
            "autoui.yaml:1: titel: unknown key 'titel'; did you mean 'title'? "
            "(rule: additionalProperties)",
        ),
        (
            "theme: soft\ntags:\n  order: text\n",
            "autoui.yaml:3: tags.order: 'text' is not of type 'array' (rule: type)",
        ),
        (
            "- title\n- theme\n",
            "autoui.yaml:1: (top level): expected a mapping of settings, not a list (rule: type)",
        ),
        (
            "operations:\n  'POST /echo/generate':\n    output: {}\n",
            "autoui.yaml:3: operations['POST /echo/generate'].output: {} should be non-empty "
            "(rule: minProperties)",
        ),
        (
            "operations:\n  generate:\n    mcp: {name: generate.text}\n",
            "autoui.yaml:3: operations.generate.mcp.name: 'generate.text' does not match "
            "'^[A-Za-z0-9_-]{1,64}$' (rule: pattern)",
        ),
        (
            "title: x\ntheme: dark\norder: [health, health]\n",
            "autoui.yaml:2: theme: 'dark' is not one of ['default', 'base', 'soft', 'glass', "
            "'monochrome', 'origin', 'citrus', 'ocean'] (rule: enum); 1 more problem(s) after it",
        ),
    ],
    ids=[
        "enum",
        "unknown-key",
        "did-you-mean",
        "type",
        "not-a-mapping",
        "empty-output",
        "mcp-name",
        "first",
    ],
)
def test_a_file_that_breaks_the_schema_names_line_path_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, message: str
) -> None:
    error = error_of(tmp_path, capsys, config)
    if "1 more problem" in message:  # two problems: the first by line is named
        message = message.replace(" (rule: enum); 1 more problem(s) after it", "")
        assert error.startswith(message) and "1 more problem(s) after it (rule: enum)" in error
    else:
        assert error == message


def test_json_files_get_line_numbers_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '{\n  "title": "Lab",\n  "operations": {\n    "generate": {"hide": "yes"}\n  }\n}\n'
    assert error_of(tmp_path, capsys, text, "autoui.json") == (
        "autoui.json:4: operations.generate.hide: 'yes' is not of type 'boolean' (rule: type)"
    )


def test_broken_yaml_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert error_of(tmp_path, capsys, "title: [unclosed\n") == (
        "cannot load the config autoui.yaml: invalid YAML at line 2, column 1: "
        "did not find expected ',' or ']'"
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "operations:\n  genrate: {title: x}\n",
            "autoui.yaml:2: operations.genrate: no operation is called 'genrate' (an api_name, "
            "operationId or 'METHOD /path'); did you mean 'generate'? (rule: known operation)",
        ),
        (
            "operations:\n  generate:\n    fields:\n      promt: {label: x}\n",
            "autoui.yaml:4: operations.generate.fields.promt: POST /echo/generate has no field "
            "'promt'; did you mean 'prompt'? (its fields: prompt, steps, mode, "
            "options_temperature, stop, verbose) (rule: known field)",
        ),
        (
            "operations:\n  generate:\n    fields:\n      steps:\n        default: many\n",
            "autoui.yaml:5: operations.generate.fields.steps.default: does not fit the field's "
            "schema: 'many' is not of type 'integer' (rule: schema: type)",
        ),
        (
            "operations:\n  generate:\n    fields:\n      steps: {default: 0}\n",
            "autoui.yaml:4: operations.generate.fields.steps.default: does not fit the field's "
            "schema: 0 is less than the minimum of 1 (rule: schema: minimum)",
        ),
        (
            "operations:\n  generate:\n    fields:\n      prompt: {component: slider}\n",
            "autoui.yaml:4: operations.generate.fields.prompt.component: a slider edits "
            "numbers; this field is of type string (rule: component suits the field)",
        ),
        (
            "operations:\n  generate:\n    fields:\n      steps: {component: slider}\n",
            "autoui.yaml:4: operations.generate.fields.steps: a slider needs both bounds: the "
            "schema lacks them, so give minimum and maximum (rule: slider has bounds)",
        ),
        (
            "operations:\n  generate:\n    fields:\n      mode: {component: dropdown}\n",
            "autoui.yaml:4: operations.generate.fields.mode: a dropdown needs choices: the "
            "schema has no enum, so give `choices` (rule: dropdown has choices)",
        ),
        (
            "operations:\n  generate:\n    fields:\n      mode: {choices: [a, b]}\n",
            "autoui.yaml:4: operations.generate.fields.mode.choices: choices apply to a "
            "dropdown or multiselect, not a textbox (rule: key suits the component)",
        ),
        (
            "operations:\n  askAboutImage:\n    fields:\n"
            "      image_url: {component: image, encoding: file}\n",
            "autoui.yaml:4: operations.askAboutImage.fields.image_url.component: encoding "
            "'file' sends the upload as a multipart part or as the whole body, but this field "
            "is part of the application/json body; use base64 or data_url "
            "(rule: encoding suits the body)",
        ),
        (
            "operations:\n  generate:\n    fields:\n      prompt: {encoding: base64}\n",
            "autoui.yaml:4: operations.generate.fields.prompt.encoding: an encoding applies to "
            "image, audio and file uploads, not to a textarea (rule: encoding suits the component)",
        ),
        (
            "operations:\n  generate:\n    output: {field: txt}\n",
            "autoui.yaml:3: operations.generate.output.field: the reply has no field 'txt'; "
            "did you mean 'text'? (its fields: text, notes, usage) (rule: known reply field)",
        ),
        (
            "operations:\n  picture:\n    output: {field: data}\n",
            "autoui.yaml:3: operations.picture.output.field: the reply is image/png, not JSON: "
            "it has no fields (rule: JSON reply)",
        ),
        (
            "tags:\n  hide: [admn]\n",
            "autoui.yaml:2: tags.hide[0]: no operation has the tag 'admn'; did you mean "
            "'admin'? (rule: known tag)",
        ),
        (
            "operations:\n  generate:\n    mcp: {name: upload}\n",
            "autoui.yaml:3: operations.generate.mcp.name: 'upload' is already the MCP tool "
            "name of POST /echo/upload (rule: unique tool name)",
        ),
        (
            "order: [health, 'DELETE /echo/health']\n",
            "autoui.yaml:1: order[1]: no operation is called 'DELETE /echo/health' (an "
            "api_name, operationId or 'METHOD /path'); did you mean 'GET /echo/health'? "
            "(rule: known operation)",
        ),
    ],
    ids=[
        "operation",
        "field",
        "default-type",
        "default-minimum",
        "component",
        "slider-bounds",
        "dropdown-choices",
        "choices-on-textbox",
        "file-in-json",
        "encoding-on-text",
        "output-field",
        "output-not-json",
        "tag",
        "mcp-name-taken",
        "order",
    ],
)
def test_a_file_that_cannot_be_applied_names_line_path_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, message: str
) -> None:
    assert error_of(tmp_path, capsys, config) == message


# --- each kind of override, as `inspect --json` reports it --------------------------------


def test_without_a_config_the_rules_decide(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = inspect(tmp_path, capsys)
    assert report["title"] == "Lab" and report["theme"] is None and report["hidden"] == []
    assert report["tags"] == ["text", "vision", "admin"]
    assert field(report, "generate", "prompt")["rule"] == "long_text"
    assert field(report, "askAboutImage", "image_url")["component"] == "textbox"


def test_page_title_description_and_theme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = inspect(tmp_path, capsys, "title: My lab\ndescription: Try it.\ntheme: soft\n")
    assert (report["title"], report["theme"]) == ("My lab", "soft")


def test_hide_and_order_operations_and_tags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (
        "tags:\n  order: [vision]\n  hide: [admin]\n"
        "order: ['GET /echo/items/{id}', picture]\n"
        "operations:\n  upload: {hide: true}\n"
    )
    report = inspect(tmp_path, capsys, config)
    assert [op["api_name"] for op in report["operations"]] == [
        "get_item",
        "picture",
        "generate",
        "askAboutImage",
    ]
    assert report["tags"] == ["vision", "text"]
    assert report["hidden"] == [
        "health: GET /echo/health (tag 'admin' hidden by config: autoui.yaml:3)",
        "upload: POST /echo/upload (hidden by config: autoui.yaml:6)",
    ]


def test_hide_false_shows_one_operation_of_a_hidden_tag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = "tags: {hide: [vision]}\noperations:\n  picture: {hide: false}\n"
    report = inspect(tmp_path, capsys, config)
    assert [op["api_name"] for op in report["operations"]] == [
        "generate",
        "picture",
        "get_item",
        "health",
    ]
    assert [h.split(":")[0] for h in report["hidden"]] == ["askAboutImage", "upload"]


def test_operation_title_and_description(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = "operations:\n  generate: {title: Write, description: Writes text.}\n"
    assert ops(inspect(tmp_path, capsys, config))["generate"]["title"] == "Write"
    plan = planned(autoui.load_spec(SPEC), load_config(dict(operations={"generate": {}})))
    assert plan.operations[0].operation.description == ""
    plan = planned(
        autoui.load_spec(SPEC),
        load_config({"operations": {"generate": {"description": "Writes text."}}}),
    )
    assert plan.operations[0].operation.description == "Writes text."


def test_field_label_default_placeholder_and_info(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (
        "operations:\n  generate:\n    fields:\n"
        "      prompt: {label: Your prompt, default: Once upon a time}\n"
        "      steps: {placeholder: how many, info: Steps to run.}\n"
        "      options.temperature: {default: 0.7}\n"
    )
    report = inspect(tmp_path, capsys, config)
    prompt = field(report, "generate", "prompt")
    assert (prompt["label"], prompt["default"]) == ("Your prompt *", "Once upon a time")
    assert prompt["rule"] == "long_text"  # a label is no reason to change the component
    assert field(report, "generate", "steps")["placeholder"] == "how many"
    assert field(report, "generate", "options_temperature")["default"] == 0.7


def test_examples_fill_a_required_field_and_are_the_placeholder_of_an_optional_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (
        "operations:\n  generate:\n    fields:\n"
        "      prompt: {examples: [A haiku about tea]}\n"
        "      mode: {examples: [fast, slow]}\n"
    )
    report = inspect(tmp_path, capsys, config)
    prompt, mode = field(report, "generate", "prompt"), field(report, "generate", "mode")
    assert (prompt["default"], prompt["placeholder"]) == ("A haiku about tea",) * 2
    assert "default" not in mode and mode["placeholder"] == "fast"


def test_components_and_what_they_send(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = (
        "operations:\n  generate:\n    fields:\n"
        "      mode: {component: dropdown, choices: [fast, slow], default: slow}\n"
        "      steps: {component: slider, minimum: 1, maximum: 50, step: 1}\n"
        "      prompt: {component: textbox}\n"
        "      stop: {component: json, default: [END]}\n"
        "      verbose: {component: dropdown, choices: [true, false]}\n"
        "  askAboutImage:\n    fields:\n"
        "      image_url: {component: image, encoding: data_url}\n"
        "  upload:\n    fields:\n"
        "      document: {component: image}\n"
        "      note: {component: json}\n"
    )
    report = inspect(tmp_path, capsys, config)
    mode = field(report, "generate", "mode")
    assert (mode["component"], mode["choices"], mode["default"]) == (
        "dropdown",
        ["fast", "slow"],
        "slow",
    )
    assert mode["rule"] == "config: autoui.yaml:4"
    assert field(report, "generate", "steps")["component"] == "slider"
    assert field(report, "generate", "prompt")["component"] == "textbox"
    stop = field(report, "generate", "stop")
    assert (stop["component"], stop["encoding"], json.loads(stop["default"])) == (
        "json",
        "json",
        ["END"],
    )
    image = field(report, "askAboutImage", "image_url")
    assert (image["component"], image["encoding"], image["rule"]) == (
        "image",
        "data_url",
        "config: autoui.yaml:11",
    )
    document = field(report, "upload", "document")
    assert (document["component"], document["encoding"]) == ("image", "file")
    assert field(report, "upload", "note")["encoding"] == "json"


def test_fields_are_found_by_api_param_name_or_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (
        "operations:\n  get_item:\n    fields:\n"
        "      path.id: {label: Item}\n      X-Trace: {label: Trace}\n"
    )
    report = inspect(tmp_path, capsys, config)
    assert field(report, "get_item", "id")["label"] == "Item *"
    assert field(report, "get_item", "x_trace")["label"] == "Trace"


def test_output_field_and_component(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = inspect(tmp_path, capsys)
    assert ops(report)["generate"]["outputs"][0]["field"] == "text"
    config = (
        "operations:\n  generate:\n    output: {field: notes, component: markdown}\n"
        "  get_item:\n    output: {field: null, component: json}\n"
    )
    report = inspect(tmp_path, capsys, config)
    assert ops(report)["generate"]["outputs"][0] == {
        "component": "markdown",
        "field": "notes",
        "media_type": "application/json",
        "rule": "config: autoui.yaml:3",
    }
    assert ops(report)["get_item"]["outputs"][0]["component"] == "json"
    usage = inspect(tmp_path, capsys, "operations:\n  generate:\n    output: {field: usage}\n")
    assert ops(usage)["generate"]["outputs"][0]["component"] == "json"


# --- x-autoui in the document ------------------------------------------------------------


def hinted_spec() -> dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    spec["x-autoui"] = {"title": "Hinted", "tags": {"hide": ["admin"]}}
    generate = spec["paths"]["/echo/generate"]["post"]
    generate["x-autoui"] = {"title": "Write", "output": {"field": "notes"}}
    properties = generate["requestBody"]["content"]["application/json"]["schema"]["properties"]
    properties["mode"]["x-autoui"] = {"component": "dropdown", "choices": ["fast", "slow"]}
    return spec


def test_x_autoui_hints_in_the_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = inspect(tmp_path, capsys, spec=hinted_spec())
    assert report["title"] == "Hinted"
    assert "health" not in ops(report)
    assert ops(report)["generate"]["title"] == "Write"
    assert ops(report)["generate"]["outputs"][0]["rule"] == "x-autoui"
    mode = field(report, "generate", "mode")
    assert (mode["component"], mode["rule"]) == ("dropdown", "x-autoui")
    assert report["problems"] == []


def test_the_config_file_wins_over_hints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (
        "title: Mine\noperations:\n  health: {hide: false}\n"
        "  generate:\n    fields:\n      mode: {component: textarea}\n"
    )
    report = inspect(tmp_path, capsys, config, spec=hinted_spec())
    assert report["title"] == "Mine"
    assert "health" in ops(report)
    mode = field(report, "generate", "mode")
    assert (mode["component"], mode["rule"]) == ("textarea", "config: autoui.yaml:6")


def test_a_broken_hint_is_a_problem_of_the_spec_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = copy.deepcopy(SPEC)
    generate = spec["paths"]["/echo/generate"]["post"]
    generate["x-autoui"] = {"title": "Write", "colour": "red"}
    properties = generate["requestBody"]["content"]["application/json"]["schema"]["properties"]
    properties["prompt"]["x-autoui"] = {"component": "checkbox"}
    report = inspect(tmp_path, capsys, spec=spec)
    assert field(report, "generate", "prompt")["component"] == "textarea"
    assert ops(report)["generate"]["title"] == "Generate text"
    messages = [p["message"] for p in report["problems"]]
    assert messages == [
        "x-autoui of field 'prompt': component: a checkbox edits true/false; this field is "
        "of type string (rule: component suits the field)",
        "x-autoui: colour: unknown key 'colour'; known keys: title, description, hide, "
        "fields, output, mcp (rule: additionalProperties)",
    ]
    assert {p["where"] for p in report["problems"]} == {"#/paths/~1echo~1generate/post"}


# --- what an override sends --------------------------------------------------------------


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    with serve_asgi(echo_app()) as url:
        yield url


def test_data_url_encoding_sends_the_upload_as_a_data_url(echo: str, tmp_path: Path) -> None:
    picture = tmp_path / "dot.png"
    Image.new("RGB", (2, 2), (9, 99, 199)).save(picture)
    config = {"operations": {"askAboutImage": {"fields": {"image_url": {"component": "image"}}}}}
    encoded = {
        "operations": {
            "askAboutImage": {
                "fields": {"image_url": {"component": "image", "encoding": "data_url"}}
            }
        }
    }
    api = autoui.load_spec(SPEC)
    for overrides, prefix in ((config, ""), (encoded, "data:image/png;base64,")):
        op = planned(api, load_config(overrides)).operations[1]
        dispatcher = Dispatcher(echo, uploads=[str(picture.parent)])
        reply = dispatcher.call(op, {"image_url": str(picture), "question": "what?"})
        assert reply.status == 200, reply.error
        sent = json.loads(base64.b64decode(reply.data["body"]))
        assert sent["image_url"] == prefix + base64.b64encode(picture.read_bytes()).decode()
