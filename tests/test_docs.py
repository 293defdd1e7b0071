"""Every Python example in the docs and the README runs, and every TOML example parses;
the documentation site builds in strict mode."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import lss_sol_rules as lsr

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(lang: str) -> list[tuple[str, str]]:
    out = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            if m.group(1) == lang:
                line = text[: m.start()].count("\n") + 1
                out.append((f"{page.relative_to(ROOT)}:{line}", m.group(2)))
    return out


PYTHON = blocks("python")
TOML = blocks("toml")

FIXTURES: dict[str, Any] = {
    "lsr_jurisdiction": "se",
    "lsr_evaluate": lambda q, f, on=None, **kw: lsr.evaluate(q, f, on=on or date(2026, 1, 1), **kw),
}


@pytest.mark.parametrize(("where", "code"), PYTHON, ids=[w for w, _ in PYTHON])
def test_python_example_runs(
    where: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {
        "__name__": "docs_example",
        "__file__": str(tmp_path / "example.py"),
    }
    # Our own documentation, executed to prove it works; never rule text.
    exec(compile(code, where, "exec"), namespace)  # noqa: S102
    for name, obj in list(namespace.items()):
        if name.startswith("test_") and callable(obj):
            params = inspect.signature(obj).parameters
            obj(**{p: FIXTURES[p] for p in params})


@pytest.mark.parametrize(("where", "text"), TOML, ids=[w for w, _ in TOML])
def test_toml_example_parses(where: str, text: str) -> None:
    tomllib.loads(text)


def test_there_are_examples() -> None:
    assert len(PYTHON) >= 8
    assert len(TOML) >= 8


def test_docs_site_builds_in_strict_mode(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "host-integration" / "index.html").exists()
