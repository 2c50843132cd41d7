"""Large YAML documents are parsed once: the parsed tree is kept on disk, keyed by the
document's bytes, and read back only from a folder and files no one else can write."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import autoui
from autoui.errors import SpecError
from autoui.loader import yaml_cache


def big_yaml(paths: int = 1200) -> str:
    """An OpenAPI 3.0 document in YAML over yaml_cache.MIN_BYTES."""
    lines = ["openapi: 3.0.3", "info: {title: Big, version: '1'}", "paths:"]
    for i in range(paths):
        lines += [
            f"  /items/{i}:",
            "    get:",
            f"      operationId: item{i}",
            f"      summary: Item number {i}, described at some length for size, and more",
            f"      description: The item whose number is {i}, as the API keeps it on record",
            "      responses: {'200': {description: OK}}",
        ]
    text = "\n".join(lines) + "\n"
    assert len(text.encode()) >= yaml_cache.MIN_BYTES
    return text


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("AUTOUI_CACHE_DIR", str(folder))
    return folder


def pickles(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.exists() else []


def test_a_large_yaml_document_is_kept_and_read_back(cache: Path, tmp_path: Path) -> None:
    spec = tmp_path / "big.yaml"
    spec.write_text(big_yaml())
    first = autoui.load_spec(str(spec))
    (kept,) = pickles(cache)
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    # What is read back is what the file holds: change it, and the change shows.
    document = pickle.loads(kept.read_bytes())
    document["info"]["title"] = "From the cache"
    kept.write_bytes(pickle.dumps(document))
    second = autoui.load_spec(str(spec))
    assert len(second.operations) == len(first.operations) == 1200
    assert (first.title, second.title) == ("Big", "From the cache")


def test_another_document_is_another_entry(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(big_yaml())
    (tmp_path / "b.yaml").write_text(big_yaml(1300))
    assert len(autoui.load_spec(str(tmp_path / "a.yaml")).operations) == 1200
    assert len(autoui.load_spec(str(tmp_path / "b.yaml")).operations) == 1300
    assert len(pickles(cache)) == 2


def test_a_folder_others_may_write_to_is_not_used(cache: Path, tmp_path: Path) -> None:
    cache.mkdir(mode=0o700)
    os.chmod(cache, 0o777)
    (tmp_path / "big.yaml").write_text(big_yaml())
    assert autoui.load_spec(str(tmp_path / "big.yaml")).title == "Big"
    assert pickles(cache) == []


def test_a_file_others_may_write_to_is_not_read_but_replaced(cache: Path, tmp_path: Path) -> None:
    spec = tmp_path / "big.yaml"
    spec.write_text(big_yaml())
    autoui.load_spec(str(spec))
    (kept,) = pickles(cache)
    kept.write_bytes(pickle.dumps({"openapi": "3.0.3", "info": {"title": "Planted"}}))
    os.chmod(kept, 0o666)
    assert autoui.load_spec(str(spec)).title == "Big"
    assert oct(kept.stat().st_mode & 0o777) == "0o600"  # written anew, this user's only


def test_a_truncated_file_is_parsed_again(cache: Path, tmp_path: Path) -> None:
    spec = tmp_path / "big.yaml"
    spec.write_text(big_yaml())
    autoui.load_spec(str(spec))
    (kept,) = pickles(cache)
    kept.write_bytes(kept.read_bytes()[:100])
    assert len(autoui.load_spec(str(spec)).operations) == 1200


def test_an_empty_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOUI_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "big.yaml").write_text(big_yaml())
    assert autoui.load_spec(str(tmp_path / "big.yaml")).title == "Big"
    assert not (tmp_path / "xdg").exists()


def test_a_refused_document_is_not_kept(cache: Path, tmp_path: Path) -> None:
    deep = big_yaml() + "x-deep: " + "[" * 300 + "]" * 300 + "\n"
    (tmp_path / "deep.yaml").write_text(deep)
    with pytest.raises(SpecError, match="nested more than 256 levels"):
        autoui.load_spec(str(tmp_path / "deep.yaml"))
    assert pickles(cache) == []
