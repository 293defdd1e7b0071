"""A JSON object that names one key twice is refused, never read as its last value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lss_sol_rules.cli import main
from lss_sol_rules.values import DuplicateKeyError, unique_keys


def test_unique_keys_refuses_a_key_given_twice() -> None:
    assert json.loads('{"a": 1, "b": {"a": 2}}', object_pairs_hook=unique_keys) == {
        "a": 1,
        "b": {"a": 2},
    }
    with pytest.raises(DuplicateKeyError) as info:
        json.loads('{"a": 1, "b": {"c": 2, "c": 3}}', object_pairs_hook=unique_keys)
    assert info.value.key == "c"


@pytest.mark.parametrize(("lang", "words"), [("sv", "två gånger"), ("en", "appears twice")])
def test_a_facts_file_with_a_key_twice_is_refused(tmp_path: Path, lang: str, words: str) -> None:
    facts = tmp_path / "f.json"
    facts.write_text(
        '{"grundlaggande_behov_timmar_per_vecka": 5, "grundlaggande_behov_timmar_per_vecka": 30}',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        ["evaluate", "personlig_assistans.huvudman", "--facts", str(facts), "--lang", lang],
    )
    assert result.exit_code != 0
    assert words in result.output
    assert "grundlaggande_behov_timmar_per_vecka" in result.output
    assert "Traceback" not in result.output


def test_an_http_body_with_a_key_twice_is_refused() -> None:
    pytest.importorskip("starlette")
    from lss_sol_rules.web.guard import refuse_json_body

    body = refuse_json_body(b'{"question": "x", "facts": {"alder": 40, "alder": 70}}')
    assert body is not None
    assert body.error == "DuplicateKey"
    assert body.status == 422
    assert body.message_sv is not None
    assert "två gånger" in body.message_sv
