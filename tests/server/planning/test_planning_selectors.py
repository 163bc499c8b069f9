"""One ranking query: read from and written back to a URL, answered once per data version,
and the same numbers on the page, in its exports, the API and the map's popups."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django.test import Client
from django.utils.timezone import localtime
from hypothesis import given, settings
from hypothesis import strategies as st

from server.core.data_version import bump, current_version
from server.planning import precompute
from server.planning.ranking import Weights
from server.planning.selectors import STABILITY_DRAWS, RankingQuery, ranking_get
from shared.errors import InvalidInput
from tests.server.planning.conftest import city, planner  # noqa: F401

pytestmark = pytest.mark.django_db

weights = st.floats(min_value=0, max_value=100, allow_nan=False).filter(
    lambda w: w == 0 or w > 1e-6
)


@settings(max_examples=60, deadline=None)
@given(
    condition=weights,
    experience=weights,
    equity=st.floats(min_value=0.5, max_value=100),
    method=st.sampled_from(["weighted_sum", "topsis"]),
    district=st.sampled_from([None, "nordost", "Centrum"]),
    school_form=st.sampled_from([None, "grundskola", "anpassad_grundskola"]),
    top_n=st.integers(min_value=1, max_value=1000),
)
def test_a_query_reads_back_from_its_url_as_itself(**fields: Any) -> None:
    query = RankingQuery(
        weights=Weights(
            condition=fields.pop("condition"),
            experience=fields.pop("experience"),
            equity=fields.pop("equity"),
        ),
        **fields,
    )

    again = RankingQuery.from_query(dict(parse_qsl(query.as_query())))

    assert again.key == query.key


def test_the_default_query_is_an_empty_url_and_uses_the_one_draw_count() -> None:
    assert RankingQuery().as_query() == ""
    assert RankingQuery.from_query({}) == RankingQuery()
    assert RankingQuery().draws == STABILITY_DRAWS


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"condition": "abc"}, "condition"),
        ({"equity": "101"}, "equity"),
        ({"experience": "nan"}, "experience"),
        ({"condition": "inf"}, "condition"),
        ({"method": "magic"}, "method"),
        ({"school_form": "universitet"}, "school_form"),
        ({"top_n": "0"}, "top_n"),
        ({"top_n": "2.5"}, "top_n"),
        ({"condition": "0", "experience": "0", "equity": "0"}, "weights"),
    ],
)
def test_a_bad_value_is_refused_naming_its_parameter(params: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        RankingQuery.from_query(params)

    assert [d.field for d in raised.value.details] == [field]


def test_it_computes_once_per_data_version(
    city: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builds: list[str] = []
    real = precompute.build_matrix

    def counted(**kwargs: Any) -> precompute.Matrix:
        builds.append(kwargs["version"])
        return real(**kwargs)

    monkeypatch.setattr(precompute, "build_matrix", counted)
    first = ranking_get(RankingQuery())
    assert ranking_get(RankingQuery()) is first  # from the cache, not computed again
    other = ranking_get(RankingQuery(weights=Weights(equity=5.0)))  # same matrix, new weights
    assert len(builds) == 1
    assert other.frame["priority"].tolist() != first.frame["priority"].tolist()

    bump()
    after = ranking_get(RankingQuery())

    assert len(builds) == 2 and builds[1] == current_version().key
    assert after is not first and after.version != first.version


def _export_rows(client: Client, url: str) -> dict[str, dict[str, str]]:
    body = client.get(url).content.decode("utf-8-sig")
    return {row["skolhus"]: row for row in csv.DictReader(io.StringIO(body), delimiter=";")}


def test_page_export_api_and_popup_show_the_same_numbers_for_one_query(
    planner: Client,  # noqa: F811
    city: dict[str, Any],  # noqa: F811
) -> None:
    query = {"condition": "1", "experience": "0", "equity": "3", "method": "topsis"}
    page = planner.get("/ranking/", query).content.decode()
    (export_link,) = re.findall(r'class="export" href="([^"]+format=csv)"', page)

    api = {s["code"]: s for s in planner.get("/api/v1/ranking", query).json()["sites"]}
    exported = _export_rows(planner, unescape(export_link))
    for code, site in api.items():
        row = exported[code]
        assert (int(row["rang"]), int(row["rang p05"]), int(row["rang p95"])) == (
            site["rank"],
            site["rank_p05"],
            site["rank_p95"],
        )
        (page_row,) = [r for r in re.findall(r"<tr.*?</tr>", page, re.S) if f"/sites/{code}/" in r]
        assert f">{site['rank']}</td>" in page_row
        assert f"{site['rank_p05']}–{site['rank_p95']}</td>" in page_row
        popup = planner.get(f"/api/v1/sites/{code}/popup", query).content.decode()
        assert f"<b>{site['rank']}</b>" in popup
        assert f"{site['rank_p05']}–{site['rank_p95']})" in popup

    # The dashboard's map asks its popups for the ranking it shows (the default one).
    assert "/api/v1/sites/{code}/popup" in planner.get("/dashboard/map/?tiles=0").content.decode()


def test_the_plan_map_s_popups_carry_its_weights(
    planner: Client,  # noqa: F811
    city: dict[str, Any],  # noqa: F811
) -> None:
    html = planner.get(
        "/plan/map/", {"budget": 2_000_000, "start_year": 2027, "equity": 3, "tiles": "0"}
    ).content.decode()

    assert "/api/v1/sites/{code}/popup?equity=3" in html


def test_a_popup_of_a_filtered_map_ranks_among_its_filter(
    planner: Client,  # noqa: F811
    city: dict[str, Any],  # noqa: F811
) -> None:
    everyone = planner.get("/api/v1/sites/gamla/popup").content.decode()
    unknown = planner.get("/api/v1/sites/gamla/popup", {"district": "atlantis"})

    assert "av 3" in everyone or "of 3" in everyone
    assert unknown.status_code == 422


def test_the_pages_say_when_their_numbers_were_computed(
    planner: Client,  # noqa: F811
    city: dict[str, Any],  # noqa: F811
) -> None:
    ranking = ranking_get(RankingQuery())
    stamp = localtime(ranking.computed_at).strftime("%Y-%m-%d %H:%M")

    for path in ("/dashboard/", "/ranking/", "/sites/gamla/"):
        html = planner.get(path).content.decode()
        assert f"Siffrorna beräknades {stamp}" in html, path
        assert "data-status-url" not in html  # nothing is being recomputed


def test_a_school_form_filter_passes_over_a_site_without_units(
    city: dict[str, Any],  # noqa: F811
) -> None:
    from tests.server.factories import make_site

    make_site(code="tom", name="Tomma huset")

    ranking = ranking_get(RankingQuery(school_form="grundskola"))

    assert "tom" not in ranking.frame.index
