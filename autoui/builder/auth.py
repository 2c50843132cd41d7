"""The Authorize panel, the per-operation "needs" badges, and the credential endpoints.

Credentials typed into the page go to the server's `SessionStore` under the tab's
Gradio session id, so they belong to that tab only; `gradio_client` sessions set theirs
through the `/autoui_authorize` endpoint. The tab's session ends on Gradio's `unload`
event, and its credentials go with it.

Whether an operation's requirement is met is shown without one output per operation
(a spec may have a thousand): each badge carries a class naming its requirement
(`autoui-req-3`), and one `<style>` element, rewritten for the session whenever its
credentials change, shows "authorized" or "not authorized" for each requirement.

"Remember in this browser" is opt-in: it keeps the credentials in the browser's local
storage (Gradio's `BrowserState`, whose encryption key is in the page itself, so it
is not secret storage), to restore them when the tab is reloaded. Forgetting writes an
empty object: Gradio does not write a `None` to the storage, which would leave the old
credentials there.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from autoui.builder.endpoints import add_session_endpoint, own_session, session_of
from autoui.builder.messages import markdown
from autoui.builder.present import safe_markdown
from autoui.builder.reveal import on_expand
from autoui.builder.widgets import style_element
from autoui.errors import AuthProblem
from autoui.ir import SecurityRequirement, SecurityScheme
from autoui.mapper.calls import Authorizer
from autoui.mapper.plan import AppPlan, OperationPlan
from autoui.mapper.security import (
    describe,
    describe_scheme,
    kind_of,
    requirements_of,
    satisfies,
)

AUTHORIZE_API = "autoui_authorize"
LOGOUT_API = "autoui_logout"
RESTORE_ID = "autoui-restore"
RESTORE_JS = (
    "(stored) => { if (stored && typeof stored === 'object' && Object.keys(stored).length) "
    f"document.getElementById({json.dumps(RESTORE_ID)}).click(); }}"
)
# In the page's stylesheet, where Gradio repeats each rule under its container's classes;
# the session's rules (`Requirements.style`) beat those with `!important`.
AUTH_CSS = (
    ".autoui-style,.autoui-restore{display:none!important}"
    ".autoui-auth-ok{display:none;color:#15803d}.autoui-auth-missing{color:#b45309}"
    ".autoui-lock{font-size:0.9em}"
)
# What the page asks for, per kind of scheme: (field, label, masked).
_FIELDS: dict[str, list[tuple[str, str, bool]]] = {
    "apiKey": [("value", "API key", True)],
    "http": [("value", "Token", True)],
    "basic": [("username", "Username", False), ("password", "Password", True)],
}


@dataclass
class Requirements:
    """The distinct security requirements of the operations, numbered for the badges."""

    lists: list[list[SecurityRequirement]] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: AppPlan) -> Requirements:
        found = cls()
        for op in plan.operations:
            found.number(requirements_of(plan.api, op.operation))
        return found

    def number(self, requirements: list[SecurityRequirement]) -> int:
        key = json.dumps(requirements, sort_keys=True)
        if key not in self.index:
            self.index[key] = len(self.lists)
            self.lists.append(requirements)
        return self.index[key]

    def style(self, available: set[str]) -> str:
        """The `<style>` that marks each requirement the session meets as authorized."""
        met = [i for i, reqs in enumerate(self.lists) if satisfies(reqs, available)]
        rules = "".join(
            f".autoui-req-{i} .autoui-auth-ok{{display:inline!important}}"
            f".autoui-req-{i} .autoui-auth-missing{{display:none!important}}"
            for i in met
        )
        return f"<style>{rules}</style>"

    def badge(self, plan: AppPlan, op: OperationPlan) -> str:
        """HTML for an operation's header: what it needs, and whether the session has it."""
        requirements = requirements_of(plan.api, op.operation)
        needs = describe(requirements)
        if not needs:
            return ""
        return (
            f'<div class="autoui-lock autoui-req-{self.number(requirements)}">'
            f"🔒 Needs {html.escape(needs)} · "
            '<span class="autoui-auth-ok">✓ authorized</span>'
            '<span class="autoui-auth-missing">✗ not authorized: see Authorize</span></div>'
        )


