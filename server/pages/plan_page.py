"""The action plan page: the plan per year and school, its equity charts (the spend per
quartile and the frontier) and the map of funded schools; the compare page's rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from server.inspections.catalogues import element_name
from server.pages.charts import ScatterPoint, grouped_bars, scatter_chart
from server.planning import plan_report, services
from server.planning.ranking import Weights
from server.planning.reason_text import reason_text
from server.planning.selectors import RankingQuery

QUARTILE_LABELS = {"Q1": "Q1", "Q2": "Q2", "Q3": "Q3", "Q4": "Q4", "unknown": "?"}


@dataclass(frozen=True)
class PlanView:
    payload: dict[str, Any]
    years: list[dict[str, Any]]
    equity_chart: str
    frontier: FrontierView | None
    """The equity frontier; None when the payload has none (the page omits it)."""
    funded: pd.DataFrame
    safety: plan_report.SafetySummary
    """The urgency-1 items that did not fit (element names added) and the backlog."""
    empty: bool
    """Nothing funded in any year: the page says why instead of showing empty tables."""
    nothing_to_do: bool
    """No candidate at all (nothing in grade C or D under the filters)."""


def plan_rules(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The plan's own rules the planner set (method, floor, mobilisation, carry-over), as
    `services.plan_compute`'s keywords (the API's names: floor in percent); unset ones are
    left out, so the plan takes its defaults."""
    rules: dict[str, Any] = {}
    if cleaned.get("method"):
        rules["method"] = cleaned["method"]
    if cleaned.get("floor") is not None:
        rules["floor"] = cleaned["floor"]
    if cleaned.get("mobilisation") is not None:
        rules["mobilisation"] = cleaned["mobilisation"]
    if cleaned.get("carry_over"):
        rules["carry_over"] = True
    return rules


def plan_compute_from(cleaned: dict[str, Any]) -> services.Plan:
    weights: Weights = cleaned["weights"]
    return services.plan_compute(
        budget_per_year=cleaned["budget"],
        years=cleaned["years"],
        alpha=cleaned["alpha"],
        weights=weights,
        start_year=cleaned["start_year"],
        district=cleaned.get("district") or None,
        school_form=cleaned.get("school_form") or None,
        price_year=cleaned.get("price_year") or None,
        **plan_rules(cleaned),
    )


def plan_ranking_query(cleaned: dict[str, Any]) -> RankingQuery:
    return services.plan_ranking_query(
        weights=cleaned["weights"],
        district=cleaned.get("district") or None,
        school_form=cleaned.get("school_form") or None,
        price_year=cleaned.get("price_year") or None,
    )


def plan_view(plan: services.Plan) -> PlanView:
    """The plan's payload (as the API and exports have it), grouped for the page."""
    return plan_view_of(services.plan_payload(plan))


