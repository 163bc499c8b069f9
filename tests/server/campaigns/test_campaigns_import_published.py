"""manage.py import_survey_results on a results file as a municipality publishes it
(docs/examples/survey_results.csv): years and rounds, grade levels pooled, teachers,
aggregates, suppressed rows, a 0-100 column, the area mapping and the report."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client

from server.campaigns.models import ImportedReference, ImportedResult
from server.campaigns.selectors import scored_results
from server.core.roles import PLANNER
from server.planning.loading import load_experience
from server.schools.models import SchoolUnit
from tests.server.factories import make_unit

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "survey_results.csv"
# The units of docs/examples/schools.csv (import_schools leaves out the upper secondary
# school 91234509, so its survey rows match no unit).
CODES = [f"912345{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10)]
HISTORY = CODES[:6]  # the units the two older years cover


@pytest.fixture
def units() -> dict[str, SchoolUnit]:
    return {code: make_unit(code=code, name=f"Enhet {code[-2:]}") for code in CODES}


def run(path: Path = EXAMPLE, *args: str) -> str:
    out = StringIO()
    call_command("import_survey_results", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def lines_of() -> list[str]:
    """The example's lines (the report numbers them from 1)."""
    return EXAMPLE.read_text(encoding="utf-8-sig").splitlines()


def example_rows(**match: str) -> list[tuple[int, list[str]]]:
    header = lines_of()[1].split(";")
    names = {name.strip(): i for i, name in enumerate(header)}
    out = []
    for number, line in enumerate(lines_of()[2:], start=3):
        cells = line.split(";")
        if all(cells[names[k]] == v for k, v in match.items()):
            out.append((number, cells))
    return out


def test_it_takes_the_published_file_unedited_and_reports_every_kind_of_row(
    units: dict[str, SchoolUnit],
) -> None:
    out = run()

    teacher_lines = [n for n, _ in example_rows(Respondentgrupp="Lärare")]
    assert f"{len(lines_of()) - 2} row(s) read" in out
    assert "years: 2023, 2024, 2025; each result uses its own newest year" in out
    assert (
        f"skipped, teachers or other staff: not a group Skolmiljö surveys: "
        f"{len(teacher_lines)} row(s)"
    ) in out
    assert "skipped, question area not in the area mapping: 1 row(s)" in out
    assert "Matsalen: line(s) " in out
    assert "skipped, no school unit with that code or name: 1 row(s)" in out
    assert "code '91234509', name 'Exempelstads gymnasium'" in out
    assert "suppressed by the source: 5 row(s)" in out
    assert "bad rows" not in out
    assert "reference(s) from aggregate rows: municipality" in out
    # Every unit row of the newest year has a current result; no teacher row is stored.
    assert not ImportedResult.objects.filter(area__icontains="Matsalen").exists()
    current = ImportedResult.objects.filter(current=True)
    assert set(current.values_list("year", flat=True)) == {2025}
    assert current.count() == len(CODES) * (4 + 2)  # pupils: 3 areas + Skolmiljö; guardians: 2
    assert ImportedResult.objects.filter(current=False).count() == len(HISTORY) * 2 * 2


def test_it_pools_grade_levels_weighted_by_answers(units: dict[str, SchoolUnit]) -> None:
    run()

    rows = example_rows(Skolenhetskod="91234503", Läsår="2024/25", Frågeområde="Trygghet")
    pupils = [cells for _, cells in rows if cells[5] == "Elever"]
    n = [int(c[9]) for c in pupils]
    means = [float(c[7].replace(",", ".")) for c in pupils]
    sds = [float(c[10].replace(",", ".")) for c in pupils]
    result = ImportedResult.objects.get(
        unit=units["91234503"], respondent_group="pupils", index="safety", current=True
    )
    total = sum(n)
    mean = sum(k * m for k, m in zip(n, means, strict=True)) / total
    spread = (
        sum((k - 1) * s * s for k, s in zip(n, sds, strict=True))
        + sum(k * (m - mean) ** 2 for k, m in zip(n, means, strict=True))
    ) / (total - 1)
    assert (result.respondents, result.grades) == (total, "5, 8-9")
    assert result.mean == pytest.approx(mean, abs=1e-4)
    assert result.sd == pytest.approx(spread**0.5, abs=1e-4)
    assert (result.year, result.round, result.publisher) == (2025, "vt", "Skolinspektionen")


def test_a_suppressed_grade_level_is_left_out_of_the_pool(units: dict[str, SchoolUnit]) -> None:
    run()

    result = ImportedResult.objects.get(
        unit=units["91234504"], respondent_group="pupils", index="safety", current=True
    )
    (only,) = [
        c for _, c in example_rows(Skolenhetskod="91234504", Läsår="2024/25", Årskurs="5")
        if c[6] == "Trygghet"
    ]  # fmt: skip
    assert result.grades == "5"
    assert result.respondents == int(only[9])


