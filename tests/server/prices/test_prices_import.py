"""manage.py import_prices and its service: one test per case of a price file."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from server.prices.models import PriceList, PriceRate
from server.prices.reading import MalformedFile
from server.prices.selectors import price_list_current, price_list_version
from server.prices.services import prices_import
from shared.catalogue import CATALOGUE_VERSION, load_catalogue

pytestmark = pytest.mark.django_db

HEADER = "byggdel;betyg;kr per enhet;källa;prisår\n"
GOOD = "roof;C;1000;Ramavtal 2025;2025\n"
EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "prices.csv"
NEXT_YEAR = datetime.date.today().year + 1


def write(tmp_path: Path, text: str, name: str = "prices.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_starts_from_the_shipped_defaults_as_version_1(tmp_path: Path) -> None:
    table = price_list_current()

    assert table.version == 1 and not PriceList.objects.exists()  # migrate stores nothing
    roof = load_catalogue().element("roof")
    assert table.rate("roof", "D") == roof.repair_rate.D
    assert table.rates[("roof", "D")].price_year == 2026
    assert "not cross-checked" in table.rates[("roof", "D")].source
    prices_import(write(tmp_path, HEADER + GOOD))  # the first import stores 1, then 2
    assert PriceRate.objects.filter(price_list__version=1).count() == 25 * 3
    assert price_list_version(version=1) == table


def test_it_overrides_the_rows_given_and_keeps_every_other_rate(tmp_path: Path) -> None:
    before = price_list_current()

    report = prices_import(write(tmp_path, HEADER + GOOD))

    after = price_list_current()
    assert (report.version, after.version, report.kept) == (2, 2, 74)
    assert after.rate("roof", "C") == 1000
    assert after.rates[("roof", "C")].source == "Ramavtal 2025"
    assert after.rates[("roof", "C")].price_year == 2025
    unchanged = {k: v for k, v in after.rates.items() if k != ("roof", "C")}
    assert unchanged == {k: v for k, v in before.rates.items() if k != ("roof", "C")}
    assert PriceList.objects.count() == 2


def test_a_price_import_never_changes_the_catalogue_version(tmp_path: Path) -> None:
    prices_import(write(tmp_path, HEADER + GOOD))

    assert load_catalogue().version == CATALOGUE_VERSION == "2026.1"
    assert load_catalogue().element("roof").repair_rate.C == 900  # the seed, untouched


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("takpapp;C;1000;K;2025", "byggdel", "unknown element code 'takpapp'"),
        (";C;1000;K;2025", "byggdel", "no element code"),
        ("roof;A;10;K;2025", "betyg", "grade A has no repair"),
        ("roof;N;10;K;2025", "betyg", "grade N has no repair"),
        ("roof;E;10;K;2025", "betyg", "grade 'E' is not a grade"),
        ("roof;C;-5;K;2025", "kr per enhet", "negative price -5"),
        ("roof;C;20000000;K;2025", "kr per enhet", "is not plausible"),
        ("roof;C;tusen;K;2025", "kr per enhet", "'tusen' is not a number"),
        ("roof;C;;K;2025", "kr per enhet", "no price"),
        ("roof;C;1000;;2025", "källa", "no source"),
        ("roof;C;1000;K;1989", "prisår", "price year 1989 is not from 1990"),
        (f"roof;C;1000;K;{NEXT_YEAR + 1}", "prisår", f"is not from 1990 to {NEXT_YEAR}"),
        ("roof;C;1000;K;2025,5", "prisår", "is not from 1990"),
        ("roof;C;1000;K;", "prisår", "no price year"),
    ],
)
def test_it_reports_a_bad_row_and_imports_the_good_ones(
    tmp_path: Path, row: str, column: str, reason: str
) -> None:
    report = prices_import(write(tmp_path, HEADER + "facade;D;2500;K;2025\n" + row + "\n"))

    assert [(p.line, p.column) for p in report.problems] == [(3, column)]
    assert reason in report.problems[0].reason
    assert price_list_current().rate("facade", "D") == 2500


def test_it_reports_a_repeated_rate_and_keeps_the_first(tmp_path: Path) -> None:
    report = prices_import(write(tmp_path, HEADER + GOOD + "roof;C;5000;K;2025\n"))

    assert "already given on line 2" in report.problems[0].reason
    assert price_list_current().rate("roof", "C") == 1000


def test_it_refuses_the_file_whole_when_no_row_is_usable(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "roof;A;1;K;2025\ntakpapp;C;1;K;2025\n")

    with pytest.raises(MalformedFile) as refused:
        prices_import(path)

    assert [p.line for p in refused.value.problems] == [2, 3]
    assert not PriceList.objects.exists()


def test_it_refuses_a_file_without_the_needed_headers(tmp_path: Path) -> None:
    with pytest.raises(MalformedFile, match="no header row"):
        prices_import(write(tmp_path, "namn;belopp\nroof;1000\n"))


def test_it_reads_english_headers_commas_names_and_swedish_numbers(tmp_path: Path) -> None:
    text = 'Element,Grade,SEK per unit,Source,Price year\nRoof,D,"3 100,50",Own estimate,2024\n'

    prices_import(write(tmp_path, text))

    assert price_list_current().rate("roof", "D") == 3100.5


def test_it_takes_headers_named_with_column_options_and_defaults(tmp_path: Path) -> None:
    text = "Del;Klass;Belopp\nroof;D;3000\n"

    prices_import(
        write(tmp_path, text),
        columns={"element": "Del", "grade": "Klass", "sek_per_unit": "Belopp"},
        source="Kalkyl 2025",
        price_year=2025,
    )

    rate = price_list_current().rates[("roof", "D")]
    assert (rate.sek_per_unit, rate.source, rate.price_year) == (3000, "Kalkyl 2025", 2025)


def test_it_reads_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Prislista för skolor"])  # a title row above the header
    sheet.append(["Byggdel", "Betyg", "À-pris", "Källa", "Prisår"])
    sheet.append(["toilets", "C", 45000, "Ramavtal", 2025])
    path = tmp_path / "prices.xlsx"
    book.save(path)

    prices_import(path)

    assert price_list_current().rate("toilets", "C") == 45000


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    report = prices_import(write(tmp_path, HEADER + GOOD), dry_run=True)

    assert report.version == 2 and len(report.changes) == 1
    assert not PriceList.objects.exists()
    assert price_list_current().rate("roof", "C") == 900


def test_the_same_file_again_makes_no_new_version(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD)
    prices_import(path)

    again = prices_import(path)

    assert again.version is None and again.changes == []
    assert PriceList.objects.count() == 2


def test_it_warns_when_rates_fall_from_a_worse_grade(tmp_path: Path) -> None:
    report = prices_import(write(tmp_path, HEADER + "roof;D;100;K;2025\n"))

    assert report.warnings == ["roof: rates do not rise from B to D (B=150, C=900, D=100)"]


def test_the_command_imports_the_example_and_reports_its_bad_row() -> None:
    out, err = StringIO(), StringIO()

    call_command("import_prices", str(EXAMPLE), stdout=out, stderr=err)

    text = out.getvalue()
    assert "line 6, betyg: grade 'E' is not a grade; give B, C or D; left out" in text
    assert "price list version 2: 4 rate(s) changed, 71 kept, 1 problem(s) left out." in text
    table = price_list_current()
    assert (table.rate("facade", "C"), table.rate("roof", "D")) == (950.5, 2900)


def test_the_command_refuses_an_unusable_file_with_each_problem(tmp_path: Path) -> None:
    err = StringIO()
    path = write(tmp_path, HEADER + "roof;A;1;K;2025\n")

    with pytest.raises(CommandError, match="was not imported: no usable row"):
        call_command("import_prices", str(path), stderr=err)

    assert "line 2, betyg: grade A has no repair" in err.getvalue()


def test_an_element_a_stored_version_lacks_takes_its_default_rate(tmp_path: Path) -> None:
    """A later catalogue may add an element no stored version prices: it costs at the
    default rate (with the default source) instead of failing rankings, plans and pushes."""
    prices_import(write(tmp_path, HEADER + GOOD))
    PriceRate.objects.filter(price_list__version=2, element="play_equipment").delete()

    table = price_list_current()
    again = prices_import(write(tmp_path, HEADER + "roof;C;1100;Ramavtal 2026;2026\n"))

    default = load_catalogue().element("play_equipment").repair_rate.D
    assert table.rate("play_equipment", "D") == default
    assert "not cross-checked" in table.rates[("play_equipment", "D")].source
    assert again.version == 3 and price_list_current().rate("play_equipment", "D") == default
