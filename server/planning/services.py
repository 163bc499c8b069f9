"""Ranking and plans from the database: load the frames, call the pandas cores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import pandas as pd
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from server.core.exports import Column, export_frame
from server.inspections.catalogues import element_name
from server.planning import plan_report
from server.planning.equity import equity_report
from server.planning.frontier import frontier_peek, frontier_request
from server.planning.models import SavedPlan
from server.planning.plan import PlanResult, PlanSettings, plan
from server.planning.plan_inputs import (
    PlanInputs,
    inputs_weights,
    plan_inputs,
    plan_refused,
    plan_settings,
)
from server.planning.plausibility import FLAGS_COLUMN
from server.planning.ranking import Weights
from server.planning.reason_text import with_reason_text
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


METHOD_NAMES = {
    "weighted_sum": gettext_lazy("viktad summa"),
    "topsis": "TOPSIS",
    "milp": gettext_lazy("exakt (heltalsoptimering) år för år"),
    "greedy": gettext_lazy("girig, år för år"),
    "joint": gettext_lazy("exakt över alla år"),
    "yearly": gettext_lazy("exakt år för år"),
}

PILLAR_NAMES = {
    "condition": gettext_lazy("skick"),
    "experience": gettext_lazy("upplevelse"),
    "equity": gettext_lazy("likvärdighet"),
}


def _element_name(code: object) -> str:
    return element_name(str(code))


def _quartile_name(quartile: object) -> str:
    return _("okänd") if quartile == "unknown" else str(quartile)


def _pillar_names(codes: object) -> str:
    return ", ".join(str(PILLAR_NAMES.get(str(c), c)) for c in codes)  # type: ignore[attr-defined]


EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("rank", gettext_lazy("rang"), "whole"),
    Column("code", pgettext_lazy("export column: a site's code", "skolhus")),
    Column("name", gettext_lazy("namn")),
    Column("district", gettext_lazy("område")),
    Column("pupils", gettext_lazy("elever"), "whole"),
    Column("priority", gettext_lazy("prioritet"), "decimal"),
    Column("condition", gettext_lazy("skick"), "decimal"),
    Column("experience", gettext_lazy("upplevelse"), "decimal"),
    Column("equity", gettext_lazy("likvärdighet"), "decimal"),
    Column("rank_p05", gettext_lazy("rang p05"), "whole"),
    Column("rank_p95", gettext_lazy("rang p95"), "whole"),
    Column("p_top_n", gettext_lazy("sannolikhet topp N (%)"), "percent"),
    Column("act_now", gettext_lazy("åtgärda nu"), "yes_no"),
    Column("missing", gettext_lazy("saknar data"), convert=_pillar_names),
    Column("synthetic", gettext_lazy("syntetiska data"), "yes_no"),
)
"""The ranking export's columns: pillars 0-100 with one decimal, the chance of the top N
in percent, yes/no as words."""


def ranking_export_frame(ranking: Ranking) -> pd.DataFrame:
    """The ranking's export columns, headers in the active language; just the headers
    when no site is ranked (a filter that matches none)."""
    return export_frame(ranking_records(ranking), EXPORT_COLUMNS)


def ranking_export_assumptions(ranking: Ranking) -> dict[str, object]:
    """The ranking export's assumptions sheet: every input, the data and the prices."""
    query = ranking.query
    return {
        _("Metod"): str(METHOD_NAMES.get(query.method, query.method)),
        _("Vikt skick"): query.weights.condition,
        _("Vikt upplevelse"): query.weights.experience,
        _("Vikt likvärdighet"): query.weights.equity,
        _("Topp N (för sannolikheten)"): query.top_n,
        _("Område"): ranking.query.district or _("alla"),
        _("Skolform"): ranking.query.school_form or _("alla"),
        _("Datum för data"): str(ranking.data_date or _("inga inventeringar")),
        _("Exporterad"): timezone.now().isoformat(timespec="minutes"),
        _("Syntetiska data"): _("ja: demodata, beskriver inte verkliga skolor")
        if ranking.synthetic
        else _("nej"),
        **price_export_rows(ranking.prices.assumptions()),
    }


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
    inputs: PlanInputs
    """What was asked, as JSON: the frontier and saved plans are made from it."""


