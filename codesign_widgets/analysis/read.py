"""Reading one workshop from its file: every table's rows, pseudonymised, as plain dicts.

:func:`read_workshop` is what :func:`.workshop_data.load_workshop` and its siblings call for
each workshop; the rows follow :mod:`.open_data_schema`. Display names typed
into free text are replaced by pseudonyms where they are that person's name (:class:`Scrubber`,
every replacement listed for review), free text is kept only where the
plan's consent covers it, private goal cards and sealed scoring rounds are never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..core.templates import load_template
from ..core.workshop import WorkshopState
from .open_data_schema import TABLES

__all__ = ["COMMON_WORD_NAMES", "MONTH_NAMES", "Scrubber", "read_workshop"]

#: Names that are also everyday words: replaced only where capitalised mid-sentence, so
#: "Patients will come if the bus will run" keeps its words when someone is called Will.
COMMON_WORD_NAMES = frozenset(
    [
        "will",
        "may",
        "hope",
        "rose",
        "bill",
        "mark",
        "grace",
        "faith",
        "joy",
        "art",
        "sue",
        "pat",
        "jack",
        "frank",
        "dawn",
        "summer",
        "april",
        "june",
        "august",
        "amber",
        "ruby",
        "holly",
        "ivy",
        "iris",
        "lily",
        "daisy",
        "heather",
        "violet",
        "pearl",
        "crystal",
        "sky",
        "river",
        "rock",
        "guy",
        "drew",
        "gene",
        "chase",
        "hunter",
        "miles",
        "page",
        "sandy",
        "penny",
        "carol",
        "dot",
        "ray",
        "rich",
        "bob",
        "don",
        "max",
        "sunny",
        "angel",
        "buck",
        "cliff",
        "dale",
        "glen",
        "heath",
        "jay",
        "jean",
        "kit",
        "lane",
        "lee",
        "long",
        "love",
        "mason",
        "nick",
        "norm",
        "pip",
        "rob",
        "robin",
        "sage",
        "star",
        "stone",
        "sterling",
        "tim",
        "win",
        "wren",
        "york",
        "young",
    ]
)
#: Names that are also months, and the words that make them a month ("in May").
MONTH_NAMES = frozenset({"april", "may", "june", "july", "august"})
_MONTH_BEFORE = frozenset(
    [
        "in",
        "since",
        "until",
        "till",
        "by",
        "from",
        "of",
        "before",
        "after",
        "early",
        "late",
        "mid",
        "next",
        "last",
        "this",
        "every",
    ]
)
_SENTENCE_END = ".!?:;\n\"'(“‘"


class Scrubber:
    """Replace typed display names in free text by each person's pseudonym, where the words
    are that person's name: as typed (case-sensitive, whole words); a name that is also an
    everyday word (:data:`COMMON_WORD_NAMES`) only where capitalised mid-sentence (and a
    month's name not where it reads as a month: "in May").

    Every replacement is recorded in :attr:`replacements` (where, the pseudonym, and the text
    around it after the replacement) for someone to review; a capitalised everyday-word name
    at the start of a sentence is left as it is and recorded as ``check`` (without the name).

    >>> scrub = Scrubber([("Will", "P-AAAAAA"), ("Amara", "P-BBBBBB")])
    >>> scrub("Patients will come if the bus will run", ("goals", 1, "goal"))
    'Patients will come if the bus will run'
    >>> scrub("Ask Will and Amara. Will knows.", ("goals", 2, "steps"))
    'Ask P-AAAAAA and P-BBBBBB. Will knows.'
    >>> [(r["kind"], r["pseudonym"]) for r in scrub.replacements]
    [('replaced', 'P-AAAAAA'), ('replaced', 'P-BBBBBB'), ('check', 'P-AAAAAA')]
    >>> Scrubber([("amara", "P-BBBBBB")])("amara and Amara, not AMARA")
    'P-BBBBBB and P-BBBBBB, not AMARA'
    """

    def __init__(self, names: Iterable[tuple[str, str]], workshop: str = "") -> None:
        self.workshop = workshop
        self.replacements: list[dict] = []
        pairs: dict[str, str] = {}
        for typed, pid in names:
            typed = typed.strip()
            if len(typed) >= 2:
                # as typed, and as others write a name typed in small letters ("amara")
                for form in (typed, typed[:1].upper() + typed[1:]):
                    pairs.setdefault(form, pid)
        self._pseudonym = pairs
        ordered = sorted(pairs, key=lambda name: -len(name))
        self._pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)")
            if ordered
            else None
        )

    @staticmethod
    def _sentence_start(text: str, at: int) -> bool:
        before = text[:at].rstrip(" \t")
        return not before or before[-1] in _SENTENCE_END

    @staticmethod
    def _month(text: str, at: int, name: str) -> bool:
        """``name`` at ``at`` reads as a month: "in May", "May 2025", "3 May"."""
        if name.casefold() not in MONTH_NAMES:
            return False
        before = text[:at].split()
        after = text[at + len(name) :].split()
        return bool(
            (before and (before[-1].casefold() in _MONTH_BEFORE or before[-1].isdigit()))
            or (after and after[0].rstrip(".,;").isdigit())
        )

    def __call__(self, text: str, where: tuple[str, object, str] = ("", "", "")) -> str:
        if self._pattern is None or not text:
            return text
        table, row, column = where
        record = {"workshop": self.workshop, "table": table, "row": str(row), "column": column}
        pieces: list[str] = []
        placed: list[tuple[int, str]] = []  # where each pseudonym went in the result
        checks: list[str] = []
        last = size = 0
        for m in self._pattern.finditer(text):
            name = m.group(0)
            pid = self._pseudonym[name]
            if name.casefold() in COMMON_WORD_NAMES and (
                not name[:1].isupper()
                or self._sentence_start(text, m.start())
                or self._month(text, m.start(), name)
            ):
                if name[:1].isupper():
                    checks.append(pid)
                continue
            pieces.append(text[last : m.start()])
            size += m.start() - last
            placed.append((size, pid))
            pieces.append(pid)
            size += len(pid)
            last = m.end()
        pieces.append(text[last:])
        result = "".join(pieces)
        for at, pid in placed:
            context = result[max(0, at - 40) : at + len(pid) + 40]
            # a name left as it was (an everyday word) is not repeated in the review list
            context = self._pattern.sub("[…]", context)
            self.replacements.append({**record, "kind": "replaced", "pseudonym": pid,
                                      "context": context})  # fmt: skip
        for pid in checks:
            self.replacements.append({**record, "kind": "check", "pseudonym": pid,
                                      "context": ""})  # fmt: skip
        return result


def read_workshop(studio, workshop: WorkshopState, *, names: bool, free_text: bool | None) -> dict:
    """Every table's rows for one workshop, as plain dicts (see :mod:`open_data_schema`).

    >>> import tempfile
    >>> from codesign_widgets.studio import Studio
    >>> studio = Studio.open(f"sqlite:///{tempfile.mkdtemp()}/studio.db")
    >>> workshop, _key = studio.workshops.create("Foot care", "codesign_day")
    >>> rows = read_workshop(studio, workshop, names=False, free_text=None)
    >>> [r["activity"] for r in rows["stages"]][:2], rows["goals"]
    (['checkin', 'goal_mapping'], [])
    >>> studio.close()
    """
    plan = load_template(workshop.template)
    share_text = plan.export_free_text and free_text is not False
    groups = {p.key: p.group for p in plan.perspectives}
    people = studio.people.participants(workshop.id)
    scrub = Scrubber([] if names else studio.privacy.display_names_used(workshop.id),
                     workshop.code)  # fmt: skip

    def free(text: str, withheld: str = "", where: tuple = ("", "", "")) -> str:
        return scrub(text, where) if share_text else withheld

    w = workshop.code
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    rows["workshops"].append(
        {"workshop": w, "title": workshop.title, "template": workshop.template,
         "created_at": workshop.created_at, "current_stage": workshop.current_stage,
         "pseudonymised": not names, "free_text_shared": share_text}
    )  # fmt: skip
    for position, stage in enumerate(plan.stages, start=1):
        rows["stages"].append(
            {"workshop": w, "stage": stage.key, "position": position, "title": stage.title,
             "activity": stage.activity, "state": workshop.state_of(stage.key).value}
        )  # fmt: skip
    for p in people:
        rows["participants"].append(
            {"workshop": w, "participant": p.public_id,
             "display_name": p.display_name if names else p.public_id,
             "perspective": p.perspective, "group": groups.get(p.perspective, p.perspective),
             "consent": p.consent, "joined_at": p.joined_at}
        )  # fmt: skip
    for e in studio.entries.find(workshop.id, include_hidden=True, include_withdrawn=True):
        if e.activity == "goal_mapping":
            continue  # goal cards have a table of their own, and private ones stay private
        text = e.body.get("text", "") if isinstance(e.body, dict) else ""
        rows["entries"].append(
            {"workshop": w, "entry_id": e.id, "stage": e.stage, "activity": e.activity,
             "kind": e.kind, "participant": e.author_public_id, "perspective": e.perspective,
             "group": groups.get(e.perspective, e.perspective),
             "text": free(str(text), where=("entries", e.id, "text")),
             "status": e.status, "hidden": e.hidden, "created_at": e.created_at,
             "updated_at": e.updated_at}
        )  # fmt: skip
    by_activity: dict[str, list[str]] = {}
    for stage in plan.stages:
        by_activity.setdefault(stage.activity, []).append(stage.key)
    for stage in by_activity.get("goal_mapping", []):
        _read_goals(studio, workshop, stage, rows, free)
    for stage in by_activity.get("stakeholder_network", []):
        _read_network(studio, workshop, stage, rows, free)
    for stage in by_activity.get("prototype_scoring", []):
        _read_scoring(studio, workshop, stage, rows, free, groups)
    rows["name_replacements"] = scrub.replacements
    return rows


def _read_goals(studio, workshop, stage: str, rows: dict, free) -> None:
    w = workshop.code
    cards = studio.goals.cards.goal_cards(
        workshop.id, stage, include_hidden=True, include_withdrawn=True
    )
    for c in cards:
        steps = free(c.steps, where=("goals", c.id, "steps"))
        barriers = [free(b, where=("goals", c.id, "barriers")) for b in c.barriers]
        for position, step in enumerate((x.strip() for x in steps.splitlines()), start=1):
            if step:
                rows["goal_steps"].append(
                    {"workshop": w, "card_id": c.id, "position": position, "step": step}
                )
        for position, barrier in enumerate(barriers, start=1):
            if barrier:
                rows["goal_barriers"].append(
                    {"workshop": w, "card_id": c.id, "position": position, "barrier": barrier}
                )
        rows["goals"].append(
            {"workshop": w, "card_id": c.id, "stage": stage, "participant": c.author_public_id,
             "perspective": c.perspective, "group": c.group,
             "what_matters": free(c.what_matters, where=("goals", c.id, "what_matters")),
             "goal": free(c.goal, f"Goal {c.id}", ("goals", c.id, "goal")),
             "steps": steps, "barriers": "; ".join(barriers),
             "confidence": c.confidence,
             "to_seven": free(c.to_seven, where=("goals", c.id, "to_seven")),
             "review_date": c.review_date, "theme": c.theme, "status": c.status,
             "hidden": c.hidden, "created_at": c.created_at, "updated_at": c.updated_at}
        )  # fmt: skip
        for service in c.services:
            rows["goal_services"].append({"workshop": w, "card_id": c.id, "service": service})
    for v in studio.goals.votes.vote_records(workshop.id, stage):
        rows["goal_votes"].append(
            {"workshop": w, "stage": stage, "target_kind": v.target_kind, "target": v.target,
             "voter": v.participant_public_id, "perspective": v.perspective, "group": v.group,
             "delta": v.delta, "at": v.at}
        )  # fmt: skip


def _read_network(studio, workshop, stage: str, rows: dict, free) -> None:
    w = workshop.code
    net = studio.network.maps.network_map(workshop.id, stage, include_withdrawn=True)
    pseudonym = {p.id: p.public_id for p in studio.people.participants(workshop.id)}
    for s in net.stakeholders:
        aliases = [free(a, where=("stakeholders", s.id, "aliases")) for a in s.aliases]
        for position, alias in enumerate(aliases, start=1):
            if alias:
                rows["stakeholder_aliases"].append(
                    {"workshop": w, "stage": stage, "stakeholder_id": s.id,
                     "position": position, "alias": alias}
                )  # fmt: skip
        rows["stakeholders"].append(
            {"workshop": w, "stage": stage, "stakeholder_id": s.id,
             "name": free(s.name, f"S{s.id}", ("stakeholders", s.id, "name")),
             "kind": s.kind, "perspective": s.perspective,
             "goals": free(s.goals, where=("stakeholders", s.id, "goals")),
             "author": pseudonym.get(s.author_id, ""),
             "author_perspective": s.author_perspective, "origin": s.origin,
             "status": s.status, "merged_into": net.merges.get(s.id),
             "aliases": "; ".join(aliases),
             "created_at": s.created_at}
        )  # fmt: skip
    for t in net.ties:
        rows["ties"].append(
            {"workshop": w, "stage": stage, "tie_id": t.id, "source": t.source,
             "target": t.target, "type": t.type, "direction": t.direction,
             "strength": t.strength, "author": pseudonym.get(t.author_id, ""),
             "author_perspective": t.author_perspective, "origin": t.origin,
             "status": t.status, "created_at": t.created_at}
        )  # fmt: skip
    for r in net.ratings:
        rows["ratings"].append(
            {"workshop": w, "stage": stage, "stakeholder_id": r.stakeholder_id,
             "rater": pseudonym.get(r.rater_id, ""), "rater_perspective": r.rater_perspective,
             "influence": r.influence, "interest": r.interest, "at": r.at}
        )  # fmt: skip
    for t in net.settings.tie_types:
        rows["tie_types"].append(
            {"workshop": w, "stage": stage, "key": t.key, "label": t.label,
             "colour": t.colour, "channel": t.channel}
        )  # fmt: skip


def _read_scoring(studio, workshop, stage: str, rows: dict, free, groups: dict) -> None:
    from ..scoring.model import RoundState

    w = workshop.code
    for p in studio.scoring.prototypes.prototypes(workshop.id, stage, include_withdrawn=True):
        for position, goal in enumerate(p.goals, start=1):
            rows["prototype_goals"].append(
                {"workshop": w, "stage": stage, "prototype_id": p.id, "position": position,
                 "goal": goal}
            )  # fmt: skip
        rows["prototypes"].append(
            {"workshop": w, "stage": stage, "prototype_id": p.id, "title": p.title,
             "description": p.description, "goals": "; ".join(p.goals), "status": p.status,
             "created_at": p.created_at, "updated_at": p.updated_at}
        )  # fmt: skip
    for r in studio.scoring.rounds.rounds(workshop.id, stage):
        c = r.criteria
        rows["rounds"].append(
            {"workshop": w, "stage": stage, "round": r.number, "state": r.state.value,
             "criteria_set": c.key, "criteria_name": c.name,
             "axes": "; ".join(c.axes) if c.axes else "", "opened_at": r.opened_at}
        )  # fmt: skip
        for k in c.criteria:
            for offset, label in enumerate(k.labels):
                rows["criterion_labels"].append(
                    {"workshop": w, "stage": stage, "round": r.number, "criterion": k.key,
                     "value": k.min + offset, "label": label}
                )  # fmt: skip
            rows["criteria"].append(
                {"workshop": w, "stage": stage, "round": r.number, "criterion": k.key,
                 "label": k.label, "question": k.question, "weight": k.weight, "min": k.min,
                 "max": k.max, "reverse": k.reverse, "labels": "; ".join(k.labels)}
            )  # fmt: skip
        if r.state is RoundState.REVEALED:
            for pid, perspective, text in studio.scoring.scores.revealed_comments(
                workshop.id, r.id
            ):
                rows["comments"].append(
                    {"workshop": w, "stage": stage, "round": r.number, "prototype_id": pid,
                     "perspective": perspective,
                     "text": free(text, where=("comments", f"{r.number}/{pid}", "text"))}
                )  # fmt: skip
    for s in studio.scoring.scores.score_table(workshop.id, stage):
        rows["scores"].append(
            {"workshop": w, "stage": stage, "round": s.round_number,
             "participant": s.participant, "perspective": s.perspective,
             "group": groups.get(s.perspective, s.perspective), "prototype_id": s.prototype_id,
             "criterion": s.criterion, "value": s.value}
        )  # fmt: skip
    for d in studio.scoring.prototypes.decisions(workshop.id, stage).values():
        rows["decisions"].append(
            {"workshop": w, "stage": stage, "prototype_id": d.prototype_id,
             "decision": d.decision, "reason": d.reason, "round": d.round_number, "at": d.at}
        )  # fmt: skip
