"""Watches declared by the rulebooks; the new national watches; a municipal layer that
overrides national deadline rules, through both backends; sessions in a long-running host."""

from __future__ import annotations

import gc
import textwrap
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.watch import (
    Caseload,
    Event,
    event_kinds,
    ivo_report,
    watches,
    watchlist,
)

pytest.importorskip("durable")
import lss_sol_rules_stockholm

from lss_sol_rules.watch import (
    DurableWatch,
    WatchCapacityError,
    WatchClosedError,
    durable_backend,
)

ENGINE = lsr.load()
HERE = Path(__file__).resolve().parent
DISTRICT = "se/stockholm/avvikande"


class _District:
    """A plugin whose layer overrides national and Stockholm deadline rules (a test fixture)."""

    @lsr.hookimpl
    def lss_sol_rules_rule_files(self) -> list[lsr.RuleSource]:
        return [lsr.RuleSource(HERE / "watch_rules" / "avvikande.toml", "avvikande")]


ENGINE_X = lsr.load(plugins=[lss_sol_rules_stockholm, _District()])


def ev(case: str, kind: str, on: date, **data: Any) -> Event:
    return Event(case, kind, on, data)


def both(
    events: list[Event], jurisdiction: str = "se", engine: lsr.Engine = ENGINE
) -> tuple[Caseload, DurableWatch]:
    cl = Caseload(engine)
    cl.apply_all(events)
    dw = DurableWatch(engine, jurisdiction)
    dw.post_all(events)
    return cl, dw


def agree(
    cl: Caseload,
    dw: DurableWatch,
    on: date,
    jurisdiction: str = "se",
    engine: lsr.Engine = ENGINE,
) -> list[Any]:
    pure = watchlist(engine, cl, on, jurisdiction)
    assert [a.key for a in dw.tick(on)] == [a.key for a in pure]
    return pure


def of(alerts: list[Any], watch: str) -> list[tuple[str, str, date]]:
    return [(a.case_id, a.status, a.due) for a in alerts if a.watch == watch]


# -- declarations ------------------------------------------------------------------------------
NATIONAL = {"ej_verkstallt", "overklagande", "begaran_om_avgorande", "avgorande"}
STOCKHOLM = {"genomforandeplan", "uppfoljning", "individuell_plan", "tidsbegransning"}


def test_the_watches_come_from_the_rulebooks() -> None:
    national = {w.name for w in watches(ENGINE, "se")}
    assert national >= NATIONAL | {"individuell_plan_omprovning"}
    assert {w.name for w in watches(ENGINE, "se/stockholm")} == national | STOCKHOLM
    [ivo] = [w for w in watches(ENGINE, "se") if w.list == "ivo"]
    assert ivo.question == "ej_verkstallt.ska_rapporteras"
    assert ivo.file.endswith("ej_verkstallda_beslut.toml")  # the rulebook that defines it
    for w in watches(ENGINE, "se/stockholm"):
        if w.name in STOCKHOLM:
            assert "lss_sol_rules_stockholm" in w.file
    national_only = lsr.load(plugins=False)
    assert {w.name for w in watches(national_only, "se")} == national


def test_the_watch_engine_names_no_plugin_vocabulary() -> None:
    package = Path(lsr.__file__).parent / "watch"
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.glob("*.py"))
    for word in (
        "genomforandeplan",
        "uppfoljning",
        "individuell_plan",
        "tidsbegransning",
        "bestallning",
        "ej_verkstallt.ska",
        "overklagande",
    ):
        assert word not in source, word


def test_event_kinds_follow_from_the_declared_facts() -> None:
    kinds = event_kinds(ENGINE)
    for fact in (
        "del_av_beslutet_datum",
        "overklagande_inkom",
        "begaran_om_avgorande_inkom",
        "verkstallighet_avbruten",
        "verkstallighet_aterupptagen",
        "individuell_plan_upprattad",
    ):
        assert kinds[fact].fact == fact
    assert kinds["ansokan"].fact == "arende_inlett"
    assert kinds["beslut"].fact == "beslutsdatum"
    assert kinds["verkstallt"].fact == "verkstallighetsdatum"  # a readable name, declared
    assert kinds["uppfoljning"].repeatable  # moves the deadline
    assert not kinds["verkstallt"].repeatable
    # National law only: Stockholm's events do not exist, and saying so names the plugin.
    cl = Caseload(lsr.load(plugins=False))
    cl.apply(ev("a", "beslut", date(2026, 1, 5), insats="kontaktperson", lag="LSS"))
    with pytest.raises(lsr.EventError, match="plugin"):
        cl.apply(ev("a", "bestallning", date(2026, 1, 6)))