def plan_compute(*, weights: Weights, **given: Any) -> Plan:
    """The action plan over `years` under a yearly budget, with its equity report; costs
    in `price_year` (default: the municipality's). Arguments as `plan_inputs`."""
    return plan_from_inputs(plan_inputs(weights=weights, **given))


@dataclass(frozen=True)
class PlanBasis:
    """What a plan is made from: its ranking (sites and needs), items and settings."""

    ranking: Ranking
    items: pd.DataFrame
    settings: PlanSettings


def plan_basis(inputs: PlanInputs) -> PlanBasis:
    ranking = ranking_get(
        plan_ranking_query(
            weights=inputs_weights(inputs),
            district=inputs.get("district"),
            school_form=inputs.get("school_form"),
            price_year=inputs.get("price_year"),
        )
    )
    return PlanBasis(ranking=ranking, items=plan_items(ranking), settings=plan_settings(inputs))


def plan_from_inputs(inputs: PlanInputs) -> Plan:
    """The plan of `inputs` (`plan_inputs.PlanInputs`); a refused value is a 422."""
    basis = plan_basis(inputs)
    ranking, items, settings = basis.ranking, basis.items, basis.settings
    catalogue = load_catalogue()
    try:
        result = plan(items, catalogue, settings, prices=ranking.prices)
        equity = equity_report(items, catalogue, settings, planned=result, prices=ranking.prices)
    except ValueError as exc:  # a control naming no item, a floor the method cannot keep
        raise plan_refused(exc) from None
    return Plan(result=result, equity=equity, ranking=ranking, settings=settings, inputs=inputs)


def frame_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as JSON-ready dicts; NaN becomes null."""
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def plan_payload(p: Plan, *, frontier: Literal["peek", "request"] = "peek") -> dict[str, object]:
    """A plan as the API shows it and as a saved plan keeps it. Its equity frontier is
    asked for (`request`: queued, or computed in-process in the demo) or only looked up
    (`peek`: a page that fetches it afterwards)."""
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
        "years": plan_report.years_with_split(frame_records(p.result.totals)),
        "items": frame_records(chosen),
        "unfunded_safety": frame_records(unfunded),
        "equity": frame_records(p.equity),
        "total_benefit_pupil_years": p.result.total_benefit_pupil_years,
        "mip_gap": _clean(p.result.mip_gap),
        "floor": p.result.floor,
        "controls": list(p.result.controls),
        "equity_frontier": (
            frontier_request(p.inputs) if frontier == "request" else frontier_peek(p.inputs)
        ),
    }


PLAN_EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("year", gettext_lazy("år"), "whole"),
    Column("site", pgettext_lazy("export column: a site's code", "skolhus")),
    Column("site_name", gettext_lazy("namn")),
    Column("element", gettext_lazy("byggdel"), convert=_element_name),
    Column("location", gettext_lazy("plats")),
    Column("grade", gettext_lazy("skick")),
    Column("urgency", gettext_lazy("brådska"), "whole"),
    Column("safety", gettext_lazy("säkerhet"), "yes_no"),
    Column("quantity", gettext_lazy("mängd"), "decimal"),
    Column("cost", gettext_lazy("kostnad (kr)"), "kronor"),
    Column("benefit", gettext_lazy("nytta"), "decimal"),
    Column("pupil_years", gettext_lazy("viktade elevår"), "decimal"),
    Column("cumulative_spend", gettext_lazy("ackumulerat (kr)"), "kronor"),
    Column("reason", gettext_lazy("varför")),  # in words: reason_text.with_reason_text
)
"""The plan sheet (and the CSV): one row per funded item, the element by its name."""

PLAN_YEAR_COLUMNS: tuple[Column, ...] = (
    Column("year", gettext_lazy("år"), "whole"),
    Column("budget", gettext_lazy("budget (kr)"), "kronor"),
    Column("spent", gettext_lazy("använt (kr)"), "kronor"),
    Column("safety_spent", gettext_lazy("varav säkerhet (kr)"), "kronor"),
    Column("safety_share", gettext_lazy("säkerhetens andel av budgeten (%)"), "percent"),
    Column("left_for_weighted", gettext_lazy("kvar för viktat urval (kr)"), "kronor"),
    Column("unspent", gettext_lazy("oanvänt (kr)"), "kronor"),
    Column("benefit", gettext_lazy("nytta"), "decimal"),
    Column("pupil_years", gettext_lazy("viktade elevår"), "decimal"),
    Column("items", gettext_lazy("åtgärder"), "whole"),
    Column("safety_items", gettext_lazy("varav säkerhet"), "whole"),
    Column("unfunded_safety", gettext_lazy("säkerhetsåtgärder som inte ryms"), "whole"),
    Column("candidates", gettext_lazy("kandidater"), "whole"),
    Column("proved_optimal", gettext_lazy("bevisat bästa urval"), "yes_no"),
    Column("solve_seconds", gettext_lazy("beräkningstid (s)"), "decimal"),
)

PLAN_UNFUNDED_COLUMNS: tuple[Column, ...] = (
    Column("site", pgettext_lazy("export column: a site's code", "skolhus")),
    Column("site_name", gettext_lazy("namn")),
    Column("element", gettext_lazy("byggdel"), convert=_element_name),
    Column("location", gettext_lazy("plats")),
    Column("grade", gettext_lazy("skick")),
    Column("years", gettext_lazy("ryms inte år"), convert=lambda ys: ", ".join(map(str, ys))),  # type: ignore[call-overload]
    Column("cost", gettext_lazy("kostnad (kr)"), "kronor"),
    Column("over_budget", gettext_lazy("dyrare än en hel årsbudget"), "yes_no"),
    Column("funded_year", gettext_lazy("görs år"), "whole"),
)
"""Every urgency-1 item some year could not fund, once; "görs år" blank when it is left
unfunded at the plan's end."""