def test_a_result_the_source_suppressed_is_stored_without_a_value_and_never_shown(
    units: dict[str, SchoolUnit],
) -> None:
    run()

    hidden = ImportedResult.objects.get(
        unit=units["91234505"], respondent_group="parents", index="safety", current=True
    )
    assert (hidden.mean, hidden.respondents) == (None, None)
    scored = scored_results()
    row = scored[(scored["unit"] == units["91234505"].id) & (scored["group"] == "parents")]
    assert bool(row["suppressed"].all())
    assert row["mean"].isna().all()


def test_a_result_under_the_threshold_is_stored_but_not_shown_nor_ranked(
    units: dict[str, SchoolUnit],
) -> None:
    out = run()

    small = ImportedResult.objects.get(
        unit=units["91234508"], respondent_group="parents", index="safety", current=True
    )
    assert (small.mean, small.respondents) == (8.0, 4)
    assert "under the publication threshold: 1 result(s)" in out
    scored = scored_results()
    row = scored[
        (scored["unit"] == units["91234508"].id)
        & (scored["group"] == "parents")
        & (scored["index"] == "safety")
    ].iloc[0]
    assert bool(row["suppressed"]) and row["shrunk"] != row["shrunk"]  # NaN: never used


def test_a_0_to_100_index_is_read_as_0_to_10(units: dict[str, SchoolUnit]) -> None:
    run()

    rows = [
        c for _, c in example_rows(Skolenhetskod="91234502", Läsår="2024/25")
        if c[6] == "Skolmiljö"
    ]  # fmt: skip
    n = [int(c[9]) for c in rows]
    expected = sum(k * int(c[8]) / 10 for k, c in zip(n, rows, strict=True)) / sum(n)
    result = ImportedResult.objects.get(
        unit=units["91234502"], index="learning_premises", current=True
    )
    assert result.mean == pytest.approx(expected, abs=1e-4)
    assert (result.sd, result.publisher) == (None, "Exempelstads elevenkät")


def test_areas_with_no_counterpart_are_context_indices_not_fed_to_the_pillar(
    units: dict[str, SchoolUnit],
) -> None:
    run()

    context = ImportedResult.objects.filter(context=True, current=True)
    assert set(context.values_list("index", flat=True)) == {
        "Studiero",
        "Stimulans",
        "Information om utbildningen",
    }
    scored = scored_results()
    assert set(scored["index"]) == {"safety", "learning_premises"}


def test_aggregate_rows_are_stored_as_municipality_and_national_references(
    units: dict[str, SchoolUnit],
) -> None:
    run()

    refs = ImportedReference.objects.filter(current=True)
    assert set(refs.values_list("level", "name")) == {
        ("municipality", "Exempelstad kommun"),
        ("national", "Riket"),
    }
    national = refs.get(level="national", respondent_group="pupils", index="safety")
    assert national.grades == "5, 8-9" and national.year == 2025
    assert not refs.filter(area__icontains="lärare").exists()
    assert ImportedReference.objects.filter(current=False).count() == 2 * 2 * 2


def test_year_chooses_an_older_year_and_the_newest_stays_history(
    units: dict[str, SchoolUnit],
) -> None:
    run()
    out = run(EXAMPLE, "--year", "2024")

    assert "year in use: 2024 (chosen with --year); 2023, 2025 stored as history" in out
    keys = set(ImportedResult.objects.values_list("unit", "respondent_group", "index"))
    in_use = set(
        ImportedResult.objects.filter(current=True).values_list("unit", "respondent_group", "index")
    )
    uncovered = len(keys - in_use)
    assert uncovered > 0
    assert f"  {uncovered} result(s) per unit, group and index have no row of 2024" in out
    current = ImportedResult.objects.filter(current=True)
    assert set(current.values_list("year", flat=True)) == {2024}
    # Units the 2024 survey did not cover have no result in use.
    assert set(current.values_list("unit__code", flat=True)) == set(HISTORY)
    assert ImportedResult.objects.count() == len(CODES) * 6 + len(HISTORY) * 2 * 2


def test_a_year_the_file_lacks_refuses_the_file_and_stores_nothing(
    units: dict[str, SchoolUnit],
) -> None:
    err = StringIO()
    with pytest.raises(CommandError, match="was not imported"):
        call_command(
            "import_survey_results", str(EXAMPLE), "--year", "2019", stdout=StringIO(), stderr=err
        )
    assert "no rows of year 2019; the file has 2023, 2024, 2025" in err.getvalue()
    assert ImportedResult.objects.count() == 0


def test_importing_twice_changes_nothing_and_an_older_file_does_not_push_the_newer_aside(
    tmp_path: Path, units: dict[str, SchoolUnit]
) -> None:
    run()
    before = list(ImportedResult.objects.order_by("id").values())
    run()
    assert list(ImportedResult.objects.order_by("id").values()) == before

    older = tmp_path / "regional_2024.csv"
    older.write_text(
        "Skolenhetskod;Läsår;Omgång;Respondentgrupp;Frågeområde;Index;Antal svar\n"
        "91234503;2023/24;vt;Elever;Trygghet;5,0;40\n",
        encoding="utf-8",
    )
    run(older)
    in_use = ImportedResult.objects.get(
        unit=units["91234503"], respondent_group="pupils", index="safety", current=True
    )
    assert in_use.year == 2025


