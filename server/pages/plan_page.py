"""The action plan page: the plan per year, its equity chart and the map of funded schools."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from server.inspections.catalogues import element_name
from server.pages.charts import grouped_bars
from server.pages.reasons import reason_sv
from server.planning import plan_report, services
from server.planning.ranking import Weights
from server.planning.selectors import RankingQuery

QUARTILE_LABELS = {"Q1": "Q1", "Q2": "Q2", "Q3": "Q3", "Q4": "Q4", "unknown": "?"}


@dataclass(frozen=True)
class PlanView:
    payload: dict[str, Any]
    years: list[dict[str, Any]]
    equity_chart: str
    funded: pd.DataFrame
    safety: plan_report.SafetySummary
    """The urgency-1 items that did not fit (element names added) and the backlog."""
    empty: bool
    """Nothing funded in any year: the page says why instead of showing empty tables."""
    nothing_to_do: bool
    """No candidate at all (nothing in grade C or D under the filters)."""


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
    )


def plan_ranking_query(cleaned: dict[str, Any]) -> RankingQuery:
    return services.plan_ranking_query(
        weights=cleaned["weights"],
        district=cleaned.get("district") or None,
        school_form=cleaned.get("school_form") or None,
        price_year=cleaned.get("price_year") or None,
    )


def _reason(text: str) -> str:
    return text if (get_language() or "sv").startswith("en") else reason_sv(text)


def plan_view(plan: services.Plan) -> PlanView:
    """The plan's payload (as the API and exports have it), grouped by year for the page."""
    payload = services.plan_payload(plan)
    items_by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item in payload["items"]:  # type: ignore[attr-defined]
        items_by_year[int(item["year"])].append(
            {
                **item,
                "reason_text": _reason(item["reason"]),
                "element_name": element_name(item["element"]),
            }
        )
    unfunded_by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item in payload["unfunded_safety"]:  # type: ignore[attr-defined]
        unfunded_by_year[int(item["year"])].append(
            {**item, "element_name": element_name(item["element"])}
        )
    years = []
    total = 0.0
    split_years = plan_report.years_with_split(payload["years"])  # type: ignore[arg-type]
    for n, year in enumerate(split_years, start=1):
        total += float(year["spent"] or 0)
        years.append(
            {
                **year,
                "total_spent": total,
                "chosen": items_by_year.get(int(year["year"]), []),
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
    equity = payload["equity"]  # type: ignore[assignment]
    groups = [QUARTILE_LABELS.get(str(row["quartile"]), str(row["quartile"])) for row in equity]
    chart = grouped_bars(
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
    funded = pd.DataFrame(payload["items"], columns=["site", "year"])  # type: ignore[arg-type]
    return PlanView(
        payload=payload,
        years=years,
        equity_chart=chart,
        funded=funded,
        safety=safety,
        empty=not payload["items"],
        nothing_to_do=not payload["items"]
        and not safety.unfunded
        and all("candidates" in y and not y["candidates"] for y in split_years),
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
}


def _input_shown(name: str, value: object) -> object:
    if value is None and name in ("district", "school_form"):
        return _("alla")
    if name == "method" and value is not None:
        return services.METHOD_NAMES.get(str(value), value)
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
            "money": row["name"] == "budget",
        }
        for row in comparison["inputs"]
    ]
