"""`build_app`: the whole pipeline, from a spec source to a ready `gr.Blocks`."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from autoui.builder import build_blocks
from autoui.config import Config, load_config
from autoui.dispatcher import Dispatcher
from autoui.dispatcher.auth import Authenticator
from autoui.dispatcher.checks import check
from autoui.dispatcher.credentials import startup_secrets
from autoui.dispatcher.curl import curl_command, spec_secrets
from autoui.dispatcher.live import LiveCall
from autoui.dispatcher.options import (
    DEFAULT_CONCURRENCY,
    DEFAULT_TIMEOUT,
    MEMORY_REPLY_BYTES,
    Options,
)
from autoui.dispatcher.origins import ServerChoice
from autoui.dispatcher.sessions import DEFAULT_TTL, SessionStore
from autoui.dispatcher.transport import DEFAULT_RETRIES
from autoui.errors import ConfigError, OriginError
from autoui.gcpause import paused_gc
from autoui.ir import Api
from autoui.launch import Page
from autoui.loader import Source, load_spec, resolve_base_url
from autoui.loader.validate import validate_later
from autoui.mapper.overrides import planned

log = logging.getLogger("autoui")

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
    auth: Mapping[str, Any] | None = None,
    auth_env: Mapping[str, str] | None = None,
    allow_origins: Sequence[str] = (),
    memory_reply_bytes: int = MEMORY_REPLY_BYTES,
    session_ttl: float = DEFAULT_TTL,
    retries: int = DEFAULT_RETRIES,
    layout: str = "auto",
) -> gr.Blocks:
    """A Gradio app for every operation of the API described by `source`.

    `source` is a URL, a file path, a dict or an already loaded `Api`. Unless `strict`,
    the spec is validated in the background and its problems are logged, so a large
    spec's UI is up before the seconds its validation takes. `config` is an overrides
    file (YAML or JSON) or its content as a dict (see docs/configuration.md).
    Image URLs in replies are fetched only from the API's origins and from
    `media_origins`.

    `auth` gives start-up credentials by security scheme name (`autoui.dispatcher.auth`
    describes the values); `auth_env` is searched for `AUTOUI_AUTH_<SCHEME>` variables
    (pass `os.environ`). Both apply to every user of the page. `allow_origins` adds
    origins that calls and redirects may go to, beyond the spec's servers.

    `concurrency` is how many calls to the API run at once, over all users, whether
    they come from the page or from gradio_client; the connection pool is as large.
    `retries` is how often a failed call is retried where that is safe (see
    `autoui.dispatcher.transport`).

    `layout` is `tabs` (a tab per operation, the API endpoints in the same Blocks),
    `navigator` (a searchable list and the open operation's form; the endpoints are a
    second Blocks that the page's `launch()`, `autoui.serve.asgi_app` and `autoui.mount`
    serve beside the page, see `autoui.launch`) or `auto`: tabs up to TABS_LIMIT
    operations.
    """
    options = Options(
        timeout=timeout,
        headers=dict(headers or {}),
        concurrency=concurrency,
        retries=retries,
        memory_reply_bytes=memory_reply_bytes,
        media_origins=tuple(media_origins),
        allow_origins=tuple(allow_origins),
        auth=auth,
        auth_env=auth_env,
        session_ttl=session_ttl,
    )
    return build_page(source, base_url, options, strict=strict, config=config, layout=layout)


def build_page(
    source: Source | Api,
    base_url: str | None,
    options: Options,
    *,
    strict: bool = False,
    config: str | Path | Mapping[str, Any] | Config | None = None,
    layout: str = "auto",
) -> gr.Blocks:
    """`build_app` with the options of its calls as one `Options` (`autoui serve` builds
    it from its flags)."""
    overrides = load_config(config) if config is not None else None
    with paused_gc():
        api = load_api(source, strict)
        servers = choose_servers(api, base_url, options.allow_origins)
        base = servers.expand(0)
        dispatcher = make_dispatcher(api, base, options, servers=servers)
        demo = assemble(api, dispatcher, base, overrides, options.concurrency, layout)
    if not strict and not isinstance(source, Api):
        validate_later(api)
    return demo


def load_api(source: Source | Api, strict: bool) -> Api:
    """The API of `source`; validated only when `strict` (else see `validate_later`)."""
    if isinstance(source, Api):
        return source
    return load_spec(source, strict=strict)


def choose_servers(api: Api, base_url: str | None, allow_origins: Sequence[str]) -> ServerChoice:
    """The servers a user may pick and the origins calls may go to; ConfigError if none."""
    resolve_base_url(api, base_url)  # the message for a spec without a usable server
    try:
        servers = ServerChoice.create(
            api.servers,
            api.operations,
            base_url=base_url,
            allow=allow_origins,
            spec_source=api.source,
        )
        for problem in servers.problems:
            log.warning("%s: %s", api.source, problem)
        if not servers.servers:
            raise ConfigError(f"no usable server: {'; '.join(servers.problems)}")
        servers.expand(0)
    except OriginError as exc:
        raise ConfigError(str(exc)) from None
    return servers


def make_dispatcher(
    api: Api, base: str, options: Options, *, servers: ServerChoice | None = None
) -> Dispatcher:
    """The dispatcher for `api`, with its per-session credentials and start-up ones.

    Without `servers`, calls may go to `base`'s origin only (which may be learned later:
    `autoui.mount` sets `dispatcher.base_url` from the first request).
    """
    secrets = startup_secrets(api, options.auth, options.auth_env)
    if secrets:
        log.warning(
            "start-up credentials for %s apply to every user of this page",
            ", ".join(sorted(secrets)),
        )
    authenticator = Authenticator(
        api,
        SessionStore(options.session_ttl),
        startup=secrets,
        base_url=base,
        timeout=options.timeout,
    )
    return Dispatcher(
        base,
        options,
        spool_dir=get_upload_folder(),
        uploads=[get_upload_folder()],
        servers=servers,
        auth=authenticator,
    )


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
        dispatcher=dispatcher,
        check=check,
        curl=curl_command,
        notes=notes,
        layout=layout,
        page_class=Page,
    )
