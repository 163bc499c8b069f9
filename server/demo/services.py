"""Load the demo: the city's real schools and districts, plus clearly synthetic data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from server.campaigns.models import Answer, Campaign, Response
from server.core.data_version import bump
from server.core.roles import INSPECTOR, PLANNER
from server.core.tables import TableError
from server.demo import photos as demo_photos
from server.demo import reference, synthetic
from server.inspections.models import Assignment, Inspection
from server.inspections.photos import photo_store
from server.inspections.services import Source, inspections_store
from server.schools.importing.districts import districts_apply, districts_plan, read_features
from server.schools.importing.rows import ParsedFile, UnitRow
from server.schools.importing.schools import schools_apply, schools_plan
from server.schools.models import District, SchoolUnit, Site
from shared.catalogue import Catalogue, load_catalogue
from shared.sync import InspectionIn, Position, RatingIn
from surveys.questionnaire import load_all

Progress = Callable[[str, int, int], None]

# Demo sign-ins; make demo prints them. Never used outside SKOLMILJO_MODE=demo/test.
DEMO_USERS = {
    "admin": "skolmiljo-admin",
    "planner": "skolmiljo-planner",
    "inspector": "skolmiljo-inspector",
}
ASSIGNED_SITES = 36


@dataclass(frozen=True)
class DemoSummary:
    districts: int
    sites: int
    units: int
    inspections: int
    ratings: int
    campaigns: int
    responses: int
    answers: int


def _quiet(step: str, done: int, total: int) -> None:
    return None


@transaction.atomic
def demo_load(*, data_dir: Path, seed: int = 2026, progress: Progress = _quiet) -> DemoSummary:
    """Upsert the reference data and regenerate the synthetic data; running it twice is a no-op."""
    sites = reference.read_sites(data_dir)
    catalogue = load_catalogue()

    district_rows = _load_districts(data_dir)
    progress("Districts and city areas", len(district_rows), len(district_rows))
    attrs = _load_sites(sites, district_rows, seed, progress)
    inspector = _load_users()
    _assign(inspector, sites)
    n_insp, n_ratings, conditions = _load_inspections(
        sites, attrs, catalogue, inspector, seed, progress
    )
    n_camp, n_resp, n_ans = _load_campaigns(sites, district_rows, conditions, seed, progress)
    bump()  # much of the above is bulk inserts, which send no signal
    return DemoSummary(
        districts=len(district_rows),
        sites=len(sites),
        units=sum(len(s.units) for s in sites),
        inspections=n_insp,
        ratings=n_ratings,
        campaigns=n_camp,
        responses=n_resp,
        answers=n_ans,
    )


def _load_districts(data_dir: Path) -> dict[str, District]:
    """The city areas, then their districts, through the import service: a second run
    writes nothing."""
    files = (
        ("stadsomraden.geojson", {"code_property": "STADSOMRAD", "kind": "city_area"}),
        (
            "mellanomraden.geojson",
            {"code_property": "MELLANOMRA", "parent_property": "STADSOMRAD", "kind": "district"},
        ),
    )
    for name, options in files:
        try:
            features = read_features(data_dir / name)
        except TableError as exc:
            raise reference.ReferenceDataError(f"{name}: {exc}") from exc
        plan = districts_plan(features, name_property="NAMN", **options)
        if plan.skipped or plan.notes:
            problem = (plan.skipped + plan.notes)[0]
            raise reference.ReferenceDataError(f"{name}: {problem}")
        districts_apply(plan)
    return {d.code: d for d in District.objects.select_related("parent")}


def _city_area(site: reference.SiteRecord, districts: dict[str, District]) -> str:
    parent = districts[site.district_code].parent
    return parent.code if parent else ""


def _load_sites(
    sites: list[reference.SiteRecord],
    districts: dict[str, District],
    seed: int,
    progress: Progress,
) -> dict[str, synthetic.SiteAttributes]:
    """The schools go in through the same import service as a municipality's file, so a
    second `make demo` changes no site or unit (nor its `updated_at`): tablets pull
    nothing again. The synthetic building attributes and need are the same by seed."""
    result = {}
    rows: list[UnitRow] = []
    for rec in sites:
        area = _city_area(rec, districts)
        attrs = synthetic.site_attributes(rec, area, seed)
        result[rec.code] = attrs
        site_values = {
            "floor_area_m2": attrs.floor_area_m2,
            "yard_area_m2": attrs.yard_area_m2,
            "year_built": attrs.year_built,
            "replacement_value_sek": attrs.replacement_value_sek,
            "attributes_synthetic": True,
        }
        for unit in rec.units:
            need = synthetic.unit_need(unit, area, seed)
            unit_values = {
                "pupils": unit.pupils,
                "socioeconomic_need": need.socioeconomic_need,
                "newly_arrived_share": need.newly_arrived_share,
                "need_synthetic": True,
            }
            if unit.capacity is not None:
                unit_values["capacity"] = unit.capacity
            rows.append(
                UnitRow(
                    line=len(rows) + 1,
                    code=unit.code,
                    name=unit.name,
                    school_form=unit.school_form,
                    years=unit.years,
                    year_from=unit.year_from,
                    year_to=unit.year_to,
                    site=rec.name,
                    position=(unit.lat, unit.lon),
                    district=rec.district_code,
                    unit_values=unit_values,
                    site_values=dict(site_values),
                )
            )
    plan = schools_plan(ParsedFile(rows=rows, skipped=[], codes={r.code for r in rows}))
    if plan.skipped:
        raise reference.ReferenceDataError(f"schools.json: record {plan.skipped[0]}")
    schools_apply(plan, progress=_quiet)
    progress("Sites and school units (synthetic building attributes)", len(sites), len(sites))
    return result


def _load_users() -> User:
    planners, _ = Group.objects.get_or_create(name=PLANNER)
    inspectors, _ = Group.objects.get_or_create(name=INSPECTOR)
    users = {}
    for username, password in DEMO_USERS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = username == "admin"
        user.set_password(password)
        user.save()
        users[username] = user
    users["planner"].groups.add(planners)
    users["inspector"].groups.add(inspectors)
    return users["inspector"]


def _assign(inspector: User, sites: list[reference.SiteRecord]) -> None:
    """A few dozen sites in Nordost and Hisingen, the inspector's round."""
    wanted = Site.objects.filter(
        district__parent__code__in=["nordost", "hisingen"], code__in=[s.code for s in sites]
    ).order_by("code")[:ASSIGNED_SITES]
    Assignment.objects.bulk_create(
        [Assignment(inspector=inspector, site=site) for site in wanted], ignore_conflicts=True
    )


