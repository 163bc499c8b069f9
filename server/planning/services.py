"""Ranking and plans from the database: load the frames, call the pandas cores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from django.utils import timezone

from server.planning.equity import equity_report
from server.planning.models import SavedPlan
from server.planning.plan import PlanResult, PlanSettings, plan
from server.planning.plausibility import FLAGS_COLUMN
from server.planning.ranking import Weights
from server.planning.selectors import Ranking, RankingQuery, ranking_get
from shared.catalogue import load_catalogue
from shared.errors import ErrorDetail, InvalidInput, NotFound


def weights_from(*, condition: float, experience: float, equity: float) -> Weights:
    """The planner's weights, or a 422 that says what is wrong with them."""
    try:
        return Weights(condition=condition, experience=experience, equity=equity)
    except ValueError as exc:
        raise InvalidInput(
            f"The weights cannot be used: {exc}",
            [ErrorDetail(field="weights", message=str(exc))],
        ) from None


def _clean(value: object) -> object:
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())  # type: ignore[attr-defined]
    return value


def ranking_records(ranking: Ranking) -> list[dict[str, object]]:
    """The ranking as JSON-ready rows, most need first; NaN becomes null. Made once per
    cached ranking and shared: a caller that adds to a row copies it first."""
    found = ranking.records_cache.get("records")
    if found is None:
        found = ranking.records_cache["records"] = _records(ranking.frame)
    return found  # type: ignore[no-any-return]


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    rows = []
    for code, row in frame.sort_values(["rank", "name"], na_position="last").iterrows():
        record = {key: _clean(value) for key, value in row.items()}
        record["code"] = code
        record["top_defects"] = [
            {"element": e, "location": loc, "grade": g} for e, loc, g in row["top_defects"]
        ]
        record["missing"] = list(row["missing"])
        record[FLAGS_COLUMN] = list(row[FLAGS_COLUMN])
        rows.append(record)
    return rows


EXPORT_COLUMNS = {
    "rank": "rang",
    "code": "skolhus",
    "name": "namn",
    "district": "område",
    "pupils": "elever",
    "priority": "prioritet",
    "condition": "skick",
    "experience": "upplevelse",
    "equity": "likvärdighet",
    "rank_p05": "rang p05",
    "rank_p95": "rang p95",
    "p_top_n": "sannolikhet topp N",
    "act_now": "åtgärda nu",
    "missing": "saknar data",
    "synthetic": "syntetiska data",
}


def ranking_export_frame(ranking: Ranking) -> pd.DataFrame:
    """The ranking's export columns, Swedish headers; just the headers when no site is
    ranked (a filter that matches none)."""
    rows = pd.DataFrame(ranking_records(ranking), columns=[*EXPORT_COLUMNS])
    rows["missing"] = rows["missing"].map(", ".join)
    return rows[list(EXPORT_COLUMNS)].rename(columns=EXPORT_COLUMNS)


def plan_items(ranking: Ranking) -> pd.DataFrame:
    """Candidate interventions: every newest C or D rating, with its site's needs.

    A rating without a measured quantity uses the quantity behind its estimated cost
    (the server estimated it from the site's size when the rating was stored).
    """
    ratings = ranking.ratings
    items = ratings[ratings["grade"].isin(["C", "D"])].copy()
    estimated = pd.to_numeric(items["cost_quantity"], errors="coerce")
    # A cost the plausibility screen left out (NaN) takes its estimated quantity along.
    estimated = estimated.where(items["estimated_cost_sek"].notna())
    items["quantity"] = items["quantity"].where(items["quantity"] > 0, estimated)
    items = items[items["quantity"] > 0]
    context = ranking.frame[["pupils", "experience", "equity", "socioeconomic_need"]].rename(
        columns={"experience": "experience_need", "equity": "equity_need"}
    )
    items = items.join(context, on="site")
    items["pupils"] = items["pupils"].fillna(0)
    return items.reset_index(drop=True)


def plan_ranking_query(
    *, weights: Weights, district: str | None, school_form: str | None, price_year: int | None
) -> RankingQuery:
    """The ranking a plan rests on: its sites' pillars and needs (no rank interval)."""
    return RankingQuery(
        weights=weights,
        district=district,
        school_form=school_form,
        draws=0,
        price_year=price_year,
    )


@dataclass(frozen=True)
class Plan:
    result: PlanResult
    equity: pd.DataFrame
    ranking: Ranking
    settings: PlanSettings


def plan_compute(
    *,
    budget_per_year: float,
    years: int,
    alpha: float,
    weights: Weights,
    start_year: int,
    district: str | None = None,
    school_form: str | None = None,
    price_year: int | None = None,
) -> Plan:
    """The action plan over `years` under a yearly budget, with its equity report; costs
    in `price_year` (default: the municipality's)."""
    ranking = ranking_get(
        plan_ranking_query(
            weights=weights, district=district, school_form=school_form, price_year=price_year
        )
    )
    try:
        settings = PlanSettings(
            budget_per_year=budget_per_year,
            start_year=start_year,
            years=years,
            weights=weights,
            alpha=alpha,
        )
    except ValueError as exc:
        raise InvalidInput(
            f"The plan cannot be made: {exc}", [ErrorDetail(field="plan", message=str(exc))]
        ) from None
    items = plan_items(ranking)
    catalogue = load_catalogue()
    result = plan(items, catalogue, settings, prices=ranking.prices)
    equity = equity_report(items, catalogue, settings, planned=result, prices=ranking.prices)
    return Plan(result=result, equity=equity, ranking=ranking, settings=settings)