def test_beslut_sets_the_favourable_fact_from_its_outcome() -> None:
    cl = Caseload(ENGINE)
    cl.apply(ev("a", "beslut", date(2026, 1, 5), insats="kontaktperson", lag="LSS"))
    cl.apply(
        ev("b", "beslut", date(2026, 1, 5), insats="kontaktperson", lag="LSS", utfall="avslag")
    )
    assert cl.cases["a"].facts["beslut_gynnande"] is True
    assert cl.cases["b"].facts["beslut_gynnande"] is False
    with pytest.raises(lsr.EventError, match="contradicts"):
        cl.apply(
            ev("c", "beslut", date(2026, 1, 5), lag="LSS", utfall="avslag", beslut_gynnande=True)
        )
    cl.apply(ev("d", "beslut", date(2026, 1, 5), lag="LSS", beslut_gynnande=False))
    assert cl.cases["d"].favourable is False


def _load_with(tmp_path: Path, text: str) -> lsr.Engine:
    path = tmp_path / "watches.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return lsr.load(paths=[path], plugins=False)


def test_a_local_rulebook_brings_its_own_watch_and_event(tmp_path: Path) -> None:
    engine = _load_with(
        tmp_path,
        """
        [rulebook]
        id = "test.lokal"
        jurisdiction = "se/lokal"

        [facts.hembesok_gjort]
        type = "date"
        past = true
        label = { sv = "Hembesök gjort", en = "Home visit made" }

        [questions."hembesok.senast"]
        type = "date"
        label = { sv = "Hembesök senast", en = "Home visit by" }

        [[rules]]
        id = "lokal.hembesok"
        question = "hembesok.senast"
        compute = "add_days(beslutsdatum, 10)"
        citations = ["test"]
        explain.sv = "Senast {value}."
        explain.en = "By {value}."

        [watches.hembesok]
        question = "hembesok.senast"
        closed_by = ["hembesok_gjort"]
        events = { hembesok = "hembesok_gjort" }
        label = { sv = "Hembesök", en = "Home visit" }
        """,
    )
    assert event_kinds(engine)["hembesok"].fact == "hembesok_gjort"
    cl, dw = both(
        [ev("a", "beslut", date(2026, 1, 5), insats="kontaktperson", lag="LSS")],
        "se/lokal",
        engine,
    )
    assert of(agree(cl, dw, date(2026, 1, 10), "se/lokal", engine), "hembesok") == [
        ("a", "due", date(2026, 1, 15))
    ]
    for target in (cl.apply, dw.post):
        target(ev("a", "hembesok", date(2026, 1, 12)))
    assert of(agree(cl, dw, date(2026, 1, 20), "se/lokal", engine), "hembesok") == []
    assert [w.name for w in watches(engine, "se")] == [w.name for w in watches(ENGINE, "se")]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('question = "finns.inte"\nlabel = { sv = "a", en = "b" }', "unknown question"),
        (
            'question = "overklagande.sista_dag"\nclosed_by = ["lag"]\nlabel = { sv = "a", en = "b" }',
            "name date facts",
        ),
        (
            'question = "overklagande.sista_dag"\nlist = "ivo"\nlabel = { sv = "a", en = "b" }',
            "bool question",
        ),
        (
            'question = "overklagande.sista_dag"\nlist = "kvartal"\nlabel = { sv = "a", en = "b" }',
            "`list` must be one of",
        ),
        (
            'question = "overklagande.sista_dag"\nwhen = "lag"\nlabel = { sv = "a", en = "b" }',
            "not a bool",
        ),
        (
            'question = "overklagande.sista_dag"\nwhen = "lag =="\nlabel = { sv = "a", en = "b" }',
            "when",
        ),
        (
            'question = "overklagande.sista_dag"\nevents = { verkstallt = "overklagande_inkom" }\n'
            'label = { sv = "a", en = "b" }',
            "makes it set",
        ),
        (
            'question = "overklagande.sista_dag"\nclosd_by = []\nlabel = { sv = "a", en = "b" }',
            "did you mean",
        ),
        ('question = "overklagande.sista_dag"', "label"),
        (
            'question = "lss.personkrets"\nlabel = { sv = "a", en = "b" }',
            "a watch needs a date question",
        ),
    ],
)
def test_bad_watch_declarations_name_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    text = '[rulebook]\nid = "test.fel"\n\n[watches.fel]\n' + body + "\n"
    with pytest.raises(lsr.RuleFileError, match=message) as info:
        _load_with(tmp_path, text)
    assert "watches.toml" in str(info.value)
    # The watch's header (line 4) or the offending key inside it.
    body_lines = range(4, 5 + body.count("\n") + 1)
    assert info.value.line is None or info.value.line in body_lines, info.value.line