def test_the_experience_pillar_uses_the_current_year_only(units: dict[str, SchoolUnit]) -> None:
    run()

    experience = load_experience(site_ids=[u.site_id for u in units.values()])

    # Every site has pupils' results; guardians' where they had enough answers.
    assert set(experience["group"]) == {"pupils", "parents"}
    assert len(experience[experience["group"] == "pupils"]) == len(CODES)
    assert experience["index_mean"].between(0, 10).all()
    # Older years are history: changing them changes nothing the pillar reads.
    ImportedResult.objects.filter(current=False).update(mean=0.0, respondents=500)
    again = load_experience(site_ids=[u.site_id for u in units.values()])
    pd.testing.assert_frame_equal(again, experience)


def test_dry_run_reports_and_writes_nothing(units: dict[str, SchoolUnit]) -> None:
    out = run(EXAMPLE, "--dry-run")

    assert f"would import {len(CODES) * 6 + len(HISTORY) * 2 * 2} result(s)" in out
    assert ImportedResult.objects.count() == 0 and ImportedReference.objects.count() == 0


@pytest.fixture
def planner(client: Client) -> Client:
    user = User.objects.create_user(username="pia", password="x")
    user.groups.add(Group.objects.get_or_create(name=PLANNER)[0])
    client.force_login(user)
    return client


def test_the_site_page_shows_context_indices_sources_and_references_in_swedish(
    planner: Client, units: dict[str, SchoolUnit]
) -> None:
    run()
    site = units["91234503"].site

    html = planner.get(f"/sites/{site.code}/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    surveys = html[html.index('class="surveys"') : html.index('class="surveys-context"')]
    assert re.search(
        r"<td>Trygghet och säkerhet</td><td>\d+</td>\s*<td>\d,\d \(\d,\d–\d+,\d\)</td>", surveys
    )
    assert "Skolinspektionen, vt 2025, åk 5, 8-9" in surveys
    assert "Exempelstads elevenkät, vt 2025, åk 5, 8-9" in surveys
    assert re.search(r"Kommunen \d,\d · Riket \d,\d", surveys)
    context = html[html.index('class="surveys-context"') :]
    assert "Fler frågeområden ur officiella enkäter" in html
    assert "ingår inte i upplevelsepelaren" in html
    for area in ("Studiero", "Stimulans", "Information om utbildningen"):
        assert f"<td>{area}</td>" in context


def test_the_site_page_names_context_indices_and_references_in_english(
    planner: Client, units: dict[str, SchoolUnit]
) -> None:
    run()
    site = units["91234503"].site

    html = planner.get(f"/sites/{site.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "More question areas from official surveys" in html
    assert "<td>Calm and order for studying</td>" in html
    assert re.search(r"Municipality \d\.\d · Sweden \d\.\d", html)


def test_a_school_the_newest_round_did_not_survey_keeps_its_latest_result(
    tmp_path: Path, units: dict[str, SchoolUnit]
) -> None:
    path = tmp_path / "two_rounds.csv"
    path.write_text(
        "Skolenhetskod;Läsår;Omgång;Respondentgrupp;Frågeområde;Index;Antal svar\n"
        "91234501;2023/24;vt;Elever;Trygghet;6,0;40\n"
        "91234503;2023/24;vt;Elever;Trygghet;7,0;40\n"
        "91234503;2024/25;vt;Elever;Trygghet;7,5;40\n",
        encoding="utf-8",
    )

    out = run(path)

    in_use = dict(
        ImportedResult.objects.filter(current=True, index="safety").values_list(
            "unit__code", "year"
        )
    )
    assert in_use == {"91234501": 2024, "91234503": 2025}
    assert "(2 in use" in out
    scored = scored_results()
    assert units["91234501"].id in set(scored[scored["index"] == "safety"]["unit"])


def test_a_mapping_edited_between_imports_leaves_no_result_under_its_old_index(
    tmp_path: Path, units: dict[str, SchoolUnit]
) -> None:
    path = tmp_path / "safety.csv"
    path.write_text(
        "Skolenhetskod;Läsår;Omgång;Respondentgrupp;Frågeområde;Index;Antal svar\n"
        "91234501;2024/25;vt;Elever;Trygghet;6,0;40\n",
        encoding="utf-8",
    )
    run(path)
    assert ImportedResult.objects.get(current=True).index == "safety"
    mapping = tmp_path / "areas.toml"
    mapping.write_text('[context]\n"Trygghet" = "Feeling safe"\n', encoding="utf-8")

    out = run(path, "--mapping", str(mapping))

    current = ImportedResult.objects.filter(current=True)
    assert list(current.values_list("index", "context")) == [("Trygghet", True)]
    assert "1 stored result(s) no longer in use" in out
    scored = scored_results()
    assert scored[scored["index"] == "safety"].empty