PLAN_EQUITY_COLUMNS: tuple[Column, ...] = (
    Column("quartile", gettext_lazy("kvartil av behov"), convert=_quartile_name),
    Column("sites", gettext_lazy("antal skolhus"), "whole"),
    Column("need_from", gettext_lazy("behov från"), "decimal"),
    Column("need_to", gettext_lazy("behov till"), "decimal"),
    Column("spend", gettext_lazy("utgifter (kr)"), "kronor"),
    Column("spend_share", gettext_lazy("andel av utgifterna (%)"), "percent"),
    Column("benefit", gettext_lazy("nytta"), "decimal"),
    Column("benefit_share", gettext_lazy("andel av nyttan (%)"), "percent"),
    Column("spend_no_equity", gettext_lazy("utgifter bara efter skick (kr)"), "kronor"),
    Column(
        "spend_share_no_equity",
        gettext_lazy("andel av utgifterna bara efter skick (%)"),
        "percent",
    ),
    Column("benefit_no_equity", gettext_lazy("nytta bara efter skick"), "decimal"),
    Column(
        "benefit_share_no_equity", gettext_lazy("andel av nyttan bara efter skick (%)"), "percent"
    ),
)


def plan_export_tables(payload: dict[str, object]) -> dict[str, pd.DataFrame]:
    """The plan's sheets, names and headers in the active language: the funded items (the
    CSV is this one), per year (with the safety split `plan_payload` adds), the unfunded
    safety items and the equity report."""
    return {
        _("Åtgärdsplan"): export_frame(with_reason_text(payload["items"]), PLAN_EXPORT_COLUMNS),  # type: ignore[arg-type]
        _("Per år"): export_frame(payload["years"], PLAN_YEAR_COLUMNS),  # type: ignore[arg-type]
        _("Ej finansierad säkerhet"): export_frame(
            plan_report.unfunded_safety_items(payload), PLAN_UNFUNDED_COLUMNS
        ),
        _("Likvärdighet"): export_frame(payload["equity"], PLAN_EQUITY_COLUMNS),  # type: ignore[arg-type]
    }


