"""The input side of one operation's form: its fields, laid out and wired.

Fields that belong to one alternative of a selector (a `oneOf` variant, or the fields
of one media type) sit in a `gr.Group` that is shown only while the selector has that
choice; fields of a nested object sit in an accordion titled with its path. Optional
fields start hidden, where they belong, and a button under the fields shows them
(`builder.reveal`: a form whose optional fields are not wanted loads none of their
code). A dropdown of the operation's named examples, when it has any, fills every
field, and shows them.
Everything here reads the plan: which field belongs where is decided by the mapper.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

import gradio as gr

from autoui.builder.messages import markdown
from autoui.builder.reveal import on_click, on_expand
from autoui.builder.widgets import input_component, widget_value
from autoui.mapper.calls import Issue
from autoui.mapper.naming import RAW_BODY_PARAM
from autoui.mapper.plan import Field, OperationPlan, When, holds

# The name of the page's own listeners. Gradio gives every listener a name from the
# endpoints' namespace, so a listener named after its function (`show`) would take the
# name of an operation called `show`, which would become `/show_1` for gradio_client.
# Operation names never start with "_" (see autoui.mapper.naming).
PRIVATE_NAME = "_autoui"


@dataclass
class InputArea:
    plan: OperationPlan
    components: dict[str, gr.blocks.Block]  # by api_param, selectors included
    groups: list[tuple[When, gr.Group]]
    examples: gr.Dropdown | None = None
    hidden: list[gr.blocks.Block] = dataclasses.field(default_factory=list)  # until asked for
    more: gr.Button | None = None  # shows them

    @classmethod
    def create(cls, plan: OperationPlan) -> InputArea:
        """Create the components in the current Blocks context (call `wire` after)."""
        examples = None
        if plan.examples:
            examples = gr.Dropdown(
                choices=[(e.summary or e.name, e.name) for e in plan.examples],
                value=None,
                label="Example",
                info="fills in every field from one of the API's examples",
                elem_id=f"examples-{plan.api_name}",
                interactive=True,  # said outright for a form built by `gr.render`
            )
        chosen = {f.key: str(f.default) for f in plan.fields if f.is_selector}
        components: dict[str, gr.blocks.Block] = {}
        groups: list[tuple[When, gr.Group]] = []
        hidden: list[gr.blocks.Block] = []
        for when, run in itertools.groupby(plan.fields, key=lambda f: f.when):
            if not when:
                _create(list(run), components, hidden)
                continue
            with gr.Group(visible=holds(when, chosen), elem_classes=["autoui-variant"]) as box:
                _create(list(run), components, hidden)
            groups.append((when, box))
        more = None
        if optional := sum(1 for f in plan.fields if _optional(f)):
            more = gr.Button(
                f"{optional} optional parameter{'s' if optional > 1 else ''}",
                size="sm",
                variant="secondary",
                elem_id=f"optional-{plan.api_name}",
            )
            on_click(more, hidden)
        return cls(plan, components, groups, examples, hidden, more)

    def wire(self) -> None:
        """Selectors show their alternative's groups; the examples dropdown fills the form."""
        selectors = [f for f in self.plan.fields if f.is_selector]
        if selectors and self.groups:
            inputs = [self.components[f.api_param] for f in selectors]
            boxes = [box for _, box in self.groups]
            whens = [when for when, _ in self.groups]

            def show(*choices: Any) -> list[Any]:
                chosen = {f.key: str(c) for f, c in zip(selectors, choices, strict=True)}
                return [gr.update(visible=holds(when, chosen)) for when in whens]

            for component in inputs:
                component.change(  # type: ignore[attr-defined]
                    show,
                    inputs=inputs,
                    outputs=boxes,
                    api_name=PRIVATE_NAME,
                    api_visibility="private",
                    queue=False,
                )
        if self.examples is not None:
            targets = [f for f in self.plan.fields if f.encoding not in ("base64", "file")]
            by_name = {e.name: e for e in self.plan.examples}

            # Choosing one shows the optional fields too: no value goes unseen.
            more = [self.more] if self.more is not None else []
            shown = [gr.update(visible=True) for _ in self.hidden] + [
                gr.update(visible=False)
            ] * len(more)

            def fill(name: str | None) -> list[Any]:
                example = by_name.get(name or "")
                if example is None:
                    return [gr.update() for _ in [*targets, *shown]]
                return [
                    gr.update(value=widget_value(f, example.values[f.api_param]))
                    if f.api_param in example.values
                    else gr.update()
                    for f in targets
                ] + shown

            self.examples.change(
                fill,
                inputs=self.examples,
                outputs=[*(self.components[f.api_param] for f in targets), *self.hidden, *more],
                api_name=PRIVATE_NAME,
                api_visibility="private",
                queue=False,
            )


