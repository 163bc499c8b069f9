"""POST /api/v1/plan with the planner's controls, the joint plan's fields in the answer,
and the equity frontier (GET /api/v1/plan/frontier) on the task queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from shared.catalogue import load_catalogue

pytestmark = pytest.mark.django_db

BASE = {"budget": 60_000, "years": 3, "start_year": 2027}
ALPHAS = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0]


def post(planner: Client, **body: Any) -> Any:
    return planner.post("/api/v1/plan", {**BASE, **body}, content_type="application/json")


def safety_element() -> str:
    # The small city's one urgency-1 rating is on the catalogue's first element.
    return load_catalogue().elements[0].code


def an_ordinary_item(planner: Client) -> dict[str, Any]:
    body = planner.get("/api/v1/plan", BASE).json()
    return next(i for i in body["items"] if not i["safety"])


def test_a_pinned_item_is_done_in_its_year_and_says_so(
    planner: Client, city: dict[str, Any]
) -> None:
    item = an_ordinary_item(planner)
    pin = {"site": "gamla", "element": item["element"], "location": item["location"], "year": 2029}

    response = post(planner, pins=[pin])

    assert response.status_code == 200, response.json()
    body = response.json()
    placed = [i for i in body["items"] if i["element"] == item["element"]]
    assert [i["year"] for i in placed] == [2029]
    assert placed[0]["reason_code"] == "pinned"
    [control] = body["controls"]
    assert control["kind"] == "pin" and control["items"] == 1 and control["year"] == 2029


def test_an_excluded_item_is_never_funded(planner: Client, city: dict[str, Any]) -> None:
    item = an_ordinary_item(planner)

    body = post(planner, exclusions=[{"site": "gamla", "element": item["element"]}]).json()

    assert item["element"] not in {i["element"] for i in body["items"]}
    assert body["controls"][0]["kind"] == "exclusion"


def test_an_overridden_cost_is_the_cost_used(planner: Client, city: dict[str, Any]) -> None:
    item = an_ordinary_item(planner)
    override = {"site": "gamla", "element": item["element"], "location": "", "cost_sek": 1234}

    body = post(planner, overrides=[override], budget=10_000_000).json()

    [placed] = [i for i in body["items"] if i["element"] == item["element"]]
    assert placed["cost"] == pytest.approx(1234)
    assert body["controls"][0]["kind"] == "override"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pins": [{"site": "nowhere", "year": 2027}]}, "pins"),
        ({"pins": [{"site": "gamla", "year": 2040}]}, "pins"),
        ({"pins": [{"site": "gamla", "location": "", "year": 2027}]}, "pins"),
        ({"exclusions": [{"site": "gamla", "location": ""}]}, "exclusions"),
        ({"exclusions": [{"site": "gamla", "element": "no_such_element"}]}, "exclusions"),
        (
            {"overrides": [{"site": "gamla", "element": "roof", "location": "", "cost_sek": -1}]},
            "cost_sek",
        ),
        ({"pins": [{"site": "gamla", "year": 2027}] * 1001}, "pins"),
        ({"floor": 101}, "floor"),
        ({"mobilisation": -1}, "mobilisation"),
        ({"method": "fastest"}, "method"),
        ({"method": "yearly", "mobilisation": 10_000}, "mobilisation"),
    ],
)
def test_a_control_it_cannot_honour_is_refused_by_name(
    planner: Client, city: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    response = post(planner, **body)

    assert response.status_code == 422
    assert field in {d["field"].split(".")[-1] for d in response.json()["details"]} | {
        d["field"].split(".")[0] for d in response.json()["details"]
    }, response.json()


def test_excluding_a_safety_item_is_refused(planner: Client, city: dict[str, Any]) -> None:
    item = {"site": "gamla", "element": safety_element(), "location": ""}

    response = post(planner, exclusions=[item])

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "exclusions"


def test_the_answer_carries_the_joint_plans_figures(planner: Client, city: dict[str, Any]) -> None:
    body = planner.get("/api/v1/plan", BASE).json()

    assert body["assumptions"]["method"] == "joint"
    assert body["total_benefit_pupil_years"] == pytest.approx(
        sum(i["pupil_years"] for i in body["items"])
    )
    assert body["total_benefit_pupil_years"] > 0
    assert 0 <= body["mip_gap"] <= 0.01
    for year in body["years"]:
        assert year["safety_share"] == pytest.approx(year["safety_spent"] / year["budget"])
        assert year["left_for_weighted"] == pytest.approx(year["budget"] - year["safety_spent"])
    assert body["floor"] is None and body["controls"] == []


@pytest.mark.parametrize("method", ["yearly", "greedy"])
def test_the_yearly_methods_stay_available(
    planner: Client, city: dict[str, Any], method: str
) -> None:
    body = planner.get("/api/v1/plan", {**BASE, "method": method}).json()

    assert body["assumptions"]["method"] == method
    assert body["mip_gap"] is None


def test_the_floor_is_reported(planner: Client, city: dict[str, Any]) -> None:
    body = planner.get("/api/v1/plan", {**BASE, "floor": 30}).json()

    # The highest-need quarter of pupils is Nya skolan's, which has nothing to repair: no
    # plan can send it 30 % of the spend, and the answer says so instead of failing.
    assert body["floor"]["share"] == pytest.approx(0.3)
    assert body["floor"]["status"] == "infeasible"
    assert "30%" in body["floor"]["reason"]
    assert body["items"]  # the plan is made without the floor


def test_the_frontier_is_computed_on_the_queue_and_kept(
    planner: Client, city: dict[str, Any]
) -> None:
    cache.clear()
    body = planner.get("/api/v1/plan", BASE).json()

    frontier = body["equity_frontier"]
    assert frontier["status"] == "ready"  # the demo's queue runs tasks in-process
    assert [p["alpha"] for p in frontier["points"]] == ALPHAS
    for point in frontier["points"]:
        assert 0 <= point["top_quartile_spend_share"] <= 1
        assert 0 <= point["top_quartile_benefit_share"] <= 1
        assert point["total_benefit"] >= 0
    alone = planner.get("/api/v1/plan/frontier", {**BASE, "alpha": 3}).json()
    assert alone["points"] == frontier["points"]  # alpha is what it varies: one key
    assert alone["computed_at"] == frontier["computed_at"]  # kept, not computed again


def test_the_frontier_is_computed_again_after_the_data_change(
    planner: Client, city: dict[str, Any]
) -> None:
    from server.core.data_version import bump

    before = planner.get("/api/v1/plan/frontier", BASE).json()
    bump()

    after = planner.get("/api/v1/plan/frontier", BASE).json()

    assert before["status"] == after["status"] == "ready"
    assert after["computed_at"] > before["computed_at"]


def test_the_frontier_status_answers_before_it_is_ready(
    planner: Client, city: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.planning import plan_tasks

    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(plan_tasks.plan_frontier, "delay", lambda *args: sent.append(args))
    cache.clear()

    first = planner.get("/api/v1/plan/frontier", BASE).json()
    again = planner.get("/api/v1/plan/frontier", BASE).json()

    assert first["status"] == again["status"] == "queued"
    assert first["points"] is None
    assert len(sent) == 1  # queued once, not on every poll


def test_a_worker_finds_the_frontier_task() -> None:
    from server.celery import app

    app.loader.import_default_modules()  # what `celery -A server worker` does at start

    assert {"planning.plan_frontier", "planning.recompute_rankings"} <= set(app.tasks)


def test_a_failed_frontier_is_tried_again_after_a_minute(
    planner: Client, city: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.planning import frontier

    cache.clear()
    monkeypatch.setattr(frontier, "equity_frontier", lambda *a, **k: 1 / 0)
    failed = planner.get("/api/v1/plan/frontier", BASE).json()
    monkeypatch.undo()
    kept = planner.get("/api/v1/plan/frontier", BASE).json()
    monkeypatch.setattr(frontier, "FAILED_SECONDS", -1)  # the minute has passed

    again = planner.get("/api/v1/plan/frontier", BASE).json()

    assert failed["status"] == kept["status"] == "failed"
    assert again["status"] == "ready" and len(again["points"]) == len(ALPHAS)


def test_a_frontier_made_on_the_previous_datas_ranking_is_not_kept(
    planner: Client, city: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from server.planning import services

    cache.clear()
    basis = services.plan_basis
    monkeypatch.setattr(
        services,
        "plan_basis",
        lambda inputs: dataclasses.replace(
            basis(inputs), ranking=dataclasses.replace(basis(inputs).ranking, stale=True)
        ),
    )

    state = planner.get("/api/v1/plan/frontier", BASE).json()

    assert state["status"] == "queued" and state["points"] is None


def test_compare_shows_the_floor_and_the_controls_a_saved_plan_was_made_with(
    planner: Client, city: dict[str, Any]
) -> None:
    item = an_ordinary_item(planner)
    pin = {"site": "gamla", "element": item["element"], "location": "", "year": 2029}
    saved = [
        planner.post(
            "/api/v1/plans",
            {"name": name, "params": {**BASE, **params}},
            content_type="application/json",
        ).json()["id"]
        for name, params in (("A", {"floor": 20, "pins": [pin]}), ("B", {}))
    ]

    body = planner.get("/api/v1/plans/compare", {"a": saved[0], "b": saved[1]}).json()

    rows = {row["name"]: row for row in body["inputs"]}
    assert (rows["floor"]["a"], rows["floor"]["b"], rows["floor"]["differs"]) == (20, None, True)
    assert rows["controls"]["a"].startswith("1 ") and rows["controls"]["b"] is None
    assert body["schools"]