# The rules a plan states in English (plan.py); shown in Swedish when they are exactly
# the text we know, else as they are (a changed rule is never mistranslated).
_PLAN_RULES_SV = {
    "costs": (
        "expected cost at the expected grade, in the price year (rates scaled by the "
        "construction-cost index where it has the years), no inflation, rounded to whole öre",
        gettext_lazy(
            "förväntad kostnad vid förväntat skick, i prisåret (à-priser räknade om med "
            "byggkostnadsindex där det har åren), ingen inflation, avrundad till hela öre"
        ),
    ),
    "missing_needs": (
        "a missing experience or equity need counts as 0 in the multiplier",
        gettext_lazy("ett saknat behov för upplevelse eller likvärdighet räknas som 0"),
    ),
    "safety_first": (
        "urgency-1 items are funded before any other; those that do not fit are listed as "
        "unfunded and come first the next year",
        gettext_lazy(
            "åtgärder med brådska 1 (säkerhet) finansieras före alla andra; de som inte ryms "
            "listas som ej finansierade och går först nästa år"
        ),
    ),
    "benefit_unit": (
        "weighted pupil-years: pupils x element weight share x severity removed / 100 x "
        "years left in the horizon x the site multiplier",
        gettext_lazy(
            "viktade elevår: elever × elementets viktandel × borttagen allvarlighet / 100 × "
            "år kvar av horisonten × skolans multiplikator"
        ),
    ),
}

_PLAN_INPUT_LABELS = {
    "budget_per_year": gettext_lazy("Budget per år (kr)"),
    "start_year": gettext_lazy("Första år"),
    "years": gettext_lazy("Antal år"),
    "alpha": gettext_lazy("Likvärdighetens styrka (α)"),
    "method": gettext_lazy("Metod"),
    "catalogue_version": gettext_lazy("Katalogversion"),
    "deterioration": gettext_lazy("Försämring medan åtgärden väntar"),
    "time_limit_s": gettext_lazy("Tidsgräns per beräkning (s)"),
    "budget_rollover": gettext_lazy("Oanvänd budget flyttas till nästa år"),
    "costs": gettext_lazy("Kostnader"),
    "missing_needs": gettext_lazy("Saknade behov"),
    "safety_first": gettext_lazy("Säkerhet först"),
    "horizon_years": gettext_lazy("Utvärderingshorisont (år)"),
    "benefit_unit": gettext_lazy("Nyttans enhet"),
    "mobilisation_per_school_year": gettext_lazy("Etableringskostnad per skola och år (kr)"),
    "mip_rel_gap_target": gettext_lazy("Godtaget optimalitetsgap"),
    "mip_gap": gettext_lazy("Optimalitetsgap som nåddes"),
}
# Stated by price_export_rows, or written as the weights' rows.
_PRICE_KEYS = {
    "price_list_version",
    "price_sources",
    "rate_price_years",
    "price_year",
    "index_factors",
    "not_indexed_price_years",
    "index_illustrative",
    "vat_included",
    "currency",
    "weights",
    "weights_normalised",
    "synthetic_data",
}


def plan_export_assumptions(
    payload: dict[str, object], *, district: str | None, school_form: str | None
) -> dict[str, object]:
    """The plan export's assumptions sheet, labels in the active language: every input
    (budget, years, weights, alpha, filters, price year), the prices, the rules, the data;
    an assumption a later plan adds is kept under its own key."""
    given = payload["assumptions"]
    assert isinstance(given, dict)
    rows: dict[str, object] = {}
    for key in ("budget_per_year", "start_year", "years"):
        rows[str(_PLAN_INPUT_LABELS[key])] = given.get(key)
    weights = given.get("weights") or {}
    for pillar, weight in dict(weights).items():  # type: ignore[call-overload]
        rows[_("Vikt %(pillar)s") % {"pillar": PILLAR_NAMES.get(pillar, pillar)}] = weight
    rows[str(_PLAN_INPUT_LABELS["alpha"])] = given.get("alpha")
    rows[_("Område")] = district or _("alla")
    rows[_("Skolform")] = school_form or _("alla")
    rows.update(price_export_rows(given))
    for key, value in given.items():
        if key in _PRICE_KEYS or key in ("budget_per_year", "start_year", "years", "alpha"):
            continue
        if value is None:  # a setting of another method (the joint plan's gap, say)
            continue
        label = str(_PLAN_INPUT_LABELS.get(key, key))
        known = _PLAN_RULES_SV.get(key)
        if known is not None and value == known[0]:
            value = str(known[1])
        elif key == "method":
            value = str(METHOD_NAMES.get(str(value), value))
        rows[label] = value
    rows.update(plan_control_rows(payload))
    rows[_("Datum för data")] = payload["data_date"] or _("inga inventeringar")
    rows[_("Syntetiska data")] = (
        _("ja: demodata, beskriver inte verkliga skolor") if payload["synthetic"] else _("nej")
    )
    rows[_("Exporterad")] = timezone.now().isoformat(timespec="minutes")
    return rows


