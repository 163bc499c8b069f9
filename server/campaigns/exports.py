"""The survey results as a file: one row per unit, group and index; suppressed rows blank."""

from __future__ import annotations

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from server.campaigns import selectors
from server.core.exports import Column, export_frame, to_csv, to_xlsx
from server.core.municipality import current_municipality

COLUMNS: tuple[Column, ...] = (
    Column("site", gettext_lazy("Skolhus")),
    Column("unit", gettext_lazy("Skolenhetskod")),
    Column("unit_name", gettext_lazy("Skolenhet")),
    Column("group_label", gettext_lazy("Svarsgrupp")),
    Column("name", gettext_lazy("Index")),
    Column("respondents", gettext_lazy("Antal svarande"), "whole"),
    Column("raw", gettext_lazy("Index 0-10 (rått)"), "decimal"),
    Column("ci_low", gettext_lazy("Intervall från"), "decimal"),
    Column("ci_high", gettext_lazy("Intervall till"), "decimal"),
    Column("shrunk", gettext_lazy("Index 0-10 (krympt mot stadens medel)"), "decimal"),
    Column("response_rate", gettext_lazy("Svarsfrekvens (%)"), "percent"),
    Column("note", gettext_lazy("Anmärkning")),
)


def results_frame() -> pd.DataFrame:
    rows = []
    for group in selectors.unit_results():
        for index in group["indices"]:
            rows.append(
                {
                    **{k: group[k] for k in ("site", "unit", "unit_name", "group_label")},
                    **index,
                    "note": _("för få svar") if index["suppressed"] else "",
                }
            )
    return export_frame(rows, COLUMNS)


def results_file(*, fmt: str) -> tuple[bytes, str]:
    frame = results_frame()
    if fmt == "xlsx":
        assumptions = {
            _("Undertryckningsgräns"): _("färre än %(n)s svarande visas inte")
            % {"n": selectors.threshold()},
            _("Skala"): _("0-10, 10 bäst; 'vet inte' räknas inte"),
            _("Intervall"): _("95 % konfidensintervall för det råa medelvärdet"),
            _("Krympt"): _("empirisk Bayes mot stadens medel, för rangordning"),
            _("Exporterad"): timezone.now().isoformat(timespec="minutes"),
        }
        return (
            to_xlsx(
                {_("Enkätresultat"): frame},
                assumptions,
                municipality=current_municipality().name,
            ),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return to_csv(frame), "text/csv; charset=utf-8"
