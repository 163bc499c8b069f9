"""One reading of what is published (`shown_results`): the ranking, the results page and
API, the export and the site page hide the same groups and give the same counts."""

from __future__ import annotations

import csv
import io
import math
import re
from typing import Any

import pandas as pd
import pytest
from django.test import Client

from server.campaigns import selectors
from server.campaigns.models import Campaign, ImportedResult
from server.campaigns.selectors import publishable, shown_results, threshold
from server.planning.loading import load_experience
from server.schools.models import SchoolUnit
from surveys.scoring import AGGREGATE_COLUMNS
from tests.server.campaigns.campaign_factories import add_responses, make_campaign, make_planner
from tests.server.factories import make_site, make_unit

pytestmark = pytest.mark.django_db

DONT_KNOW = [None]
"""A respondent who answers "vet inte" to every item: a response, on no index."""


@pytest.fixture
def planner() -> Client:
    client = Client()
    client.force_login(make_planner())
    return client


def unit_with(respondents: int, *, dont_know: int = 0, name: str = "Enheten") -> SchoolUnit:
    """A unit whose pupils' latest closed campaign has `respondents` responses, of which
    `dont_know` answered "vet inte" throughout; the others answer 2 everywhere."""
    unit = make_unit(site=make_site(), name=name, year_from=4, year_to=9, pupils=200)
    campaign = make_campaign(unit=unit, open_now=False)
    add_responses(campaign, [2], respondents - dont_know)
    add_responses(campaign, DONT_KNOW, dont_know)
    return unit


def results_group(client: Client, unit: SchoolUnit) -> dict[str, Any]:
    (group,) = [
        g for g in client.get("/api/v1/survey-results").json()["results"] if g["unit"] == unit.code
    ]
    return group


def export_counts(client: Client, unit: SchoolUnit) -> list[str]:
    body = client.get("/api/v1/survey-results/export?format=csv").content.decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(body), delimiter=";")
    return [row["Antal svarande"] for row in rows if row["Skolenhetskod"] == unit.code]


def site_page_counts(client: Client, unit: SchoolUnit) -> list[str]:
    """The "Svar" cell of each of the unit's rows in the site page's survey table."""
    html = client.get(f"/sites/{unit.site.code}/").content.decode()
    table = html[html.index('class="surveys"') : html.index("</table>", html.index('"surveys"'))]
    return re.findall(
        rf"<tr><td>{unit.name}</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>", table
    )


def test_it_hides_a_group_under_the_threshold_even_where_its_indices_pass() -> None:
    # Per-index counts above the group's cannot come from our own answers; the rule must
    # still hold, and the hidden group must not move the others' city mean or shrinkage.
    rows = [
        (1, "pupils", "safety", 6, 6 * 1.0, 6 * 1.0),
        (2, "pupils", "safety", 8, 8 * 9.0, 8 * 81.0),
        (3, "pupils", "safety", 8, 8 * 7.0, 8 * 49.0),
    ]
    aggregates = pd.DataFrame(rows, columns=list(AGGREGATE_COLUMNS))
    responses = {(1, "pupils"): 4, (2, "pupils"): 8, (3, "pupils"): 8}

    shown = publishable(aggregates, responses=responses, threshold=5).set_index("unit")

    assert shown["suppressed"].to_dict() == {1: True, 2: False, 3: False}
    hidden = shown.loc[1]
    assert pd.isna(hidden["respondents"]) and pd.isna(hidden["group_respondents"])
    for column in ("mean", "ci_low", "ci_high", "shrunk", "city_mean", "response_rate"):
        assert math.isnan(hidden[column]), column
    assert shown.loc[2, "city_mean"] == pytest.approx(8.0)  # (9 + 7) / 2: unit 1 left out
    assert shown["group_respondents"].loc[[2, 3]].tolist() == [8, 8]


def test_it_counts_a_group_by_its_campaigns_responses_and_an_import_by_its_published_count() -> (
    None
):
    rows = [
        (1, "pupils", "safety", 5, 35.0, 245.0),  # one of six answered only "vet inte"
        (2, "pupils", "safety", 30, 210.0, 1470.0),
        (2, "pupils", "toilets", 25, 150.0, 900.0),
    ]
    aggregates = pd.DataFrame(rows, columns=list(AGGREGATE_COLUMNS))

    shown = publishable(aggregates, responses={(1, "pupils"): 6}, threshold=5)

    assert shown[["unit", "index", "respondents", "group_respondents"]].values.tolist() == [
        [1, "safety", 6, 6],
        [2, "safety", 30, 30],
        [2, "toilets", 25, 30],
    ]