def floor_text(floor: object) -> str | None:
    """The equity floor's outcome in the active language, or None without a floor."""
    if not isinstance(floor, dict) or floor.get("share") is None:
        return None
    share = round(100 * float(floor["share"]))
    if floor.get("status") == "met":
        reached = number_format(100 * float(floor.get("reached") or 0), 1)
        return _(
            "Golvet hölls: %(reached)s %% av utgifterna går till fjärdedelen av eleverna med "
            "störst behov (golv %(share)s %%)."
        ) % {"reached": reached, "share": share}
    return _(
        "Golvet på %(share)s %% kunde inte hållas, så planen gjordes utan det; det som redan "
        "måste göras (säkerhet, låsta åtgärder) räcker inte dit."
    ) % {"share": share}


_CONTROL_KINDS = {
    "pin": gettext_lazy("låst till år"),
    "exclusion": gettext_lazy("utesluten"),
    "override": gettext_lazy("egen kostnad"),
}


def plan_control_rows(payload: dict[str, object]) -> dict[str, object]:
    """The floor and the planner's pins, exclusions and overrides, as assumption rows."""
    rows: dict[str, object] = {}
    floor = payload.get("floor")
    text = floor_text(floor)
    if text is not None:
        rows[_("Golv för största behov (%)")] = round(100 * float(floor["share"]))  # type: ignore[index]
        rows[_("Golvet")] = text
    controls = payload.get("controls") or []
    if controls:
        rows[_("Planerarens styrning")] = "; ".join(
            " ".join(
                str(part)
                for part in (
                    _CONTROL_KINDS.get(str(c.get("kind")), c.get("kind")),
                    c.get("year") if c.get("kind") == "pin" else None,
                    c.get("site"),
                    _element_name(c["element"]) if c.get("element") else None,
                    c.get("location") or None,
                    f"{c['cost_sek']:.0f} kr" if c.get("cost_sek") is not None else None,
                    _("(%(n)s åtgärder)") % {"n": c.get("items")},
                )
                if part is not None
            )
            for c in controls  # type: ignore[attr-defined]
        )
    return rows


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
    """What the prices rest on, as rows of an export's assumptions sheet (active language)."""
    factors = assumptions.get("index_factors") or {}
    not_indexed = assumptions.get("not_indexed_price_years") or []
    return {
        _("Prislista (version)"): assumptions.get("price_list_version"),
        _("Priskällor"): "; ".join(map(str, assumptions.get("price_sources") or [])),
        _("Prisår"): assumptions.get("price_year"),
        _("À-prisernas prisår"): ", ".join(map(str, assumptions.get("rate_price_years") or [])),
        _("Byggkostnadsindex, faktorer"): ", ".join(
            f"{year}: {factor}"
            for year, factor in dict(factors).items()  # type: ignore[call-overload]
        )
        or _("inga"),
        _("Ej indexerade prisår"): ", ".join(map(str, not_indexed))  # type: ignore[call-overload]
        or _("inga"),
        _("Byggkostnadsindex"): _("illustrativt, inte en officiell serie")
        if assumptions.get("index_illustrative")
        else _("som angivet i administrationen"),
        _("Moms"): _("ingår") if assumptions.get("vat_included") else _("ingår inte"),
    }


def saved_plan_list() -> list[SavedPlan]:
    return list(SavedPlan.objects.select_related("created_by"))


def saved_plan_get(*, plan_id: int) -> SavedPlan:
    found = SavedPlan.objects.select_related("created_by").filter(pk=plan_id).first()
    if found is None:
        raise NotFound(f"There is no saved plan with id {plan_id}.")
    return found


PLAN_INPUTS: tuple[tuple[str, str], ...] = (
    ("budget", "budget_per_year"),
    ("years", "years"),
    ("start_year", "start_year"),
    ("condition", ""),
    ("experience", ""),
    ("equity", ""),
    ("alpha", "alpha"),
    ("district", ""),
    ("school_form", ""),
    ("price_year", "price_year"),
    ("method", "method"),
    ("floor", ""),
    ("mobilisation_per_school_year", "mobilisation_per_school_year"),
    ("budget_rollover", "budget_rollover"),
    ("horizon_years", "horizon_years"),
    ("controls", ""),
)
"""A plan's inputs, by their name in `SavedPlan.inputs` and in its result's assumptions
(the inputs of a plan saved by the API or the page may lack some; the assumptions hold
what the plan was made with)."""


