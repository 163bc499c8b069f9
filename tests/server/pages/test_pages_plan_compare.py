"""The compare page: both plans' inputs, element names, the spend per school, and why each
plan funds what the other does not."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from server.inspections.catalogues import element_name
from server.planning.models import SavedPlan

pytestmark = pytest.mark.django_db


def saved(client: Client, name: str, **params: Any) -> SavedPlan:
    query = "&".join(f"{k}={v}" for k, v in {"years": 2, "start_year": 2027, **params}.items())
    assert client.post(f"/plan/save/?{query}", {"name": name}).status_code == 302
    return SavedPlan.objects.get(name=name)


def compare(client: Client, a: SavedPlan, b: SavedPlan) -> str:
    html = client.get("/plan/compare/", {"a": a.pk, "b": b.pk}).content.decode()
    return re.sub(r"[\xa0\u202f]", " ", html)


def cells(html: str, row_start: str) -> list[str]:
    row = html[html.index(row_start) : html.index("</tr>", html.index(row_start))]
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    ]


def test_it_shows_both_plans_inputs_side_by_side(planner: Client, city: dict[str, Any]) -> None:
    a = saved(planner, "Snål", budget=30000, alpha=0)
    district = city["old"].district
    b = saved(planner, "Generös", budget=9000000, alpha=2, equity=3, district=district.code)

    html = compare(planner, a, b)

    assert cells(html, 'data-input="budget"') == ["Budget per år (kr)", "30 000", "9 000 000"]
    assert cells(html, 'data-input="alpha"') == ["Likvärdighetens styrka (α)", "0,0", "2,0"]
    assert cells(html, 'data-input="equity"') == ["Vikt likvärdighet", "0,25", "3,0"]
    assert cells(html, 'data-input="district"')[1:] == ["alla", district.code]
    assert cells(html, 'data-input="years"')[1:] == ["2", "2"]
    assert cells(html, 'data-input="price_year"')[1:] == ["2026", "2026"]
    assert 'data-input="budget" class="differs"' in html
    assert 'data-input="years" class="differs"' not in html


def test_it_names_elements_and_shows_the_spend_per_school(
    planner: Client, city: dict[str, Any]
) -> None:
    a = saved(planner, "Snål", budget=30000)
    b = saved(planner, "Generös", budget=9000000)
    spend = {
        plan.name: sum(i["cost"] for i in plan.result["items"] if i["site"] == "gamla")
        for plan in (a, b)
    }

    html = compare(planner, a, b)

    row = cells(html, '<tr data-site="gamla">')
    assert row[0] == "Gamla skolan"
    assert [int(v.replace(" ", "").lstrip("+")) for v in row[1:]] == [
        round(spend["Snål"]),
        round(spend["Generös"]),
        round(spend["Generös"] - spend["Snål"]),
    ]
    only_b = html[html.index("Bara i B") :]
    keys_a = {(i["site"], i["element"], i["location"]) for i in a.result["items"]}
    extra = [i for i in b.result["items"] if (i["site"], i["element"], i["location"]) not in keys_a]
    assert extra
    for item in extra:
        assert f"{item['year']}: Gamla skolan – {element_name(item['element'])}" in only_b
    assert f"– {extra[0]['element']}," not in only_b


def only_in_b(html: str) -> list[str]:
    found = html[html.index('<ul class="only-in-b">') :]
    items = re.findall(r"<li>(.*?)</li>", found[: found.index("</ul>")], re.S)
    return [re.sub(r"<[^>]+>", " ", item) for item in items]


def test_it_keeps_the_english_reasons_of_a_plan_saved_before_reason_codes(
    planner: Client, city: dict[str, Any]
) -> None:
    a = saved(planner, "Snål", budget=30000)
    b = saved(planner, "Gammal", budget=9000000)
    for item in b.result["items"]:  # as a plan saved before issue 16 holds them
        item.pop("reason_code", None)
        item.pop("reason_data", None)
        item["reason"] = f"an old reason for {item['element']}"
    b.save()

    shown = only_in_b(compare(planner, a, b))

    assert shown and all("an old reason for " in item for item in shown)


def test_it_says_why_each_plan_funds_what_the_other_does_not(
    planner: Client, city: dict[str, Any]
) -> None:
    a = saved(planner, "Snål", budget=30000)
    b = saved(planner, "Generös", budget=9000000)

    shown = only_in_b(compare(planner, a, b))

    assert shown and all("i mycket dåligt skick (D)" in item for item in shown)
    assert not [item for item in shown if re.search(r"\b(chosen|urgency|benefit)\b", item)]
