"""The `autoui` command's arguments: the parser of `serve`, `inspect` and `demo`, and
the readers of values a flag takes (sizes, seconds, headers, credentials), each raising
a ConfigError that names the flag. The commands themselves are in `autoui.cli`.
"""

from __future__ import annotations

import argparse
import math
import os
import re
from collections.abc import Sequence
from typing import NoReturn

from autoui import __version__
from autoui.errors import ConfigError
from autoui.layout import LAYOUTS, TABS_LIMIT

EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse, whose mistakes are one line like autoui's own (its usage lines would
    bury the one that says what is wrong); the subcommands' parsers are of this class."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"autoui: error: {message}; see {self.prog} --help\n")


def parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="autoui",
        description="A working Gradio web UI for any HTTP API with an OpenAPI document.",
        epilog="Example: autoui serve http://127.0.0.1:5000/openapi.json",
    )
    parser.add_argument("--version", action="version", version=f"autoui {__version__}")
    _logging_arguments(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # -v/-q work after the command too (`autoui serve SPEC -v`).
    logging_options = Parser(add_help=False)
    _logging_arguments(logging_options)

    serve = commands.add_parser(
        "serve",
        help="serve a UI for an API",
        parents=[logging_options],
        description="Build a UI from SPEC (a URL, a file path; JSON or YAML; Swagger 2.0 or "
        "OpenAPI 3.x) and serve it until interrupted.",
        epilog="Examples:\n"
        "  autoui serve http://127.0.0.1:5000/openapi.json\n"
        "  autoui serve api.yaml --base-url http://127.0.0.1:5000 --config autoui.yaml\n"
        "  autoui serve api.yaml --base-url http://127.0.0.1:5000 --reload   # while editing\n"
        "  autoui serve http://127.0.0.1:5000/openapi.json --mcp             # for agents",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _spec_arguments(serve)
    _server_arguments(serve, default_port=7860)
    _ui_arguments(serve)
    serve.add_argument(
        "--reload",
        action="store_true",
        help="watch SPEC (and --config) and rebuild the UI when they change, without a "
        "restart: a file is checked every second, a URL every 2 s (with its ETag)",
    )
    serve.add_argument(
        "--timeout",
        type=seconds,
        default=60.0,
        metavar="S",
        help="seconds to wait for the API to answer a call (default 60)",
    )
    serve.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="a header sent with every call (repeatable), e.g. an API key",
    )
    serve.add_argument(
        "--media-origin",
        action="append",
        default=[],
        metavar="URL",
        help="an origin besides the API's own from which image URLs in replies may be "
        "fetched and shown (repeatable), e.g. https://cdn.example.com",
    )
    serve.add_argument(
        "--concurrency",
        type=int,
        default=64,
        metavar="N",
        help="calls to the API that may run at once, over all users, from the page and "
        "from API clients; also the size of the connection pool (default 64)",
    )
    serve.add_argument(
        "--retries",
        type=int,
        default=2,
        metavar="N",
        help="retry a failed call up to N times where that is safe: a refused connection; "
        "502/503/504 or a dropped connection for GET, HEAD, PUT, DELETE, OPTIONS; a 429/503 "
        "whose Retry-After is at most 10 s; never a timeout (default 2, 0 to never retry)",
    )
    serve.add_argument(
        "--auth",
        action="append",
        default=[],
        metavar="SCHEME=VALUE",
        help="a credential for one of the spec's security schemes, used for every user of "
        "the page (repeatable); also AUTOUI_AUTH_<SCHEME> in the environment. VALUE is "
        "the key or token, 'user:password' (basic), 'client_id:client_secret' (OAuth 2) "
        "or a JSON object. One the spec does not declare, sent with every call: "
        "basic=USER:PASSWORD, bearer=TOKEN, header:NAME=VALUE, query:NAME=VALUE, "
        "cookie:NAME=VALUE",
    )
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="URL",
        help="another origin calls and redirects may go to, e.g. https://auth.example.com "
        "or https://*.example.com (repeatable); by default only the spec's servers",
    )
    serve.add_argument(
        "--max-reply-memory",
        type=parse_size,
        default="32MB",
        metavar="SIZE",
        help="replies larger than this are written to a temporary file and offered as a "
        "download (default 32MB)",
    )

    inspect = commands.add_parser(
        "inspect",
        help="show how a spec is understood and mapped",
        parents=[logging_options],
        description="Print every operation of SPEC with its api_name, its input fields "
        "(component, rule, required) and its outputs, and the spec's problems. The rule "
        "says what chose each component: a mapping rule, `x-autoui` in the spec, or "
        "`config: FILE:LINE`.",
    )
    _spec_arguments(inspect)
    _config_argument(inspect)
    inspect.add_argument("--json", action="store_true", help="print JSON instead of text")

    demo = commands.add_parser(
        "demo",
        help="run the bundled example model API and its UI",
        parents=[logging_options],
        description="Start the example model API on a free loopback port and serve its UI.",
    )
    _server_arguments(demo, default_port=7860)
    _ui_arguments(demo)
    return parser