def frame_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as JSON-ready dicts; NaN becomes null."""
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def plan_payload(p: Plan) -> dict[str, object]:
    """A plan as the API shows it and as a saved plan keeps it."""
    names = p.ranking.frame["name"]
    chosen = p.result.chosen.assign(site_name=p.result.chosen["site"].map(names))
    unfunded = p.result.unfunded_safety.assign(
        site_name=p.result.unfunded_safety["site"].map(names)
    )
    assumptions = {str(k): _clean(v) for k, v in p.result.assumptions.items()}
    assumptions["synthetic_data"] = p.ranking.synthetic
    return {
        "assumptions": assumptions,
        "data_date": p.ranking.data_date.isoformat() if p.ranking.data_date else None,
        "synthetic": p.ranking.synthetic,
        "years": frame_records(p.result.totals),
        "items": frame_records(chosen),
        "unfunded_safety": frame_records(unfunded),
        "equity": frame_records(p.equity),
    }


PLAN_EXPORT_COLUMNS = {
    "year": "år",
    "site": "skolhus",
    "site_name": "namn",
    "element": "byggdel",
    "location": "plats",
    "grade": "betyg",
    "urgency": "brådska",
    "quantity": "mängd",
    "cost": "kostnad (kr)",
    "benefit": "nytta",
    "cumulative_spend": "ackumulerat (kr)",
    "reason": "varför",
}


def plan_export_tables(payload: dict[str, object]) -> dict[str, pd.DataFrame]:
    items = pd.DataFrame(payload["items"])  # type: ignore[arg-type]
    if items.empty:
        items = pd.DataFrame(columns=list(PLAN_EXPORT_COLUMNS))
    return {
        "Åtgärdsplan": items[list(PLAN_EXPORT_COLUMNS)].rename(columns=PLAN_EXPORT_COLUMNS),
        "Per år": pd.DataFrame(payload["years"]),  # type: ignore[arg-type]
        "Ej finansierad säkerhet": pd.DataFrame(payload["unfunded_safety"]),  # type: ignore[arg-type]
        "Likvärdighet": pd.DataFrame(payload["equity"]),  # type: ignore[arg-type]
    }


def saved_plan_create(
    *, name: str, inputs: dict[str, object], payload: dict[str, object], user: object
) -> SavedPlan:
    """Keep a plan with its inputs, data date and result, to compare with later ones. The
    result holds its costs, and its assumptions the price-list version, price year and
    index factors they were made with: a later price list changes none of them."""
    data_date = payload["data_date"] or timezone.now().isoformat()
    assumptions = payload.get("assumptions") or {}
    assert isinstance(assumptions, dict)
    return SavedPlan.objects.create(
        name=name,
        created_by=user,
        inputs=inputs,
        data_date=datetime.fromisoformat(str(data_date)),
        result=payload,
        synthetic=bool(payload["synthetic"]),
        price_list_version=assumptions.get("price_list_version"),
        price_year=assumptions.get("price_year"),
    )


def price_export_rows(assumptions: dict[str, object]) -> dict[str, object]:
    """What the prices rest on, as rows of an export's assumptions sheet (Swedish)."""
    factors = assumptions.get("index_factors") or {}
    not_indexed = assumptions.get("not_indexed_price_years") or []
    return {
        "Prislista (version)": assumptions.get("price_list_version"),
        "Priskällor": "; ".join(map(str, assumptions.get("price_sources") or [])),
        "Prisår": assumptions.get("price_year"),
        "À-prisernas prisår": ", ".join(map(str, assumptions.get("rate_price_years") or [])),
        "Byggkostnadsindex, faktorer": ", ".join(
            f"{year}: {factor}"
            for year, factor in dict(factors).items()  # type: ignore[call-overload]
        )
        or "inga",
        "Ej indexerade prisår": ", ".join(map(str, not_indexed))  # type: ignore[call-overload]
        or "inga",
        "Byggkostnadsindex": "illustrativt, inte en officiell serie"
        if assumptions.get("index_illustrative")
        else "som angivet i administrationen",
        "Moms": "ingår" if assumptions.get("vat_included") else "ingår inte",
    }


def saved_plan_list() -> list[SavedPlan]:
    return list(SavedPlan.objects.select_related("created_by"))


def saved_plan_get(*, plan_id: int) -> SavedPlan:
    found = SavedPlan.objects.select_related("created_by").filter(pk=plan_id).first()
    if found is None:
        raise NotFound(f"There is no saved plan with id {plan_id}.")
    return found


def saved_plans_compare(*, a: SavedPlan, b: SavedPlan) -> dict[str, object]:
    """Per-year spend and benefit side by side, and the items only one plan funds."""

    def keyed(plan_row: SavedPlan) -> dict[tuple[object, ...], dict[str, object]]:
        items = plan_row.result.get("items", [])
        return {(i["site"], i["element"], i["location"]): i for i in items}

    years_a = {y["year"]: y for y in a.result.get("years", [])}
    years_b = {y["year"]: y for y in b.result.get("years", [])}
    years = [
        {
            "year": year,
            "spent_a": years_a.get(year, {}).get("spent"),
            "spent_b": years_b.get(year, {}).get("spent"),
            "benefit_a": years_a.get(year, {}).get("benefit"),
            "benefit_b": years_b.get(year, {}).get("benefit"),
        }
        for year in sorted(set(years_a) | set(years_b))
    ]
    items_a, items_b = keyed(a), keyed(b)
    return {
        "a": a,
        "b": b,
        "years": years,
        "only_in_a": [items_a[k] for k in sorted(set(items_a) - set(items_b), key=str)],
        "only_in_b": [items_b[k] for k in sorted(set(items_b) - set(items_a), key=str)],
    }
