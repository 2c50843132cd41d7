"""Run a Dockerfile's steps outside a container, for machines without a container engine.

CI has no container engine, so `deploy/Dockerfile` cannot be built there; its steps run
here instead, on the same files and with the same command lines: ENV sets the
environment, WORKDIR and COPY lay the files out under a folder standing for the image's
`/`, RUN runs in that folder with a virtualenv's `bin` first on PATH (standing for the
base image's Python), and ENTRYPOINT + CMD is the command the container would run.
Only the instructions the recipe uses are understood; any other one is an error, so the
Dockerfile cannot drift into steps this cannot follow.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

IGNORED = {"FROM", "USER", "EXPOSE"}  # the base image, the user, documentation


@dataclass
class Image:
    """The Dockerfile's steps as run under `root` (the image's `/`)."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)

    def path(self, image_path: str) -> Path:
        """Where an absolute path of the image is under `root`."""
        return self.root / image_path.lstrip("/")

    @property
    def bin(self) -> Path:
        return self.root / "venv" / "bin"

    def command(self, *args: str) -> list[str]:
        """ENTRYPOINT + CMD with the program found in the image's PATH and CMD's absolute
        paths under `root` (as a bind mount there would), then `args` (as `docker run
        IMAGE CMD... ARGS` would)."""
        program, *rest = self.entrypoint
        found = shutil.which(program, path=str(self.bin))
        if found is None:
            raise FileNotFoundError(f"{program} is not installed in {self.bin}")
        cmd = [str(self.path(a)) if a.startswith("/") else a for a in self.cmd]
        return [found, *rest, *cmd, *args]


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = text.replace("\\\n", " ")
    lines = (line.strip() for line in joined.splitlines())
    steps = []
    for line in lines:
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            steps.append((keyword.upper(), rest.strip()))
    return steps


def build(dockerfile: Path, context: Path, root: Path) -> Image:
    """Follows `dockerfile` with `context` as the build context, into `root`."""
    image = Image(root)
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(root / "venv")], check=True
    )
    for keyword, rest in _instructions(dockerfile.read_text()):
        if keyword in IGNORED:
            continue
        if keyword == "ENV":
            image.env.update(pair.split("=", 1) for pair in shlex.split(rest))  # type: ignore[misc]
        elif keyword == "WORKDIR":
            image.workdir = rest
            image.path(rest).mkdir(parents=True, exist_ok=True)
        elif keyword == "COPY":
            *sources, target = shlex.split(rest)
            into = image.path(image.workdir) / target
            for source in sources:
                origin = context / source
                if origin.is_dir():
                    shutil.copytree(origin, into, dirs_exist_ok=True)
                else:
                    into.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, into / origin.name)
        elif keyword == "RUN":
            env = {**os.environ, **image.env, "PATH": f"{image.bin}:{os.environ['PATH']}"}
            cwd = image.path(image.workdir)
            subprocess.run(["sh", "-c", rest], cwd=cwd, env=env, check=True)
        elif keyword in ("ENTRYPOINT", "CMD"):
            setattr(image, keyword.lower(), json.loads(rest))
        else:
            raise ValueError(f"{dockerfile}: {keyword} is not followed outside a container")
    return image