def _photos(
    insp: synthetic.SyntheticInspection, catalogue: Catalogue, seed: int
) -> dict[int, list[str]]:
    """Store synthetic photos of the inspection's worst C/D ratings; rating index -> hashes."""
    worst = sorted(
        (i for i, r in enumerate(insp.ratings) if r.grade in ("C", "D")),
        key=lambda i: (insp.ratings[i].grade != "D", i),
    )[: demo_photos.PER_INSPECTION]
    out = {}
    for i in worst:
        rating = insp.ratings[i]
        sha, data = demo_photos.demo_photo(
            seed=seed,
            key=f"{insp.uuid}/{rating.element}/{rating.location}",
            label=catalogue.element(rating.element).name_sv,
            grade=rating.grade,
        )
        photo_store(sha256=sha, data=data)
        out[i] = [sha]
    return out


def _wire(
    insp: synthetic.SyntheticInspection, catalogue: Catalogue, photos: dict[int, list[str]]
) -> InspectionIn:
    return InspectionIn(
        uuid=insp.uuid,
        revision=1,
        site=insp.site_code,
        catalogue_version=catalogue.version,
        started_at=insp.started_at,
        finished_at=insp.finished_at,
        ratings=[
            RatingIn(
                element=r.element,
                location=r.location,
                grade=r.grade,
                urgency=r.urgency,
                note=r.note,
                quantity=r.quantity,
                observed_at=r.observed_at,
                position=Position(lat=r.lat, lon=r.lon, accuracy_m=r.accuracy_m),
                photos=photos.get(n, []),
            )
            for n, r in enumerate(insp.ratings)
        ],
    )


def _load_inspections(
    sites: list[reference.SiteRecord],
    attrs: dict[str, synthetic.SiteAttributes],
    catalogue: Catalogue,
    inspector: User,
    seed: int,
    progress: Progress,
) -> tuple[int, int, dict[str, dict[str, float]]]:
    """Synthetic inspections go in through the same store as a tablet's."""
    Inspection.objects.filter(synthetic=True).delete()
    source = Source(inspector=inspector, device_name="Demo (synthetic)", synthetic=True)
    conditions: dict[str, dict[str, float]] = {}
    n_inspections = n_ratings = 0
    for n, rec in enumerate(sites, 1):
        generated = synthetic.inspections_for_site(rec, attrs[rec.code], catalogue, seed)
        conditions[rec.code] = synthetic.index_condition(generated)
        newest = max(generated, key=lambda i: i.finished_at or i.started_at, default=None)
        results = inspections_store(
            inspections=[
                # Photos on the newest inspection only: the site page shows the latest grades.
                _wire(i, catalogue, _photos(i, catalogue, seed) if i is newest else {})
                for i in generated
            ],
            source=source,
        )
        refused = [r for r in results if r.status != "created"]
        if refused:
            raise RuntimeError(f"The demo generator made records the store refuses: {refused[0]}")
        n_inspections += len(generated)
        n_ratings += sum(len(i.ratings) for i in generated)
        progress("Inspections (synthetic)", n, len(sites))
    return n_inspections, n_ratings, conditions


