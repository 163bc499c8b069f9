from __future__ import annotations

from typing import Any

import pytest

from server.inspections.models import Inspection, InspectionRevision, Rating
from shared.catalogue import load_catalogue
from tests.server.inspections.conftest import Tablet, inspection_json

pytestmark = pytest.mark.django_db
N_ELEMENTS = len(load_catalogue().elements)


def results(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.content
    return [(r["uuid"], r["status"]) for r in response.json()["results"]]


def test_it_creates_a_new_inspection_with_all_its_ratings(tablet: Tablet, site: Any) -> None:
    record = inspection_json(site.code, grade="C")

    response = tablet.push(record)

    assert response.json() == {
        "results": [
            {"uuid": record["uuid"], "status": "created", "errors": [], "missing_photos": []}
        ]
    }
    stored = Inspection.objects.get(uuid=record["uuid"])
    assert (stored.revision, stored.site, stored.inspector.username) == (1, site, "inga")
    assert stored.device_name == "Platta 1"
    assert stored.ratings.count() == N_ELEMENTS
    roof = stored.ratings.get(element="roof")
    assert (roof.grade, roof.urgency, roof.quantity) == ("C", 2, 10.0)
    assert roof.estimated_cost_sek == load_catalogue().element("roof").repair_cost("C", 10.0)


def test_it_answers_unchanged_for_a_repeat_and_writes_nothing(tablet: Tablet, site: Any) -> None:
    record = inspection_json(site.code)
    tablet.push(record)
    before = list(Rating.objects.values_list("id", flat=True))

    assert results(tablet.push(record)) == [(record["uuid"], "unchanged")]
    assert Inspection.objects.count() == 1
    assert list(Rating.objects.values_list("id", flat=True)) == before


def test_it_replaces_ratings_on_a_higher_revision_and_keeps_the_old_one(
    tablet: Tablet, site: Any
) -> None:
    first = inspection_json(site.code, grade="B")
    tablet.push(first)
    second = {**inspection_json(site.code, uuid=first["uuid"], revision=2, grade="D")}

    assert results(tablet.push(second)) == [(first["uuid"], "updated")]
    stored = Inspection.objects.get()
    assert stored.revision == 2
    assert set(stored.ratings.values_list("grade", flat=True)) == {"D"}
    assert Rating.objects.count() == N_ELEMENTS
    history = InspectionRevision.objects.get()
    assert history.revision == 1
    assert {r["grade"] for r in history.payload["ratings"]} == {"B"}
    assert len(history.payload["ratings"]) == N_ELEMENTS


def test_it_refuses_a_lower_revision_as_stale(tablet: Tablet, site: Any) -> None:
    first = inspection_json(site.code, grade="B")
    tablet.push(inspection_json(site.code, uuid=first["uuid"], revision=3, grade="C"))

    response = tablet.push(first)

    assert results(response) == [(first["uuid"], "stale")]
    assert response.json()["results"][0]["errors"][0]["field"] == "revision"
    stored = Inspection.objects.get()
    assert stored.revision == 3
    assert set(stored.ratings.values_list("grade", flat=True)) == {"C"}


def test_it_refuses_other_content_under_the_same_revision_as_conflict(
    tablet: Tablet, site: Any
) -> None:
    first = inspection_json(site.code, grade="B")
    tablet.push(first)
    other = inspection_json(site.code, uuid=first["uuid"], grade="A")

    assert results(tablet.push(other)) == [(first["uuid"], "conflict")]
    assert set(Rating.objects.values_list("grade", flat=True)) == {"B"}
    assert not InspectionRevision.objects.exists()


def test_it_lists_every_error_of_an_invalid_record_and_stores_the_others(
    tablet: Tablet, site: Any
) -> None:
    good = inspection_json(site.code)
    bad = inspection_json("atlantis", n_ratings=3)
    bad["catalogue_version"] = "1999.1"
    bad["ratings"][0]["grade"] = "E"
    bad["ratings"][1]["position"] = {"lat": 95.0, "lon": 11.0, "accuracy_m": 3}
    bad["ratings"][2]["observed_at"] = "2026-09-14T08:00:00"

    response = tablet.push(bad, good)

    body = response.json()["results"]
    assert [r["status"] for r in body] == ["invalid", "created"]
    assert {e["field"] for e in body[0]["errors"]} == {
        "ratings.0.grade",
        "ratings.1.position.lat",
        "ratings.2.observed_at",
    }
    assert Inspection.objects.get().uuid.hex == good["uuid"].replace("-", "")


def test_it_checks_site_catalogue_element_and_clock_on_the_server(
    tablet: Tablet, site: Any
) -> None:
    unknown_site = inspection_json("atlantis", n_ratings=1)
    old_catalogue = {**inspection_json(site.code, n_ratings=1), "catalogue_version": "1999.1"}
    future = inspection_json(site.code, n_ratings=1)
    future["ratings"][0]["observed_at"] = "2099-01-01T00:00:00+00:00"
    unknown_element = inspection_json(site.code, n_ratings=1)
    unknown_element["ratings"][0]["element"] = "swimming_pool"

    body = tablet.push(unknown_site, old_catalogue, future, unknown_element).json()["results"]

    assert [r["status"] for r in body] == ["invalid"] * 4
    assert [[e["field"] for e in r["errors"]] for r in body] == [
        ["site"],
        ["catalogue_version"],
        ["ratings.0.observed_at"],
        ["ratings.0.element"],
    ]
    assert body[0]["errors"][0]["message"] == "unknown site 'atlantis'"
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("element", "quantity", "message"),
    [
        # m2 has the largest bound, so the wire model itself refuses it.
        ("roof", 200_001, "Input should be less than or equal to 200000"),
        (
            "fencing_traffic",
            50_000.5,
            "must be at most 50000 m for element 'fencing_traffic', got 50000.5",
        ),
        (
            "windows_doors",
            10_001,
            "must be at most 10000 st for element 'windows_doors', got 10001",
        ),
        ("accessibility", 2, "must be at most 1 site for element 'accessibility', got 2"),
    ],
)
def test_it_refuses_a_quantity_over_its_element_units_bound(
    tablet: Tablet, site: Any, element: str, quantity: float, message: str
) -> None:
    over = inspection_json(site.code, n_ratings=1)
    over["ratings"][0] |= {"element": element, "quantity": quantity}

    body = tablet.push(over).json()

    assert body == {
        "results": [
            {
                "uuid": over["uuid"],
                "status": "invalid",
                "errors": [{"field": "ratings.0.quantity", "message": message}],
                "missing_photos": [],
            }
        ]
    }
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("element", "quantity"),
    [
        ("roof", 200_000),
        ("fencing_traffic", 50_000),
        ("windows_doors", 10_000),
        ("accessibility", 1),
    ],
)
def test_it_stores_a_quantity_at_its_element_units_bound(
    tablet: Tablet, site: Any, element: str, quantity: float
) -> None:
    record = inspection_json(site.code, n_ratings=1)
    record["ratings"][0] |= {"element": element, "quantity": quantity}

    assert results(tablet.push(record)) == [(record["uuid"], "created")]
    assert Rating.objects.get().quantity == quantity


