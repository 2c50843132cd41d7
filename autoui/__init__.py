"""autoui: a working Gradio web UI for any HTTP API that has an OpenAPI document.

import autoui
api = autoui.load_spec("http://127.0.0.1:5000/openapi.json")
demo = autoui.build_app(api)
demo.launch()

autoui.mount(fastapi_app, "/ui")   # the UI of a FastAPI app's API, inside that app
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autoui.config import load_config
from autoui.errors import AutouiError, ConfigError, SpecError
from autoui.ir import Api, Operation
from autoui.loader import load_spec

if TYPE_CHECKING:
    from autoui.app import build_app
    from autoui.mounting import mount

__version__ = "0.1.0"
__all__ = [
    "Api",
    "AutouiError",
    "ConfigError",
    "Operation",
    "SpecError",
    "build_app",
    "load_config",
    "load_spec",
    "mount",
]


def __getattr__(name: str) -> Any:
    # Gradio takes seconds to import; `autoui inspect` and spec errors need none of it.
    if name == "build_app":
        from autoui.app import build_app

        return build_app
    if name == "mount":
        from autoui.mounting import mount

        globals()["mount"] = mount
        return mount
    raise AttributeError(f"module 'autoui' has no attribute {name!r}")
