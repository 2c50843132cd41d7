"""`build_app`: the whole pipeline, from a spec source to a ready `gr.Blocks`."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr

from autoui.builder import build_blocks
from autoui.config import Config, load_config
from autoui.dispatcher import DEFAULT_TIMEOUT, Dispatcher
from autoui.dispatcher.curl import spec_secrets
from autoui.dispatcher.live import LiveCall
from autoui.dispatcher.transport import DEFAULT_RETRIES
from autoui.ir import Api
from autoui.loader import Source, load_spec, resolve_base_url
from autoui.loader.validate import validate
from autoui.mapper.overrides import planned

log = logging.getLogger("autoui")

DEFAULT_CONCURRENCY = 64
# Gradio builds about 20-40 operations a second here, and a page of thousands of forms
# is already slow to open: past this many, the page holds the first ones and says so
# (`autoui inspect` still lists them all).
MAX_OPERATIONS = 2000


def build_app(
    source: Source | Api,
    base_url: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    headers: Mapping[str, str] | None = None,
    strict: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    config: str | Path | Mapping[str, Any] | Config | None = None,
    media_origins: Iterable[str] = (),
    retries: int = DEFAULT_RETRIES,
) -> gr.Blocks:
    """A Gradio app for every operation of the API described by `source`.

    `source` is a URL, a file path, a dict or an already loaded `Api`. Unless `strict`,
    the spec is validated in the background and its problems are logged, so a large
    spec's UI is up before the seconds its validation takes. `config` is an overrides
    file (YAML or JSON) or its content as a dict (see the README's config reference).
    Image URLs in replies are fetched only from the API's own origin and from
    `media_origins`.

    `concurrency` is how many calls to the API run at once, over all users, whether
    they come from the page or from gradio_client; the connection pool is as large.
    `retries` is how often a failed call is retried where that is safe (see
    `autoui.dispatcher.transport`).
    """
    overrides = load_config(config) if config is not None else None
    api = load_api(source, strict)
    base = resolve_base_url(api, base_url)
    dispatcher = Dispatcher(
        base,
        timeout=timeout,
        headers=headers,
        pool_size=concurrency,
        media_origins=media_origins,
        retries=retries,
    )
    return assemble(api, dispatcher, base, overrides, concurrency)


def load_api(source: Source | Api, strict: bool) -> Api:
    if isinstance(source, Api):
        return source
    api = load_spec(source, strict=strict, validate_spec=strict)
    if not strict:
        _validate_later(api)
    return api


def assemble(
    api: Api, dispatcher: Dispatcher, shown_base: str, config: Config | None, concurrency: int
) -> gr.Blocks:
    """The page for `api`, its calls made by `dispatcher` (`shown_base` is what the page
    says they go to)."""
    notes = []
    if len(api.operations) > MAX_OPERATIONS:
        notes.append(
            f"This API has {len(api.operations):,} operations; this page shows the first "
            f"{MAX_OPERATIONS:,}."
        )
        log.warning("%s: %s", api.source, notes[-1])
        api = dataclasses.replace(api, operations=api.operations[:MAX_OPERATIONS])
    plan = planned(api, config)
    dispatcher.secrets = dispatcher.secrets | spec_secrets(api)  # kept out of curl commands
    return build_blocks(
        plan,
        dispatcher.call,
        base_url=shown_base,
        concurrency=concurrency,
        start=partial(LiveCall, dispatcher),
        notes=notes,
    )


def _validate_later(api: Api) -> None:
    def run() -> None:
        problems = validate(api.schemas.document, api.schemas.dialect)
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
