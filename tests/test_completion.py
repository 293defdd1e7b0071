"""Shell completion callbacks: question, fact, parameter and jurisdiction names."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click
from click.shell_completion import BashComplete

from lss_sol_rules.completion import (
    complete_fact,
    complete_jurisdiction,
    complete_parameter,
    complete_question,
)


@click.group()
def cli() -> None:
    """A stand-in for lss-sol-rules with the same option names."""


@cli.command()
@click.option("--rules", "rules", multiple=True, type=click.Path())
@click.option("--no-plugins", is_flag=True)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv")
@click.option("--jurisdiction", default="se", shell_complete=complete_jurisdiction)
@click.option("--fact", "fact", shell_complete=complete_fact)
@click.option("--parameter", "parameter", shell_complete=complete_parameter)
@click.argument("question", shell_complete=complete_question)
def evaluate(**kwargs: object) -> None:
    """Stand-in."""


def _complete(args: list[str], incomplete: str) -> list[tuple[str, str | None]]:
    shell = BashComplete(cli, {}, "lss-sol-rules", "_LSS_SOL_RULES_COMPLETE")
    return [(c.value, c.help) for c in shell.get_completions(args, incomplete)]


def test_question_names_with_their_labels() -> None:
    got = dict(_complete(["evaluate"], "personlig_assistans."))
    assert "personlig_assistans.huvudman" in got
    assert all(name.startswith("personlig_assistans.") for name in got)
    assert got["personlig_assistans.huvudman"]  # the Swedish label
    english = dict(_complete(["evaluate", "--lang", "en"], "personlig_assistans.h"))
    assert english["personlig_assistans.huvudman"] != got["personlig_assistans.huvudman"]


def test_plugin_questions_and_jurisdictions_unless_no_plugins() -> None:
    assert "delegation.beslutsniva" in dict(_complete(["evaluate"], "delegation."))
    assert dict(_complete(["evaluate", "--no-plugins"], "delegation.")) == {}
    places = dict(_complete(["evaluate", "--jurisdiction"], "se"))
    assert {"se", "se/stockholm"} <= set(places)
    assert set(dict(_complete(["evaluate", "--no-plugins", "--jurisdiction"], ""))) == {"se"}


def test_fact_and_parameter_names() -> None:
    assert "grundlaggande_behov_timmar_per_vecka" in dict(_complete(["evaluate", "--fact"], "grund"))
    params = dict(_complete(["evaluate", "--parameter"], ""))
    assert params
    assert all(help_ for help_ in params.values())


def test_extra_rules_are_completed_and_broken_rules_complete_nothing(tmp_path: Path) -> None:
    own = tmp_path / "egen.toml"
    own.write_text(
        textwrap.dedent(
            """
            [questions."egen.fraga"]
            type = "bool"
            label = { sv = "Egen fråga", en = "Own question" }

            [[rules]]
            id = "egen.ja"
            question = "egen.fraga"
            value = true
            citations = ["Egen riktlinje"]
            explain = { sv = "ja", en = "yes" }
            """
        ),
        encoding="utf-8",
    )
    assert dict(_complete(["evaluate", "--rules", str(own)], "egen.")) == {
        "egen.fraga": "Egen fråga"
    }
    broken = tmp_path / "trasig.toml"
    broken.write_text("[[rules]]\nid = 1\n", encoding="utf-8")
    assert _complete(["evaluate", "--rules", str(broken)], "") == []
    assert _complete(["evaluate", "--rules", str(tmp_path / "missing.toml")], "") == []
