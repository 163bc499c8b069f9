"""Load the ranking's input frames from the database with a few aggregate queries.

The ranking and plan cores are plain pandas (no Django); this is the thin layer between.
"""

from __future__ import annotations

import pandas as pd
from django.db.models import F, Q

from server.campaigns.selectors import shown_results
from server.inspections.selectors import latest_ratings
from server.planning.plausibility import screen_sites
from server.schools.models import SchoolUnit, Site
from server.schools.selectors import district_for_filter

SITE_COLUMNS = [
    "name",
    "pupils",
    "replacement_value_sek",
    "yard_area_m2",
    "socioeconomic_need",
    "newly_arrived_share",
    "district",
    "district_code",
    "city_area",
    "school_forms",
    "lat",
    "lon",
    "synthetic",
]


def load_sites(*, district: str | None = None, school_form: str | None = None) -> pd.DataFrame:
    """One row per active site; need and newly arrived share are pupil-weighted over units.

    Column `implausible` names the facts left out (NaN) because they are out of range.
    """
    sites = Site.objects.filter(removed_at__isnull=True)
    if district:
        found = district_for_filter(value=district)  # by code or name; 422 if neither
        sites = sites.filter(Q(district=found) | Q(district__parent=found))
    if school_form:
        sites = sites.filter(units__school_form=school_form).distinct()
    fields = [
        "id",
        "code",
        "name",
        "replacement_value_sek",
        "yard_area_m2",
        "lat",
        "lon",
        "attributes_synthetic",
    ]
    renamed = {
        "district_name": F("district__name"),
        "district_code": F("district__code"),
        "city_area_code": F("district__parent__code"),
    }
    base = pd.DataFrame.from_records(sites.values(*fields, **renamed), columns=[*fields, *renamed])
    unit_fields = [
        "site_id",
        "pupils",
        "school_form",
        "socioeconomic_need",
        "newly_arrived_share",
        "need_synthetic",
    ]
    units = pd.DataFrame.from_records(
        SchoolUnit.objects.filter(site_id__in=base["id"].tolist(), removed_at__isnull=True).values(
            *unit_fields
        ),
        columns=unit_fields,
    )
    per_site = _pupil_weighted(units)
    frame = base.merge(per_site, left_on="id", right_index=True, how="left")
    # A site without units has no need flag; astype first so fillna has nothing to downcast.
    need_synthetic = frame["need_synthetic"].astype("boolean").fillna(False).astype(bool)
    frame["synthetic"] = frame["attributes_synthetic"].astype(bool) | need_synthetic
    frame = frame.rename(columns={"district_name": "district", "city_area_code": "city_area"})
    # A site outside every imported district has district "" (as on the tablets).
    frame["district"] = frame["district"].fillna("")
    frame["district_code"] = frame["district_code"].fillna("")
    # Implausible facts (a replacement value of 0 kr, 1e308 m² of yard) are left out, named.
    return screen_sites(frame.set_index("code").sort_index()[["id", *SITE_COLUMNS]])


def _pupil_weighted(units: pd.DataFrame) -> pd.DataFrame:
    units = units.assign(w=units["pupils"].fillna(0).clip(lower=0).astype(float))
    grouped = units.groupby("site_id")
    out = pd.DataFrame(index=grouped.size().index)
    # A site whose units report no pupils has an unknown pupil count, not zero pupils.
    out["pupils"] = grouped["pupils"].sum(min_count=1).replace(0, float("nan"))
    for column in ("socioeconomic_need", "newly_arrived_share"):
        known = units[units[column].notna() & (units["w"] > 0)]
        weighted = (known[column] * known["w"]).groupby(known["site_id"]).sum()
        out[column] = weighted / known.groupby("site_id")["w"].sum()
    out["school_forms"] = grouped["school_form"].agg(lambda s: ",".join(sorted(set(s))))
    out["need_synthetic"] = grouped["need_synthetic"].any()
    return out


def load_ratings(*, site_ids: list[int]) -> pd.DataFrame:
    """The newest finished rating per site, element and location."""
    columns = [
        "site",
        "element",
        "location",
        "grade",
        "urgency",
        "quantity",
        "estimated_cost_sek",
        "cost_quantity",
        "observed_at",
    ]
    rows = latest_ratings(site_ids=site_ids).values_list(
        "site__code",
        "element",
        "location",
        "grade",
        "urgency",
        "quantity",
        "estimated_cost_sek",
        "cost_quantity",
        "observed_at",
    )
    return pd.DataFrame.from_records(list(rows), columns=columns)


def load_experience(*, site_ids: list[int]) -> pd.DataFrame:
    """Survey results per site and respondent group, 0–10 (10 = no need).

    Read from `shown_results`, the one published reading of survey results the results
    pages, exports and site page share: each unit and group's latest closed campaign (or
    imported result), shrunk toward the city mean, with a group or index under the
    suppression threshold dropped before anything is derived from it (it counts as
    missing). A unit's group is the mean of its shown, shrunk indices; units combine into
    their site weighted by pupils. `respondents` is the sum over the site's units of each
    group's count, as the results pages give it.
    """
    columns = ["site", "group", "index_mean", "respondents"]
    shown = shown_results()
    shown = shown[~shown["suppressed"].astype(bool)]
    if shown.empty:
        return pd.DataFrame(columns=columns)
    units = pd.DataFrame.from_records(
        SchoolUnit.objects.values_list("id", "site_id", "site__code", "pupils"),
        columns=["unit", "site_id", "site", "pupils"],
    ).set_index("unit")
    per_unit = (
        shown.astype({"shrunk": float, "group_respondents": int})
        .groupby(["unit", "group"])
        .agg(index_mean=("shrunk", "mean"), respondents=("group_respondents", "max"))
        .reset_index()
    )
    per_unit = per_unit.join(units, on="unit")
    per_unit = per_unit[per_unit["site_id"].isin(set(site_ids))]
    if per_unit.empty:
        return pd.DataFrame(columns=columns)
    per_unit["w"] = per_unit["pupils"].fillna(1).clip(lower=1)
    per_unit["weighted"] = per_unit["index_mean"] * per_unit["w"]
    grouped = per_unit.groupby(["site", "group"])
    out = pd.DataFrame(
        {
            "index_mean": grouped["weighted"].sum() / grouped["w"].sum(),
            "respondents": grouped["respondents"].sum(),
        }
    )
    return out.reset_index()[columns]