def test_it_judges_the_same_uuid_twice_in_one_batch_in_order(tablet: Tablet, site: Any) -> None:
    first = inspection_json(site.code, grade="B")
    second = inspection_json(site.code, uuid=first["uuid"], revision=2, grade="C")

    assert [s for _, s in results(tablet.push(first, second, first))] == [
        "created",
        "updated",
        "stale",
    ]
    assert Inspection.objects.get().revision == 2


def test_it_refuses_a_batch_of_more_than_200(tablet: Tablet, site: Any) -> None:
    batch = [inspection_json(site.code, n_ratings=1) for _ in range(201)]

    response = tablet.push(*batch)

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "inspections"
    assert not Inspection.objects.exists()


def test_it_survives_a_batch_that_is_not_objects(tablet: Tablet, site: Any) -> None:
    good = inspection_json(site.code)

    body = tablet.push("not an inspection", {"uuid": "x"}, good).json()["results"]  # type: ignore[arg-type]

    assert [r["status"] for r in body] == ["invalid", "invalid", "created"]
    assert body[1]["uuid"] == "x"


def test_it_names_photos_it_does_not_have_until_they_arrive(tablet: Tablet, site: Any) -> None:
    from server.inspections.models import Photo

    sha = "a" * 64
    record = inspection_json(site.code, photos=[sha])

    first = tablet.push(record).json()["results"][0]
    Photo.objects.create(sha256=sha, file="photos/aa/x.jpg", content_type="image/jpeg", size=1)
    again = tablet.push(record).json()["results"][0]

    assert (first["status"], first["missing_photos"]) == ("created", [sha])
    assert (again["status"], again["missing_photos"]) == ("unchanged", [])


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}],
)
def test_it_refuses_pushes_without_a_valid_token(
    client: Any, site: Any, headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/sync/inspections",
        data={"inspections": []},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_it_refuses_a_revoked_device(tablet: Tablet, site: Any) -> None:
    from server.accounts.models import Device
    from server.accounts.services import device_revoke

    device_revoke(device=Device.objects.get())

    assert tablet.push(inspection_json(site.code)).status_code == 401
    assert tablet.pull().status_code == 401
    assert not Inspection.objects.exists()


def test_it_needs_no_upload_for_a_photo_sent_before_its_inspection(
    tablet: Tablet, site: Any
) -> None:
    import hashlib
    from io import BytesIO

    from PIL import Image

    from server.inspections.photos import photo_store

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    data = buffer.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    photo_store(sha256=sha, data=data)

    result = tablet.push(inspection_json(site.code, photos=[sha])).json()["results"][0]

    assert (result["status"], result["missing_photos"]) == ("created", [])


SYNC_ENDPOINTS = [
    ("/api/v1/devices/enroll", "post", {"401", "422"}),
    ("/api/v1/sync/reference", "get", {"401", "422"}),
    ("/api/v1/sync/inspections", "post", {"401", "413", "422"}),
    ("/api/v1/photos/{sha256}", "put", {"400", "401", "413", "415"}),
]


@pytest.mark.parametrize(("path", "method", "errors"), SYNC_ENDPOINTS)
def test_it_documents_every_sync_endpoint_with_its_errors(
    client: Any, path: str, method: str, errors: set[str]
) -> None:
    operation = client.get("/api/v1/openapi.json").json()["paths"][path][method]

    assert errors <= set(operation["responses"])


@pytest.mark.parametrize(
    ("body", "fields"),
    [("{not json", ["request"]), ('{"records": []}', ["inspections", "records"])],
)
def test_it_answers_a_malformed_body_with_422(tablet: Tablet, body: str, fields: list[str]) -> None:
    response = tablet.client.post(
        "/api/v1/sync/inspections",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {tablet.token}"},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert [d["field"] for d in response.json()["details"]] == fields
    assert not Inspection.objects.exists()