def _projects(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A year's items grouped per school (its project that year), in the plan's order,
    each with its items and their total cost."""
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        site = str(item["site"])
        project = found.setdefault(
            site,
            {"site": site, "site_name": item.get("site_name") or site, "items": [], "cost": 0.0},
        )
        project["items"].append(item)
        project["cost"] += float(item.get("cost") or 0)
    return list(found.values())


def _unfunded_note(row: dict[str, Any]) -> str:
    if row.get("funded_year") is not None:
        return _("görs %(year)s") % {"year": row["funded_year"]}
    if row.get("reason_code"):
        return reason_text(row)
    # A plan saved before reasons had codes: what the row itself says.
    if row.get("over_budget"):
        return _("kostar mer än ett helt års budget")
    return _("ryms inte inom planens år")


def plan_view_of(payload: dict[str, Any]) -> PlanView:
    """`plan_view` of a payload: a fresh plan's or a saved one's."""
    items_by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item in payload["items"]:
        items_by_year[int(item["year"])].append(
            {
                **item,
                "reason_text": reason_text(item),
                "element_name": element_name(item["element"]),
            }
        )
    unfunded_by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item in payload["unfunded_safety"]:
        unfunded_by_year[int(item["year"])].append(
            {**item, "element_name": element_name(item["element"])}
        )
    years = []
    total = 0.0
    split_years = plan_report.years_with_split(payload["years"])
    for n, year in enumerate(split_years, start=1):
        total += float(year["spent"] or 0)
        chosen = items_by_year.get(int(year["year"]), [])
        years.append(
            {
                **year,
                "total_spent": total,
                "chosen": chosen,
                "projects": _projects(chosen),
                "unfunded": unfunded_by_year.get(int(year["year"]), []),
                "safety_percent": None
                if year["safety_share"] is None
                else 100 * float(year["safety_share"]),
                # Nothing moves past the plan's last year: it ends there.
                "last": n == len(split_years),
            }
        )
    safety = plan_report.safety_summary(payload)
    for row in safety.unfunded:
        row["element_name"] = element_name(row["element"])
        row["note"] = _unfunded_note(row)
    funded = pd.DataFrame(payload["items"], columns=["site", "year"])
    return PlanView(
        payload=payload,
        years=years,
        equity_chart=_equity_chart(payload["equity"]),
        frontier=frontier_view(
            payload.get("equity_frontier"), alpha=payload["assumptions"].get("alpha")
        ),
        funded=funded,
        safety=safety,
        empty=not payload["items"],
        nothing_to_do=not payload["items"]
        and not safety.unfunded
        and all("candidates" in y and not y["candidates"] for y in split_years),
    )


def _equity_chart(equity: list[dict[str, Any]]) -> str:
    groups = [QUARTILE_LABELS.get(str(row["quartile"]), str(row["quartile"])) for row in equity]
    return grouped_bars(
        groups,
        [
            (
                _("Utgifter, med likvärdighet"),
                "#0b5d8a",
                [row["spend_share"] or 0 for row in equity],
            ),
            (
                _("Utgifter, bara skick"),
                "#9ecae1",
                [row["spend_share_no_equity"] or 0 for row in equity],
            ),
            (
                _("Nytta, med likvärdighet"),
                "#b2182b",
                [row["benefit_share"] or 0 for row in equity],
            ),
        ],
        title=_("Utgifter och nytta per kvartil av socioekonomiskt behov"),
        y_label=_("Andel"),
    )


# "not_requested": the page only looks (`frontier_peek`); its script asks for it.
FRONTIER_STATUSES = ("ready", "queued", "running", "failed", "not_requested")


@dataclass(frozen=True)
class FrontierView:
    """The equity frontier as the page shows it: `status` as the payload has it
    ("ready", "queued", "running", "failed" or "not_requested"); when ready, the chart
    (numbers and escaped labels only, safe to insert) and its points as rows for the table
    beside it. Alphas whose plans coincide share one circle, labelled with their range."""

    status: str
    chart: str = ""
    points: list[dict[str, Any]] = field(default_factory=list)
    one_plan: bool = False
    """Every alpha gives the same plan: fairness costs nothing at this budget."""

    @property
    def pending(self) -> bool:
        return self.status in ("queued", "running", "not_requested")


def _alpha_shown(alpha: float) -> str:
    return number_format(alpha, 1)


def frontier_view(frontier: object, *, alpha: object) -> FrontierView | None:
    """None when the payload has no frontier (a plan saved before it, or an API that does
    not make one): the page then shows no chart at all."""
    if not isinstance(frontier, dict) or frontier.get("status") not in FRONTIER_STATUSES:
        return None
    points = frontier.get("points") or []
    if frontier["status"] != "ready":
        return FrontierView(status=str(frontier["status"]))
    if not points:
        return None
    points = sorted(points, key=lambda p: float(p["alpha"]))
    current = None
    if isinstance(alpha, int | float):
        current = min(points, key=lambda p: abs(float(p["alpha"]) - float(alpha)))
        if abs(float(current["alpha"]) - float(alpha)) > 1e-9:
            current = None
    rows: list[dict[str, Any]] = [
        {
            "alpha": float(p["alpha"]),
            "alpha_shown": _alpha_shown(float(p["alpha"])),
            "spend_percent": 100 * float(p["top_quartile_spend_share"]),
            "benefit_percent": 100 * float(p["top_quartile_benefit_share"]),
            "total_benefit": float(p["total_benefit"]),
            "current": p is current,
        }
        for p in points
    ]

    chart = scatter_chart(
        [_frontier_point(group) for group in _same_plans(rows)],
        title=_("Vad likvärdighet kostar: total nytta mot andelen till dem med störst behov"),
        x_label=_("Andel av utgifterna till kvartilen med störst behov (%)"),
        y_label=_("Total nytta (viktade elevår)"),
        x_format=lambda v, digits: number_format(v, digits),
        y_format=lambda v, digits: number_format(v, digits, force_grouping=True),
        # Ten percentage points and a tenth of the benefit at least: plans that differ by
        # a rounding error look alike, as they are.
        min_span=(10.0, 0.1 * max(row["total_benefit"] for row in rows)),
    )
    one_plan = len(_same_plans(rows)) == 1
    # The chart holds numbers and escaped labels only.
    return FrontierView(status="ready", chart=mark_safe(chart), points=rows, one_plan=one_plan)


def _whole(value: float) -> str:
    return number_format(round(value), 0, force_grouping=True)


def _same_plans(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Alphas whose plans land on the same point (as shown: a tenth of a percent, a whole
    pupil-year) as one group, one circle with one label; groups in the order of their
    first alpha. Each row gets its place in `rows` as `n` (for the label's ranges)."""
    groups: dict[tuple[float, int], list[dict[str, Any]]] = {}
    for n, row in enumerate(rows):
        key = (round(row["spend_percent"], 1), round(row["total_benefit"]))
        groups.setdefault(key, []).append({**row, "n": n})
    return list(groups.values())


def _alpha_ranges(group: list[dict[str, Any]]) -> str:
    """ "0,0–2,5; 3,5": runs of neighbouring alphas as ranges."""
    runs: list[list[dict[str, Any]]] = []
    for row in group:
        if runs and row["n"] == runs[-1][-1]["n"] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return "; ".join(
        run[0]["alpha_shown"]
        if len(run) == 1
        else f"{run[0]['alpha_shown']}–{run[-1]['alpha_shown']}"
        for run in runs
    )


def _frontier_point(group: list[dict[str, Any]]) -> ScatterPoint:
    first = group[0]
    alphas = _alpha_ranges(group)
    tooltip = _(
        "α %(alpha)s: %(spend)s %% av utgifterna och %(benefit)s %% av nyttan "
        "till kvartilen med störst behov; %(total)s viktade elevår"
    ) % {
        "alpha": alphas,
        "spend": number_format(first["spend_percent"], 1),
        "benefit": number_format(first["benefit_percent"], 1),
        "total": _whole(first["total_benefit"]),
    }
    return ScatterPoint(
        x=first["spend_percent"],
        y=first["total_benefit"],
        label=f"α {alphas}",
        tooltip=tooltip,
        current=any(row["current"] for row in group),
        data=" ".join(f"{row['alpha']:g}" for row in group),
    )


COMPARE_INPUT_LABELS = {
    "budget": gettext_lazy("Budget per år (kr)"),
    "years": gettext_lazy("Antal år"),
    "start_year": gettext_lazy("Första år"),
    "condition": gettext_lazy("Vikt skick"),
    "experience": gettext_lazy("Vikt upplevelse"),
    "equity": gettext_lazy("Vikt likvärdighet"),
    "alpha": gettext_lazy("Likvärdighetens styrka (α)"),
    "district": gettext_lazy("Område"),
    "school_form": gettext_lazy("Skolform"),
    "price_year": gettext_lazy("Prisår"),
    "method": gettext_lazy("Metod"),
    # Named as the plan's assumptions name them (services.PLAN_INPUTS may add them).
    "equity_floor": gettext_lazy("Golv för kvartilen med störst behov"),
    "mobilisation_per_school_year": gettext_lazy("Etableringskostnad per skola och år (kr)"),
    "budget_rollover": gettext_lazy("Oanvänd budget flyttas till nästa år"),
    "horizon_years": gettext_lazy("Utvärderingshorisont (år)"),
    "floor": gettext_lazy("Golv för största behov (%)"),
    "controls": gettext_lazy("Planerarens styrning"),
}


def _input_shown(name: str, value: object) -> object:
    if value is None and name in ("district", "school_form"):
        return _("alla")
    if name == "method" and value is not None:
        return services.METHOD_NAMES.get(str(value), value)
    if name == "budget_rollover" and isinstance(value, bool):
        return _("ja") if value else _("nej")
    if name == "equity_floor" and isinstance(value, int | float):
        return pgettext("a percentage", "%(n)s %%") % {"n": number_format(100 * value, 0)}
    return "–" if value is None else value


def compare_inputs(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """Both plans' inputs as rows for the compare page, labelled in the active language;
    `money` marks a row shown in whole kronor."""
    return [
        {
            **row,
            "label": COMPARE_INPUT_LABELS.get(row["name"], row["name"]),
            "a": _input_shown(row["name"], row["a"]),
            "b": _input_shown(row["name"], row["b"]),
            "money": row["name"] in ("budget", "mobilisation_per_school_year"),
        }
        for row in comparison["inputs"]
    ]


def compare_items(comparison: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The items only plan A (`a`) or only plan B (`b`) funds, each with its reason in the
    active language."""
    return {
        side: [{**item, "reason_text": reason_text(item)} for item in comparison[f"only_in_{side}"]]
        for side in ("a", "b")
    }
