"""Plans and rankings cost with the current price list; saved plans keep their own."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from server.inspections.models import Rating
from server.planning.selectors import RankingQuery, ranking_get
from server.prices.models import CostIndexYear
from server.prices.services import prices_import

pytestmark = pytest.mark.django_db

PARAMS = {"budget": 50_000_000, "years": 1, "start_year": 2027}


def import_rates(tmp_path: Path, rows: str) -> None:
    path = tmp_path / "prices.csv"
    path.write_text("byggdel;betyg;kr per enhet;källa;prisår\n" + rows, encoding="utf-8")
    prices_import(path)


def roof_cost(items: list[dict[str, Any]]) -> float:
    return float(next(i["cost"] for i in items if i["element"] == "roof"))


def test_an_old_saved_plan_keeps_the_prices_it_was_made_with(
    planner: Client, city: dict[str, Any], tmp_path: Path
) -> None:
    response = planner.post(
        "/api/v1/plans",
        data=json.dumps({"name": "Före", "params": PARAMS}),
        content_type="application/json",
    )
    plan_id = response.json()["id"]
    before = planner.get(f"/api/v1/plans/{plan_id}").json()

    import_rates(tmp_path, "roof;D;5000;Ramavtal;2026\n")

    reopened = planner.get(f"/api/v1/plans/{plan_id}").json()
    fresh = planner.get("/api/v1/plan", PARAMS).json()
    assert roof_cost(before["result"]["items"]) == 10 * 2500
    assert reopened["result"] == before["result"]
    assert (reopened["price_list_version"], reopened["price_year"]) == (1, 2026)
    assert reopened["result"]["assumptions"]["price_list_version"] == 1
    assert roof_cost(fresh["items"]) == 10 * 5000
    assert fresh["assumptions"]["price_list_version"] == 2
    assert fresh["assumptions"]["price_sources"][-1] == "Ramavtal"


def test_a_new_price_list_reprices_the_stored_estimates(
    city: dict[str, Any], tmp_path: Path
) -> None:
    roof = Rating.objects.get(site=city["old"], element="roof")
    assert roof.estimated_cost_sek == 10 * 2500

    import_rates(tmp_path, "roof;D;5000;Ramavtal;2026\n")
    repriced = Rating.objects.get(pk=roof.pk).estimated_cost_sek
    CostIndexYear.objects.create(year=2025, value=100, source="Exempel")
    CostIndexYear.objects.create(year=2026, value=120, source="Exempel")
    import_rates(tmp_path, "roof;D;5000;Ramavtal;2025\n")

    assert repriced == 10 * 5000
    assert Rating.objects.get(pk=roof.pk).estimated_cost_sek == pytest.approx(10 * 6000)


def test_the_plan_page_and_export_say_which_prices_were_not_indexed(
    planner: Client, city: dict[str, Any], tmp_path: Path
) -> None:
    import_rates(tmp_path, "roof;D;3000;Egen kalkyl;2023\n")

    page = planner.get("/plan/", {**PARAMS, "tiles": "0"}).content.decode()
    plan = planner.get("/api/v1/plan", PARAMS).json()

    assert "Prislista version 2" in page
    assert "Egen kalkyl" in page
    assert "À-priser från 2023 är inte indexerade" in page
    assert plan["assumptions"]["not_indexed_price_years"] == [2023]
    assert roof_cost(plan["items"]) == 10 * 3000  # used as it is, not invented


@pytest.mark.parametrize("export", ["/api/v1/plan/export", "/api/v1/ranking/export"])
def test_the_excel_exports_state_the_price_list(
    planner: Client, city: dict[str, Any], export: str
) -> None:
    response = planner.get(export, {**PARAMS, "format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content))["Antaganden"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert rows["Prislista (version)"] == 1
    assert rows["Prisår"] == 2026
    assert "not cross-checked" in rows["Priskällor"]
    assert rows["Ej indexerade prisår"] == "inga"


def test_the_ranking_costs_in_the_plan_price_year_by_the_index(city: dict[str, Any]) -> None:
    CostIndexYear.objects.create(year=2026, value=100, source="Exempel", illustrative=True)
    CostIndexYear.objects.create(year=2027, value=110, source="Exempel", illustrative=True)

    ranking = ranking_get(RankingQuery(draws=0, price_year=2027))

    ratings = ranking.ratings.set_index(["site", "element"])
    assert ratings.loc[("gamla", "roof"), "estimated_cost_sek"] == pytest.approx(10 * 2750)
    assert ranking.prices.assumptions()["index_illustrative"] is True


def test_an_index_edit_reprices_the_stored_estimates_once_after_it_is_saved(
    city: dict[str, Any], tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    import_rates(tmp_path, "roof;D;5000;Ramavtal;2025\n")  # not indexed yet: 5,000 a m²
    roof = Rating.objects.get(site=city["old"], element="roof")
    assert roof.estimated_cost_sek == 10 * 5000

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CostIndexYear.objects.create(year=2025, value=100, source="Exempel")
        CostIndexYear.objects.create(year=2026, value=120, source="Exempel")
        assert Rating.objects.get(pk=roof.pk).estimated_cost_sek == 10 * 5000  # not yet

    assert len(callbacks) == 1
    assert Rating.objects.get(pk=roof.pk).estimated_cost_sek == pytest.approx(10 * 6000)
