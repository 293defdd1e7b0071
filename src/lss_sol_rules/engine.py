"""Evaluate compiled rules for one case on one date and explain the result.

Evaluation is deterministic, side-effect free and thread-safe: every call builds its own
small context; the rulebook it reads is immutable.

How a question is answered (see ``docs/rule-format.md``):

1. Take the question's rules in force on the date, in the jurisdiction and its ancestors.
2. Evaluate each rule's conditions with Kleene logic: true, false, or unknown (naming the
   missing facts).
3. A rule is *blocked* when a rule that overrides it (directly, transitively, or because it
   is a ``default``) holds. A rule that holds and is not blocked *fires*.
4. ``unique`` questions: the fired rules give the value (they must agree). If a rule that
   might still fire or block could change that value, the decision is *undetermined* and
   ``missing`` lists exactly the facts those rules wait for. ``collect`` questions list
   the values of every fired rule, undetermined while a rule that might fire could add one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pluggy

from .errors import (
    ArgumentError,
    EvaluationError,
    NoApplicableRuleError,
    NotApplicableError,
    ParameterNotInForceError,
    QuestionError,
    RuleConflictError,
    choose_jurisdiction,
    text_argument,
    unknown_jurisdiction,
)
from .explain import render_templates
from .expr import Unknown
from .facts import normalise_facts
from .model import (
    Assumption,
    Decision,
    FactDecl,
    Input,
    Label,
    Parameter,
    ParameterUse,
    QuestionDecl,
    Reason,
    RuleOutcome,
)
from .rulebook import CompiledRule, Rulebook, View
from .values import Value

if TYPE_CHECKING:
    from .batch import BatchResult
    from .compare import DiffReport

__all__ = ["Answer", "Engine", "Outcome", "RuleRun", "Session"]

_MISSING: Any = object()
_LATER: Any = object()  # a condition not evaluated yet: an earlier one of its rule was false


class RuleRun:
    """What one rule did during one evaluation.

    ``held`` is whether its conditions held (``True``, ``False`` or an ``Unknown`` naming the
    facts they wait for); ``effective`` is that after overrides and defaults (``True``,
    ``False``, an ``Unknown`` or ``"overridden"``); ``value`` its answer once it fired.
    """

    __slots__ = ("conditions", "effective", "held", "rule", "value")

    def __init__(self, rule: CompiledRule, conditions: list[Any], held: Any) -> None:
        self.rule = rule
        self.conditions = conditions
        self.held = held  # True, False or Unknown
        self.effective: Any = False  # True, False, Unknown or "overridden"
        self.value: Any = None


class Outcome:
    """One question's result in a :class:`Session`: a value or an ``Unknown``, and the runs."""

    __slots__ = ("question", "result", "runs")

    def __init__(self, question: str, result: Any, runs: list[RuleRun]) -> None:
        self.question = question
        self.result = result  # a Value or an Unknown
        self.runs = runs


