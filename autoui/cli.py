"""The `autoui` command: serve, inspect, demo.

Errors a user can fix (an unreachable spec, broken YAML, a missing base URL) are
printed as one line and exit with status 2; they never show a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from autoui.cli_args import EXIT_USAGE, parse_auth, parse_headers, parse_ui_auth, parser
from autoui.errors import AutouiError, ConfigError

if TYPE_CHECKING:
    import gradio as gr
    from fastapi import FastAPI

log = logging.getLogger("autoui")


def _serve(args: argparse.Namespace) -> int:
    if args.concurrency < 1 or args.retries < 0:
        raise ConfigError("--concurrency must be at least 1 and --retries at least 0")
    from autoui.app import build_page
    from autoui.dispatcher.credentials import ENV_PREFIX
    from autoui.dispatcher.options import Options

    _check_mcp(args.mcp)
    headers = parse_headers(args.header)
    auth = parse_auth(args.auth)
    options = Options(
        timeout=args.timeout,
        headers=headers,
        concurrency=args.concurrency,
        retries=args.retries,
        memory_reply_bytes=args.max_reply_memory,
        media_origins=tuple(args.media_origin),
        allow_origins=tuple(args.allow_origin),
        auth=auth,
        auth_env=os.environ,
    )

    def make() -> gr.Blocks:
        return build_page(
            args.spec,
            args.base_url,
            options,
            strict=args.strict,
            config=args.config,
            layout=args.layout,
        )

    shared = [*auth, *(v for v in os.environ if v.startswith(ENV_PREFIX)), *headers]
    _serve_page(args, make, shared, concurrency=args.concurrency, reload=args.reload)
    return 0


def _serve_page(
    args: argparse.Namespace,
    make: Callable[[], gr.Blocks],
    shared: Sequence[str] = (),
    *,
    concurrency: int = 64,
    reload: bool = False,
) -> None:
    """Serve the page `make` builds, with the page options (--ui-auth, --share, --mcp,
    --max-file-size) and the warnings they call for."""
    from autoui.gcpause import freeze_after_builds
    from autoui.serve import asgi_app, listen, serve, share

    freeze_after_builds()
    ui_auth = parse_ui_auth(args.ui_auth)
    if args.share and reload:
        raise ConfigError("--share cannot be combined with --reload")
    sock = listen(args.host, args.port)
    if args.share:
        sock.close()  # Gradio's launch() binds the port itself
        demo = make()
        _announce(args.host, args.port, args.mcp)
        share(
            demo,
            host=args.host,
            port=args.port,
            auth=ui_auth,
            mcp=args.mcp,
            concurrency=concurrency,
            max_file_size=args.max_file_size,
            shared_credentials=shared,
        )
        return

    def build() -> tuple[gr.Blocks, FastAPI]:
        demo = make()
        page = asgi_app(
            demo,
            auth=ui_auth,
            mcp=args.mcp,
            concurrency=concurrency,
            max_file_size=args.max_file_size,
        )
        return demo, page

    if reload:
        from autoui.reload import ReloadingApp, SpecWatcher, watched_sources

        app: Any = ReloadingApp(build, SpecWatcher(watched_sources(args.spec, args.config)))
    else:
        app = build()[1]
    _announce(args.host, args.port, args.mcp)
    serve(app, sock, login=ui_auth is not None, shared_credentials=shared)


def _check_mcp(wanted: bool) -> None:
    if not wanted:
        return
    if importlib.util.find_spec("mcp") is None:
        raise ConfigError("--mcp needs the MCP package: pip install 'autoui[mcp]'")
    from autoui.builder.mcp_tools import check_mcp_server

    try:
        check_mcp_server()
    except ConfigError as exc:
        raise ConfigError(f"--mcp: {exc}") from None


def _inspect(args: argparse.Namespace) -> int:
    from autoui.config import load_config
    from autoui.loader import load_spec, resolve_base_url
    from autoui.mapper.overrides import planned
    from autoui.report import json_report, text_report

    config = load_config(args.config) if args.config else None
    api = load_spec(args.spec, strict=args.strict, validate=True)
    try:
        base_url = resolve_base_url(api, args.base_url)
    except ConfigError:
        base_url = ""
    plan = planned(api, config)
    print(json_report(plan, base_url) if args.json else text_report(plan, base_url))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from autoui.app import build_app
    from autoui.demo import start_example_api
    from autoui.serve import listen

    _check_mcp(args.mcp)
    parse_ui_auth(args.ui_auth)  # a bad value fails before the example API starts
    listen(args.host, args.port).close()  # so does a port in use
    api_url = start_example_api()
    log.warning("example model API running at %s (its docs: %s/docs)", api_url, api_url)
    _serve_page(
        args,
        lambda: build_app(f"{api_url}/openapi.json", config=args.config, layout=args.layout),
    )
    return 0


def _announce(host: str, port: int, mcp: bool = False) -> None:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    log.warning("the UI is at http://%s:%d  (Ctrl+C to stop)", shown, port)
    if mcp:
        log.warning("MCP server (streamable HTTP): http://%s:%d/gradio_api/mcp/", shown, port)


_COMMANDS = {"serve": _serve, "inspect": _inspect, "demo": _demo}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    quiet, verbose = getattr(args, "quiet", False), getattr(args, "verbose", False)
    level = logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(name)s: %(message)s")
    # urllib3 tells of each retry at WARNING (`Retrying (RetryPolicy(...)) after ...`):
    # its internals; the call's own line says how it ended.
    logging.getLogger("urllib3").setLevel(max(level, logging.ERROR))
    try:
        return _COMMANDS[args.command](args)
    except AutouiError as exc:
        print(f"autoui: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
