"""The server selector: which of the spec's servers this session's calls go to.

Each server variable gets a dropdown when the spec lists its values (`enum`) and a text
box only when it does not; the dispatcher checks the result against the API's origins
(`dispatcher.origins`, through `mapper.calls.Backend`), so no value typed here can send
a request to another host. The choice belongs to the session (the browser tab, or a
gradio_client through `/autoui_server`), like its credentials.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gradio as gr

from autoui.builder.endpoints import add_session_endpoint, own_session, session_of
from autoui.builder.messages import markdown
from autoui.errors import OriginError
from autoui.ir import Server
from autoui.mapper.calls import Backend

SERVER_API = "autoui_server"


def needs_selector(dispatcher: Backend) -> bool:
    servers = dispatcher.servers.servers
    return not dispatcher.servers.pinned and (len(servers) > 1 or bool(servers[0].variables))


def where_markdown(url: str) -> str:
    return markdown(f"Requests go to {url}.")


def _label(server: Server) -> str:
    return f"{server.url} ({server.description})" if server.description else server.url


def _variable_update(server: Server, name: str) -> Any:
    variable = server.variables.get(name)
    if variable is None:
        return gr.update(visible=False)
    if variable.enum:
        return gr.update(visible=True, choices=variable.enum, value=variable.default)
    return gr.update(visible=True, value=variable.default)


def server_panel(dispatcher: Backend) -> None:
    """Create the selector in the current Blocks context, with its API endpoint."""
    servers = dispatcher.servers.servers
    names = list(dict.fromkeys(name for s in servers for name in s.variables))
    first = servers[0]
    with gr.Accordion("Server", open=True, elem_id="autoui-server"):
        choice = gr.Dropdown(
            [(_label(s), i) for i, s in enumerate(servers)],
            value=0,
            label="Server",
            elem_id="autoui-server-choice",
        )
        variables: dict[str, gr.Dropdown | gr.Textbox] = {}
        for number, name in enumerate(names):
            owner = next(s for s in servers if name in s.variables)
            variable = owner.variables[name]
            common: dict[str, Any] = {
                "label": name,
                "info": variable.description or None,
                "visible": name in first.variables,
                "elem_id": f"autoui-server-var-{number}",
            }
            variables[f"v{number}"] = (
                gr.Dropdown(variable.enum, value=variable.default, **common)
                if variable.enum
                else gr.Textbox(value=variable.default, **common)
            )
        where = gr.Markdown(where_markdown(dispatcher.base_url), elem_id="autoui-server-where")
    keys = dict(zip(variables, names, strict=True))

    def on_server(autoui_request: gr.Request, index: int | None) -> dict[Any, Any]:
        server = servers[index or 0]
        updates: dict[Any, Any] = {
            variables[key]: _variable_update(server, name) for key, name in keys.items()
        }
        defaults = {name: var.default for name, var in server.variables.items()}
        return {**updates, where: _choose(autoui_request, index or 0, defaults)}

    def on_variable(autoui_request: gr.Request, index: int | None, **values: Any) -> str:
        given = {name: values.get(key) for key, name in keys.items()}
        return _choose(autoui_request, index or 0, given)

    def _choose(request: gr.Request, index: int, values: Mapping[str, Any]) -> str:
        server = servers[index]
        chosen = {k: str(v) for k, v in values.items() if k in server.variables and v is not None}
        session = session_of(request)
        try:
            return where_markdown(dispatcher.choose_server(session, index, chosen))
        except OriginError as exc:
            kept = where_markdown(dispatcher.server_of(session))
            return f"**Not changed** · {markdown(str(exc))}  \n{kept}"

    choice.change(
        on_server, inputs=[choice], outputs=[where, *variables.values()], api_visibility="private"
    )
    for component in variables.values():
        component.change(
            on_variable,
            inputs=[choice],
            inputs_kwargs=dict(variables),
            outputs=[where],
            api_visibility="private",
        )
    add_server_endpoint(dispatcher)


def add_server_endpoint(dispatcher: Backend) -> None:
    urls = [s.url for s in dispatcher.servers.servers]

    def autoui_server(
        autoui_request: gr.Request, server: str, variables: dict[str, str] | None = None
    ) -> str:
        """Send this session's calls to `server` (one of the spec's server URLs, as
        written there), with `variables` for its server variables. Returns the base URL.

        Args:
            server: one of the spec's server URLs
            variables: values for the server's variables (defaults for the others)
        """
        if server not in urls:
            raise gr.Error(
                f"{server!r} is not one of the API's servers ({', '.join(urls)})",
                print_exception=False,
            )
        try:
            return dispatcher.choose_server(
                own_session(autoui_request), urls.index(server), variables or {}
            )
        except OriginError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    add_session_endpoint(autoui_server, SERVER_API)