def _optional(field: Field) -> bool:
    """A field that starts hidden: not required, and not a selector (which says which
    other fields are shown)."""
    return not field.required and not field.is_selector


def _create(
    fields: list[Field], components: dict[str, gr.blocks.Block], hidden: list[gr.blocks.Block]
) -> None:
    """Fields in order; the fields of one nested object in an accordion titled with its
    path (hidden too when all of them are). Adds what starts hidden to `hidden`."""
    for group, run in itertools.groupby(fields, key=lambda f: f.group):
        members = list(run)
        if not group:
            _inputs(members, components, hidden)
            continue
        quiet = all(_optional(f) for f in members)
        with gr.Accordion(
            group, open=True, visible=not quiet, elem_classes=["autoui-object"]
        ) as box:
            _inputs(members, components, hidden)
        hidden += [box] if quiet else []


def _inputs(
    fields: list[Field], components: dict[str, gr.blocks.Block], hidden: list[gr.blocks.Block]
) -> None:
    for f in fields:
        components[f.api_param] = input_component(f, visible=not _optional(f))
        hidden += [components[f.api_param]] if _optional(f) else []


# The form's content types to pick from (any other can be typed).
RAW_TYPES = [
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/xml",
    "application/octet-stream",
]
# The Send handler's keywords for the raw body's widgets (never an api_param).
_RAW_KEYS = ("autoui.raw.content_type", "autoui.raw.text", "autoui.raw.file")


@dataclass
class RawBodyArea:
    """The raw body (`autoui.dispatcher.raw`): a collapsed section of every form, for
    specs that under-declare a body, drawn when opened; sent only when filled."""

    components: dict[str, gr.components.Component]  # by the handler's keyword

    @classmethod
    def create(cls, plan: OperationPlan) -> RawBodyArea:
        name = plan.api_name
        with gr.Accordion("Raw body", open=False, elem_id=f"raw-body-{name}") as section:
            content_type = gr.Dropdown(
                RAW_TYPES,
                value=None,
                allow_custom_value=True,
                label="Content type",
                info="left empty: JSON if the text is JSON, else plain text; a file's own type",
                elem_id=f"raw-type-{name}",
                interactive=True,
                visible=False,
            )
            text = gr.Textbox(
                label="Body",
                info="sent as it is, in place of the body the fields above make, when the "
                "spec leaves out the body the API takes",
                lines=3,
                elem_id=f"raw-text-{name}",
                interactive=True,
                visible=False,
            )
            file = gr.File(
                label="…or a file", type="filepath", elem_id=f"raw-file-{name}", visible=False
            )
        on_expand(section, [content_type, text, file])
        return cls(dict(zip(_RAW_KEYS, (content_type, text, file), strict=True)))

    @staticmethod
    def take(values: dict[str, Any]) -> None:
        """Replace the widgets' values in `values` with the raw body's one value."""
        content_type, text, file = (values.pop(key, None) for key in _RAW_KEYS)
        if text or file:
            values[RAW_BODY_PARAM] = {"content_type": content_type, "text": text, "file": file}


@dataclass
class CheckArea:
    """Where problems found before sending are shown, with a "Send anyway" button."""

    problems: gr.Markdown
    anyway: gr.Button

    @classmethod
    def create(cls, plan: OperationPlan) -> CheckArea:
        problems = gr.Markdown(
            visible=False, elem_classes=["autoui-problems"], elem_id=f"problems-{plan.api_name}"
        )
        anyway = gr.Button(
            "Send anyway", visible=False, variant="secondary", elem_id=f"anyway-{plan.api_name}"
        )
        return cls(problems, anyway)

    @property
    def components(self) -> list[gr.components.Component]:
        return [self.problems, self.anyway]

    def show(self, issues: list[Issue]) -> dict[Any, Any]:
        return {
            self.problems: gr.update(visible=bool(issues), value=problems_markdown(issues)),
            self.anyway: gr.update(visible=bool(issues)),
        }


def problems_markdown(issues: list[Issue]) -> str:
    """The problems found before sending, one per line: where, what, which rule."""
    lines = ["**The request does not match the API's schema:**", ""]
    lines += [f"- `{i.where}`: {markdown(i.message)} *({i.rule})*" for i in issues]
    lines += ["", "Fix the fields, or use *Send anyway* to see how the API handles it."]
    return "\n".join(lines)
