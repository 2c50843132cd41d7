"""autoui: a working Gradio web UI for any HTTP API that has an OpenAPI document.

    import autoui
    api = autoui.load_spec("http://127.0.0.1:5000/openapi.json")
    demo = autoui.build_app(api)
    demo.launch()
"""

from autoui.app import build_app
from autoui.errors import AutouiError, ConfigError, SpecError
from autoui.ir import Api, Operation
from autoui.loader import load_spec

__version__ = "0.1.0"
__all__ = ["Api", "AutouiError", "ConfigError", "Operation", "SpecError", "build_app",
           "load_spec"]
