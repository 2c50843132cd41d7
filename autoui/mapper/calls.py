"""What the page asks of the dispatcher, declared on the plan's side: the builder and
the dispatcher are siblings over the plan and never import each other, so the page gets
these from the assembly (`autoui.app.assemble`), which passes the dispatcher's.

- a call (`CallFn`, `StartFn` in `builder.endpoints`) and the check before it
  (`CheckFn`: `dispatcher.checks.check`, whose `Issue`s the form shows);
- the request a call sent, as a command to paste into a terminal
  (`CurlFn`: `dispatcher.curl.curl_command`);
- the per-session settings the page offers (`Backend`: a `dispatcher.Dispatcher`): the
  server calls go to (a refused one raises `autoui.errors.OriginError`), credentials
  (`Authorizer`: `dispatcher.auth.Authenticator`, raising `autoui.errors.AuthProblem`)
  and the session's end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from autoui.ir import SecurityScheme, Server
from autoui.mapper.plan import OperationPlan
from autoui.mapper.sent import SentRequest


@dataclass(frozen=True)
class Issue:
    """One broken rule: where (a field's label or a body path), which rule, what."""

    where: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message} ({self.rule})"


def message(issues: list[Issue]) -> str:
    """All issues as one message (for gradio_client callers)."""
    return "the request does not match the API's schema: " + "; ".join(map(str, issues))


class CheckFn(Protocol):
    """Every problem with sending `values` for `plan`, or [] when there is none."""

    def __call__(self, plan: OperationPlan, values: Mapping[str, Any]) -> list[Issue]: ...


class CurlFn(Protocol):
    """`sent` as a curl command; credentials the user typed shown only with `reveal`."""

    def __call__(self, sent: SentRequest, reveal: bool = False) -> str: ...


class Servers(Protocol):
    """The servers a user may pick (`dispatcher.origins.ServerChoice`)."""

    @property
    def servers(self) -> Sequence[Server]: ...

    @property
    def pinned(self) -> bool: ...


class Sessions(Protocol):
    def forget(self, session: str | None) -> None: ...


class Authorizer(Protocol):
    """Each session's credentials, by security scheme name."""

    @property
    def schemes(self) -> Mapping[str, SecurityScheme]: ...

    def available(self, session: str | None) -> set[str]: ...

    def status(self, session: str | None) -> dict[str, str]: ...

    def authorize(self, session: str | None, given: Mapping[str, Any]) -> dict[str, str]: ...


class Backend(Protocol):
    """The per-session settings behind the page's Server and Authorize panels."""

    @property
    def base_url(self) -> str: ...

    @property
    def servers(self) -> Servers: ...

    @property
    def sessions(self) -> Sessions: ...

    @property
    def auth(self) -> Authorizer | None: ...

    def server_of(self, session: str | None) -> str: ...

    def choose_server(
        self, session: str | None, index: int, variables: Mapping[str, str] | None = None
    ) -> str: ...
