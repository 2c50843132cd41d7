"""Every error autoui raises on purpose is an `AutouiError`: one `except` in a caller
(the CLI, `--reload`, a user's own code) catches them all, and each is a one-line message."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import autoui
from autoui.errors import AutouiError

# Not errors: a signal between autoui's own threads, and those between the reader of a
# reply's body and the dispatcher, which turns them into the reply's one-line error; never
# seen outside them.
CONTROL_FLOW = {
    "autoui.dispatcher.live.Stopped",
    "autoui.dispatcher.body.TooBig",
    "autoui.dispatcher.body.Broken",
    "autoui.dispatcher.body.Stalled",
}


def public_exceptions() -> dict[str, type[BaseException]]:
    found = {}
    for module_info in pkgutil.walk_packages(autoui.__path__, "autoui."):
        if module_info.name.endswith(".__main__"):  # importing it runs the CLI
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_public_exception_is_an_autoui_error() -> None:
    exceptions = public_exceptions()
    # The walk finds what it should: the errors of the loader, the config and the dispatcher
    # (most in autoui.errors; an OAuth token endpoint's refusal beside its client).
    assert {
        "autoui.errors.SpecError",
        "autoui.errors.OriginError",
        "autoui.errors.AuthProblem",
        "autoui.dispatcher.oauth.TokenError",
    } <= set(exceptions)
    outside = sorted(
        name
        for name, cls in exceptions.items()
        if name not in CONTROL_FLOW and not issubclass(cls, AutouiError)
    )
    assert outside == []
