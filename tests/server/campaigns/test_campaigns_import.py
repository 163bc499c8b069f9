"""manage.py import_survey_results: headers, mapping, matching, refusal, and the pillar."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from server.campaigns.importing import _year
from server.campaigns.models import ImportedReference, ImportedResult
from server.campaigns.selectors import scored_results
from server.planning.loading import load_experience
from surveys.scoring import conservative_sd, scale_sd_bound
from tests.server.campaigns.campaign_factories import add_responses, make_campaign
from tests.server.factories import make_unit

pytestmark = pytest.mark.django_db

SWEDISH = """Skolenkäten HT 2026;;;;;
;;;;;
Skolenhetskod;Skolnamn;Respondentgrupp;Frågeområde;Index;Antal svar
11111111;Bergsskolan;Elever åk 5;Trygghet;7,4;48
11111111;Bergsskolan;Elever åk 5;Toaletter;*;3
;Dalskolan;Vårdnadshavare;Skolgård;6,0;25
99999999;Okända skolan;Elever åk 8;Trygghet;5,5;30
11111111;Bergsskolan;Elever åk 5;Studiero;8,1;48
"""


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_survey_results", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def units() -> tuple[object, object]:
    return make_unit(code="11111111", name="Bergsskolan"), make_unit(name="Dalskolan")


def test_it_reads_swedish_headers_below_a_title_and_matches_by_code_or_name(
    tmp_path: Path, units: tuple[object, object]
) -> None:
    berg, dal = units
    path = tmp_path / "skolenkaten.csv"
    path.write_text(SWEDISH, encoding="utf-8-sig")

    out = run(path)

    rows = {
        (r.unit_id, r.respondent_group, r.index, r.context): (r.mean, r.respondents, r.grades)
        for r in ImportedResult.objects.all()
    }
    assert rows == {
        (berg.id, "pupils", "safety", False): (7.4, 48, "5"),
        (berg.id, "pupils", "toilets", False): (None, 3, "5"),
        (dal.id, "parents", "schoolyard", False): (6.0, 25, ""),
        (berg.id, "pupils", "Studiero", True): (8.1, 48, "5"),  # a context index
    }
    # No year column: the rows are of this year.
    assert set(ImportedResult.objects.values_list("year", "current")) == {(date.today().year, True)}
    assert "imported 4 result(s)" in out
    assert "code '99999999', name 'Okända skolan': line(s) 7" in out


def test_it_takes_an_english_xlsx_with_explicit_columns(
    tmp_path: Path, units: tuple[object, object]
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Unit", "Who", "Topic", "Score", "N"])
    sheet.append([11111111, "Pupils", "Indoor climate", 6.5, 40])
    path = tmp_path / "regional.xlsx"
    book.save(path)

    run(
        path,
        "--column", "unit_code=Unit", "--column", "group=Who",
        "--column", "area=Topic", "--column", "index=Score", "--column", "respondents=N",
    )  # fmt: skip

    result = ImportedResult.objects.get()
    assert (result.index, result.mean, result.respondents) == ("indoor_climate", 6.5, 40)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "11111111;Bergsskolan;Elever;Trygghet;12;40",
            "line 2, column 'Index': 12 is outside 0-10",
        ),
        ("11111111;Bergsskolan;Elever;Trygghet;bra;40", "line 2, column 'Index': 'bra' is not"),
        ("11111111;Bergsskolan;Rektor;Trygghet;7;40", "teachers or other staff"),
        ("11111111;Bergsskolan;Syskon;Trygghet;7;40", "line 2, column 'Respondentgrupp': 'Syskon'"),
        ("11111111;Bergsskolan;Elever;Trygghet;7;-3", "line 2, column 'Antal svar': '-3' is not"),
        ("11111111;Bergsskolan;Elever;Matsalen;7;30", "Matsalen: line(s) 2"),
    ],
)
def test_it_reports_a_bad_or_skipped_row_with_line_and_reason_and_imports_the_rest(
    tmp_path: Path, units: tuple[object, object], line: str, reason: str
) -> None:
    header = "Skolenhetskod;Skolnamn;Respondentgrupp;Frågeområde;Index;Antal svar"
    good = "11111111;Bergsskolan;Vårdnadshavare;Toaletter;7;40"
    path = tmp_path / "bad.csv"
    path.write_text(f"{header}\n{line}\n{good}\n", encoding="utf-8")

    out = run(path)

    assert reason in out
    assert list(ImportedResult.objects.values_list("index", "mean")) == [("toilets", 7.0)]


def test_it_refuses_a_file_without_a_header(tmp_path: Path) -> None:
    path = tmp_path / "nohead.csv"
    path.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_survey_results", str(path), stdout=StringIO(), stderr=err)
    assert "line 1: no header row found" in err.getvalue()


def test_imported_results_feed_the_experience_pillar(
    tmp_path: Path, units: tuple[object, object]
) -> None:
    berg, dal = units
    others = [make_unit(code=f"2000000{n}") for n in range(3)]
    lines = ["Skolenhetskod;Respondentgrupp;Frågeområde;Index;Antal svar"]
    for unit, value in zip([berg, *others], [2.0, 5.0, 6.0, 8.0], strict=True):
        lines.append(f"{unit.code};Elever;Trygghet;{value};40")
    lines.append(f"{dal.code};Elever;Trygghet;9,9;3")  # too few answers: never counts
    path = tmp_path / "pillar.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run(path)

    experience = load_experience(site_ids=[berg.site_id, dal.site_id])

    assert list(experience["site"]) == [berg.site.code]
    # Imported results have a spread now, so they are shrunk toward the city mean like
    # our own: the lowest school moves up, but not past the mean of the four shown.
    scored = scored_results()
    shrunk = scored[(scored["unit"] == berg.id)]["shrunk"].iloc[0]
    assert experience["index_mean"].iloc[0] == pytest.approx(shrunk)
    assert 2.0 < shrunk < (2 + 5 + 6 + 8) / 4


@pytest.mark.parametrize(
    ("cell", "round_", "year"),
    [
        ("2025", "", 2025),
        (2025, "vt", 2025),
        ("2024/25", "vt", 2025),
        ("2024/25", "", 2025),  # a school year without a round: its spring
        ("2024/2025", "ht", 2024),
        ("Läsår 2024–25", "ht", 2024),
        ("VT 2025", "vt", 2025),
        ("förra året", "", None),
        ("1850", "", None),
    ],
)
def test_it_reads_the_year_of_a_row(cell: object, round_: str, year: int | None) -> None:
    assert _year(cell, round_) == year


def test_it_takes_the_round_from_the_year_column_and_pools_the_grades_in_the_group(
    tmp_path: Path, units: tuple[object, object]
) -> None:
    berg, _ = units
    path = tmp_path / "period.csv"
    path.write_text(
        "Skolenhetskod;Period;Respondentgrupp;Frågeområde;Index;Antal svar\n"
        "11111111;HT 2025;Elever åk 5;Trygghet;6,0;30\n"
        "11111111;HT 2025;Elever åk 8;Trygghet;9,0;10\n"
        "11111111;VT 2025;Elever åk 5;Trygghet;5,0;30\n",
        encoding="utf-8",
    )

    out = run(path, "--column", "year=Period")

    current = ImportedResult.objects.get(current=True)
    assert (current.year, current.round, current.grades) == (2025, "ht", "5, 8")
    assert (current.mean, current.respondents) == (pytest.approx(6.75), 40)
    assert ImportedResult.objects.get(current=False).round == "vt"
    assert "pooled over grade levels, weighted by answers: 2 row(s) into 1 result(s)" in out


def test_a_repeated_row_or_a_second_area_for_one_index_is_reported_not_pooled(
    tmp_path: Path, units: tuple[object, object]
) -> None:
    path = tmp_path / "twice.csv"
    path.write_text(
        "Skolenhetskod;Respondentgrupp;Frågeområde;Index;Antal svar\n"
        "11111111;Elever;Trygghet;6,0;30\n"
        "11111111;Elever;Trygghet;6,0;30\n"
        "11111111;Elever;Säkerhet;7,0;30\n",
        encoding="utf-8",
    )

    out = run(path)

    assert "line 3: repeats line 2" in out
    assert "line 4: area 'Säkerhet' gives index 'safety' like line 2's 'Trygghet'" in out
    assert ImportedResult.objects.get().respondents == 30


def test_region_rows_become_references_and_a_mapping_file_can_be_chosen(
    tmp_path: Path, units: tuple[object, object]
) -> None:
    mapping = tmp_path / "areas.toml"
    mapping.write_text('[indices]\nschoolyard = ["Rastaktiviteter"]\n', encoding="utf-8")
    path = tmp_path / "region.csv"
    path.write_text(
        "Skolenhetskod;Skolnamn;Respondentgrupp;Frågeområde;Index;Antal svar\n"
        "11111111;Bergsskolan;Elever;Rastaktiviteter;6,0;30\n"
        ";Region Väst;Elever;Rastaktiviteter;6,5;3000\n"
        "1480;Exempelstads kommun;Elever;Rastaktiviteter;6,1;900\n"
        "11111111;Bergsskolan;Elever;Studiero;6,0;30\n",
        encoding="utf-8",
    )

    out = run(path, "--mapping", str(mapping))

    assert list(ImportedResult.objects.values_list("index", flat=True)) == ["schoolyard"]
    assert set(ImportedReference.objects.values_list("level", "name", "index")) == {
        ("region", "Region Väst", "schoolyard"),
        ("municipality", "Exempelstads kommun", "schoolyard"),
    }
    assert "Studiero: line(s) 5" in out  # not in this mapping: skipped


def test_the_mapping_setting_is_used_and_a_broken_mapping_refuses_the_file(
    tmp_path: Path, units: tuple[object, object], settings: Any
) -> None:
    settings.SURVEY_AREA_MAPPING = tmp_path / "broken.toml"
    (tmp_path / "broken.toml").write_text("[indices]\nplayground = ['Lek']\n", encoding="utf-8")
    path = tmp_path / "ok.csv"
    path.write_text(
        "Skolenhetskod;Respondentgrupp;Frågeområde;Index;Antal svar\n"
        "11111111;Elever;Trygghet;6,0;30\n",
        encoding="utf-8",
    )
    err = StringIO()

    with pytest.raises(CommandError, match="was not imported"):
        call_command("import_survey_results", str(path), stdout=StringIO(), stderr=err)

    assert "broken.toml: indices: Value error, unknown index ['playground']" in err.getvalue()
    assert ImportedResult.objects.count() == 0


def _safety_of(unit: Any) -> Any:
    scored = scored_results()
    return scored[(scored["unit"] == unit.id) & (scored["index"] == "safety")].iloc[0]


def test_a_reported_spread_on_0_to_100_is_read_on_0_to_10(
    tmp_path: Path, units: tuple[object, object]
) -> None:
    berg, _ = units
    path = tmp_path / "sd100.csv"
    path.write_text(
        "Skolenhetskod;Respondentgrupp;Frågeområde;Index 0-100;Antal svar;Standardavvikelse\n"
        "11111111;Elever;Trygghet;74;48;21,5\n",
        encoding="utf-8",
    )

    run(path)

    result = ImportedResult.objects.get()
    assert (result.mean, result.sd) == (7.4, 2.15)
    assert _safety_of(berg)["sd"] == pytest.approx(2.15)


def test_without_a_reported_spread_our_own_campaigns_spread_stands_in_else_the_scale_bound(
    tmp_path: Path, units: tuple[object, object]
) -> None:
    berg, dal = units
    path = tmp_path / "nosd.csv"
    path.write_text(
        "Skolenhetskod;Respondentgrupp;Frågeområde;Index;Antal svar\n"
        "11111111;Elever;Trygghet;7,0;40\n",
        encoding="utf-8",
    )
    run(path)
    assert _safety_of(berg)["sd"] == pytest.approx(scale_sd_bound(7.0))  # nothing of ours yet

    # A closed campaign of ours at another unit: 15 answer "fully" less one step, 15 one
    # step more than "not at all" (scores 20/3 and 10/3): a within-unit variance of
    # 30 * (5/3)^2 / 29 on 29 degrees of freedom.
    campaign = make_campaign(unit=dal, open_now=False)
    add_responses(campaign, [2], 15)
    add_responses(campaign, [1], 15)

    expected = conservative_sd(30 * (5 / 3) ** 2 / 29, 29)
    assert 30 * (5 / 3) ** 2 / 29 < expected**2 < scale_sd_bound(7.0) ** 2
    assert _safety_of(berg)["sd"] == pytest.approx(expected)
