"""`lss-sol-rules check`: every error of a file in one run, each at the line of its key;
warnings for rules in force on dates a parameter they read has no value; any installed
rulebook (the national rules of a non-editable install included)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import lss_sol_rules as lsr
from lss_sol_rules.cli import main
from lss_sol_rules.errors import RuleFileError
from lss_sol_rules.loader import check_rule_file, read_rule_file
from lss_sol_rules.rulecheck import parameter_gaps

ROOT = Path(__file__).resolve().parents[1]

MANY_ERRORS = """
[rulebook]
id = "test.many"
title = { sv = "Många fel", en = "Many errors" }

[facts.testfakta]
type = "int"
lable = { sv = "x", en = "x" }

[parameters.test_grans]
type = "int"
label = { sv = "Gräns", en = "Limit" }

[[parameters.test_grans.values]]
value = 3
valid_from = "2020-01-01"
citations = ["x"]

[questions."test.fraga"]
type = "bool"
label = { sv = "Fråga", en = "Question" }

[[rules]]
id = "test.fraga.ja"
question = "test.fraga"
title = { sv = "Ja", en = "Yes" }
when = "alder > 3"
value = true
valid_from = 2020-01-01
citatons = ["x"]
explain = { sv = "ja", en = "yes" }

[[rules]]
id = "test.fraga.nej"
question = "test.fraga"
title = { sv = "Nej", en = "No" }
when = "alder <= 3"
value = false
valid_from = 2020-01-01
default = "nej"
citations = ["x"]
explain = { sv = "nej", en = "no" }
"""


def _line_of(text: str, needle: str, after: str = "") -> int:
    lines = text.splitlines()
    start = next(i for i, x in enumerate(lines) if after in x) if after else 0
    return next(i for i in range(start, len(lines)) if lines[i].startswith(needle)) + 1


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_loading_still_raises_the_first_error(rule_file: Callable[..., Path]) -> None:
    path = rule_file(MANY_ERRORS)
    with pytest.raises(RuleFileError):
        lsr.load(paths=[path], plugins=False)


def test_every_shape_error_of_a_file_at_the_line_of_its_key(
    rule_file: Callable[..., Path],
) -> None:
    path = rule_file(MANY_ERRORS)
    text = path.read_text()
    _, errors = check_rule_file(path)
    found = {(e.line, e.rule_id) for e in errors}
    assert (_line_of(text, "lable"), None) in found
    assert (_line_of(text, 'valid_from = "2020'), None) in found
    assert (_line_of(text, "citatons"), "test.fraga.ja") in found
    assert (_line_of(text, "default"), "test.fraga.nej") in found
    # The misspelt keys leave `label` and `citations` missing: reported too, at the header.
    assert any("`label`" in str(e) and e.line == _line_of(text, "[facts.") for e in errors)
    assert any("needs `citations`" in str(e) and e.rule_id == "test.fraga.ja" for e in errors)
    assert len(errors) == 6, [str(e) for e in errors]
    assert [e.line for e in errors] == sorted(e.line or 0 for e in errors)
    code, out = run("check", "--lang", "en", "--no-plugins", str(path))
    assert code == 1
    for line in (_line_of(text, "lable"), _line_of(text, "citatons"), _line_of(text, "default")):
        assert f"{path}:{line}:" in out
    assert "6 errors" in out


def test_compile_errors_of_several_rules_in_one_run(rule_file: Callable[..., Path]) -> None:
    path = rule_file("""
    [questions."test.q"]
    type = "bool"
    label = { sv = "F", en = "Q" }

    [[rules]]
    id = "test.q.a"
    question = "test.q"
    when = "alder >> 3"
    value = true
    citations = ["x"]
    explain = { sv = "x", en = "x" }

    [[rules]]
    id = "test.q.b"
    question = "test.q"
    when = "okand_fakta > 3"
    value = false
    citations = ["x"]
    explain = { sv = "x", en = "x" }

    [[rules]]
    id = "test.q.c"
    question = "test.q"
    when = "alder + 'x'"
    value = false
    citations = ["x"]
    explain = { sv = "x", en = "x" }
    """)
    text = path.read_text()
    code, out = run("check", "--lang", "en", "--no-plugins", str(path))
    assert code == 1
    assert f"{path}:{_line_of(text, 'when', 'test.q.a')}: rule 'test.q.a'" in out
    assert "rule 'test.q.b'" in out
    assert "okand_fakta" in out
    assert "rule 'test.q.c'" in out


def test_a_good_file_passes_and_a_parameter_gap_warns(rule_file: Callable[..., Path]) -> None:
    good = rule_file("""
    [rulebook]
    id = "test.good"

    [questions."test.g"]
    type = "bool"
    label = { sv = "F", en = "Q" }

    [[rules]]
    id = "test.g.ja"
    question = "test.g"
    when = "alder >= test_gransalder"
    value = true
    valid_from = 2020-01-01
    citations = ["x"]
    explain = { sv = "x", en = "x" }

    [[rules]]
    id = "test.g.nej"
    question = "test.g"
    when = "alder < test_gransalder"
    value = false
    valid_from = 2020-01-01
    citations = ["x"]
    explain = { sv = "x", en = "x" }

    [parameters.test_gransalder]
    type = "int"
    label = { sv = "G", en = "L" }

    [[parameters.test_gransalder.values]]
    value = 65
    valid_from = 2020-01-01
    valid_to = 2022-12-31
    citations = ["x"]

    [[parameters.test_gransalder.values]]
    value = 66
    valid_from = 2024-01-01
    citations = ["x"]
    """)
    code, out = run("check", "--lang", "en", "--no-plugins", str(good))
    assert code == 0, out  # a warning is not a failure
    assert f"ok: {good}" in out
    text = good.read_text()
    warn = [x for x in out.splitlines() if ": warning: " in x]
    assert len(warn) == 2, out  # both rules, one gap each
    header = _line_of(text, 'id = "test.g.ja') - 1
    assert f"{good}:{header}: rule 'test.g.ja'" in out
    assert "test_gransalder" in warn[0]
    assert "2023-01-01 – 2023-12-31" in warn[0]
    code, out = run("check", "--lang", "en", "--no-plugins", "--strict", str(good))
    assert code == 1


def test_a_rule_open_before_its_parameter_starts_warns(rule_file: Callable[..., Path]) -> None:
    path = rule_file("""
    [questions."test.h"]
    type = "bool"
    label = { sv = "F", en = "Q" }

    [[rules]]
    id = "test.h.ja"
    question = "test.h"
    when = "alder >= test_tidig"
    value = true
    citations = ["x"]
    explain = { sv = "x", en = "x" }

    [parameters.test_tidig]
    type = "int"
    label = { sv = "G", en = "L" }

    [[parameters.test_tidig.values]]
    value = 65
    valid_from = 2020-01-01
    valid_to = 2030-12-31
    citations = ["x"]
    """)
    code, out = run("check", "--lang", "en", "--no-plugins", str(path))
    assert code == 0, out
    warn = [x for x in out.splitlines() if ": warning: " in x]
    assert len(warn) == 1
    assert "before 2020-01-01" in warn[0]
    assert "after 2030-12-31" in warn[0]


def test_the_national_rules_check_clean_and_a_copy_of_them_too(tmp_path: Path) -> None:
    code, out = run("check", "--lang", "en", str(ROOT / "rules"))
    assert code == 0, out
    # Every warning is a real gap: on its first and last uncovered day the engine has no
    # value of the parameter in the rule's jurisdiction, and the rule is in force then.
    engine = lsr.load()
    gaps = parameter_gaps(engine, engine.rulebook.rules)
    assert out.count(": warning: ") == len(
        [g for g in gaps if g.file.startswith(str(ROOT / "rules"))]
    )
    for gap in gaps:
        rule = next(r for r in engine.rulebook.rules if r.id == gap.rule_id and r.file == gap.file)
        view = engine.rulebook.view(gap.jurisdiction)
        days = [gap.fixed_date] if gap.fixed_date else []
        for a, b in gap.gaps:
            days += [a or (b - timedelta(days=1)), b or (a + timedelta(days=3650))]  # type: ignore[operator]
        for day in days:
            assert view.param_value(gap.parameter, day) is None, (gap, day)
            assert rule.in_force(day) or gap.fixed_date, (gap, day)
    # A copy is what a non-editable install gives (site-packages/lss_sol_rules/rules) and
    # what a checkout is next to an installed package: the same files elsewhere.
    copy = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", copy)
    code, out = run("check", "--lang", "en", str(copy))
    assert code == 0, out
    assert out.count("ok: ") == len(list(copy.rglob("*.toml")))
    # An edited copy is checked in place of the installed file, not beside it.
    target = copy / "sfb" / "assistansersattning.toml"
    target.write_text(target.read_text() + '\n[facts.en_ny_fakta]\ntype = "int"\n')
    code, out = run("check", "--lang", "en", str(target))
    assert code == 1
    assert f"{target}:" in out
    assert "label" in out
    assert "twice" not in out


def test_a_plugin_s_installed_files_check_clean() -> None:
    import lss_sol_rules_stockholm

    folder = Path(lss_sol_rules_stockholm.__file__).parent / "rules"
    code, out = run("check", "--lang", "en", str(folder))
    assert code == 0, out


@pytest.mark.slow
def test_check_the_national_rules_of_a_wheel_install(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("*.whl")
    import venv

    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    py = env / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    exe = str(env / "bin" / "lss-sol-rules")
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    for folder in (Path(purelib) / "lss_sol_rules" / "rules", ROOT / "rules"):
        out = subprocess.run(
            [exe, "check", "--lang", "en", str(folder)],
            check=False,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert out.returncode == 0, out.stdout + out.stderr
        assert not re.search(r"file\(s\) failed|twice|Traceback", out.stdout + out.stderr)
        assert out.stdout.count("ok: ") == len(list((ROOT / "rules").rglob("*.toml")))
    assert sysconfig  # imported for the reader: purelib is where pip puts the package


def _bad_rules(n: int) -> str:
    text = '[questions."t.q"]\ntype = "bool"\nlabel = { sv = "q", en = "q" }\n'
    for i in range(n):
        text += (
            f'[[rules]]\nid = "t.q.r{i}"\nquestion = "t.q"\nwhen = "okand{i} > 1"\n'
            'value = true\ncitations = ["x"]\nexplain = { sv = "x", en = "x" }\n'
        )
    return text


def test_a_file_that_does_not_compile_leaves_the_others_checked(
    rule_file: Callable[..., Path],
) -> None:
    dup = rule_file('[facts.alder]\ntype = "int"\nlabel = { sv = "a", en = "a" }\n')
    not_toml = rule_file("not toml [[\n")
    many = rule_file(_bad_rules(5))
    good = rule_file(_bad_rules(0).replace("t.q", "t.ok"))
    code, out = run(
        "check", "--lang", "en", "--no-plugins", str(dup), str(not_toml), str(many), str(good)
    )
    assert code == 1
    assert f"{dup}: fact 'alder' is already declared" in out
    assert f"{not_toml}:1: not valid TOML" in out
    for i in range(5):
        assert f"rule 't.q.r{i}': unknown name 'okand{i}'" in out
    assert f"ok: {good}" in out
    assert "7 errors, 0 warnings in 4 file(s)" in out
    assert "3 of 4 file(s) failed" in out


def test_check_says_when_it_stops_compiling(
    rule_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lss_sol_rules import rulecheck

    monkeypatch.setattr(rulecheck, "MAX_COMPILE_ROUNDS", 3)
    path = rule_file(_bad_rules(5))
    code, out = run("check", "--lang", "en", "--no-plugins", str(path))
    assert code == 1
    assert out.count("unknown name 'okand") == 3
    assert "not compiled further: more than 3 problems" in out


GOOD_FILE = """
[rulebook]
id = "test.fuzz"