def _load_campaigns(
    sites: list[reference.SiteRecord],
    districts: dict[str, District],
    conditions: dict[str, dict[str, float]],
    seed: int,
    progress: Progress,
) -> tuple[int, int, int]:
    Answer.objects.filter(response__synthetic=True).delete()
    Response.objects.filter(synthetic=True).delete()
    Campaign.objects.filter(synthetic=True).delete()
    questionnaires = load_all()
    taken = set(Campaign.objects.values_list("code", flat=True)) | {DEMO_CAMPAIGN_CODE}
    unit_ids = dict(SchoolUnit.objects.values_list("code", "id"))
    units = [(site, unit) for site in sites for unit in site.units]
    n_campaigns = n_responses = n_answers = 0
    for n, (site, unit) in enumerate(units, 1):
        need = synthetic.unit_need(unit, _city_area(site, districts), seed)
        for camp in synthetic.campaigns_for_unit(
            unit, need, conditions.get(site.code, {}), questionnaires, seed, taken
        ):
            index_of = questionnaires[camp.questionnaire].item_index()
            row = Campaign.objects.create(
                code=camp.code,
                questionnaire=camp.questionnaire,
                unit_id=unit_ids[unit.code],
                respondent_group=camp.respondent_group,
                years=camp.years,
                opens_on=camp.opens_on,
                closes_on=camp.closes_on,
                synthetic=True,
            )
            responses = Response.objects.bulk_create(
                Response(campaign=row, submitted_on=day, language=lang, synthetic=True)
                for day, lang, _ in camp.responses
            )
            answers = [
                Answer(response=resp, item=item, index=index_of[item], value=value)
                for resp, (_, _, values) in zip(responses, camp.responses, strict=True)
                for item, value in values.items()
            ]
            Answer.objects.bulk_create(answers, batch_size=2000)
            n_campaigns += 1
            n_responses += len(responses)
            n_answers += len(answers)
        progress("Survey campaigns and answers (synthetic)", n, len(units))
    opened = _open_demo_campaign()
    return n_campaigns + opened[0], n_responses + opened[1], n_answers + opened[2]


DEMO_CAMPAIGN_CODE = "ENKAT6"
"""The demo's one known public code: README and `make serve` link to /s/ENKAT6."""
DEMO_OPEN_SHARE = 4
"""The open campaign starts with a quarter as many responses as its unit's closed one."""


def _open_demo_campaign() -> tuple[int, int, int]:
    """Open a pupils' campaign with the known code from today for a year, beside a closed
    one of the same unit, so the demo's survey link works whenever the demo is loaded.

    It is a campaign of its own, not the closed one moved: an opened campaign's dates are
    fixed, and its answers must stay out of results until it closes. A few answers copied
    from the closed campaign show planners its response count.
    """
    if Campaign.objects.filter(code=DEMO_CAMPAIGN_CODE, synthetic=False).exists():
        return 0, 0, 0
    closed = (
        Campaign.objects.filter(synthetic=True, questionnaire="pupils")
        .order_by("unit__name", "id")
        .first()
    )
    if closed is None:
        return 0, 0, 0
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        code=DEMO_CAMPAIGN_CODE,
        questionnaire=closed.questionnaire,
        unit=closed.unit,
        respondent_group=closed.respondent_group,
        years=closed.years,
        opens_on=today,
        closes_on=today + timedelta(days=365),
        synthetic=True,
    )
    sources = list(
        closed.responses.order_by("id")[: max(1, closed.responses.count() // DEMO_OPEN_SHARE)]
    )
    copies = Response.objects.bulk_create(
        Response(campaign=campaign, submitted_on=today, language=r.language, synthetic=True)
        for r in sources
    )
    answers = Answer.objects.bulk_create(
        Answer(response=copy, item=a.item, index=a.index, value=a.value)
        for source, copy in zip(sources, copies, strict=True)
        for a in source.answers.all()
    )
    return 1, len(copies), len(answers)
