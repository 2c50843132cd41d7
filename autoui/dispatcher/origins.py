"""Where requests may go: the API's own origins, and the server a user picked among them.

autoui sends requests on behalf of whoever opens the page, with the start-up
credentials attached, so the set of hosts it will talk to is fixed when it starts: the
origins of the spec's servers (every `enum` value of their variables), `--base-url`, and
whatever `--allow-origin` adds. Nothing a page user types (a server variable, a field
value, a redirect the API answers with) can add to that set.

A spec read from a public URL may not point autoui at a private, loopback or link-local
address (a cloud metadata service, an admin port on the autoui host): such a server is
left out unless the operator allows it with `--allow-origin` or `--base-url`.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from autoui.errors import OriginError
from autoui.ir import Operation, Server

_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_COMBINATIONS = 1000
_VARIABLE = re.compile(r"\{([^{}]+)\}")
# What a free-text server variable may hold in the path part of a URL: no query,
# fragment, backslash, whitespace or control characters.
_PATH_TEXT = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$")
# ... and in the host part: a host name, an IP address or a port, nothing else (no `@`,
# which would turn the rest into user information and the host into something else).
_HOST_TEXT = re.compile(r"^[A-Za-z0-9\-.:\[\]]*$")


# What may not appear anywhere in a URL autoui sends to: a backslash (WHATWG parsers, and
# urllib.parse for the host, read it as `/`; urllib3 ends the host there), spaces and
# control characters (urllib.parse drops tabs and line breaks, urllib3 keeps them).
_UNSAFE = re.compile(r"[\\\x00-\x20\x7f]")
# A host name as urllib3 gives it: ASCII labels (punycode for others), maybe a final dot.
_HOST_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$")
# A label that makes WHATWG parsers (and inet_aton) read a host as an IPv4 address.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


def origin(url: str) -> str:
    """`scheme://host[:port]` of `url` as urllib3 reads it (it sends every request), in a
    canonical form: lower case, default port left out, IPv6 compressed.

    This is the one rule by which autoui judges a URL: a request goes out only when the
    origin of the URL exactly as it will be sent is allowed. Raises OriginError for a URL
    that is not absolute http(s), and for one that URL parsers could read as different
    hosts (so that the host judged is the host reached): a backslash, a space or a control
    character anywhere, user information (`user@`), a percent sign or a non-ASCII letter
    in the host, an IPv4 address in any but its dotted decimal form (`2130706433`,
    `0177.0.0.1`, `127.1`), or a host that urllib.parse and urllib3 read differently.
    """
    if _UNSAFE.search(url):
        raise OriginError(
            f"{url!r} holds a backslash, a space or a control character, which URL parsers "
            "read differently; not sent"
        )
    try:
        parsed = parse_url(url)
        other = urlsplit(url)
        other_host, other_port = other.hostname, other.port
    except (LocationParseError, ValueError) as exc:
        raise OriginError(f"{url!r} is not a usable URL: {exc}") from None
    scheme = (parsed.scheme or "").lower()
    if scheme not in _DEFAULT_PORTS or not parsed.host:
        raise OriginError(f"{url!r} is not an absolute http(s) URL")
    if parsed.auth is not None or "@" in (other.netloc or ""):
        raise OriginError(f"{url!r} holds user information (`user@`) before the host; not sent")
    if not url.isascii():
        authority = url.split("://", 1)[-1].split("/", 1)[0]
        if not authority.isascii():
            raise OriginError(
                f"{url!r}: write a host name that is not ASCII in its xn-- form; not sent"
            )
    host = _canonical_host(url, parsed.host.lower())
    if host.strip("[]") != _canonical_host(url, other_host or "").strip("[]") or (
        parsed.port != other_port
    ):
        raise OriginError(f"{url!r} is read as different hosts by URL parsers; not sent")
    port = parsed.port
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _canonical_host(url: str, host: str) -> str:
    """`host` checked and in canonical form (IPv6 in brackets, compressed)."""
    inner = host.strip("[]")
    if ":" in inner:
        try:
            return f"[{ipaddress.IPv6Address(inner).compressed}]"
        except ValueError:
            raise OriginError(f"{url!r} does not hold a usable IPv6 address; not sent") from None
    if not _HOST_NAME.match(host):
        raise OriginError(f"{url!r}: {host!r} is not a host name or an address; not sent")
    if _NUMERIC_LABEL.match(host.rstrip(".").rsplit(".", 1)[-1]):
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise OriginError(
                f"{url!r}: write the IPv4 address {host!r} as four decimal numbers "
                "(a.b.c.d); not sent"
            ) from None
    return host


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local or unspecified: an address inside the network."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
    )


@dataclass
class Origins:
    """The origins requests may go to. A pattern `https://*.example.com` stands for one
    more DNS label in front of the domain, at the scheme's default port or the given one."""

    exact: set[str] = field(default_factory=set)
    patterns: set[tuple[str, str, int]] = field(default_factory=set)  # (scheme, .domain, port)

    def add(self, url_or_pattern: str) -> None:
        if "*" not in url_or_pattern:
            self.exact.add(origin(url_or_pattern))
            return
        bad = OriginError(
            f"--allow-origin {url_or_pattern!r}: a pattern may only start the host "
            "with '*.', followed by a domain, as in https://*.example.com"
        )
        scheme, _, rest = url_or_pattern.partition("://")
        if not rest.startswith("*.") or "*" in rest[2:] or rest.rstrip("/").count("/"):
            raise bad
        try:
            home = origin(f"{scheme}://wildcard.{rest[2:]}")
        except OriginError:
            raise bad from None
        parts = urlsplit(home)  # canonical now: one reading only
        domain = (parts.hostname or "").removeprefix("wildcard")
        if domain.count(".") < 2:
            raise bad
        self.patterns.add((parts.scheme, domain, parts.port or _DEFAULT_PORTS[parts.scheme]))

    def allows(self, url: str) -> bool:
        try:
            home = origin(url)
        except OriginError:
            return False
        if home in self.exact:
            return True
        parts = urlsplit(home)
        host, port = parts.hostname or "", parts.port or _DEFAULT_PORTS[parts.scheme]
        return any(
            parts.scheme == scheme
            and port == want_port
            and host.endswith(domain)
            and "." not in host[: -len(domain)]
            and len(host) > len(domain)
            for scheme, domain, want_port in self.patterns
        )

    def check(self, url: str) -> None:
        """Raise OriginError unless a request may go to `url`."""
        home = origin(url)
        if not self.allows(url):
            raise OriginError(
                f"{home} is not one of the API's origins; not sent (the operator can "
                f"allow it with --allow-origin {home})"
            )