[facts.t_fakta]
type = "int"
label = { sv = "f", en = "f" }
min = 0

[parameters.t_grans]
type = "int"
unit = "år"
label = { sv = "g", en = "g" }

[[parameters.t_grans.values]]
value = 3
valid_from = 2020-01-01
citations = ["x"]

[questions."t.q"]
type = "bool"
label = { sv = "q", en = "q" }

[[rules]]
id = "t.q.ja"
question = "t.q"
when = "t_fakta > t_grans"
value = true
valid_from = 2020-01-01
citations = ["x"]
explain = { sv = "x", en = "x" }

[[constraints]]
id = "t.c"
check = "t_fakta < 100"
message = { sv = "m", en = "m" }
"""

_NOISE = [
    "",
    "lable = 1",
    "type = 5",
    "valid_from = '2020'",
    "value = 1e400",
    'when = "t_fakta >> 1"',
    "citations = []",
    'x = "\u202e"',
    "default = 3",
    "[[rules]]",
    "[facts.B]",
    "min = 99999999999999999999999",
    "= nothing",
]


@given(
    edits=st.lists(
        st.tuples(st.integers(0, 60), st.sampled_from(_NOISE), st.booleans()), max_size=6
    )
)
@settings(max_examples=150, deadline=None)
def test_check_lists_the_error_load_raises_and_never_crashes(
    edits: list[tuple[int, str, bool]],
) -> None:
    lines = GOOD_FILE.splitlines()
    for where, noise, replace in edits:
        pos = min(where, len(lines))
        if replace and pos < len(lines):
            lines[pos] = noise
        else:
            lines.insert(pos, noise)
    text = "\n".join(lines) + "\n"
    rf, errors = check_rule_file("fuzz.toml", text)
    first: RuleFileError | None = None
    try:
        read_rule_file("fuzz.toml", text)
    except RuleFileError as exc:
        first = exc
    if first is None:
        assert errors == []
        assert rf is not None
    else:  # the error loading raises is among those check lists
        assert str(first) in [str(e) for e in errors]
    for e in errors:
        assert e.line is None or 1 <= e.line <= len(lines)


def test_check_in_swedish(rule_file: Callable[..., Path]) -> None:
    path = rule_file(_bad_rules(1))
    code, out = run("check", "--no-plugins", "--lang", "sv", str(path))
    assert code == 1
    assert "regel 't.q.r0'" in out
    gap = rule_file(
        '[questions."t.s"]\ntype = "bool"\nlabel = { sv = "q", en = "q" }\n'
        '[parameters.t_p]\ntype = "int"\nlabel = { sv = "p", en = "p" }\n'
        "[[parameters.t_p.values]]\nvalue = 1\nvalid_from = 2020-01-01\ncitations = ['x']\n"
        '[[rules]]\nid = "t.s.r"\nquestion = "t.s"\nwhen = "alder > t_p"\nvalue = true\n'
        'citations = ["x"]\nexplain = { sv = "x", en = "x" }\n'
    )
    code, out = run("check", "--no-plugins", "--lang", "sv", str(gap))
    assert code == 0, out
    assert "regel 't.s.r': varning: gäller dagar då parametern 't_p' saknar värde" in out
    assert "före 2020-01-01" in out


def test_a_file_given_twice_is_checked_once(rule_file: Callable[..., Path]) -> None:
    path = rule_file(_bad_rules(0))
    code, out = run("check", "--lang", "en", "--no-plugins", str(path), str(path), str(path.parent))
    assert code == 0, out
    assert out.count("ok: ") == 1


def test_check_speaks_swedish_by_default_like_every_command(
    rule_file: Callable[..., Path],
) -> None:
    path = rule_file(_bad_rules(2))
    code, out = run("check", "--no-plugins", str(path))
    assert code == 1
    assert "regel 't.q.r1'" in out
    assert "2 fel, 0 varningar i 1 fil(er)" in out
    assert "1 av 1 fil(er) godkändes inte" in out


def test_a_question_refused_as_a_whole_is_one_error(rule_file: Callable[..., Path]) -> None:
    """Too many rules to prove exclusive is the question's problem, not one rule's: `check`
    reports it once and goes on, instead of leaving out one rule at a time."""
    import time

    text = '[facts.t_x]\ntype = "int"\nlabel = { sv = "x", en = "x" }\n'
    text += '[questions."t.q"]\ntype = "int"\nlabel = { sv = "q", en = "q" }\n'
    for i in range(520):
        text += (
            f'[[rules]]\nid = "t.r{i}"\nquestion = "t.q"\nwhen = "max(t_x, 0) == {i}"\n'
            f'value = {i}\ncitations = ["x"]\nexplain = {{ sv = "x", en = "x" }}\n'
        )
    big = rule_file(text)
    good = rule_file(_bad_rules(0).replace("t.q", "t.ok"))
    t0 = time.perf_counter()
    code, out = run("check", "--lang", "en", "--no-plugins", str(big), str(good))
    assert time.perf_counter() - t0 < 20
    assert code == 1
    assert out.count("rules answer 't.q'") == 1
    assert f"ok: {good}" in out
    assert "1 error, 0 warnings in 2 file(s)" in out


def test_a_big_question_with_a_hole_in_its_ranges_warns(rule_file: Callable[..., Path]) -> None:
    """40 bands of one fact with band 17 missing and no default: a case there would get
    no answer, so `check` warns (an error with --strict); with a default rule it does not."""
    text = '[facts.t_x]\ntype = "number"\nmin = 0\nmax = 40\nlabel = { sv = "x", en = "x" }\n'
    text += '[questions."t.q"]\ntype = "int"\nlabel = { sv = "q", en = "q" }\n'
    for i in range(40):
        if i == 17:
            continue
        text += (
            f'[[rules]]\nid = "t.r{i}"\nquestion = "t.q"\nwhen = "t_x >= {i} and t_x < {i + 1}"'
            f'\nvalue = {i}\ncitations = ["x"]\nexplain = {{ sv = "x", en = "x" }}\n'
        )
    text += (
        '[[rules]]\nid = "t.top"\nquestion = "t.q"\nwhen = "t_x == 40"\nvalue = 40\n'
        'citations = ["x"]\nexplain = { sv = "x", en = "x" }\n'
    )
    path = rule_file(text)
    code, out = run("check", "--lang", "en", "--no-plugins", str(path))
    assert code == 0
    assert "warning: no rule answering 't.q' applies when t_x = 17" in out
    code, out = run("check", "--no-plugins", "--strict", str(path))
    assert code == 1
    assert "gäller när t_x = 17" in out
    fixed = rule_file(
        text + '[[rules]]\nid = "t.rest"\nquestion = "t.q"\ndefault = true\nvalue = -1\n'
        'citations = ["x"]\nexplain = { sv = "x", en = "x" }\n'
    )
    code, out = run("check", "--lang", "en", "--no-plugins", str(fixed))
    assert code == 0
    assert "warning" not in out
