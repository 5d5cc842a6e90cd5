"""What a loaded workshop adds up to: priorities, themes, maps, rankings, equal say.

A mixin of :class:`codesign_widgets.analysis.WorkshopData`: every method reads the data's
tables only (never the store), so a workshop loaded from its file and from an exported package
give the same results. The numbers follow the domain modules: :mod:`goals` (priorities),
:mod:`network_graph` (the map), :mod:`scoring_results` (rankings), :mod:`equal_say`.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import pandas as pd

from .errors import NotFound
from .goal_summary import priorities
from .goals import GoalCard, card_from_body
from .templates import load_template

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .criteria import CriteriaSet
    from .equal_say import EqualSay
    from .network import NetworkMap
    from .scoring_results import Movement, Results

__all__ = ["ResultsMixin"]

ACTIVITY_OF = {
    "goals": "goal_mapping",
    "network": "stakeholder_network",
    "scoring": "prototype_scoring",
}


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split("; ") if part) if text else ()


class ResultsMixin:
    tables: dict[str, pd.DataFrame]

    # -- shared ------------------------------------------------------------------------------
    def _stage(self, activity: str, stage: str | None) -> str:
        one = self.one()
        keys = one.stage_keys(activity)
        if stage is not None:
            if stage not in keys:
                msg = f"{stage!r} is not a {activity.replace('_', ' ')} stage of this workshop."
                raise NotFound(msg)
            return stage
        if not keys:
            msg = f"This workshop's plan has no {activity.replace('_', ' ')} stage."
            raise NotFound(msg)
        return keys[0]

    def groups(self) -> dict[str, str]:
        """Perspective key to perspective group, from the workshop's plan."""
        templates = self.tables["workshops"]["template"].unique().tolist()
        out: dict[str, str] = {}
        for key in templates:
            out |= {p.key: p.group for p in load_template(key).perspectives}
        return out

    def group_order(self) -> list[str]:
        """Perspective groups in the plan's order."""
        seen: list[str] = []
        for group in self.groups().values():
            if group not in seen:
                seen.append(group)
        return seen

    # -- goal mapping ------------------------------------------------------------------------
    def goal_cards(self, stage: str | None = None, *, on_wall: bool = True) -> list[GoalCard]:
        """Goal cards as domain objects; by default only those on the wall (not withdrawn or
        hidden), as the projector showed them."""
        goals = self.one().tables["goals"]
        if stage is not None:
            goals = goals[goals["stage"] == stage]
        if on_wall:
            goals = goals[(goals["status"] == "active") & ~goals["hidden"].astype(bool)]
        services = self.one().tables["goal_services"].groupby("card_id")["service"].agg(tuple)
        cards = []
        for r in goals.itertuples(index=False):
            body = {
                "what_matters": r.what_matters, "goal": r.goal, "steps": r.steps,
                "services": list(services.get(r.card_id, ())), "barriers": _split(r.barriers),
                "confidence": None if pd.isna(r.confidence) else int(r.confidence),
                "to_seven": r.to_seven, "review_date": r.review_date, "visibility": "shared",
            }  # fmt: skip
            cards.append(
                card_from_body(
                    body,
                    id=int(r.card_id),
                    author_id=0,
                    author_public_id=r.participant,
                    perspective=r.perspective,
                    group=r.group,
                    theme=r.theme,
                    hidden=bool(r.hidden),
                    status=r.status,
                    created_at=r.created_at,
                    updated_at=r.updated_at,
                )
            )
        return cards

    def goal_priorities(self, stage: str | None = None) -> pd.DataFrame:
        """Dot priorities: pooled and equal-say shares and dots per group (revealed stages)."""
        stage = self._stage("goal_mapping", stage)
        votes = self.one().tables["goal_votes"]
        votes = votes[votes["stage"] == stage]
        labels = {str(c.id): c.goal for c in self.goal_cards(stage, on_wall=False)}
        groups = [g for g in self.group_order() if g in set(votes["group"])]
        rows = []
        columns = ["target_kind", "target", "group", "delta"]
        triples = [(f"{k}:{t}", g, int(d)) for k, t, g, d in votes[columns].itertuples(index=False)]
        for p in priorities(triples):
            kind, target = p.target.split(":", 1)
            row = {
                "priority": labels.get(target, target) if kind == "card" else f"Theme: {target}",
                "target_kind": kind, "target": target, "dots": p.votes,
                "pooled": p.pooled, "equal_say": p.equal_say,
            }  # fmt: skip
            row |= {f"dots_{g}": p.by_group.get(g, 0) for g in groups}
            rows.append(row)
        columns = ["priority", "target_kind", "target", "dots", "pooled", "equal_say"]
        return pd.DataFrame(rows, columns=columns + [f"dots_{g}" for g in groups])

    def themes(self, stage: str | None = None) -> pd.DataFrame:
        """Per theme: cards on the wall, distinct services named, gaps and mean confidence."""
        from .goal_themes import group_by_theme

        rows = []
        for theme, members in group_by_theme(self.goal_cards(stage)).items():
            scores = [c.confidence for c in members if c.confidence is not None]
            rows.append(
                {"theme": theme, "cards": len(members),
                 "services": len({s.casefold() for c in members for s in c.services}),
                 "gaps": sum(1 for c in members if not c.services),
                 "mean_confidence": sum(scores) / len(scores) if scores else float("nan")}
            )  # fmt: skip
        return pd.DataFrame(rows, columns=["theme", "cards", "services", "gaps",
                                           "mean_confidence"])  # fmt: skip

    def services_needed(self, stage: str | None = None) -> pd.DataFrame:
        """Supports and services named on the wall's cards, most needed first."""
        from .goal_summary import services_most_needed

        rows = services_most_needed(self.goal_cards(stage))
        return pd.DataFrame(rows, columns=["service", "cards"])

    def barriers_named(self, stage: str | None = None) -> pd.DataFrame:
        from .goal_summary import barriers_most_named

        return pd.DataFrame(
            barriers_most_named(self.goal_cards(stage)), columns=["barrier", "cards"]
        )

    def confidence(self, stage: str | None = None) -> pd.DataFrame:
        """Cards per confidence score 0-10, for everyone and per perspective group."""
        from .goal_summary import confidence_by_group

        dist = confidence_by_group(self.goal_cards(stage), self.group_order())
        return pd.DataFrame(dist, index=pd.RangeIndex(11, name="confidence")).T

    def goal_service_graph(self, stage: str | None = None, by: str = "goal") -> nx.Graph:
        """Goals (or themes) linked to the services named for them; gaps stay as lone nodes."""
        from .goal_analysis import build_goal_service_graph

        return build_goal_service_graph(self.goal_cards(stage), by=by)

    # -- stakeholder network -------------------------------------------------------------------
    def network_map(self, stage: str | None = None) -> NetworkMap:
        """The map as drawn (withdrawn and hidden items included, with their status)."""
        from .network import NetworkMap, Rating, Stakeholder, Tie, TieType, network_settings

        stage = self._stage("stakeholder_network", stage)
        t = {name: f[f["stage"] == stage] for name, f in self.one().tables.items()
             if name in ("stakeholders", "ties", "ratings", "tie_types")}  # fmt: skip
        stakeholders = tuple(
            Stakeholder(
                int(r.stakeholder_id),
                r.name,
                r.kind,
                r.perspective,
                r.goals,
                r.author or None,
                r.author_perspective,
                r.origin,
                r.status,
                _split(r.aliases),
                r.created_at,
            )
            for r in t["stakeholders"].itertuples(index=False)
        )
        ties = tuple(
            Tie(
                int(r.tie_id),
                int(r.source),
                int(r.target),
                r.type,
                r.direction,
                int(r.strength),
                r.author or None,
                r.author_perspective,
                r.origin,
                r.status,
                r.created_at,
            )
            for r in t["ties"].itertuples(index=False)
        )
        ratings = tuple(
            Rating(
                int(r.stakeholder_id),
                r.rater or None,
                r.rater_perspective,
                int(r.influence),
                int(r.interest),
                r.at,
            )
            for r in t["ratings"].itertuples(index=False)
        )
        merged = t["stakeholders"].dropna(subset=["merged_into"])
        merges = {int(a): int(b) for a, b in zip(merged["stakeholder_id"], merged["merged_into"],
                                                 strict=True)}  # fmt: skip
        types = [TieType(r.key, r.label, r.colour, bool(r.channel))
                 for r in t["tie_types"].itertuples(index=False)]  # fmt: skip
        template = self.tables["workshops"]["template"].iloc[0]
        settings = network_settings(load_template(template).network, types)
        return NetworkMap(stakeholders, ties, ratings, merges, settings)

    def network_graph(self, stage: str | None = None, **options) -> nx.MultiDiGraph:
        """The map as a networkx MultiDiGraph (see :func:`network_graph.build_graph`)."""
        from .network_graph import build_graph

        return build_graph(self.network_map(stage), **options)

    def network_metrics(self, stage: str | None = None):
        from .network_graph import network_metrics

        return network_metrics(self.network_graph(stage))

    def stakeholder_table(self, stage: str | None = None) -> pd.DataFrame:
        """Stakeholders on the map with influence (perspectives weighted equally), interest,
        degree and betweenness: the facilitator's analysis panel as a table."""
        graph = self.network_graph(stage)
        metrics = self.network_metrics(stage)
        rows = [
            {"stakeholder_id": n, "name": d["name"], "kind": d["kind"],
             "perspective": d["perspective"], "influence": d["influence"],
             "interest": d["interest"], "ties": metrics.degree.get(n, 0),
             "betweenness": metrics.betweenness.get(n, 0.0), "broker": n in metrics.brokers}
            for n, d in graph.nodes(data=True)
        ]  # fmt: skip
        frame = pd.DataFrame(rows)
        return frame.sort_values(["betweenness", "ties"], ascending=False, ignore_index=True)

    def voice_distances(self, stage: str | None = None) -> pd.DataFrame:
        """Steps from each lived-experience stakeholder to the nearest decider."""
        from .network_graph import voice_distances

        net = self.network_map(stage)
        graph = self.network_graph(stage)
        names = dict(graph.nodes(data="name"))
        rows = [
            {"stakeholder": names[d.stakeholder], "steps": d.steps,
             "nearest_decider": names.get(d.nearest_decider, "")}
            for d in voice_distances(graph, net.settings, self.groups())
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=["stakeholder", "steps", "nearest_decider"])

    def influence_views(self, stage: str | None = None) -> pd.DataFrame:
        """Each stakeholder's influence as each perspective rated it, biggest disagreement
        first (the map's equal-say panel)."""
        from .network_graph import influence_by_perspective

        graph = self.network_graph(stage)
        names = dict(graph.nodes(data="name"))
        rows = [
            {"stakeholder": names[v.stakeholder], **v.by_perspective, "spread": v.spread}
            for v in influence_by_perspective(graph)
        ]
        return pd.DataFrame(rows)

    # -- prototype scoring ---------------------------------------------------------------------
    def revealed_rounds(self, stage: str | None = None) -> list[int]:
        stage = self._stage("prototype_scoring", stage)
        rounds = self.one().tables["rounds"]
        mine = rounds[(rounds["stage"] == stage) & (rounds["state"] == "revealed")]
        return sorted(int(r) for r in mine["round"])

    def criteria(self, stage: str | None = None, round: int | None = None) -> CriteriaSet:
        from .criteria import criteria_set_from_dict

        stage = self._stage("prototype_scoring", stage)
        rounds = self.one().tables["rounds"]
        rounds = rounds[rounds["stage"] == stage]
        if round is None:
            round = int(rounds["round"].max())
        info = rounds[rounds["round"] == round].iloc[0]
        crit = self.one().tables["criteria"]
        crit = crit[(crit["stage"] == stage) & (crit["round"] == round)]
        return criteria_set_from_dict(
            {"key": info["criteria_set"], "name": info["criteria_name"],
             "axes": list(_split(info["axes"])),
             "criteria": [
                 {"key": c.criterion, "label": c.label, "question": c.question,
                  "weight": float(c.weight), "min": int(c.min), "max": int(c.max),
                  "reverse": bool(c.reverse), "labels": list(_split(c.labels))}
                 for c in crit.itertuples(index=False)
             ]},
        )  # fmt: skip

    def prototype_titles(self, stage: str | None = None) -> dict[int, str]:
        stage = self._stage("prototype_scoring", stage)
        protos = self.one().tables["prototypes"]
        protos = protos[(protos["stage"] == stage) & (protos["status"] == "active")]
        return {int(p): t for p, t in zip(protos["prototype_id"], protos["title"], strict=True)}

    def score_frame(self, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
        """Counted scores of one revealed round (default: the last) in the results' shape."""
        stage = self._stage("prototype_scoring", stage)
        revealed = self.revealed_rounds(stage)
        if round is None:
            if not revealed:
                msg = "No scoring round has been revealed yet, so there are no results."
                raise NotFound(msg)
            round = revealed[-1]
        scores = self.one().tables["scores"]
        mine = scores[(scores["stage"] == stage) & (scores["round"] == round)]
        return pd.DataFrame(
            {"round_number": mine["round"].astype("int64"),
             "participant": mine["participant"].astype(object),
             "perspective": mine["perspective"].astype(object),
             "group": mine["group"].astype(object),
             "prototype_id": mine["prototype_id"].astype("int64"),
             "criterion": mine["criterion"].astype(object),
             "value": mine["value"].astype("float64")}
        ).reset_index(drop=True)  # fmt: skip

    def scoring_results(self, stage: str | None = None, round: int | None = None) -> Results:
        """The results panel's numbers for a revealed round (default: the last)."""
        from .scoring_results import aggregate

        stage = self._stage("prototype_scoring", stage)
        frame = self.score_frame(stage, round)
        round = int(frame["round_number"].iloc[0]) if len(frame) else round
        return aggregate(frame, self.criteria(stage, round), list(self.prototype_titles(stage)),
                         self.group_order())  # fmt: skip

    def ranking(self, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
        """Prototype ranking with titles and decisions: equal say first, then pooled."""
        stage = self._stage("prototype_scoring", stage)
        results = self.scoring_results(stage, round)
        titles = self.prototype_titles(stage)
        decisions = self.one().tables["decisions"]
        decided = dict(zip(decisions["prototype_id"], decisions["decision"], strict=True))
        table = results.ranking.copy()
        table.insert(0, "prototype", [titles[int(p)] for p in table.index])
        table["decision"] = [decided.get(int(p), "") for p in table.index]
        for group in results.by_group.columns:
            table[f"score_{group}"] = results.by_group[group]
        return table.sort_values(["equal_say_rank", "pooled_rank"])

    def leave_one_out(self, stage: str | None = None, round: int | None = None) -> pd.DataFrame:
        """Equal-say rank of each prototype with every perspective, and without each one
        (a positive shift: it climbs when that perspective is left out)."""
        stage = self._stage("prototype_scoring", stage)
        results = self.scoring_results(stage, round)
        titles = self.prototype_titles(stage)
        table = pd.DataFrame(
            {"prototype": [titles[int(p)] for p in results.ranking.index],
             "rank": results.ranking["equal_say_rank"]},
            index=results.ranking.index,
        )  # fmt: skip
        for group, frame in results.leave_one_out.items():
            table[f"rank_without_{group}"] = frame["rank"]
            table[f"shift_without_{group}"] = frame["shift"]
        return table.sort_values("rank")

    def round_movement(self, stage: str | None = None) -> pd.DataFrame:
        """How each revealed round moved from the one before: people who changed, spread."""
        from .scoring_results import movement

        stage = self._stage("prototype_scoring", stage)
        rounds = self.revealed_rounds(stage)
        rows = []
        for before, after in itertools.pairwise(rounds):
            m: Movement = movement(self.score_frame(stage, before), self.score_frame(stage, after))
            rows.append(
                {"from_round": before, "to_round": after, "people_compared": m.compared_people,
                 "people_changed": m.changed_people, "up": m.up, "down": m.down,
                 "narrowed": m.narrowed, "widened": m.widened, "summary": m.summary}
            )  # fmt: skip
        return pd.DataFrame(rows, columns=["from_round", "to_round", "people_compared",
                                           "people_changed", "up", "down", "narrowed",
                                           "widened", "summary"])  # fmt: skip

    # -- equal say -----------------------------------------------------------------------------
    def equal_say(self) -> EqualSay:
        """The equal-say summary across all activities (see :mod:`codesign_widgets.equal_say`)."""
        from .analysis_equal_say import workshop_equal_say

        return workshop_equal_say(self.one())
