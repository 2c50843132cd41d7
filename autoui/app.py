"""`build_app`: the whole pipeline, from a spec source to a ready `gr.Blocks`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import gradio as gr

from autoui.builder import build_blocks
from autoui.config import Config, load_config
from autoui.dispatcher import DEFAULT_TIMEOUT, Dispatcher
from autoui.gcpause import paused_gc
from autoui.ir import Api
from autoui.loader import Source, load_spec, resolve_base_url
from autoui.loader.validate import validate_in_child
from autoui.mapper.overrides import planned

log = logging.getLogger("autoui")

DEFAULT_CONCURRENCY = 64


def build_app(
    source: Source | Api,
    base_url: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    headers: Mapping[str, str] | None = None,
    strict: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    config: str | Path | Mapping[str, Any] | Config | None = None,
    layout: str = "auto",
) -> gr.Blocks:
    """A Gradio app for every operation of the API described by `source`.

    `source` is a URL, a file path, a dict or an already loaded `Api`. Unless `strict`,
    the spec is validated in the background and its problems are logged, so a large
    spec's UI is up before the seconds its validation takes. `config` is an overrides
    file (YAML or JSON) or its content as a dict (see the README's config reference).

    `layout` is `tabs` (a tab per operation, the API endpoints in the same Blocks),
    `navigator` (a searchable list and the open operation's form; the endpoints are a
    second Blocks that `autoui.serve.asgi_app` and `autoui.mount` serve beside the page,
    see `autoui.builder.endpoints_of`) or `auto`: tabs up to TABS_LIMIT operations.
    """
    overrides = load_config(config) if config is not None else None
    with paused_gc():
        api = load_api(source, strict)
        base = resolve_base_url(api, base_url)
        dispatcher = Dispatcher(base, timeout=timeout, headers=headers, pool_size=concurrency)
        demo = assemble(api, dispatcher, base, overrides, concurrency, layout)
    if not strict and not isinstance(source, Api):
        validate_later(api)
    return demo


def load_api(source: Source | Api, strict: bool) -> Api:
    """The API of `source`; validated only when `strict` (else see `validate_later`)."""
    if isinstance(source, Api):
        return source
    return load_spec(source, strict=strict, validate_spec=strict)


def assemble(
    api: Api,
    dispatcher: Dispatcher,
    shown_base: str,
    config: Config | None,
    concurrency: int,
    layout: str = "auto",
) -> gr.Blocks:
    """The page for `api`, its calls made by `dispatcher` (`shown_base` is what the page
    says they go to)."""
    plan = planned(api, config)
    return build_blocks(
        plan, dispatcher.call, base_url=shown_base, concurrency=concurrency, layout=layout
    )


def validate_later(api: Api) -> None:
    """Validate in the background (in a child process) and log the problems.

    Started once the page is built: validating a 4 MB spec takes seconds, which the
    page need not wait for.
    """

    def run() -> None:
        problems = validate_in_child(api.schemas.document, api.schemas.dialect)
        api.problems.extend(problems)
        if problems:
            log.warning(
                "%s: %d problem(s) in the spec; the first: %s (see `autoui inspect`)",
                api.source,
                len(problems),
                problems[0],
            )
        else:
            log.info("%s: the spec is valid", api.source)

    threading.Thread(target=run, name="autoui-validate", daemon=True).start()