def _plan_inputs(saved: SavedPlan) -> dict[str, object]:
    inputs = saved.inputs or {}
    assumptions = saved.result.get("assumptions") or {}
    weights = assumptions.get("weights") or {}
    found: dict[str, object] = {}
    for name, key in PLAN_INPUTS:
        value = assumptions.get(key) if key else None
        if value is None and name in weights:
            value = weights[name]
        if value is None:
            value = inputs.get(name)
        if name == "controls":
            value = _controls_summary(inputs)
        found[name] = value if value != "" else None
    return found


def _controls_summary(inputs: dict[str, object]) -> str | None:
    """How many pins, exclusions and own costs a plan was made with (None: none)."""
    counts = {kind: len(inputs.get(kind) or []) for kind in ("pins", "exclusions", "overrides")}  # type: ignore[arg-type]
    if not any(counts.values()):
        return None
    return _("%(pins)s låsta, %(exclusions)s uteslutna, %(overrides)s egna kostnader") % counts


def _spend_per_site(saved: SavedPlan) -> dict[str, tuple[str, float]]:
    spend: dict[str, tuple[str, float]] = {}
    for item in saved.result.get("items", []):
        name, total = spend.get(item["site"], (item.get("site_name") or item["site"], 0.0))
        spend[item["site"]] = (name, total + float(item.get("cost") or 0))
    return spend


def saved_plans_compare(*, a: SavedPlan, b: SavedPlan) -> dict[str, object]:
    """Both plans' inputs, per-year spend and benefit, spend per school (most changed
    first), and the items only one plan funds (with their element's name)."""

    def keyed(plan_row: SavedPlan) -> dict[tuple[object, ...], dict[str, object]]:
        items = plan_row.result.get("items", [])
        return {
            (i["site"], i["element"], i["location"]): {
                **i,
                "element_name": element_name(str(i["element"])),
            }
            for i in items
        }

    years_a = {y["year"]: y for y in a.result.get("years", [])}
    years_b = {y["year"]: y for y in b.result.get("years", [])}
    years = [
        {
            "year": year,
            "spent_a": years_a.get(year, {}).get("spent"),
            "spent_b": years_b.get(year, {}).get("spent"),
            "benefit_a": years_a.get(year, {}).get("benefit"),
            "benefit_b": years_b.get(year, {}).get("benefit"),
            # Plans saved before weighted pupil-years have none: shown as "–".
            "pupil_years_a": years_a.get(year, {}).get("pupil_years"),
            "pupil_years_b": years_b.get(year, {}).get("pupil_years"),
        }
        for year in sorted(set(years_a) | set(years_b))
    ]
    inputs_a, inputs_b = _plan_inputs(a), _plan_inputs(b)
    inputs = [
        {
            "name": name,
            "a": inputs_a[name],
            "b": inputs_b[name],
            "differs": inputs_a[name] != inputs_b[name],
        }
        for name, _key in PLAN_INPUTS
    ]
    spend_a, spend_b = _spend_per_site(a), _spend_per_site(b)
    schools: list[dict[str, Any]] = []
    for site in set(spend_a) | set(spend_b):
        name = (spend_a.get(site) or spend_b[site])[0]
        in_a, in_b = spend_a.get(site, (name, 0.0))[1], spend_b.get(site, (name, 0.0))[1]
        schools.append(
            {
                "site": site,
                "site_name": name,
                "spent_a": in_a,
                "spent_b": in_b,
                "difference": in_b - in_a,
            }
        )
    schools.sort(key=lambda row: (-abs(float(row["difference"])), str(row["site_name"])))
    items_a, items_b = keyed(a), keyed(b)
    return {
        "a": a,
        "b": b,
        "inputs": inputs,
        "years": years,
        "schools": schools,
        "only_in_a": [items_a[k] for k in sorted(set(items_a) - set(items_b), key=str)],
        "only_in_b": [items_b[k] for k in sorted(set(items_b) - set(items_a), key=str)],
    }
