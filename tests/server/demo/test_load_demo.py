from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count
from django.http import HttpRequest
from django.test import Client

from server.campaigns.models import Answer, Campaign, Response
from server.inspections.models import Assignment, Inspection, Rating
from server.schools.models import District, SchoolUnit, Site
from shared.catalogue import load_catalogue
from surveys.questionnaire import load_all

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            District,
            Site,
            SchoolUnit,
            Inspection,
            Rating,
            Campaign,
            Response,
            Answer,
            Assignment,
            User,
        )
    }


def updated_at() -> dict[str, object]:
    return {
        **{f"site {c}": t for c, t in Site.objects.values_list("code", "updated_at")},
        **{f"unit {c}": t for c, t in SchoolUnit.objects.values_list("code", "updated_at")},
    }


def test_it_loads_the_city_idempotently_and_flags_everything_synthetic() -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = counts()
    first_hashes = dict(Inspection.objects.values_list("uuid", "content_hash"))
    stamps = updated_at()
    call_command("load_demo", stdout=StringIO())

    assert counts() == first
    # Not even updated_at moves: the tablets' next reference pull stays empty.
    assert updated_at() == stamps
    assert dict(Inspection.objects.values_list("uuid", "content_hash")) == first_hashes
    assert (first["District"], first["Site"], first["SchoolUnit"]) == (40, 138, 172)
    areas = District.objects.filter(kind=District.Kind.CITY_AREA)
    assert sorted(areas.values_list("code", flat=True)) == [
        "centrum", "hisingen", "nordost", "sydvast",
    ]  # fmt: skip
    districts = District.objects.filter(kind=District.Kind.DISTRICT)
    assert districts.count() == 36 and not districts.filter(parent__isnull=True).exists()
    assert all(
        d["type"] in {"Polygon", "MultiPolygon"}
        for d in District.objects.values_list("boundary", flat=True)
    )
    assert 200 <= first["Inspection"] <= 600
    assert first["Response"] >= 3000
    assert not Site.objects.filter(attributes_synthetic=False).exists()
    assert not SchoolUnit.objects.filter(need_synthetic=False).exists()
    assert not Inspection.objects.filter(synthetic=False).exists()
    assert not Campaign.objects.filter(synthetic=False).exists()
    assert not Response.objects.filter(synthetic=False).exists()
    text = out.getvalue()
    assert "Inspections (synthetic): 138/138" in text
    assert "admin / skolmiljo-admin" in text


def test_it_generates_data_a_planner_can_work_with() -> None:
    call_command("load_demo", stdout=StringIO())
    catalogue = load_catalogue()

    # Every element of the catalogue is rated in every inspection (some as not present).
    per_inspection = Inspection.objects.annotate(n=Count("ratings__element", distinct=True))
    assert {i.n for i in per_inspection} == {len(catalogue.elements)}
    grades = dict(Rating.objects.values_list("grade").annotate(n=Count("id")))
    assert set(grades) >= {"A", "B", "C", "D"}
    # C and D carry an urgency, A and B none; some are safety issues to act on now.
    assert not Rating.objects.filter(grade__in=["C", "D"], urgency=None).exists()
    assert not Rating.objects.filter(grade__in=["A", "B"]).exclude(urgency=None).exists()
    urgent = set(Rating.objects.filter(urgency=1).values_list("element", flat=True))
    assert urgent and all(catalogue.element(code).safety_relevant for code in urgent)
    # Costs follow the catalogue's rates.
    rating = Rating.objects.filter(grade="D").exclude(quantity=None).first()
    assert rating is not None
    expected = catalogue.element(rating.element).repair_cost("D", rating.quantity)
    assert rating.estimated_cost_sek == pytest.approx(expected)
    # Some sites are not inspected yet, so the ranking has missing data to flag.
    assert Site.objects.filter(inspections=None).exists()
    # Answers follow the questionnaires and sit in the one-row-per-respondent-and-item shape.
    questionnaires = load_all()
    for campaign in Campaign.objects.all()[:20]:
        items = questionnaires[campaign.questionnaire].item_index()
        answers = Answer.objects.filter(response__campaign=campaign)
        assert set(answers.values_list("item", flat=True)) <= set(items)
        assert all(items[a.item] == a.index for a in answers[:50])
    assert Answer.objects.filter(value=None).exists()  # some "vet inte"
    # The inspector has a round of a few dozen sites.
    assert Assignment.objects.filter(inspector__username="inspector").count() == 36


def test_it_signs_in_the_demo_users_and_shows_the_synthetic_banner() -> None:
    call_command("load_demo", stdout=StringIO())
    client = Client()

    page = client.get("/").content.decode()
    assert "syntetiska" in page
    assert "<dd>138</dd>" in page
    assert client.login(request=HttpRequest(), username="admin", password="skolmiljo-admin")
    assert client.get("/admin/schools/site/").status_code == 200
    assert "Bergsjöskolan" in client.get("/admin/schools/site/?q=bergsj").content.decode()
    assert client.login(request=HttpRequest(), username="planner", password="skolmiljo-planner")
    assert client.login(request=HttpRequest(), username="inspector", password="skolmiljo-inspector")
    assert User.objects.get(username="planner").groups.filter(name="planner").exists()


def test_it_ranks_and_plans_the_demo_city() -> None:
    from django.contrib.auth.models import User as DjangoUser

    call_command("load_demo", stdout=StringIO())
    client = Client()
    client.force_login(DjangoUser.objects.get(username="planner"))

    ranking = client.get("/api/v1/ranking").json()
    plan = client.get("/api/v1/plan", {"budget": 60_000_000, "years": 5, "start_year": 2027}).json()

    assert len(ranking["sites"]) == 138
    assert ranking["synthetic"] is True
    assert [s["rank"] for s in ranking["sites"][:3]] == [1, 2, 3]
    assert 10 <= sum(s["act_now"] for s in ranking["sites"]) <= 25  # some, not most
    assert any("condition" in s["missing"] for s in ranking["sites"])  # not yet inspected
    assert sum(1 for s in ranking["sites"] if s["has_survey"]) > 100
    assert all(y["spent"] <= 60_000_000 for y in plan["years"])
    assert plan["items"] and plan["assumptions"]["synthetic_data"] is True