def test_a_watch_declared_twice_in_one_jurisdiction_is_refused(tmp_path: Path) -> None:
    with pytest.raises(lsr.RuleFileError, match="declared twice"):
        _load_with(
            tmp_path,
            """
            [rulebook]
            id = "test.dubbel"
            jurisdiction = "se"

            [watches.ej_verkstallt]
            question = "ej_verkstallt.ska_rapporteras"
            list = "ivo"
            label = { sv = "a", en = "b" }
            """,
        )


# -- the new national watches, both paths -------------------------------------------------------
def test_appeal_period_runs_out_on_the_next_weekday_after_christmas() -> None:
    events = [
        ev("a", "beslut", date(2026, 12, 1), insats="kontaktperson", lag="LSS", utfall="avslag"),
        ev("a", "del_av_beslutet_datum", date(2026, 12, 3)),
        ev("b", "beslut", date(2026, 12, 1), insats="kontaktperson", lag="LSS", utfall="avslag"),
        ev("b", "del_av_beslutet_datum", date(2026, 12, 3)),
        ev("b", "overklagande_inkom", date(2026, 12, 20)),
    ]
    cl, dw = both(events)
    # Three weeks from 3 December is julafton; 25-27 are holidays and a Sunday (1930:173 2 §).
    assert of(agree(cl, dw, date(2026, 12, 21)), "overklagande") == [
        ("a", "expires", date(2026, 12, 28))  # b's appeal arrived on the 20th
    ]
    assert of(agree(cl, dw, date(2026, 12, 30)), "overklagande") == [
        ("a", "expired", date(2026, 12, 28))
    ]
    assert of(agree(cl, dw, date(2027, 1, 4)), "overklagande") == []  # off the list
    assert of(agree(cl, dw, date(2026, 12, 4)), "overklagande") == [  # as of an earlier day
        ("a", "expires", date(2026, 12, 28)),
        ("b", "expires", date(2026, 12, 28)),
    ]


def test_handling_time_from_six_months_and_four_weeks_after_the_request() -> None:
    events = [
        ev("h", "ansokan", date(2026, 1, 15)),
        ev("h", "begaran_om_avgorande_inkom", date(2026, 7, 20)),
        ev("h", "beslut", date(2026, 8, 10), insats="kontaktperson", lag="LSS"),
    ]
    cl, dw = both(events)
    assert of(agree(cl, dw, date(2026, 7, 1)), "begaran_om_avgorande") == [
        ("h", "upcoming", date(2026, 7, 16))
    ]
    alerts = agree(cl, dw, date(2026, 7, 25))
    assert of(alerts, "begaran_om_avgorande") == [("h", "open", date(2026, 7, 16))]
    assert of(alerts, "avgorande") == []  # 17 August: not this month's
    alerts = agree(cl, dw, date(2026, 8, 1))
    assert of(alerts, "begaran_om_avgorande") == [("h", "open", date(2026, 7, 16))]
    assert of(alerts, "avgorande") == [("h", "due", date(2026, 8, 17))]
    decided = agree(cl, dw, date(2026, 8, 11))
    assert not of(decided, "begaran_om_avgorande")
    assert not of(decided, "avgorande")