class Session:
    """One evaluation: checked facts on one date in one jurisdiction, and what is worked out.

    The single place the rule semantics live — rules in force, Kleene logic over conditions,
    blocking by ``overrides`` and defaults, hit policies, exact missing facts. Every path
    evaluates through it: :meth:`Engine.evaluate` and :meth:`Engine.answer`, both watch
    backends, the shipped test strategies. Build one with :meth:`Engine.session` (which
    checks the facts); ``Session(view, facts, on)`` takes facts already checked.

    - :meth:`resolve` answers a question (memoised) and keeps the rule runs behind it;
    - :meth:`fact`, :meth:`param`, :meth:`question` are what compiled expressions read;
    - :meth:`decision` builds the full explanation of a resolved question, on demand.

    A session is not shared between threads; the engine and its rulebook are.
    """

    __slots__ = ("book", "derive", "derived", "facts", "memo", "on", "view")

    def __init__(
        self, view: View, facts: Mapping[str, Value], on: date, derive: bool = True
    ) -> None:
        self.view = view
        self.book = view.book
        self.facts = facts
        self.on = on
        self.memo: dict[str, Outcome] = {}
        self.derived: dict[str, Any] = {}
        self.derive = derive  # False: read only the facts given (constraints)

    # -- the Context protocol used by compiled expressions -------------------------------
    def fact(self, name: str) -> Any:
        v = self.facts.get(name, _MISSING)
        if v is not _MISSING:
            return v
        expr = self.book.derive.get(name) if self.derive else None
        if expr is None:
            return Unknown(frozenset((name,)))
        v = self.derived.get(name, _MISSING)
        if v is _MISSING:
            v = expr.fn(self)
            if isinstance(v, Unknown):
                v = Unknown(frozenset((name,)))
            self.derived[name] = v
        return v

    def param(self, name: str) -> Value:
        return self.param_at(name, self.on)

    def param_at(self, name: str, on: date) -> Value:
        found = self.view.param_value(name, on)
        if found is None:
            raise ParameterNotInForceError(name, on)
        return found[0].value

    def question(self, name: str) -> Any:
        return self.resolve(name).result

    def _input(self, name: str) -> Any:
        """A decision table's indexed input: a fact's or a question's value."""
        if name in self.book.questions:
            return self.question(name)
        return self.fact(name)

    # -- answering a question ----------------------------------------------------------
    def resolve(self, question: str) -> Outcome:
        done = self.memo.get(question)
        if done is not None:
            return done
        rules = self.view.candidates(question, self.on, self._input)
        runs: list[RuleRun] = []
        held_by_id: dict[str, Any] = {}
        for rule in rules:
            # Conditions in order; after one that is false the rule cannot hold, so the rest
            # wait (_LATER) until an explanation asks for them (Kleene: false and x is false).
            conditions = rule.conditions
            held: Any
            if len(conditions) == 1:  # most rules: the condition's value is the rule's
                held = conditions[0].expr.fn(self)
                results = [held]
            else:
                results = []
                held = True
                unknown: Unknown | None = None
                for c in conditions:
                    v = c.expr.fn(self)
                    results.append(v)
                    if v is False:
                        held = False
                        results.extend([_LATER] * (len(conditions) - len(results)))
                        break
                    if v is not True:
                        unknown = v.merge(unknown)
                if held is True and unknown is not None:
                    held = unknown
            held_by_id[rule.id] = held
            runs.append(RuleRun(rule, results, held))
        overriders = self.view.overriders
        for run in runs:
            if run.held is False:
                continue
            mine = overriders[run.rule.id]
            if not mine:
                run.effective = run.held
                continue
            blocked: Unknown | None = None
            # A default row of a big table is overridden by every row: walk the shorter side.
            others = mine if len(mine) <= len(held_by_id) else [
                o for o in held_by_id if o in mine
            ]
            for other in others:
                h = held_by_id.get(other)
                if h is None or h is False:
                    continue
                if h is True:
                    run.effective = "overridden"
                    break
                blocked = h.merge(blocked)
            else:
                if blocked is None:
                    run.effective = run.held
                elif isinstance(run.held, Unknown):
                    run.effective = run.held.merge(blocked)
                else:
                    run.effective = blocked
        qdecl = self.book.questions[question]
        result = (self._collect if qdecl.hit_policy == "collect" else self._unique)(question, runs)
        outcome = Outcome(question, result, runs)
        self.memo[question] = outcome
        return outcome

    def decision(self, question: str) -> Decision:
        """The full :class:`Decision` for *question*: reasons, rules considered, parameters,
        citations, assumptions — built from this session's runs, without evaluating again."""
        self.resolve(question)
        return _DecisionBuilder(self).build(question)

    def _value_of(self, run: RuleRun) -> Any:
        rule = run.rule
        run.value = rule.value if rule.compute is None else rule.compute.fn(self)
        return run.value

    def _unique(self, question: str, runs: list[RuleRun]) -> Any:
        fired = [r for r in runs if r.effective is True]
        pending = [r for r in runs if isinstance(r.effective, Unknown)]
        missing: Unknown | None = None
        value: Any = _MISSING
        for run in fired:
            v = self._value_of(run)
            if isinstance(v, Unknown):
                missing = v.merge(missing)
            elif value is _MISSING:
                value = v
            elif v != value:
                raise RuleConflictError(question, [r.rule.id for r in fired])
        for run in pending:
            v = run.rule.value if run.rule.compute is None else None
            if value is _MISSING or v is None or v != value:
                missing = run.effective.merge(missing)
        if fired and missing is None:
            return value
        if not fired and pending and missing is not None:
            # Every rule that could still fire gives the same fixed value, and one of them
            # holds outright (only blockers are unknown): whichever fires, the answer is it.
            values = {r.rule.value for r in pending if r.rule.compute is None}
            if (
                len(values) == 1
                and all(r.rule.compute is None for r in pending)
                and any(r.held is True for r in pending)
            ):
                return next(iter(values))
        if missing is not None:
            return missing
        why = self.book.questions[question].not_applicable
        if why is not None:
            raise NotApplicableError(question, self.on, why.sv, why.en)
        raise NoApplicableRuleError(question, self.on)

    def _collect(self, question: str, runs: list[RuleRun]) -> Any:
        values: set[Any] = set()
        missing: Unknown | None = None
        for run in runs:
            if run.effective is True:
                v = self._value_of(run)
                if isinstance(v, Unknown):
                    missing = v.merge(missing)
                else:
                    values.add(v)
        for run in runs:
            if isinstance(run.effective, Unknown):
                fixed = run.rule.value if run.rule.compute is None else _MISSING
                if fixed is _MISSING or fixed not in values:
                    missing = run.effective.merge(missing)
        if missing is not None:
            return missing
        return tuple(sorted(values))