def _authority_variables(server: Server) -> set[str]:
    """The variables that appear in the scheme or host part of a server's URL."""
    head = server.url.split("://", 1)
    authority = head[0] + "://" + head[1].split("/", 1)[0] if len(head) == 2 else server.url
    return set(_VARIABLE.findall(authority))


def server_origins(server: Server) -> set[str]:
    """Every origin `server` can expand to with its defaults and enum values."""
    in_authority = sorted(_authority_variables(server) & set(server.variables))
    choices = [
        server.variables[name].enum or [server.variables[name].default] for name in in_authority
    ]
    found: set[str] = set()
    for values in itertools.islice(itertools.product(*choices), _MAX_COMBINATIONS):
        try:
            found.add(origin(server.expand(dict(zip(in_authority, values, strict=True)))))
        except OriginError:
            continue
    return found


@dataclass
class ServerChoice:
    """The servers a page user may pick from, and the origins requests may go to.

    With `base_url` (the operator's `--base-url`) there is one choice, that URL: the
    operator pinned it, and the spec's other servers (often production) are not offered.
    """

    servers: list[Server]
    origins: Origins
    pinned: bool = False
    problems: list[str] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        servers: Sequence[Server],
        operations: Sequence[Operation] = (),
        *,
        base_url: str | None = None,
        allow: Sequence[str] = (),
        spec_source: str = "",
    ) -> ServerChoice:
        origins = Origins()
        for item in allow:
            origins.add(item)
        if base_url:
            origins.add(base_url)
            return cls([Server(base_url, "--base-url")], origins, pinned=True)
        choice = cls([], origins)
        public_spec = _is_public_url(spec_source)
        choice.servers = [s for s in servers if choice._admit(s, public_spec)]
        seen = {s.url for s in servers}
        for operation in operations:
            for server in operation.servers:
                if server.url not in seen:
                    seen.add(server.url)
                    choice._admit(server, public_spec)
        return choice

    def _admit(self, server: Server, public_spec: bool) -> bool:
        reachable = server_origins(server)
        if not reachable:  # a relative URL (a spec read from a file): nowhere to send to
            if "://" in server.url:
                try:
                    origin(server.expand())
                except OriginError as exc:
                    self.problems.append(f"the server {server.url} is left out: {exc}")
            return False
        private = {o for o in reachable if is_private_host(urlsplit(o).hostname or "")}
        if public_spec and private and not all(self.origins.allows(o) for o in private):
            self.problems.append(
                f"the server {server.url} is a private address named by a spec from a "
                f"public URL; left out (allow it with --allow-origin {sorted(private)[0]})"
            )
            return False
        for item in reachable:
            self.origins.add(item)
        return True

    def expand(self, index: int, values: dict[str, str] | None = None) -> str:
        """The base URL of server `index` with `values` for its variables.

        Raises OriginError naming the variable or the origin when the result is not
        allowed: an enum variable must take one of its values, free text may not add a
        query or fragment, and the result must be one of the API's origins.
        """
        if not 0 <= index < len(self.servers):
            raise OriginError(f"there is no server number {index + 1}")
        server = self.servers[index]
        chosen: dict[str, str] = {}
        in_authority = _authority_variables(server)
        for name, variable in server.variables.items():
            value = (values or {}).get(name)
            value = variable.default if value is None or value == "" else str(value)
            if variable.enum and value not in variable.enum:
                raise OriginError(
                    f"server variable {name!r}: {value!r} is not one of {', '.join(variable.enum)}"
                )
            if name in in_authority and not _HOST_TEXT.match(value):
                raise OriginError(
                    f"server variable {name!r}: {value!r} is not a host name, address or port"
                )
            if name not in in_authority and not _PATH_TEXT.match(value):
                raise OriginError(
                    f"server variable {name!r}: {value!r} holds characters a URL path cannot "
                    "(a query, a fragment, spaces or a backslash)"
                )
            chosen[name] = value
        url = server.expand(chosen)
        self.origins.check(url)
        return url

    def base_for(self, operation: Operation, chosen: str) -> str:
        """Where `operation` goes: its own `servers` win over the page's choice (OpenAPI 3
        semantics), unless the operator pinned one base URL for everything."""
        if operation.servers and not self.pinned:
            return operation.servers[0].expand()
        return chosen


def _is_public_url(source: str) -> bool:
    parts = urlsplit(source)
    return parts.scheme in _DEFAULT_PORTS and not is_private_host(parts.hostname or "")