def test_interrupted_and_resumed_late_is_on_both_ivo_lists() -> None:
    events = [
        ev("i", "beslut", date(2026, 1, 10), insats="bostad_vuxna", lag="LSS"),
        ev("i", "verkstallt", date(2026, 2, 1)),
        ev("i", "verkstallighet_avbruten", date(2026, 3, 1)),
        ev("i", "verkstallighet_aterupptagen", date(2026, 7, 15)),
        ev("k", "beslut", date(2026, 1, 10), insats="bostad_vuxna", lag="LSS"),
        ev("k", "verkstallt", date(2026, 2, 1)),
        ev("k", "verkstallighet_avbruten", date(2026, 3, 1)),
        ev("k", "verkstallighet_aterupptagen", date(2026, 5, 20)),  # within three months
    ]
    cl, dw = both(events)
    assert of(agree(cl, dw, date(2026, 6, 1)), "ej_verkstallt") == []
    [a] = [a for a in agree(cl, dw, date(2026, 6, 2)) if a.watch == "ej_verkstallt"]
    assert (a.case_id, a.status, a.due, a.rule_id) == (
        "i",
        "reportable",
        date(2026, 6, 2),
        "lss.28f.avbrott",
    )
    [row] = ivo_report(ENGINE, cl, "2026Q2")
    assert (row.case_id, row.trigger, row.trigger_date) == (
        "i",
        "verkstallighet_avbruten",
        date(2026, 3, 1),
    )
    assert row.days_waiting == 121
    assert dw.ivo_report("2026Q2") == [row]
    [late] = ivo_report(ENGINE, cl, "2026Q3")
    assert (late.case_id, late.verkstallt, late.reportable_from) == (
        "i",
        date(2026, 7, 15),
        date(2026, 6, 2),
    )
    assert dw.ivo_report("2026Q3") == [late]
    assert ivo_report(ENGINE, cl, "2026Q4") == dw.ivo_report("2026Q4") == []


def test_refusals_are_not_reported_but_their_appeal_is_watched() -> None:
    events = [
        ev("r", "beslut", date(2026, 1, 5), insats="kontaktperson", lag="LSS", utfall="avslag"),
        ev("r", "del_av_beslutet_datum", date(2026, 1, 7)),
    ]
    cl, dw = both(events)
    assert [a.watch for a in agree(cl, dw, date(2026, 1, 20))] == ["overklagande"]
    assert of(agree(cl, dw, date(2026, 6, 1)), "ej_verkstallt") == []


def test_the_yearly_review_of_an_established_plan() -> None:
    events = [
        ev("p", "beslut", date(2025, 1, 5), insats="kontaktperson", lag="LSS"),
        ev("p", "verkstallt", date(2025, 1, 20)),
        ev("p", "individuell_plan_upprattad", date(2025, 3, 1)),
        ev("s", "beslut", date(2025, 1, 5), insats="hemtjanst", lag="SoL"),
        ev("s", "verkstallt", date(2025, 1, 20)),
    ]
    cl, dw = both(events)
    assert of(agree(cl, dw, date(2026, 3, 1)), "individuell_plan_omprovning") == [
        ("p", "due", date(2026, 3, 1))
    ]
    for target in (cl.apply, dw.post):
        target(ev("p", "individuell_plan_omprovad", date(2026, 2, 20)))
    assert of(agree(cl, dw, date(2026, 3, 1)), "individuell_plan_omprovning") == []
    assert of(agree(cl, dw, date(2027, 2, 1)), "individuell_plan_omprovning") == [
        ("p", "due", date(2027, 2, 20))
    ]


