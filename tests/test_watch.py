"""The watch engine: events checked, alerts from both paths identical (durable-rules extra)."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import lss_sol_rules as lsr
from lss_sol_rules.watch import Caseload, Event, ivo_report, watchlist

pytest.importorskip("durable")
import lss_sol_rules_stockholm

from lss_sol_rules.watch import DurableWatch

ENGINE = lsr.load()
STHLM = "se/stockholm"


def ev(case: str, kind: str, on: date, **data: Any) -> Event:
    return Event(case, kind, on, data)


def both(events: list[Event], jurisdiction: str = STHLM) -> tuple[Caseload, DurableWatch]:
    cl = Caseload(ENGINE)
    cl.apply_all(events)
    dw = DurableWatch(ENGINE, jurisdiction)
    dw.post_all(events)
    return cl, dw


def keys(alerts: list[Any]) -> list[tuple[Any, ...]]:
    return [a.key for a in alerts]


def agree(cl: Caseload, dw: DurableWatch, on: date, jurisdiction: str = STHLM) -> list[Any]:
    pure = watchlist(ENGINE, cl, on, jurisdiction)
    assert keys(dw.tick(on)) == keys(pure)
    return pure


# -- events ----------------------------------------------------------------------------------
D = date(2026, 1, 10)
BESLUT = ev("a", "beslut", D, insats="ledsagarservice", lag="LSS")


def test_duplicates_are_idempotent_and_counted() -> None:
    cl = Caseload(ENGINE)
    assert cl.apply(BESLUT) == "applied"
    assert cl.apply(BESLUT) == "duplicate"
    assert cl.duplicates == 1
    assert cl.apply(ev("a", "uppfoljning", D + timedelta(days=30))) == "applied"
    assert cl.apply(ev("a", "uppfoljning", D + timedelta(days=30))) == "duplicate"
    assert cl.apply(ev("a", "uppfoljning", D + timedelta(days=60))) == "applied"  # repeatable


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([ev("x", "bestallning", D)], "unknown case"),
        ([ev("x", "ansokan", D), ev("x", "bestallning", D)], "send 'beslut' first"),
        ([BESLUT, ev("a", "bestallning", D - timedelta(days=1))], "out of order"),
        (
            [BESLUT, ev("a", "beslut", D, insats="kontaktperson", lag="LSS")],
            "new case_id",
        ),
        ([BESLUT, ev("a", "avslutat", D), ev("a", "uppfoljning", D)], "closed"),
        ([ev("a", "flytt", D)], "unknown event kind"),
        ([BESLUT, ev("a", "ansokan", D)], "opens a case"),
        ([ev("a", "beslut", D, insats="flygresa", lag="LSS")], "flygresa"),
        ([ev("a", "beslut", D, insats="kontaktperson", lag="LSS", utfall="kanske")], "utfall"),
        ([BESLUT, ev("a", "verkstallt", D, extra=1)], "takes no data"),
    ],
)
def test_bad_events_raise_event_error(events: list[Event], message: str) -> None:
    cl = Caseload(ENGINE)
    with pytest.raises(lsr.EventError, match=message):
        cl.apply_all(events)
    dw = DurableWatch(ENGINE, STHLM)
    with pytest.raises(lsr.EventError, match=message):
        dw.post_all(events)


def test_events_from_json_like_dicts() -> None:
    e = Event.from_dict(
        {
            "case_id": 7,
            "kind": "beslut",
            "on": "2026-01-10",
            "data": {"insats": "hemtjanst", "lag": "SoL"},
        }
    )
    assert e.case_id == "7"
    assert e.on == date(2026, 1, 10)
    with pytest.raises(lsr.EventError, match="YYYY-MM-DD"):
        Event.from_dict({"case_id": 7, "kind": "beslut", "on": "10/1/2026"})
    with pytest.raises(lsr.EventError, match="missing field"):
        Event.from_dict({"case_id": 7, "on": "2026-01-10"})


def test_a_watch_date_before_a_case_event_sees_the_case_as_it_stood_then() -> None:
    events = [
        BESLUT,
        ev("a", "bestallning", date(2026, 1, 12)),
        ev("a", "genomforandeplan", date(2026, 1, 30)),
    ]
    cl, dw = both(events)
    # Before the decision the case did not exist; on 2026-01-27 the plan was overdue; after
    # it arrived, nothing. The full log is read as of each date.
    assert agree(cl, dw, D - timedelta(days=1)) == []
    late = [a for a in agree(cl, dw, date(2026, 1, 27)) if a.watch == "genomforandeplan"]
    assert [(a.status, a.due) for a in late] == [("overdue", date(2026, 1, 26))]
    assert not [a for a in agree(cl, dw, date(2026, 2, 1)) if a.watch == "genomforandeplan"]
    # ... and again back in time, after a later date was asked for.
    again = [a for a in agree(cl, dw, date(2026, 1, 27)) if a.watch == "genomforandeplan"]
    assert keys(again) == keys(late)


# -- each watch ----------------------------------------------------------------------------
def test_implementation_plan_two_weeks_after_the_order() -> None:
    events = [BESLUT, ev("a", "bestallning", date(2026, 1, 12))]
    cl, dw = both(events)
    [plan] = [a for a in agree(cl, dw, date(2026, 1, 20)) if a.watch == "genomforandeplan"]
    assert (plan.status, plan.due) == ("due", date(2026, 1, 26))
    [plan] = [a for a in agree(cl, dw, date(2026, 1, 27)) if a.watch == "genomforandeplan"]
    assert plan.status == "overdue"
    assert plan.rule_id == "sthlm.genomforandeplan.tva_veckor"
    cl.apply(ev("a", "genomforandeplan", date(2026, 1, 28)))
    dw.post(ev("a", "genomforandeplan", date(2026, 1, 28)))
    assert not [a for a in agree(cl, dw, date(2026, 1, 29)) if a.watch == "genomforandeplan"]


def test_follow_up_yearly_children_housing_twice_a_year_and_reset_by_a_follow_up() -> None:
    events = [
        ev("v", "beslut", date(2025, 3, 1), insats="daglig_verksamhet", lag="LSS"),
        ev("b", "beslut", date(2025, 3, 1), insats="boende_barn", lag="LSS"),
    ]
    cl, dw = both(events)
    due = {a.case_id: a for a in agree(cl, dw, date(2025, 9, 1)) if a.watch == "uppfoljning"}
    assert due["b"].due == date(2025, 9, 1)
    assert "v" not in due
    overdue = {a.case_id: a for a in agree(cl, dw, date(2026, 3, 2)) if a.watch == "uppfoljning"}
    assert overdue["v"].status == "overdue"
    assert overdue["v"].due == date(2026, 3, 1)
    dw.post(ev("v", "uppfoljning", date(2026, 3, 5)))
    cl.apply(ev("v", "uppfoljning", date(2026, 3, 5)))
    after = {a.case_id for a in agree(cl, dw, date(2026, 3, 6)) if a.watch == "uppfoljning"}
    assert "v" not in after


def test_individuell_plan_only_for_lss_and_yearly_after_an_offer() -> None:
    events = [
        ev("l", "beslut", date(2026, 1, 5), insats="kontaktperson", lag="LSS"),
        ev("s", "beslut", date(2026, 1, 5), insats="hemtjanst", lag="SoL"),
        ev("l", "individuell_plan_erbjuden", date(2026, 1, 20)),
    ]
    cl, dw = both(events)
    assert not [a for a in agree(cl, dw, date(2026, 2, 1)) if a.watch == "individuell_plan"]
    [ip] = [a for a in agree(cl, dw, date(2027, 1, 2)) if a.watch == "individuell_plan"]
    assert (ip.case_id, ip.due, ip.status) == ("l", date(2027, 1, 20), "due")


def test_time_limited_decision_renewal_three_months_before_the_end() -> None:
    events = [
        ev(
            "t",
            "beslut",
            date(2026, 1, 5),
            insats="kontaktperson",
            lag="LSS",
            tidsbegransat_till=date(2026, 12, 31),
        )
    ]
    cl, dw = both(events)
    assert not [a for a in agree(cl, dw, date(2026, 8, 31)) if a.watch == "tidsbegransning"]
    [t] = [a for a in agree(cl, dw, date(2026, 9, 1)) if a.watch == "tidsbegransning"]
    assert (t.due, t.status) == (date(2026, 9, 30), "due")


def test_ivo_reportable_the_day_after_three_months_until_carried_out() -> None:
    events = [ev("n", "beslut", date(2026, 1, 31), insats="bostad_vuxna", lag="LSS")]
    cl, dw = both(events)
    assert not [a for a in agree(cl, dw, date(2026, 4, 30)) if a.watch == "ej_verkstallt"]
    [a] = [a for a in agree(cl, dw, date(2026, 5, 1)) if a.watch == "ej_verkstallt"]
    assert (a.due, a.status, a.rule_id) == (date(2026, 5, 1), "reportable", "lss.28f.ej_verkstallt")
    rows = ivo_report(ENGINE, cl, "2026Q2", STHLM)
    assert [(r.case_id, r.days_waiting) for r in rows] == [("n", 150)]
    assert dw.ivo_report("2026Q2") == rows
    dw.post(ev("n", "verkstallt", date(2026, 7, 2)))
    cl.apply(ev("n", "verkstallt", date(2026, 7, 2)))
    # Carried out late in Q3: reported with the date (LSS 28 g §), then no more.
    [late] = ivo_report(ENGINE, cl, "2026Q3", STHLM)
    assert (late.case_id, late.verkstallt, late.days_waiting) == ("n", date(2026, 7, 2), 152)
    assert dw.ivo_report("2026Q3") == [late]
    assert ivo_report(ENGINE, cl, "2026Q4", STHLM) == dw.ivo_report("2026Q4") == []


def test_carried_out_within_three_months_is_never_reported() -> None:
    events = [
        ev("k", "beslut", date(2026, 1, 31), insats="bostad_vuxna", lag="LSS"),
        ev("k", "verkstallt", date(2026, 4, 30)),  # the last day of the three months
    ]
    cl, dw = both(events)
    assert ivo_report(ENGINE, cl, "2026Q2", STHLM) == dw.ivo_report("2026Q2") == []


def test_ivo_rule_follows_the_law_in_force_on_the_watch_date() -> None:
    # SoL 2001:453 16 kap. 6 f § until 2025-06-30, SoL 2025:400 34 kap. 1 § from 2025-07-01.
    events = [ev("s", "beslut", date(2025, 1, 15), insats="hemtjanst", lag="SoL")]
    cl, dw = both(events, "se")
    [a] = agree(cl, dw, date(2025, 6, 1), "se")
    assert a.rule_id == "sol2001.16.6f.ej_verkstallt"
    [a] = agree(cl, dw, date(2025, 8, 1), "se")
    assert a.rule_id == "sol2025.34.1.ej_verkstallt"


def test_refused_and_closed_decisions_are_not_watched() -> None:
    events = [
        ev("r", "beslut", date(2026, 1, 5), insats="kontaktperson", lag="LSS", utfall="avslag"),
        ev("c", "beslut", date(2026, 1, 5), insats="kontaktperson", lag="LSS"),
        ev("c", "avslutat", date(2026, 2, 1)),
    ]
    cl, dw = both(events)
    assert agree(cl, dw, date(2027, 1, 1)) == []


def test_two_instances_never_share_facts() -> None:
    # The example district follows up children's housing yearly from 2025 (plugin override).
    events = [ev("same-id", "beslut", date(2025, 3, 1), insats="boende_barn", lag="LSS")]
    _, sthlm = both(events, STHLM)
    _, exempel = both(events, "se/stockholm/exempel")
    on = date(2025, 9, 1)
    a = [x for x in sthlm.tick(on) if x.watch == "uppfoljning"]
    b = [x for x in exempel.tick(on) if x.watch == "uppfoljning"]
    assert [x.due for x in a] == [date(2025, 9, 1)]
    assert b == []
    assert sthlm.id != exempel.id  # separate durable-rules sessions


def test_threads_each_with_an_instance_get_the_sequential_answers() -> None:
    events = [
        ev(f"c{i}", "beslut", date(2026, 1, 1 + i % 28), insats="kontaktperson", lag="LSS")
        for i in range(60)
    ]
    cl = Caseload(ENGINE)
    cl.apply_all(events)
    expected = keys(watchlist(ENGINE, cl, date(2026, 6, 1), STHLM))
    results: list[list[Any]] = []

    def work() -> None:
        dw = DurableWatch(ENGINE, STHLM)
        dw.post_all(events)
        results.append(keys(dw.tick(date(2026, 6, 1))))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


# -- the stateful differential test ---------------------------------------------------------
class _District:
    """A plugin layer that overrides national and Stockholm deadline rules and a parameter
    (tests/watch_rules/avvikande.toml): both paths must decide through it alike."""

    @lsr.hookimpl
    def lss_sol_rules_rule_files(self) -> list[lsr.RuleSource]:
        path = Path(__file__).resolve().parent / "watch_rules" / "avvikande.toml"
        return [lsr.RuleSource(path, "avvikande")]


DISTRICT = "se/stockholm/avvikande"
ENGINE_X = lsr.load(plugins=[lss_sol_rules_stockholm, _District()])

INSATSER = [
    ("kontaktperson", "LSS"),
    ("boende_barn", "LSS"),
    ("bostad_vuxna", "LSS"),
    ("hemtjanst", "SoL"),
    ("daglig_verksamhet", "LSS"),
]
FOLLOWING = [
    "bestallning",
    "genomforandeplan",
    "verkstallt",
    "uppfoljning",
    "individuell_plan_erbjuden",
    "avslutat",
    "verkstallighet_avbruten",
    "verkstallighet_aterupptagen",
    "del_av_beslutet_datum",
    "overklagande_inkom",
    "individuell_plan_upprattad",
    "individuell_plan_omprovad",
    "begaran_om_avgorande_inkom",
]


class WatchMachine(RuleBasedStateMachine):
    """Random event streams; after every step both paths give the same watch list."""

    @initialize(jurisdiction=st.sampled_from([STHLM, "se/stockholm/exempel", "se", DISTRICT]))
    def start(self, jurisdiction: str) -> None:
        self.jurisdiction = jurisdiction
        self.engine = ENGINE_X if jurisdiction == DISTRICT else ENGINE
        self.clock = date(2024, 11, 1)
        self.cl = Caseload(self.engine)
        self.dw = DurableWatch(self.engine, jurisdiction)
        self.n = 0

    def _both(self, e: Event) -> None:
        outcomes = []
        for apply in (self.cl.apply, self.dw.post):
            try:
                outcomes.append(apply(e))
            except lsr.EventError as exc:  # both refuse, with the same message
                outcomes.append(f"refused: {exc}")
        assert outcomes[0] == outcomes[1]

    def _data(self, which: tuple[str, str], limited: bool, refused: int, months: int) -> Any:
        data: dict[str, Any] = {"insats": which[0], "lag": which[1]}
        if limited:
            data["tidsbegransat_till"] = self.clock + timedelta(days=30 * months)
        if refused == 0:
            data["utfall"] = "avslag"
        return data

    @rule(
        which=st.sampled_from(INSATSER),
        limited=st.booleans(),
        refused=st.integers(0, 5),
        months=st.integers(1, 24),
        applied_only=st.integers(0, 3),
    )
    def decide(
        self, which: tuple[str, str], limited: bool, refused: int, months: int, applied_only: int
    ) -> None:
        self.n += 1
        if applied_only == 0:  # an application not yet decided (handling-time watches)
            self._both(Event(f"c{self.n}", "ansokan", self.clock))
            return
        data = self._data(which, limited, refused, months)
        self._both(Event(f"c{self.n}", "beslut", self.clock, data))

    @precondition(lambda self: self.n > 0)
    @rule(case=st.integers(1, 40), which=st.sampled_from(INSATSER), refused=st.integers(0, 3))
    def decide_applied(self, case: int, which: tuple[str, str], refused: int) -> None:
        data = self._data(which, False, refused, 1)
        self._both(Event(f"c{(case - 1) % self.n + 1}", "beslut", self.clock, data))

    @precondition(lambda self: self.n > 0)
    @rule(case=st.integers(1, 40), kind=st.sampled_from(FOLLOWING))
    def follow(self, case: int, kind: str) -> None:
        self._both(Event(f"c{(case - 1) % self.n + 1}", kind, self.clock))

    @precondition(lambda self: self.n > 0)
    @rule(case=st.integers(1, 40), kind=st.sampled_from(FOLLOWING), days=st.integers(1, 45))
    def follow_later(self, case: int, kind: str, days: int) -> None:
        self.clock += timedelta(days=days)
        self._both(Event(f"c{(case - 1) % self.n + 1}", kind, self.clock))

    @precondition(lambda self: self.n > 0)
    @rule(case=st.integers(1, 40), back=st.integers(1, 30))
    def late_or_unknown(self, case: int, back: int) -> None:
        self._both(Event(f"c{case}", "uppfoljning", self.clock - timedelta(days=back)))

    @rule(back=st.integers(0, 3))
    def report(self, back: int) -> None:
        day = self.clock - timedelta(days=92 * back)  # this quarter, or one before it
        quarter = f"{day.year}Q{(day.month - 1) // 3 + 1}"
        assert self.dw.ivo_report(quarter) == ivo_report(
            self.engine, self.cl, quarter, self.jurisdiction
        )

    @rule(days=st.integers(0, 200))
    def tick(self, days: int) -> None:
        self.clock += timedelta(days=days)
        pure = watchlist(self.engine, self.cl, self.clock, self.jurisdiction)
        assert keys(self.dw.tick(self.clock)) == keys(pure)

    @rule(back=st.integers(1, 400))
    def look_back(self, back: int) -> None:
        """A list as of a past date from the log so far: events after it not yet known."""
        on = self.clock - timedelta(days=back)
        pure = watchlist(self.engine, self.cl, on, self.jurisdiction)
        assert keys(self.dw.tick(on)) == keys(pure)

    @invariant()
    def same_cases(self) -> None:
        assert self.cl.cases.keys() == self.dw.caseload.cases.keys()

    def teardown(self) -> None:
        if hasattr(self, "dw"):
            self.dw.close()


TestWatchMachine = WatchMachine.TestCase
TestWatchMachine.settings = settings(
    max_examples=100,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# -- a whole caseload: 10,000 synthetic cases through both paths ---------------------------
def _with_case_handling(events: list[Event]) -> list[Event]:
    """The synthetic stream plus, for some cases, appeals, interruptions and plan reviews
    after their last event (each case's events stay in date order)."""
    last: dict[str, Event] = {}
    for e in events:
        last[e.case_id] = e
    extra: list[Event] = []
    for i, (cid, e) in enumerate(sorted(last.items())):
        if e.kind == "avslutat":
            continue
        day = e.on + timedelta(days=1 + i % 40)
        if i % 5 == 0:
            extra.append(Event(cid, "del_av_beslutet_datum", day))
            if i % 10 == 0:
                extra.append(Event(cid, "overklagande_inkom", day + timedelta(days=i % 30)))
        elif i % 5 == 1 and e.kind == "verkstallt":
            extra.append(Event(cid, "verkstallighet_avbruten", day))
            if i % 3 == 0:
                extra.append(
                    Event(cid, "verkstallighet_aterupptagen", day + timedelta(days=i % 200))
                )
        elif i % 5 == 2:
            extra.append(Event(cid, "individuell_plan_upprattad", day))
    return sorted([*events, *extra], key=lambda e: e.on)


def test_ten_thousand_cases_give_the_same_watch_list_and_ivo_list_on_both_paths() -> None:
    from lss_sol_rules.testing.caseloads import synthetic_events

    end_of_q4 = date(2026, 12, 31)
    events = [e for e in _with_case_handling(synthetic_events(10_000)) if e.on <= end_of_q4]
    cl = Caseload(ENGINE)
    cl.apply_all(events)
    dw = DurableWatch(ENGINE, STHLM)
    dw.post_all(events)
    assert len(cl) == 10_000
    for on in (date(2026, 12, 31), date(2025, 11, 15)):  # the second from the full log
        pure = watchlist(ENGINE, cl, on, STHLM)
        assert keys(dw.watchlist(on)) == keys(pure)
    assert {a.watch for a in watchlist(ENGINE, cl, date(2026, 12, 31), STHLM)} >= {
        "genomforandeplan",
        "uppfoljning",
        "individuell_plan",
        "tidsbegransning",
        "ej_verkstallt",
        "individuell_plan_omprovning",
    }
    for quarter in ("2026Q4", "2025Q4"):
        rows = ivo_report(ENGINE, cl, quarter, STHLM)
        assert dw.ivo_report(quarter) == rows
        assert len(rows) > 100
    rows = ivo_report(ENGINE, cl, "2026Q4", STHLM)
    assert {r.trigger for r in rows} == {"beslutsdatum", "verkstallighet_avbruten"}
    assert any(r.verkstallt is not None for r in rows)  # carried out or resumed late
    assert all(r.reportable_from <= end_of_q4 for r in rows)
    dw.close()


# -- the command line --------------------------------------------------------------------------
EXAMPLE = "examples/events.jsonl"


@pytest.mark.parametrize("backend", ["pure", "durable"])
def test_watchlist_and_ivo_report_commands(backend: str) -> None:
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from lss_sol_rules.cli import main

    events = str(Path(__file__).resolve().parents[1] / EXAMPLE)
    run = CliRunner().invoke
    args = ["--events", events, "--jurisdiction", STHLM, "--backend", backend]
    result = run(main, ["watchlist", *args, "--on", "2026-10-01"])
    assert result.exit_code == 0, result.output
    assert "Bevakningslista 2026-10-01" in result.output
    assert "försenad" in result.output
    result = run(main, ["watchlist", *args, "--on", "2026-10-01", "--format", "json"])
    items = json.loads(result.output)
    assert {(i["case_id"], i["watch"], i["status"]) for i in items} >= {
        ("2026-0001", "genomforandeplan", "overdue"),
        ("2026-0002", "ej_verkstallt", "reportable"),
    }
    assert not [i for i in items if i["case_id"] in ("2026-0003", "2026-0004")]
    result = run(main, ["ivo-report", *args, "--quarter", "2026Q3", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "2026-0001" in result.output
    assert "LSS 28 f §" in result.output
    result = run(main, ["ivo-report", *args, "--quarter", "2026-3"])
    assert result.exit_code != 0
    assert "2026Q3" in result.output


# The example as docs/watch.md and the README show it: the events name their jurisdiction, so
# the commands need no --jurisdiction; every kind of watch appears on 2026-10-01.
EXPECTED_ON_2026_10_01 = {
    ("2026-0001", "individuell_plan", "overdue"),
    ("2026-0001", "genomforandeplan", "overdue"),
    ("2026-0001", "ej_verkstallt", "reportable"),
    ("2026-0001", "uppfoljning", "overdue"),
    ("2026-0001", "tidsbegransning", "overdue"),
    ("2026-0002", "ej_verkstallt", "reportable"),
    ("2026-0007", "ej_verkstallt", "reportable"),  # interrupted 2026-05-15, not resumed
    ("2026-0005", "begaran_om_avgorande", "open"),  # FL 12 §: six months passed
    ("2026-0005", "avgorande", "due"),  # four weeks from the request
    ("2026-0006", "overklagande", "expires"),  # FL 44 §: the appeal period runs out
}


@pytest.mark.parametrize("backend", ["pure", "durable"])
def test_the_documented_example_needs_no_jurisdiction(backend: str) -> None:
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from lss_sol_rules.cli import main

    events = str(Path(__file__).resolve().parents[1] / EXAMPLE)
    run = CliRunner().invoke
    args = ["--events", events, "--backend", backend, "--format", "json"]
    result = run(main, ["watchlist", *args, "--on", "2026-10-01"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert {(i["case_id"], i["watch"], i["status"]) for i in items} == EXPECTED_ON_2026_10_01
    # As of an earlier date from the same full log: the state on that day counts.
    result = run(main, ["watchlist", *args, "--on", "2026-04-20"])
    assert result.exit_code == 0, result.output
    assert {(i["case_id"], i["watch"], i["status"]) for i in json.loads(result.output)} == {
        ("2026-0001", "individuell_plan", "overdue"),
        ("2026-0001", "genomforandeplan", "overdue"),
        ("2026-0004", "overklagande", "expired"),  # ran out 2026-04-07
    }
    result = run(main, ["ivo-report", *args, "--quarter", "2026Q3"])
    assert result.exit_code == 0, result.output
    rows = {(r["case_id"], r["trigger"], r["reportable_from"]) for r in json.loads(result.output)}
    assert rows == {
        ("2026-0001", "beslutsdatum", "2026-04-21"),
        ("2026-0002", "beslutsdatum", "2026-05-04"),
        ("2026-0007", "verkstallighet_avbruten", "2026-08-16"),
    }
    # A past quarter from the full log: Q1 had nothing reportable yet.
    result = run(main, ["ivo-report", *args, "--quarter", "2026Q1"])
    assert json.loads(result.output) == []


def test_the_commands_say_which_jurisdiction_to_pass(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from lss_sol_rules.cli import main

    plain = tmp_path / "events.jsonl"
    plain.write_text(
        '{"case_id": "x", "kind": "beslut", "on": "2026-01-10", '
        '"data": {"insats": "kontaktperson", "lag": "LSS"}}\n',
        encoding="utf-8",
    )
    run = CliRunner().invoke
    result = run(main, ["watchlist", "--events", str(plain), "--on", "2026-02-01"])
    assert result.exit_code != 0
    assert "ange --jurisdiction" in result.output  # Swedish by default
    assert "se/stockholm: + genomforandeplan" in result.output
    result = run(main, ["watchlist", "--events", str(plain), "--on", "2026-02-01", "--lang", "en"])
    assert "pass --jurisdiction" in result.output
    ok = run(main, ["watchlist", "--events", str(plain), "--on", "2026-02-01", "--no-plugins"])
    assert ok.exit_code == 0, ok.output  # national law only: nothing to choose
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        '{"case_id": "x", "kind": "ansokan", "on": "2026-01-10", "jurisdiction": "se"}\n'
        '{"case_id": "y", "kind": "ansokan", "on": "2026-01-10", "jurisdiction": "se/stockholm"}\n',
        encoding="utf-8",
    )
    result = run(main, ["watchlist", "--events", str(mixed), "--on", "2026-02-01", "--lang", "en"])
    assert result.exit_code != 0
    assert "several jurisdictions" in result.output
    args = ["--events", str(mixed), "--on", "2026-02-01", "--jurisdiction", "se/stockholm/exempel"]
    args += ["--lang", "en"]
    result = run(main, ["watchlist", *args])
    assert result.exit_code != 0
    assert "make them agree" in result.output


def test_a_bad_event_line_is_named(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from lss_sol_rules.cli import main

    bad = tmp_path / "events.jsonl"
    bad.write_text(
        '{"case_id": "x", "kind": "beslut", "on": "2026-01-10", "data": {"insats": "kontaktperson", "lag": "LSS"}}\n'
        '{"case_id": "x", "kind": "bestallning", "on": "2026-01-01"}\n',
        encoding="utf-8",
    )
    args = ["--events", str(bad), "--on", "2026-02-01", "--jurisdiction", STHLM]
    result = CliRunner().invoke(main, ["watchlist", *args])
    assert result.exit_code != 0
    assert "events.jsonl:2" in result.output
    assert "fel ordning" in result.output  # the language of --lang (sv by default)
    result = CliRunner().invoke(main, ["watchlist", *args, "--lang", "en"])
    assert "events.jsonl:2" in result.output
    assert "out of order" in result.output


def test_the_readme_watch_commands_run_as_written() -> None:
    import re
    import shlex

    from click.testing import CliRunner

    from lss_sol_rules.cli import main

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    lines = [
        line.split("#")[0] for line in readme.splitlines() if line.startswith("lss-sol-rules ")
    ]
    commands = [line for line in lines if line.split()[1] in ("watchlist", "ivo-report")]
    assert len(commands) == 2
    for line in commands:
        args = shlex.split(re.sub(r"\[[^\]]*\]", "", line))[1:]
        args = [str(root / a) if a.startswith("examples/") else a for a in args]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (line, result.output)
        assert "2026-0001" in result.output