class Answer:
    """A question's value, status and missing facts; the full decision on demand.

    Returned by :meth:`Engine.answer`. ``value`` is ``None`` exactly when ``status`` is
    ``"undetermined"``; ``missing`` then names the facts needed. :meth:`decision` builds the
    explained :class:`Decision` from the same evaluation (once; later calls return it).
    """

    __slots__ = ("_decision", "_engine", "_session", "missing", "question", "status", "value")

    def __init__(self, engine: Engine, session: Session, question: str, result: Any) -> None:
        self._engine = engine
        self._session = session
        self._decision: Decision | None = None
        self.question = question
        undetermined = isinstance(result, Unknown)
        self.value: Value | None = None if undetermined else result
        self.status: str = "undetermined" if undetermined else "decided"
        self.missing: tuple[str, ...] = tuple(sorted(result.missing)) if undetermined else ()

    @property
    def decided(self) -> bool:
        """``True`` when the answer has a value."""
        return self.status == "decided"

    def decision(self) -> Decision:
        """The full decision with reasons, parameters, citations and assumptions."""
        if self._decision is None:
            self._decision = self._engine._decided(self._session.decision(self.question))
        return self._decision

    def __repr__(self) -> str:
        return (
            f"Answer(question={self.question!r}, value={self.value!r}, "
            f"status={self.status!r}, missing={self.missing!r})"
        )