# -- a municipal layer that overrides national deadline rules ------------------------------------
def test_a_municipal_override_of_the_ivo_rule_applies_on_both_paths() -> None:
    events = [
        ev("kp", "beslut", date(2026, 1, 10), insats="kontaktperson", lag="LSS"),
        ev("bv", "beslut", date(2026, 1, 10), insats="bostad_vuxna", lag="LSS"),
    ]
    cl, dw = both(events, DISTRICT, ENGINE_X)
    # Two months in the district (its parameter): reportable from 11 March, but from
    # 1 March the district does not report contact persons (its rule overrides LSS 28 f §).
    on = date(2026, 3, 20)
    alerts = agree(cl, dw, on, DISTRICT, ENGINE_X)
    assert of(alerts, "ej_verkstallt") == [("bv", "reportable", date(2026, 3, 11))]
    assert [r.case_id for r in ivo_report(ENGINE_X, cl, "2026Q1", DISTRICT)] == ["bv"]
    assert [r.case_id for r in dw.ivo_report("2026Q1")] == ["bv"]
    # The same events in Stockholm, on the same engine: three months, both reported.
    cl2, dw2 = both(events, "se/stockholm", ENGINE_X)
    alerts = agree(cl2, dw2, date(2026, 4, 20), "se/stockholm", ENGINE_X)
    assert {c for c, _, _ in of(alerts, "ej_verkstallt")} == {"kp", "bv"}


def test_a_municipal_rule_and_parameter_over_stockholm_deadlines_on_both_paths() -> None:
    events = [
        ev("a", "beslut", date(2025, 12, 1), insats="kontaktperson", lag="LSS"),
        ev("a", "bestallning", date(2025, 12, 2)),
        ev("s", "beslut", date(2025, 12, 1), insats="hemtjanst", lag="SoL"),
        ev("s", "bestallning", date(2025, 12, 2)),
    ]
    cl, dw = both(events, DISTRICT, ENGINE_X)
    alerts = agree(cl, dw, date(2025, 12, 5), DISTRICT, ENGINE_X)
    assert sorted(of(alerts, "genomforandeplan")) == [
        ("a", "due", date(2025, 12, 9)),  # a week (the district's LSS rule)
        ("s", "due", date(2025, 12, 16)),  # two weeks (Stockholm's)
    ]
    # The parameter changes on 2026-01-01 under a deadline computed in December: the SoL
    # decision becomes reportable from 2 February (two months), not 2 March.
    alerts = agree(cl, dw, date(2026, 2, 2), DISTRICT, ENGINE_X)
    assert ("s", "reportable", date(2026, 2, 2)) in of(alerts, "ej_verkstallt")


# -- sessions in a long-running host ------------------------------------------------------------
def test_ten_thousand_instances_created_and_closed_in_one_process() -> None:
    event = ev("a", "beslut", date(2026, 1, 10), insats="bostad_vuxna", lag="LSS")
    for i in range(10_000):
        with DurableWatch(ENGINE, "se/stockholm") as watch:
            if i % 1000 == 0:  # a reused session starts clean and still answers
                assert watch.tick(date(2026, 6, 1)) == []
                watch.post(event)
                assert "ej_verkstallt" in {a.watch for a in watch.tick(date(2026, 6, 1))}
    assert durable_backend._NEXT[0] <= durable_backend.MAX_LIVE + 1


def test_instances_left_to_the_garbage_collector_free_their_session() -> None:
    for _ in range(3000):
        DurableWatch(ENGINE, "se")  # never closed
    gc.collect()
    with DurableWatch(ENGINE, "se") as watch:
        assert watch.tick(date(2026, 1, 1)) == []


def test_too_many_live_instances_give_a_typed_error_that_says_what_to_do() -> None:
    live = []
    try:
        error = None
        for _ in range(durable_backend.MAX_LIVE + 1):
            try:
                live.append(DurableWatch(ENGINE, "se"))
            except WatchCapacityError as exc:
                error = exc
                break
        assert error is not None
        assert "close()" in str(error)
        assert len(live) <= durable_backend.MAX_LIVE
        live.pop().close()
        live.append(DurableWatch(ENGINE, "se"))  # a closed one's session is reused
    finally:
        for w in live:
            w.close()
    closed = DurableWatch(ENGINE, "se")
    closed.close()
    closed.close()  # idempotent
    with pytest.raises(WatchClosedError, match="closed"):
        closed.tick(date(2026, 1, 1))
    assert isinstance(WatchCapacityError("x"), lsr.LssSolRulesError)


