from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.server.inspections.conftest import make_inspector

pytestmark = pytest.mark.django_db


def codes(body: dict[str, Any]) -> list[str]:
    return [s["code"] for s in body["sites"]]


def test_it_ranks_by_condition_by_default_and_flags_safety_and_missing_data(
    planner: Client, city: dict[str, Any]
) -> None:
    response = planner.get("/api/v1/ranking")

    assert response.status_code == 200
    body = response.json()
    assert codes(body)[0] == "gamla"
    by_code = {s["code"]: s for s in body["sites"]}
    assert by_code["gamla"]["act_now"] is True
    assert by_code["nya"]["act_now"] is False
    assert by_code["okand"]["inspected"] is False
    assert "condition" in by_code["okand"]["missing"]
    old = by_code["gamla"]
    contributions = old["contrib_condition"] + old["contrib_equity"]
    assert contributions == pytest.approx(old["priority"])
    assert old["rank_p05"] <= old["rank"] <= old["rank_p95"]
    assert old["top_defects"][0]["grade"] == "D"


def test_it_reorders_when_the_planner_weighs_equity(planner: Client, city: dict[str, Any]) -> None:
    by_condition = codes(
        planner.get("/api/v1/ranking", {"condition": 1, "experience": 0, "equity": 0}).json()
    )
    by_equity = codes(
        planner.get("/api/v1/ranking", {"condition": 0, "experience": 0, "equity": 1}).json()
    )

    assert by_condition.index("gamla") < by_condition.index("nya")
    assert by_equity.index("nya") < by_equity.index("gamla")


@pytest.mark.parametrize(
    "params",
    [
        {"condition": -1},
        {"condition": 0, "experience": 0, "equity": 0},
        {"method": "electre"},
        {"condition": "lots"},
        {"school_form": "gymnasium"},
    ],
)
def test_it_rejects_unusable_weights_and_methods(planner: Client, params: dict[str, Any]) -> None:
    response = planner.get("/api/v1/ranking", params)

    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "details"}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"condition": "1e308"}, "condition", "less than or equal to 100"),
        ({"experience": "100.5"}, "experience", "less than or equal to 100"),
        ({"equity": "inf"}, "equity", "finite number"),
        ({"condition": "nan"}, "condition", "finite number"),
        ({"condition": "-inf"}, "condition", "finite number"),
        ({"top_n": 1001}, "top_n", "less than or equal to 1000"),
    ],
)
def test_it_names_the_parameter_out_of_its_bounds(
    planner: Client, city: dict[str, Any], params: dict[str, Any], field: str, message: str
) -> None:
    for path in ("/api/v1/ranking", "/api/v1/ranking/export"):
        response = planner.get(path, params)

        assert response.status_code == 422, path
        body = response.json()
        assert (body["code"], body["message"]) == (
            "invalid",
            f"The request has invalid values: {field}.",
        )
        assert [d["field"] for d in body["details"]] == [field]
        assert message in body["details"][0]["message"]


def test_it_ranks_at_the_edges_of_the_weights_bounds(planner: Client, city: dict[str, Any]) -> None:
    response = planner.get("/api/v1/ranking", {"condition": 100, "experience": 0, "equity": 100})

    assert response.status_code == 200
    assert all(0 <= s["priority"] <= 100 for s in response.json()["sites"] if s["priority"])


def test_it_ranks_with_topsis_too(planner: Client, city: dict[str, Any]) -> None:
    body = planner.get("/api/v1/ranking", {"method": "topsis"}).json()

    assert body["method"] == "topsis"
    assert all(0 <= s["priority"] <= 100 for s in body["sites"])


def test_it_exports_the_ranking_as_csv_and_xlsx_matching_the_api(
    planner: Client, city: dict[str, Any]
) -> None:
    api_order = codes(planner.get("/api/v1/ranking").json())

    csv_body = planner.get("/api/v1/ranking/export", {"format": "csv"})
    xlsx_body = planner.get("/api/v1/ranking/export", {"format": "xlsx"})

    rows = list(csv.DictReader(io.StringIO(csv_body.content.decode("utf-8-sig")), delimiter=";"))
    assert [r["skolhus"] for r in rows] == api_order
    book = load_workbook(io.BytesIO(xlsx_body.content))
    assert book.sheetnames == ["Antaganden", "Rangordning"]
    sheet_rows = list(book["Rangordning"].iter_rows(values_only=True))
    assert [r[1] for r in sheet_rows[1:]] == api_order
    assert xlsx_body["Content-Disposition"].endswith('.xlsx"')


def test_it_refuses_anonymous_users_and_inspectors(client: Client, city: dict[str, Any]) -> None:
    assert client.get("/api/v1/ranking").status_code == 401
    client.force_login(make_inspector("ivar"))
    assert client.get("/api/v1/ranking").status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "csv-comma", "xlsx"])
def test_it_exports_a_ranking_that_no_site_matches_as_its_headers(
    planner: Client, city: dict[str, Any], fmt: str
) -> None:
    # Found by the fuzzing (make fuzz): an empty ranking was a 500 (KeyError 'missing').
    response = planner.get(
        "/api/v1/ranking/export", {"school_form": "anpassad_grundskola", "format": fmt}
    )

    assert response.status_code == 200
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(response.content))["Rangordning"].values)
    else:
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if fmt == "csv" else ","))
    assert len(rows) == 1
    assert list(rows[0])[:3] == ["rang", "skolhus", "namn"]


def test_it_filters_the_ranking_by_district_code_or_name_in_any_case(
    planner: Client, city: dict[str, Any]
) -> None:
    old = city["old"]
    by_code = planner.get("/api/v1/ranking", {"district": old.district.code}).json()
    name = by_code["sites"][0]["district"]

    for value in (name, name.upper(), name.lower()):
        assert codes(planner.get("/api/v1/ranking", {"district": value}).json()) == ["gamla"]
    assert name == old.district.name


def test_it_rejects_a_ranking_filter_naming_no_district(
    planner: Client, city: dict[str, Any]
) -> None:
    response = planner.get("/api/v1/ranking", {"district": "atlantis"})

    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "district", "message": "unknown district 'atlantis'"}
    ]