class Engine:
    """Answers questions from a loaded :class:`~lss_sol_rules.rulebook.Rulebook`.

    Build one with :func:`lss_sol_rules.load`. An engine is immutable and safe to share
    between threads.
    """

    def __init__(
        self, rulebook: Rulebook, plugin_manager: pluggy.PluginManager | None = None
    ) -> None:
        self.rulebook = rulebook
        self._pm = plugin_manager
        known: set[str] = set()
        for j in rulebook.jurisdictions():
            parts = j.split("/")
            known.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        known.add("se")
        self._jurisdictions = frozenset(known)
        # (question, jurisdiction) pairs already checked by view_for, with their view.
        self._checked: dict[tuple[str, str], View] = {}

    # -- introspection -----------------------------------------------------------------
    def questions(self, include_internal: bool = False) -> tuple[QuestionDecl, ...]:
        """The questions this engine answers, sorted by name."""
        qs = self.rulebook.questions.values()
        return tuple(
            sorted((q for q in qs if include_internal or not q.internal), key=lambda q: q.name)
        )

    def facts(self) -> tuple[FactDecl, ...]:
        """The facts a case may carry, sorted by name."""
        return tuple(sorted(self.rulebook.facts.values(), key=lambda f: f.name))

    def parameters(self, jurisdiction: str = "se") -> tuple[Parameter, ...]:
        """Every parameter declared for *jurisdiction* or an enclosing one."""
        view = self.rulebook.view(self._check_jurisdiction(jurisdiction))
        return tuple(p for name in sorted(view.params) for p, _ in view.params[name])

    def jurisdictions(self) -> tuple[str, ...]:
        """Every jurisdiction this engine can evaluate in."""
        return tuple(sorted(self._jurisdictions))

    def question(self, name: str) -> QuestionDecl:
        """The declaration of question *name*; :class:`QuestionError` if unknown."""
        name = text_argument(name, "question")
        q = self.rulebook.questions.get(name)
        if q is None:
            raise QuestionError(name, [x.name for x in self.questions()])
        return q

    # -- evaluation --------------------------------------------------------------------
    def _check_jurisdiction(self, jurisdiction: str) -> str:
        jurisdiction = text_argument(jurisdiction, "jurisdiction")
        if jurisdiction not in self._jurisdictions:
            raise unknown_jurisdiction(jurisdiction, self._jurisdictions)
        return jurisdiction

    def evaluate(
        self,
        question: str,
        facts: Mapping[str, object],
        on: date | None = None,
        jurisdiction: str = "se",
    ) -> Decision:
        """Answer *question* for a case with *facts* as of *on* (default: today).

        Raises :class:`~lss_sol_rules.errors.FactError` for bad facts,
        :class:`~lss_sol_rules.errors.QuestionError` for an unknown question and
        :class:`~lss_sol_rules.errors.EvaluationError` when the rulebook cannot answer.
        Missing facts never raise: they give an undetermined decision naming them.
        """
        return self.answer(question, facts, on, jurisdiction).decision()

    def answer(
        self,
        question: str,
        facts: Mapping[str, object],
        on: date | None = None,
        jurisdiction: str = "se",
    ) -> Answer:
        """The value, status and missing facts of *question*, the explanation on demand.

        Evaluates exactly as :meth:`evaluate` (same errors); ``answer(...).decision()`` is
        equal to ``evaluate(...)`` and builds the reasons, considered rules, parameters and
        texts only when called. For hosts that need the answer of many cases and the
        explanation of few.
        """
        question, view = self._answering(question, jurisdiction)
        session = self._checked_session(view, facts, _on(on))
        return Answer(self, session, question, session.resolve(question).result)

    def _answering(self, question: str, jurisdiction: str) -> tuple[str, View]:
        """*question* as plain text and the view of *jurisdiction* that answers it
        (:meth:`view_for`); a pair checked once is looked up after (the hot path)."""
        view = (
            self._checked.get((question, jurisdiction))
            if type(question) is str and type(jurisdiction) is str
            else None
        )
        if view is None:
            question = text_argument(question, "question")
            view = self.view_for(question, jurisdiction)
            self._checked[(question, text_argument(jurisdiction, "jurisdiction"))] = view
        return question, view

    def _checked_session(self, view: View, facts: Mapping[str, object], on: date) -> Session:
        """A session of *facts*, normalised and checked, with the consistency checks done."""
        session = Session(view, normalise_facts(facts, self.rulebook.facts, on), on)
        self._check_constraints(session)
        return session

    def session(
        self,
        facts: Mapping[str, object],
        on: date | None = None,
        jurisdiction: str = "se",
        question: str | None = None,
    ) -> Session:
        """A :class:`Session` for *facts* as of *on*: facts normalised and checked
        (:class:`FactError`), consistency constraints applied, nothing evaluated yet. With
        *question*, also checks that the jurisdiction answers it (:class:`QuestionError`)."""
        on = _on(on)
        if question is not None:
            _, view = self._answering(question, jurisdiction)
        else:
            view = self.rulebook.view(
                self._check_jurisdiction(text_argument(jurisdiction, "jurisdiction"))
            )
        return self._checked_session(view, facts, on)

    def _decided(self, decision: Decision) -> Decision:
        if self._pm is not None:
            self._pm.hook.lss_sol_rules_decision(decision=decision)
        return decision

    def view_for(self, question: str, jurisdiction: str) -> View:
        """The rules of *jurisdiction*, checking that they answer *question*.

        Raises :class:`QuestionError` for an unknown question or one not answered there, and
        :class:`EvaluationError` for an unknown jurisdiction.
        """
        question = text_argument(question, "question")
        jurisdiction = text_argument(jurisdiction, "jurisdiction")
        self.question(question)
        view = self.rulebook.view(self._check_jurisdiction(jurisdiction))
        if question not in view.rules:
            where = sorted({r.jurisdiction for r in self.rulebook.rules if r.question == question})
            raise QuestionError(
                question,
                (),
                f"question {question!r} is not answered in jurisdiction {jurisdiction!r}; "
                f"it is answered in: {', '.join(where)}",
                message_sv=f"frågan {question!r} besvaras inte i regelverket {jurisdiction!r}; "
                f"den besvaras i: {', '.join(where)}",
                hint=choose_jurisdiction(where),
            )
        return view

    def evaluate_many(
        self,
        question: str,
        cases: Iterable[Mapping[str, object]] | Any,
        on: date | None = None,
        jurisdiction: str = "se",
        **options: Any,
    ) -> BatchResult:
        """Answer *question* for many cases; see :func:`lss_sol_rules.batch.evaluate_many`
        for the options (``id``, ``ignore_columns``, ``ignore_unknown_columns``, ``errors``,
        ``method``, ``progress``).

        *cases* is an iterable of fact dicts, a pyarrow Table, or a pandas/polars DataFrame.
        """
        from .batch import evaluate_many  # noqa: PLC0415 - batch imports engine

        return evaluate_many(self, question, cases, on=on, jurisdiction=jurisdiction, **options)

    def diff(
        self,
        question: str,
        cases: Iterable[Mapping[str, object]],
        on: date | None = None,
        jurisdiction: str = "se",
        *,
        against: Engine | None = None,
        against_on: date | None = None,
        against_jurisdiction: str | None = None,
        **options: Any,
    ) -> DiffReport:
        """Which cases change answer from this setting to another (rulebook, date or place).

        The old setting is this engine on *on* in *jurisdiction*; the new one replaces any of
        them with *against*, *against_on*, *against_jurisdiction*. See
        :func:`lss_sol_rules.compare.diff` for the options (``id``, ``ignore_columns``,
        ``ignore_unknown_columns``, ``progress``) and what it refuses.
        """
        from .compare import Setting, diff  # noqa: PLC0415 - compare imports engine

        old = Setting(self, on, jurisdiction)
        new = Setting(against or self, against_on or on, against_jurisdiction or jurisdiction)
        return diff(question, cases, old, new, **options)

    def check_facts(
        self, facts: Mapping[str, object], on: date | None = None, jurisdiction: str = "se"
    ) -> dict[str, Value]:
        """Validate *facts* as :meth:`evaluate` would, without answering anything.

        Returns the normalised facts (exact numbers, real dates, sorted lists); raises
        :class:`~lss_sol_rules.errors.FactError` for anything :meth:`evaluate` would refuse.
        """
        on = _on(on)
        view = self.rulebook.view(self._check_jurisdiction(jurisdiction))
        return dict(self._checked_session(view, facts, on).facts)

    def _check_constraints(self, ctx: Session) -> None:
        from .errors import FactError  # noqa: PLC0415 - keep the import list short

        # Only the checks that can fail for this case: those whose every needed fact it
        # gives (each check is filed under one of its facts), in the rulebook's order.
        facts = ctx.facts
        present = facts.keys()
        view = ctx.view
        todo = list(view.constraints_always)
        by_fact = view.constraints_by_fact
        for name in facts:
            for k in by_fact.get(name, ()):
                if present >= view.constraint_plan[k][0]:
                    todo.append(k)
        if not todo:
            return
        todo.sort()
        raw = Session(view, facts, ctx.on, derive=False)
        for k in todo:
            c = view.constraint_plan[k][1]
            if c.expr.fn(raw) is False:
                names = sorted(c.expr.facts)
                raise FactError(
                    ", ".join(names),
                    c.message.en,
                    {n: ctx.facts[n] for n in names if n in ctx.facts},
                    c.message.sv,
                )