def test_a_reused_session_does_not_see_the_previous_instance() -> None:
    first = DurableWatch(ENGINE, "se")
    first.post(ev("a", "beslut", date(2026, 1, 10), insats="bostad_vuxna", lag="LSS"))
    sid = first.id
    first.close()
    second = DurableWatch(ENGINE, "se")
    try:
        assert second.id == sid
        assert second.tick(date(2026, 12, 1)) == []
    finally:
        second.close()


def test_as_of_a_past_date_does_not_disturb_later_ticks() -> None:
    start = date(2026, 1, 10)
    events = [ev("a", "beslut", start, insats="bostad_vuxna", lag="LSS")]
    events += [ev("a", "verkstallt", start + timedelta(days=200))]
    cl, dw = both(events)
    for on in (date(2026, 9, 1), date(2026, 5, 1), date(2026, 12, 1), date(2026, 4, 11)):
        agree(cl, dw, on)


# -- hostile events: the library's own error, never a traceback ---------------------------------
HOSTILE: list[Any] = [
    None,
    [],
    "beslut",
    {},
    {"case_id": "a", "kind": "beslut"},
    {"case_id": "a", "kind": "beslut", "on": "2026-W01-1"},
    {"case_id": "a", "kind": "beslut", "on": "20260101"},
    {"case_id": "a", "kind": "beslut", "on": "2026-02-30"},
    {"case_id": "a", "kind": "beslut", "on": 20260101},
    {"case_id": "a", "kind": "beslut", "on": "2026-01-01T10:00"},
    {"case_id": "\ud800", "kind": "beslut", "on": "2026-01-01"},
    {"case_id": "a\u202e", "kind": "beslut", "on": "2026-01-01"},
    {"case_id": "", "kind": "beslut", "on": "2026-01-01"},
    {"case_id": "x" * 10_000, "kind": "beslut", "on": "2026-01-01"},
    {"case_id": 10**5000, "kind": "beslut", "on": "2026-01-01"},
    {"case_id": True, "kind": "beslut", "on": "2026-01-01"},
    {"case_id": ["a"], "kind": "beslut", "on": "2026-01-01"},
    {"case_id": "a", "kind": ["beslut"], "on": "2026-01-01"},
    {"case_id": "a", "kind": "beslut\x00", "on": "2026-01-01"},
    {"case_id": "a", "kind": "beslut", "on": "2026-01-01", "data": [1]},
    {"case_id": "a", "kind": "beslut", "on": "2026-01-01", "data": {"lag": "\ud800"}},
    {"case_id": "a", "kind": "beslut", "on": "2026-01-01", "data": {"alder": 10**5000}},
    {"case_id": "a", "kind": "beslut", "on": "2026-01-01", "data": {"okand_fakta": 1}},
    {"case_id": "a", "kind": "beslut", "on": "2026-01-01", "data": {"utfall": ["avslag"]}},
    {"case_id": "a", "kind": "verkstallt", "on": "2026-01-01", "data": {"x": 1}},
]


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_events_give_event_errors(raw: Any) -> None:
    cl = Caseload(ENGINE)
    with pytest.raises(lsr.LssSolRulesError) as info:
        cl.apply(Event.from_dict(raw))
    str(info.value).encode("utf-8")  # printable: no lone surrogate in the message
    with DurableWatch(ENGINE, "se/stockholm") as dw, pytest.raises(lsr.LssSolRulesError):
        dw.post(raw)


