"""The survey results as a file: one row per unit, group and index; suppressed rows blank."""

from __future__ import annotations

import pandas as pd
from django.utils import timezone

from server.campaigns import selectors
from server.core.exports import to_csv, to_xlsx
from server.core.municipality import current_municipality

COLUMNS = {
    "site": "Skolhus",
    "unit": "Skolenhetskod",
    "unit_name": "Skolenhet",
    "group_label": "Svarsgrupp",
    "name": "Index",
    "respondents": "Antal svarande",
    "raw": "Index 0-10 (rått)",
    "ci_low": "Intervall från",
    "ci_high": "Intervall till",
    "shrunk": "Index 0-10 (krympt mot stadens medel)",
    "response_rate": "Svarsfrekvens",
    "note": "Anmärkning",
}


def results_frame() -> pd.DataFrame:
    rows = []
    for group in selectors.unit_results():
        for index in group["indices"]:
            rows.append(
                {
                    **{k: group[k] for k in ("site", "unit", "unit_name", "group_label")},
                    **index,
                    "note": "för få svar" if index["suppressed"] else "",
                }
            )
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "suppressed"])
    return frame[list(COLUMNS)].rename(columns=COLUMNS)


def results_file(*, fmt: str) -> tuple[bytes, str]:
    frame = results_frame()
    if fmt == "xlsx":
        assumptions = {
            "Undertryckningsgräns": f"färre än {selectors.threshold()} svarande visas inte",
            "Skala": "0-10, 10 bäst; 'vet inte' räknas inte",
            "Intervall": "95 % konfidensintervall för det råa medelvärdet",
            "Krympt": "empirisk Bayes mot stadens medel, för rangordning",
            "Exporterad": timezone.now().isoformat(timespec="minutes"),
        }
        return (
            to_xlsx(
                {"Enkätresultat": frame},
                assumptions,
                municipality=current_municipality().name,
            ),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return to_csv(frame), "text/csv; charset=utf-8"