@pytest.mark.parametrize(
    ("respondents", "dont_know", "in_ranking"),
    [
        pytest.param(-1, 0, False, id="group under the threshold"),
        pytest.param(0, 1, False, id="group at it, every index under it"),
        pytest.param(1, 1, True, id="group and indices at it or above"),
    ],
)
def test_the_ranking_and_the_results_page_show_the_same_groups(
    planner: Client, respondents: int, dont_know: int, in_ranking: bool
) -> None:
    unit = unit_with(threshold() + respondents, dont_know=dont_know)

    group = results_group(planner, unit)
    ranking = load_experience(site_ids=[unit.site_id])

    shown_indices = [i for i in group["indices"] if i["raw"] is not None]
    assert bool(shown_indices) is in_ranking
    assert (not ranking.empty) is in_ranking
    if in_ranking:
        assert ranking["respondents"].tolist() == [group["respondents"]]


def test_a_group_the_group_rule_hides_is_absent_from_the_ranking_and_every_page(
    planner: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real answers cannot make an index outnumber its group, so the group's count is
    # lowered where the one selector reads it: every consumer must follow.
    unit = unit_with(threshold() + 2, name="Gruppskolan")
    counted = selectors._campaign_respondents
    monkeypatch.setattr(
        selectors,
        "_campaign_respondents",
        lambda **kw: {**counted(**kw), (unit.id, "pupils"): threshold() - 1},
    )

    group = results_group(planner, unit)

    assert group["suppressed"] is True and group["respondents"] is None
    assert all(i["suppressed"] and i["raw"] is None for i in group["indices"])
    assert load_experience(site_ids=[unit.site_id]).empty
    assert set(export_counts(planner, unit)) == {""}
    assert set(site_page_counts(planner, unit)) == {""}
    assert planner.get("/api/v1/survey-results/city").json()[0]["units"] == 0


def test_every_consumer_gives_an_own_campaigns_group_count(planner: Client) -> None:
    # One respondent answered only "vet inte": the indices have one answer fewer than
    # the group, and the count given everywhere is still the campaign's responses.
    n = threshold() + 1
    unit = unit_with(n, dont_know=1, name="Räkneskolan")

    group = results_group(planner, unit)

    assert group["respondents"] == n
    assert {i["respondents"] for i in group["indices"]} == {n}
    assert {float(c.replace(",", ".")) for c in export_counts(planner, unit)} == {n}
    assert set(site_page_counts(planner, unit)) == {str(n)}
    assert load_experience(site_ids=[unit.site_id])["respondents"].tolist() == [n]


def test_every_consumer_gives_an_imported_results_published_counts(planner: Client) -> None:
    unit = make_unit(site=make_site(), name="Importskolan", year_from=4, year_to=9, pupils=300)
    for index, n, mean in (("safety", 30, 7.0), ("toilets", 25, 6.0)):
        ImportedResult.objects.create(
            unit=unit,
            respondent_group=Campaign.Group.PUPILS,
            index=index,
            mean=mean,
            respondents=n,
            year=2025,
            source="test.csv",
        )

    group = results_group(planner, unit)

    assert group["respondents"] == 30
    assert {i["index"]: i["respondents"] for i in group["indices"]} == {
        "safety": 30,
        "toilets": 25,
    }
    shown = shown_results()
    assert shown[shown["unit"] == unit.id]["respondents"].tolist() == [30, 25]
    assert sorted(export_counts(planner, unit)) == ["25", "30"]
    assert sorted(site_page_counts(planner, unit)) == ["25", "30"]
    assert load_experience(site_ids=[unit.site_id])["respondents"].tolist() == [30]


def test_the_site_page_gives_no_count_of_a_suppressed_context_index(planner: Client) -> None:
    unit = make_unit(site=make_site(), name="Kontextskolan", year_from=4, year_to=9)
    for area, n in (("Studiero", 3), ("Arbetsro", 27)):
        ImportedResult.objects.create(
            unit=unit,
            respondent_group=Campaign.Group.PUPILS,
            index=area,
            context=True,
            mean=6.0,
            respondents=n,
            year=2025,
            source="test.csv",
        )

    html = planner.get(f"/sites/{unit.site.code}/").content.decode()

    table = html[html.index('class="surveys-context"') :]
    rows = dict(re.findall(r"<td>(Studiero|Arbetsro)</td>(.*?)</tr>", table, flags=re.S))
    assert "för få svar" in rows["Studiero"] and not re.search(r"(?<!\d)3(?!\d)", rows["Studiero"])
    assert "<td>27</td>" in rows["Arbetsro"]
