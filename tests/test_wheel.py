"""The wheel ships the national rules: build it, install it in a fresh venv, evaluate."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_evaluates(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "lss_sol_rules/rules/sfb/assistansersattning.toml" in names
    assert "lss_sol_rules/py.typed" in names
    # The JSON Schemas editors validate rule and case files with, and the licence.
    assert "lss_sol_rules/schemas/rule-file.schema.json" in names
    assert "lss_sol_rules/schemas/case-file.schema.json" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    py = env / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    code = (
        "import lss_sol_rules as lsr, datetime, pathlib;"
        "d = lsr.evaluate('personlig_assistans.huvudman',"
        " {'grundlaggande_behov_timmar_per_vecka': 25}, on=datetime.date(2026, 1, 1));"
        "print(d.value, pathlib.Path(lsr.__file__).parent.name);"
        "from lss_sol_rules.schema import rule_file_schema, case_file_schema;"
        "assert rule_file_schema()['properties']['rules'] and case_file_schema()['required']"
    )
    # Run from tmp_path so the checkout's src/ cannot shadow the installed package.
    out = subprocess.run(
        [str(py), "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    assert out.stdout.split() == ["forsakringskassan", "lss_sol_rules"]
    cli = subprocess.run(
        [str(env / "bin" / "lss-sol-rules"), "questions"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "personlig_assistans.huvudman" in cli.stdout