def _on(on: object) -> date:
    """The evaluation date: *on*, today when ``None``; :class:`ArgumentError` for anything
    but a date (a datetime included)."""
    if on is None:
        return date.today()
    if type(on) is not date and (
        issubclass(type(on), datetime) or not issubclass(type(on), date)
    ):
        raise ArgumentError("on", "a datetime.date", on)
    assert isinstance(on, date)  # noqa: S101 - for mypy
    return on


class _DecisionBuilder:
    def __init__(self, ctx: Session) -> None:
        self.ctx = ctx
        self.built: dict[str, Decision] = {}
        # What a name reads is the same for every rule of the session ("value" aside), and
        # an input (name, value) the same object for every rule that read it.
        self._looked_up: dict[str, Value | None] = {}
        self._inputs: dict[str, Input] = {}

    def lookup(self, name: str, run: RuleRun | None) -> Value | None:
        if name == "value":
            return None if run is None or isinstance(run.value, Unknown) else run.value
        found = self._looked_up.get(name, _MISSING)
        if found is _MISSING:
            found = self._looked_up[name] = self._read(name)
        return found  # type: ignore[no-any-return]

    def _input(self, name: str) -> Input:
        found = self._inputs.get(name)
        if found is None:
            found = self._inputs[name] = Input(name, self.lookup(name, None))
        return found

    def _read(self, name: str) -> Value | None:
        ctx = self.ctx
        if name == "on":
            return ctx.on
        kind = ctx.book.scope.symbols[name].kind
        try:
            if kind == "fact":
                v = ctx.fact(name)
            elif kind == "param":
                v = ctx.param(name)
            else:
                v = ctx.resolve(name).result
        except EvaluationError:
            return None
        return None if isinstance(v, Unknown) else v

    def build(self, question: str) -> Decision:
        if question in self.built:
            return self.built[question]
        ctx = self.ctx
        outcome = ctx.memo[question]
        qdecl = ctx.book.questions[question]
        reasons: list[Reason] = []
        considered: list[Reason] = []
        params: dict[tuple[str, date], ParameterUse] = {}
        subquestions: list[str] = []
        assumptions: dict[str, Assumption] = {}
        assumable = ctx.book.assumable
        for run in outcome.runs:
            rule = run.rule
            eff = run.effective
            fired = eff is True
            # A rule that did not fire but would have given the same answer anyway cannot
            # have swayed it: what it assumed is not relied on. (Before the scope check: a
            # scope that reads a stand-in, `given(alder)`, is an assumption.) Only rules
            # reading a fact with a stand-in can assume anything.
            if not assumable.isdisjoint(rule.facts) and (
                fired
                or not (
                    rule.compute is None
                    and not isinstance(outcome.result, Unknown)
                    and rule.value == outcome.result
                )
            ):
                self._assumptions(rule, run, assumptions)
            if rule.has_scope and run.conditions[0] is False:
                continue  # out of scope (e.g. a rule for another insats): not worth listing
            if fired and run.value is None and rule.compute is None:
                run.value = rule.value
            status: RuleOutcome
            if fired:
                status = "fired"
            elif eff == "overridden":
                status = "overridden"
            elif isinstance(eff, Unknown):
                status = "undetermined"
            else:
                status = "not_fired"
            text = self._explain(rule, run) if fired else rule.title
            if _LATER in run.conditions:  # the explanation shows them all
                run.conditions = [
                    c.expr.fn(ctx) if v is _LATER else v
                    for c, v in zip(rule.conditions, run.conditions, strict=True)
                ]
            pairs = zip(rule.conditions, run.conditions, strict=True)
            if rule.has_scope:
                next(pairs)  # the scope (e.g. which insats) is not a condition to list
            conditions = tuple(c.outcomes[v if isinstance(v, bool) else None] for c, v in pairs)
            inputs = tuple(self._input(f) for f in rule.facts)
            value = (
                run.value
                if fired and not isinstance(run.value, Unknown)
                else (rule.value if rule.compute is None else None)
            )
            reason = Reason(
                rule_id=rule.id,
                question=question,
                outcome=status,
                value=value,
                text=text,
                conditions=conditions,
                inputs=inputs,
                parameters=rule.params,
                citations=rule.citations,
                layer=rule.layer,
                source=rule.source,
                default=rule.default,
            )
            (reasons if fired else considered).append(reason)
            for name in rule.params:
                self._param_use(params, name, ctx.on)
            for name, when in rule.params_at:
                self._param_use(params, name, when)
            for q in rule.questions:
                if q in ctx.memo and q not in subquestions:
                    subquestions.append(q)
        result = outcome.result
        undetermined = isinstance(result, Unknown)
        supporting = tuple(
            d
            for d in (self.build(q) for q in subquestions)
            # A decided answer did not rest on a helper that stayed undetermined.
            if undetermined or d.status == "decided"
        )
        for sub in supporting:
            for a in sub.assumptions:
                assumptions.setdefault(a.fact, a)
        value_label = None
        if not undetermined and qdecl.type != "list":
            sv, en = qdecl.value_label(result, "sv"), qdecl.value_label(result, "en")
            if sv and en:
                value_label = Label(sv, en)
        decision = Decision(
            question=question,
            value=None if undetermined else result,
            status="undetermined" if undetermined else "decided",
            missing=tuple(sorted(result.missing)) if undetermined else (),
            reasons=tuple(reasons),
            considered=tuple(considered),
            parameters_used=tuple(params[k] for k in sorted(params)),
            on=ctx.on,
            jurisdiction=ctx.view.jurisdiction,
            label=qdecl.label,
            value_label=value_label,
            supporting=supporting,
            internal=qdecl.internal,
            missing_labels=tuple(ctx.book.facts[m].label for m in sorted(result.missing))
            if undetermined
            else (),
            subject=self._subject(qdecl),
            refusal=not undetermined and result in qdecl.refusal,
            assumptions=tuple(assumptions[k] for k in sorted(assumptions)),
        )
        self.built[question] = decision
        return decision

    def _assumptions(
        self, rule: CompiledRule, run: RuleRun, out: dict[str, Assumption]
    ) -> None:
        """Record the optional facts with a documented stand-in that *rule* read.

        A fact counts when the case neither gives it nor lets it be derived, and a condition
        reading it was decided all the same (it read the stand-in, e.g. through a ``given()``
        guard); conditions after one that failed were never relied on.
        """
        ctx = self.ctx
        decls = ctx.book.facts

        def note(names: frozenset[str]) -> None:
            for name in names:
                decl = decls.get(name)
                if (
                    decl is not None
                    and decl.assumed is not None
                    and isinstance(ctx.fact(name), Unknown)
                ):
                    out.setdefault(name, Assumption(name, decl.assumed, rule.id))

        for cond, held in zip(rule.conditions, run.conditions, strict=True):
            if isinstance(held, bool):
                # Decided although a fact it reads is missing: it read the stand-in
                # (given(...) guards). An undecided condition assumed nothing.
                note(cond.expr.facts)
            if held is False:
                return
        if run.effective is True and rule.compute is not None:
            note(rule.compute.facts)

    def _subject(self, qdecl: QuestionDecl) -> Label | None:
        """The readable value of the fact naming what was applied for (``subject``)."""
        if qdecl.subject is None:
            return None
        value = self.ctx.facts.get(qdecl.subject)
        decl = self.ctx.book.facts.get(qdecl.subject)
        if value is None or decl is None:
            return None
        sv, en = decl.value_label(value, "sv"), decl.value_label(value, "en")
        return Label(sv, en) if sv and en else None

    def _explain(self, rule: CompiledRule, run: RuleRun) -> Label:
        def lookup(name: str) -> Value | None:
            return self.lookup(name, run)

        sv, en = render_templates(
            (rule.explain.sv, rule.explain.en), lookup, ("sv", "en"), self.ctx.book
        )
        return Label(sv=sv, en=en)

    def _param_use(self, out: dict[tuple[str, date], ParameterUse], name: str, on: date) -> None:
        found = self.ctx.view.param_value(name, on)
        if found is None:
            return
        pv, param = found
        key = (name, pv.valid_from)
        if key not in out:
            out[key] = ParameterUse(
                name,
                pv.value,
                pv.valid_from,
                pv.valid_to,
                pv.citations,
                param.layer,
                param.label,
                param.unit,
            )
