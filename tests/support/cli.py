"""The `autoui` command run as a user runs it: a real subprocess."""

from __future__ import annotations

import subprocess
import sys


def autoui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "autoui", *args], capture_output=True, text=True, timeout=120
    )
