"""What a plan says about its safety items, read from its payload (`services.plan_payload`,
as the API answers and a saved plan keeps it): which urgency-1 items did not fit and in
which years, the backlog left at the plan's end, and each year's budget split between
safety and the weighted choice. Shared by the plan page and the exports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Payload = Mapping[str, Any]


def _key(item: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(item["site"]), str(item["element"]), str(item.get("location") or ""))


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _is_safety(item: Mapping[str, Any]) -> bool:
    if "safety" in item and item["safety"] is not None:
        return bool(item["safety"])
    return item.get("urgency") == 1


def unfunded_safety_items(payload: Payload) -> list[dict[str, Any]]:
    """Every urgency-1 item that some year could not fund, once: its site, element and
    location, the years it did not fit (`years`), its cost in the last of them, whether
    that cost is more than a whole year's budget (`over_budget`), the year the plan
    funds it after all (`funded_year`, None when it is left at the plan's end), and the
    last of those years' reason as the plan gave it (`reason_code`, `reason_data`, and the
    English `reason`; see `reason_text`)."""
    budgets = {int(y["year"]): _number(y.get("budget")) for y in payload.get("years", [])}
    funded = {_key(i): int(i["year"]) for i in payload.get("items", [])}
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for item in sorted(payload.get("unfunded_safety", []), key=lambda i: int(i["year"])):
        key = _key(item)
        year = int(item["year"])
        row = found.setdefault(
            key,
            {
                "site": key[0],
                "site_name": item.get("site_name") or key[0],
                "element": key[1],
                "location": key[2],
                "grade": item.get("grade"),
                "years": [],
            },
        )
        row["years"].append(year)
        row["cost"] = _number(item.get("cost"))
        row["over_budget"] = row["cost"] > budgets.get(year, float("inf"))
        for key in ("reason_code", "reason_data", "reason"):
            row[key] = item.get(key)
    for key, row in found.items():
        later = funded.get(key)
        row["funded_year"] = later if later is not None and later > max(row["years"]) else None
    return sorted(found.values(), key=lambda r: (r["funded_year"] is not None, -r["cost"]))


@dataclass(frozen=True)
class SafetySummary:
    """The safety backlog against the budget. `needed` is all urgency-1 work the plan
    faces (funded or not), in kronor; `backlog` what is left unfunded at the plan's end;
    `needed_per_year` the yearly budget that would cover `needed` within the plan's
    years (at least the dearest single item)."""

    items: int
    needed: float
    backlog: float
    backlog_items: int
    years: int
    budget_per_year: float
    needed_per_year: float
    dearest: float
    unfunded: list[dict[str, Any]] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        """Whether the plan funds every urgency-1 item within its years."""
        return self.backlog_items == 0


def safety_summary(payload: Payload) -> SafetySummary:
    unfunded = unfunded_safety_items(payload)
    left = [row for row in unfunded if row["funded_year"] is None]
    funded_costs = [_number(i.get("cost")) for i in payload.get("items", []) if _is_safety(i)]
    left_costs = [row["cost"] for row in left]
    years = payload.get("years", [])
    n_years = max(1, len(years))
    needed = sum(funded_costs) + sum(left_costs)
    dearest = max([*funded_costs, *left_costs], default=0.0)
    budget = _number(years[0].get("budget")) if years else 0.0
    return SafetySummary(
        items=len(funded_costs) + len(left),
        needed=needed,
        backlog=sum(left_costs),
        backlog_items=len(left),
        years=len(years),
        budget_per_year=budget,
        needed_per_year=max(needed / n_years, dearest),
        dearest=dearest,
        unfunded=unfunded,
    )


def year_split(year: Mapping[str, Any]) -> dict[str, float | None]:
    """How much of a year's budget the safety items take (kronor and share) and what is
    left for the weighted choice."""
    budget = _number(year.get("budget"))
    safety = _number(year.get("safety_spent"))
    return {
        "safety_spent": safety,
        "safety_share": safety / budget if budget > 0 else None,
        "left_for_weighted": max(0.0, budget - safety),
    }


def years_with_split(years: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{**year, **year_split(year)} for year in years]
