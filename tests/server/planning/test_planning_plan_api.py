from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from server.inspections.catalogues import element_name
from server.planning.models import SavedPlan

pytestmark = pytest.mark.django_db


def test_it_plans_safety_first_within_the_budget(planner: Client, city: dict[str, Any]) -> None:
    response = planner.get("/api/v1/plan", {"budget": 2_000_000, "years": 3, "start_year": 2027})

    assert response.status_code == 200
    body = response.json()
    assert [y["year"] for y in body["years"]] == [2027, 2028, 2029]
    assert all(y["spent"] <= 2_000_000 for y in body["years"])
    first_year = [i for i in body["items"] if i["year"] == 2027]
    assert first_year[0]["urgency"] == 1 and first_year[0]["site"] == "gamla"
    assert first_year[0]["reason"].startswith("urgency 1: safety")
    assert {i["site"] for i in body["items"]} == {"gamla"}  # only gamla has C/D defects
    assert body["assumptions"]["price_year"] == 2026
    assert {row["quartile"] for row in body["equity"]} >= {"Q1", "Q4"}


def test_it_reports_safety_items_that_do_not_fit(planner: Client, city: dict[str, Any]) -> None:
    body = planner.get("/api/v1/plan", {"budget": 1, "years": 1, "start_year": 2027}).json()

    assert body["items"] == []
    assert [u["site"] for u in body["unfunded_safety"]] == ["gamla"]
    assert body["unfunded_safety"][0]["urgency"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"budget": 0},
        {"budget": -5},
        {"budget": "much"},
        {},
        {"budget": 1e6, "years": 11},
        {"budget": 1e6, "alpha": -1},
        {"budget": 1e6, "condition": 0, "experience": 0, "equity": 0},
    ],
)
def test_it_rejects_a_plan_it_cannot_make(planner: Client, params: dict[str, Any]) -> None:
    response = planner.get("/api/v1/plan", params)

    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "details"}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"budget": "1e308"}, "budget", "less than or equal to 100000000000"),
        ({"budget": "inf"}, "budget", "finite number"),
        ({"budget": "-inf"}, "budget", "finite number"),
        ({"budget": "nan"}, "budget", "finite number"),
        ({"budget": 0.5}, "budget", "greater than or equal to 1"),
        ({"budget": 1e6, "alpha": "1e308"}, "alpha", "less than or equal to 10"),
        ({"budget": 1e6, "alpha": "nan"}, "alpha", "finite number"),
        ({"budget": 1e6, "condition": "1e308"}, "condition", "less than or equal to 100"),
        ({"budget": 1e6, "equity": "inf"}, "equity", "finite number"),
        ({"budget": 1e6, "start_year": 2101}, "start_year", "less than or equal to 2100"),
    ],
)
def test_it_names_the_parameter_out_of_its_bounds(
    planner: Client, params: dict[str, Any], field: str, message: str
) -> None:
    for path in ("/api/v1/plan", "/api/v1/plan/export"):
        response = planner.get(path, params)

        assert response.status_code == 422, path
        body = response.json()
        assert (body["code"], body["message"]) == (
            "invalid",
            f"The request has invalid values: {field}.",
        )
        assert [d["field"] for d in body["details"]] == [field]
        assert message in body["details"][0]["message"]


def test_it_refuses_a_saved_plan_out_of_bounds_naming_the_field(planner: Client) -> None:
    response = planner.post(
        "/api/v1/plans",
        {"name": "Orimlig", "params": {"budget": 1e12, "alpha": 11}},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["params.budget", "params.alpha"]
    assert not SavedPlan.objects.exists()


def test_it_plans_at_the_edges_of_its_bounds(planner: Client, city: dict[str, Any]) -> None:
    params = {"budget": 1e11, "years": 10, "alpha": 10, "condition": 100, "equity": 100}

    response = planner.get("/api/v1/plan", {**params, "start_year": 2100})

    assert response.status_code == 200
    body = response.json()
    assert [y["year"] for y in body["years"]][:2] == [2100, 2101]
    assert body["unfunded_safety"] == []
    assert {i["site"] for i in body["items"]} == {"gamla"}


def test_it_exports_the_plan_matching_the_api(planner: Client, city: dict[str, Any]) -> None:
    params = {"budget": 5_000_000, "years": 2, "start_year": 2027}
    items = planner.get("/api/v1/plan", params).json()["items"]

    rows = list(
        csv.DictReader(
            io.StringIO(
                planner.get("/api/v1/plan/export", {**params, "format": "csv"}).content.decode(
                    "utf-8-sig"
                )
            ),
            delimiter=";",
        )
    )
    book = load_workbook(
        io.BytesIO(planner.get("/api/v1/plan/export", {**params, "format": "xlsx"}).content)
    )

    assert [(r["skolhus"], r["byggdel"]) for r in rows] == [
        (i["site"], element_name(i["element"])) for i in items
    ]
    assert book.sheetnames[0] == "Antaganden"
    assert "Åtgärdsplan" in book.sheetnames and "Likvärdighet" in book.sheetnames
    assert book["Åtgärdsplan"].max_row == len(items) + 1


def test_it_saves_and_compares_plans(planner: Client, city: dict[str, Any]) -> None:
    def save(name: str, budget: float) -> int:
        response = planner.post(
            "/api/v1/plans",
            data=json.dumps(
                {"name": name, "params": {"budget": budget, "years": 2, "start_year": 2027}}
            ),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        return int(response.json()["id"])

    small, large = save("Liten", 300_000), save("Stor", 50_000_000)
    comparison = planner.get("/api/v1/plans/compare", {"a": small, "b": large}).json()

    assert SavedPlan.objects.count() == 2
    assert [p["name"] for p in planner.get("/api/v1/plans").json()] == ["Stor", "Liten"]
    assert comparison["a"]["name"] == "Liten"
    assert len(comparison["only_in_b"]) > len(comparison["only_in_a"])
    assert planner.get(f"/api/v1/plans/{large}").json()["result"]["items"]
    assert planner.get("/api/v1/plans/99999").status_code == 404