@dataclass
class AuthPanel:
    """The components of the Authorize panel and the page-wide badge style."""

    auth: Authorizer
    requirements: Requirements
    style: gr.Markdown
    fields: dict[str, tuple[str, str, gr.components.Component]]  # key -> (scheme, field, c)
    remember: gr.Checkbox | None = None
    status: gr.Markdown | None = None
    stored: gr.BrowserState | None = None
    undeclared: dict[str, gr.Textbox] = field(default_factory=dict)  # by _UNDECLARED key

    @property
    def outputs(self) -> list[gr.components.Component]:
        items = [self.style, self.status, self.remember, self.stored]
        return (
            [c for c in items if c is not None]
            + [c for _, _, c in self.fields.values()]
            + list(self.undeclared.values())
        )

    def given(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The form's values grouped by scheme: `{scheme: {field: value}}`, and the
        credentials the spec does not declare by their names (`basic`, `header:X`)."""
        grouped: dict[str, dict[str, Any]] = {name: {} for name in self.auth.schemes}
        for key, (scheme, name, _) in self.fields.items():
            if scheme in grouped and name:
                grouped[scheme][name] = values.get(key)
        found: dict[str, Any] = {
            k: v for k, v in grouped.items() if kind_of(self.auth.schemes[k]) != "unsupported"
        }
        if self.undeclared:
            extra = undeclared_given({k: values.get(k) for k in _UNDECLARED})
            found.update({k: v for k, v in extra.items() if k not in self.auth.schemes})
        return found

    def updates(self, session: str | None, *, message: str = "") -> dict[Any, Any]:
        out: dict[Any, Any] = {self.style: self.requirements.style(self.auth.available(session))}
        if self.status is not None:
            out[self.status] = status_markdown(self.auth.status(session), message)
        return out


def status_markdown(status: Mapping[str, str], message: str = "") -> str:
    lines = [f"**Error** · {markdown(message)}"] if message else []
    for name, text in status.items():
        ok = text.startswith("set ")
        lines.append(f"- {'✓' if ok else '✗'} **{markdown(name)}**: {markdown(text)}")
    return "\n".join(lines)


# The fields for credentials the spec does not declare: (key, label, masked).
_UNDECLARED = {
    "u_basic_user": ("Basic: username", False),
    "u_basic_password": ("Basic: password", True),
    "u_bearer": ("Bearer token", True),
    "u_key_header": ("API key header, e.g. X-API-Key", False),
    "u_key": ("API key", True),
}


def undeclared_given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The undeclared credentials the fields hold, by name (`basic`, `bearer`, `header:X`);
    an empty one clears what this tab had set."""
    user, password = values.get("u_basic_user"), values.get("u_basic_password")
    given: dict[str, Any] = {
        "basic": {"username": user, "password": password} if user else None,
        "bearer": values.get("u_bearer") or None,
    }
    header = str(values.get("u_key_header") or "").strip()
    if header:
        given[f"header:{header}"] = values.get("u_key") or None
    return given


def _undeclared_group(panel: AuthPanel) -> None:
    """Credentials the spec forgot: sent with every call, marked as not declared."""
    with gr.Accordion(
        "Credentials the spec does not declare",
        open=not panel.auth.schemes,
        elem_id="autoui-undeclared",
    ):
        gr.Markdown(
            "For an API that needs credentials its spec does not mention: each one set "
            "here goes with every call."
        )
        with gr.Row():
            for key, (label, masked) in _UNDECLARED.items():
                panel.undeclared[key] = gr.Textbox(
                    label=label,
                    type="password" if masked else "text",
                    elem_id=f"autoui-{key.replace('_', '-')}",
                    min_width=160,
                )


def scheme_fields(scheme: SecurityScheme) -> list[tuple[str, str, bool]]:
    kind = kind_of(scheme)
    if kind in _FIELDS:
        return _FIELDS[kind]
    if kind not in ("oauth2", "openIdConnect"):
        return []
    flows = scheme.flows if kind == "oauth2" else {"password": {}, "clientCredentials": {}}
    found: list[tuple[str, str, bool]] = []
    if "clientCredentials" in flows or "password" in flows:
        found += [("client_id", "Client id", False), ("client_secret", "Client secret", True)]
    if "password" in flows:
        found += [("username", "Username", False), ("password", "Password", True)]
    return [*found, ("access_token", "…or an access token", True)]


def _scopes(scheme: SecurityScheme) -> list[str]:
    names: dict[str, None] = {}
    for flow in scheme.flows.values():
        if isinstance(flow, Mapping) and isinstance(flow.get("scopes"), Mapping):
            names.update(dict.fromkeys(str(s) for s in flow["scopes"]))
    return list(names)


def authorize_panel(demo: gr.Blocks, plan: AppPlan, auth: Authorizer) -> AuthPanel:
    """Create the panel in `demo`, where it is placed (only the style if no schemes)."""
    requirements = Requirements.of(plan)
    style = style_element(requirements.style(auth.available(None)))
    panel = AuthPanel(auth, requirements, style, {})
    with gr.Accordion("Authorize", open=False, elem_id="autoui-authorize") as section:
        gr.Markdown(_intro(auth))
        for number, (name, scheme) in enumerate(auth.schemes.items()):
            _scheme_group(panel, number, name, scheme)
        _undeclared_group(panel)
        panel.remember = gr.Checkbox(
            False,
            label="Remember in this browser",
            info="Off by default. Keeps what you typed in this browser's local storage, "
            "readable by anyone who uses this browser profile, to restore it when you "
            "reload the page.",
            elem_id="autoui-remember",
            visible=False,  # drawn when opened (`builder.reveal`)
        )
        with gr.Row():
            authorize = gr.Button("Authorize", variant="primary", elem_id="autoui-authorize-button")
            logout = gr.Button("Log out", elem_id="autoui-logout-button")
        panel.status = gr.Markdown(status_markdown(auth.status(None)), elem_id="autoui-auth-status")
    digest = hashlib.sha256(f"{plan.api.source}|{plan.title}".encode()).hexdigest()[:12]
    on_expand(section, [panel.remember])
    panel.stored = gr.BrowserState(None, storage_key=f"autoui-credentials-{digest}")
    restore = gr.Button("restore", elem_id=RESTORE_ID, elem_classes=["autoui-restore"])
    _wire(demo, panel, authorize, logout, restore)
    return panel


def _intro(auth: Authorizer) -> str:
    text = (
        "Credentials typed here stay on the server, in memory, for this browser tab only: "
        "other users of this page never see or use them, and they are gone when you "
        "close the tab."
    )
    shared = sorted(auth.available(None))
    if shared:
        text += (
            f" Start-up credentials for {', '.join(markdown(s) for s in shared)} apply to every "
            "user; a value typed here replaces them for this tab."
        )
    return text


def _scheme_group(panel: AuthPanel, number: int, name: str, scheme: SecurityScheme) -> None:
    with gr.Group():
        heading = f"**{markdown(name)}** · {markdown(describe_scheme(scheme))}"
        if scheme.description:
            heading += "\n\n" + safe_markdown(scheme.description.strip())
        gr.Markdown(heading, padding=True)
        with gr.Row():
            for key, label, masked in scheme_fields(scheme):
                panel.fields[f"s{number}_{key}"] = (
                    name,
                    key,
                    gr.Textbox(
                        label=label,
                        type="password" if masked else "text",
                        elem_id=f"autoui-auth-{number}-{key}",
                        min_width=160,
                    ),
                )
        scopes = _scopes(scheme)
        if scopes and kind_of(scheme) == "oauth2":
            panel.fields[f"s{number}_scopes"] = (
                name,
                "scopes",
                gr.Dropdown(
                    scopes,
                    multiselect=True,
                    label="Scopes (none chosen: those the operations need)",
                    elem_id=f"autoui-auth-{number}-scopes",
                ),
            )


def _wire(
    demo: gr.Blocks,
    panel: AuthPanel,
    authorize: gr.Button,
    logout: gr.Button,
    restore: gr.Button,
) -> None:
    auth = panel.auth
    inputs: dict[str, gr.blocks.Block] = {k: c for k, (_, _, c) in panel.fields.items()}
    inputs.update(panel.undeclared)
    assert panel.remember is not None and panel.stored is not None and panel.status is not None

    def on_authorize(autoui_request: gr.Request, remember: bool, **values: Any) -> dict[Any, Any]:
        session = session_of(autoui_request)
        given = panel.given(values)
        try:
            auth.authorize(session, given)
        except AuthProblem as exc:
            return panel.updates(session, message=str(exc))
        return {**panel.updates(session), panel.stored: given if remember else {}}

    def on_logout(autoui_request: gr.Request) -> dict[Any, Any]:
        session = session_of(autoui_request)
        auth.authorize(session, dict.fromkeys(auth.status(session)))
        typed = [*(c for _, _, c in panel.fields.values()), *panel.undeclared.values()]
        cleared = dict.fromkeys(typed)
        return {**panel.updates(session), panel.stored: {}, panel.remember: False, **cleared}

    def on_load(autoui_request: gr.Request, stored: Any) -> dict[Any, Any]:
        """Restore credentials this browser was asked to remember."""
        session = session_of(autoui_request)
        if not isinstance(stored, Mapping) or not stored:
            return panel.updates(session)
        try:
            auth.authorize(session, stored)
        except AuthProblem as exc:
            return {**panel.updates(session, message=str(exc)), panel.stored: {}}
        fields = {
            component: stored.get(scheme, {}).get(name)
            for scheme, name, component in panel.fields.values()
            if isinstance(stored.get(scheme), Mapping)
        }
        return {**panel.updates(session), panel.remember: True, **fields}

    authorize.click(
        on_authorize,
        inputs=[panel.remember],
        inputs_kwargs=inputs,
        outputs=[panel.style, panel.status, panel.stored],
        api_visibility="private",
    )
    logout.click(on_logout, outputs=panel.outputs, api_visibility="private")
    # A page opens with no session credentials, which is what it was drawn with: the
    # server is asked only when this browser has some to restore (a round trip on every
    # page load otherwise, before the page counts as loaded).
    restore.click(on_load, inputs=[panel.stored], outputs=panel.outputs, api_visibility="private")
    demo.load(None, inputs=[panel.stored], js=RESTORE_JS)


def add_auth_endpoints(auth: Authorizer) -> None:
    """`/autoui_authorize` and `/autoui_logout`, for gradio_client sessions (not MCP)."""

    def autoui_authorize(autoui_request: gr.Request, credentials: dict[str, Any]) -> dict[str, str]:
        """Set this session's credentials: {scheme name: value}; an empty value clears one.

        A value is a string ("the-key", "user:password", "client_id:client_secret") or an
        object (username, password, client_id, client_secret, scopes, access_token).
        Returns each scheme's state. Other sessions never see or use these credentials.

        Args:
            credentials: {scheme name: value} for the schemes to set or clear
        """
        try:
            status = auth.authorize(own_session(autoui_request), credentials)
        except AuthProblem as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        refused = [
            status[k] for k, v in credentials.items() if v and not status[k].startswith("set")
        ]
        if refused:  # e.g. the token endpoint's refusal, which names the scheme
            raise gr.Error(refused[0], print_exception=False)
        return status

    def autoui_logout(autoui_request: gr.Request) -> dict[str, str]:
        """Clear this session's credentials (start-up ones stay). Returns each scheme's state."""
        session = own_session(autoui_request)
        auth.authorize(session, dict.fromkeys(auth.schemes))
        return auth.status(session)

    add_session_endpoint(autoui_authorize, AUTHORIZE_API)
    add_session_endpoint(autoui_logout, LOGOUT_API)