def _logging_arguments(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an option given before the command is not reset by the command's parser.
    parser.add_argument(
        "--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help="log every call"
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", default=argparse.SUPPRESS, help="log only errors"
    )


def _config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="overrides (YAML or JSON): hide or order operations, pick components, "
        "labels, defaults, the output field; see docs/configuration.md",
    )


def _ui_arguments(parser: argparse.ArgumentParser) -> None:
    _config_argument(parser)
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="auto",
        help="tabs: a tab per operation; navigator: a searchable list and the open "
        f"operation's form, for large APIs; auto (default): tabs up to {TABS_LIMIT} "
        "operations",
    )
    parser.add_argument(
        "--mcp",
        action="store_true",
        help="also serve every operation as an MCP tool at /gradio_api/mcp/ "
        "(needs `pip install 'autoui[mcp]'`)",
    )


def _spec_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", metavar="SPEC", help="URL or path of the OpenAPI document")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="where to send calls (default: the spec's servers, resolved "
        "against the URL the spec came from)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="refuse a spec that fails OpenAPI validation"
    )


def _server_arguments(parser: argparse.ArgumentParser, default_port: int) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=default_port,
        help=f"port to listen on (default {default_port})",
    )
    parser.add_argument(
        "--ui-auth",
        metavar="USER:PASSWORD",
        default=os.environ.get("AUTOUI_UI_AUTH"),
        help="ask for this login before showing the page (also AUTOUI_UI_AUTH)",
    )
    parser.add_argument(
        "--share",
        action="store_true",
        help="also publish the page on a public gradio.live link (anyone with the link can "
        "use it, and the start-up credentials)",
    )
    parser.add_argument(
        "--max-file-size",
        type=parse_size,
        default=None,
        metavar="SIZE",
        help="refuse uploads larger than this, e.g. 20MB (default: no limit)",
    )


def parse_headers(items: Sequence[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or any(c in item for c in "\r\n"):
            raise ConfigError(f"--header {name.strip() or item!r}: expected 'Name: value'")
        headers[name.strip()] = value.strip()
    return headers


def port_number(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1 to 65535)")
    return int(text)


def seconds(text: str) -> float:
    """A positive, finite number of seconds (`--timeout 0` would fail every call)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(i?))?b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """`20MB`, `512kB`, `1.5GB`, `1048576` -> bytes (`KiB`, `MiB`, `GiB` are powers of 2)."""
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 20MB or 512kB")
    prefix, binary = (match.group(2) or "").lower(), match.group(3)
    power = "kmg".index(prefix) + 1 if prefix else 0
    return int(float(match.group(1)) * (1024 if binary else 1000) ** power)


def parse_auth(items: Sequence[str]) -> dict[str, str]:
    """`--auth NAME=VALUE` items by scheme name (the value is checked against the spec)."""
    found: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--auth {name.strip() or '?'}: expected SCHEME=VALUE")
        found[name.strip()] = value
    return found


def parse_ui_auth(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    user, sep, password = text.partition(":")
    if not sep or not user or not password:
        raise ConfigError("--ui-auth: expected USER:PASSWORD")
    return user, password
