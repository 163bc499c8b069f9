"""The plan and ranking exports: every header and word in the request's language, kronor
whole, shares in percent, yes/no as words, elements by name, every input stated."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

# No mobilisation: the 25,000 kr safety roof must fit the 30,000 kr budget on its own.
PARAMS = {"budget": 30000, "years": 2, "start_year": 2027, "mobilisation": 0}
SHEETS = ["Antaganden", "Åtgärdsplan", "Per år", "Ej finansierad säkerhet", "Likvärdighet"]


def workbook(client: Client, **params: Any) -> dict[str, list[tuple[Any, ...]]]:
    response = client.get("/api/v1/plan/export", {**PARAMS, **params, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def records(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_every_sheet_and_header_is_swedish(planner: Client, city: dict[str, Any]) -> None:
    book = workbook(planner)

    assert list(book) == SHEETS
    assert book["Per år"][0][:6] == (
        "år",
        "budget (kr)",
        "använt (kr)",
        "varav säkerhet (kr)",
        "säkerhetens andel av budgeten (%)",
        "kvar för viktat urval (kr)",
    )
    assert book["Ej finansierad säkerhet"][0][:3] == ("skolhus", "namn", "byggdel")
    assert book["Likvärdighet"][0][:2] == ("kvartil av behov", "antal skolhus")
    english = re.compile(r"\b(year|budget_|spent|share|benefit|quartile|site|element)\b")
    for name in SHEETS[1:]:
        assert not [h for h in book[name][0] if english.search(str(h))], name


def test_numbers_are_rounded_and_yes_no_are_words(planner: Client, city: dict[str, Any]) -> None:
    book = workbook(planner)

    years = records(book["Per år"])
    # 25,000 of 30,000 for the safety roof in 2027: 83.3 %, 5,000 left for the rest.
    first = years[0]
    assert (first["varav säkerhet (kr)"], first["kvar för viktat urval (kr)"]) == (25000, 5000)
    assert first["säkerhetens andel av budgeten (%)"] == 83.3
    assert {y["bevisat bästa urval"] for y in years} <= {"ja", "nej"}
    items = records(book["Åtgärdsplan"])
    assert all(isinstance(i["kostnad (kr)"], int) for i in items)
    assert {i["säkerhet"] for i in items} == {"ja", "nej"}
    assert items[0]["byggdel"] == "Tak"
    for row in records(book["Likvärdighet"]):
        share = row["andel av utgifterna (%)"]
        assert share is None or (0 <= share <= 100 and round(share, 1) == share)


def test_unfunded_safety_items_are_listed_once_with_their_years(
    planner: Client, city: dict[str, Any]
) -> None:
    book = workbook(planner, budget=1000)

    (row,) = records(book["Ej finansierad säkerhet"])
    assert (row["skolhus"], row["namn"], row["byggdel"]) == ("gamla", "Gamla skolan", "Tak")
    assert (row["ryms inte år"], row["kostnad (kr)"]) == ("2027, 2028", 25000)
    assert (row["dyrare än en hel årsbudget"], row["görs år"]) == ("ja", None)


def test_the_assumptions_sheet_holds_every_input(planner: Client, city: dict[str, Any]) -> None:
    district = city["old"].district.code
    book = workbook(planner, alpha=2, equity=3, district=district, price_year=2026)

    rows = dict(book["Antaganden"][1:])
    assert rows["Budget per år (kr)"] == 30000
    assert (rows["Första år"], rows["Antal år"]) == (2027, 2)
    assert (rows["Vikt skick"], rows["Vikt upplevelse"], rows["Vikt likvärdighet"]) == (
        0.5,
        0.25,
        3,
    )
    assert rows["Likvärdighetens styrka (α)"] == 2
    assert (rows["Område"], rows["Skolform"]) == (district, "alla")
    assert rows["Prisår"] == 2026
    assert rows["Säkerhet först"].startswith("åtgärder med brådska 1")
    assert rows["Oanvänd budget flyttas till nästa år"] == "nej"
    assert not [key for key in rows if "_" in str(key)]  # no raw keys left


def test_the_plan_export_follows_the_request_s_language(
    planner: Client, city: dict[str, Any]
) -> None:
    response = planner.get(
        "/api/v1/plan/export", {**PARAMS, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0])[:4] == ["year", "site", "name", "element"]
    assert (rows[0]["element"], rows[0]["safety"]) == ("Roof", "yes")
    book = load_workbook(
        io.BytesIO(
            planner.get(
                "/api/v1/plan/export", {**PARAMS, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
            ).content
        )
    )
    assert book.sheetnames == [
        "Assumptions",
        "Action plan",
        "Per year",
        "Unfunded safety",
        "Equity",
    ]
    assumptions = {r[0] for r in book["Assumptions"].iter_rows(values_only=True)}
    assert {"Budget per year (SEK)", "Strength of equity (α)", "Municipality"} <= assumptions


def test_the_ranking_csv_says_ja_and_nej_and_rounds(planner: Client, city: dict[str, Any]) -> None:
    body = planner.get("/api/v1/ranking/export", {"format": "csv"}).content.decode("utf-8-sig")

    rows = {r["skolhus"]: r for r in csv.DictReader(io.StringIO(body), delimiter=";")}
    assert (rows["gamla"]["åtgärda nu"], rows["nya"]["åtgärda nu"]) == ("ja", "nej")
    assert {r["syntetiska data"] for r in rows.values()} == {"nej"}
    assert "True" not in body and "False" not in body
    assert rows["okand"]["saknar data"] == "skick, upplevelse"
    assert re.fullmatch(r"\d+(,\d)?", rows["gamla"]["prioritet"])
    assert re.fullmatch(r"\d+(,\d)?", rows["gamla"]["sannolikhet topp N (%)"])


def test_benefit_is_given_in_weighted_pupil_years(planner: Client, city: dict[str, Any]) -> None:
    book = workbook(planner, budget=10_000_000)

    items = records(book["Åtgärdsplan"])
    years = records(book["Per år"])
    assert items and all(row["viktade elevår"] > 0 for row in items)
    assert sum(row["viktade elevår"] for row in years) == pytest.approx(
        sum(row["viktade elevår"] for row in items), rel=1e-3
    )


def test_the_assumptions_hold_the_floor_and_the_planners_controls(
    planner: Client, city: dict[str, Any]
) -> None:
    book = workbook(planner, floor=30, budget=10_000_000)

    rows = dict(book["Antaganden"][1:])
    assert rows["Golv för största behov (%)"] == 30
    assert rows["Golvet"].startswith(("Golvet hölls", "Golvet på 30 % kunde inte hållas"))