def test_a_case_the_rules_cannot_compute_is_named_the_same_on_both_paths() -> None:
    raw = {"case_id": "a", "kind": "beslut", "on": "9999-12-31", "data": {"lag": "LSS"}}
    cl = Caseload(ENGINE)
    cl.apply(Event.from_dict(raw))
    outcomes = []
    with DurableWatch(ENGINE, "se/stockholm") as dw:
        dw.post(raw)
        for run in (
            lambda: watchlist(ENGINE, cl, date(9999, 12, 31), "se/stockholm"),
            lambda: dw.tick(date(9999, 12, 31)),
        ):
            with pytest.raises(lsr.EventError, match=r"case 'a'.*watch 'ej_verkstallt'") as info:
                run()
            outcomes.append(str(info.value))
    assert outcomes[0] == outcomes[1]
    assert watchlist(ENGINE, cl, date(2026, 6, 1), "se/stockholm") == []  # not known yet


def test_a_when_that_reads_a_parameter_or_the_date_agrees_on_both_paths(tmp_path: Path) -> None:
    engine = _load_with(
        tmp_path,
        """
        [rulebook]
        id = "test.villkor"
        jurisdiction = "se/villkor"

        [parameters.lokal_bevakning]
        type = "bool"
        label = { sv = "Lokal bevakning", en = "Local watch" }

        [[parameters.lokal_bevakning.values]]
        value = false
        valid_from = 2000-01-01
        valid_to = 2026-02-28
        citations = ["test"]

        [[parameters.lokal_bevakning.values]]
        value = true
        valid_from = 2026-03-01
        citations = ["test"]

        [questions."lokal.senast"]
        type = "date"
        label = { sv = "Lokal frist", en = "Local deadline" }

        [[rules]]
        id = "lokal.frist"
        question = "lokal.senast"
        compute = "add_days(beslutsdatum, 30)"
        citations = ["test"]
        explain.sv = "Senast {value}."
        explain.en = "By {value}."

        [watches.parametern]
        question = "lokal.senast"
        when = "lokal_bevakning"
        label = { sv = "Efter parametern", en = "By the parameter" }

        [watches.datumet]
        question = "lokal.senast"
        when = "on >= add_days(beslutsdatum, 20)"
        label = { sv = "Efter datumet", en = "By the date" }
        """,
    )
    events = [ev("a", "beslut", date(2026, 1, 10), insats="kontaktperson", lag="LSS")]
    cl, dw = both(events, "se/villkor", engine)
    seen = []
    for on in (date(2026, 1, 12), date(2026, 2, 1), date(2026, 2, 27), date(2026, 3, 1)):
        alerts = agree(cl, dw, on, "se/villkor", engine)
        seen.append(sorted(a.watch for a in alerts if a.watch in ("parametern", "datumet")))
    assert seen == [[], ["datumet"], ["datumet"], ["datumet", "parametern"]]


def test_random_watch_declarations_load_or_give_a_rule_file_error(tmp_path: Path) -> None:
    import random

    values = [
        "5",
        '"x"',
        "[]",
        '["beslutsdatum"]',
        "{}",
        '{ sv = "a", en = "b" }',
        "true",
        "2026-01-01",
        "[1, 2]",
        "{ a = 5 }",
        '"lag =="',
        '"ej_verkstallt.ska_rapporteras"',
        '"overklagande.sista_dag"',
        '"ivo"',
        '"from"',
        '"all"',
        '{ beslut = "lag" }',
        '{ ansokan = "beslutsdatum" }',
        '["verkstallighetsdatum", "verkstallighetsdatum"]',
    ]
    keys = [
        "question",
        "label",
        "list",
        "kind",
        "cases",
        "opened_by",
        "closed_by",
        "moved_by",
        "repeatable",
        "events",
        "favourable",
        "when",
        "reported_when_closed",
        "bogus",
    ]
    rng = random.Random(2026)  # noqa: S311 - reproducible test input
    loaded, messages = 0, []
    for i in range(60):
        body = "\n".join(f"{k} = {rng.choice(values)}" for k in rng.sample(keys, rng.randint(1, 6)))
        path = tmp_path / f"w{i}.toml"
        path.write_text(f'[rulebook]\nid = "t.f"\n\n[watches.w{i}]\n{body}\n', encoding="utf-8")
        try:
            lsr.load(paths=[path], plugins=False)
            loaded += 1
        except lsr.RuleFileError as exc:
            messages.append((str(path), str(exc)))
    assert loaded < 60
    assert all(where in message for where, message in messages)
