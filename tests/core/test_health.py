from django.test import Client, override_settings


def test_health_reports_database_and_broker_up(db):
    response = Client().get("/health")
    assert (response.status_code, response.json()) == (200, {"database": "up", "broker": "up"})


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_health_is_503_when_the_broker_is_unreachable(db):
    response = Client().get("/health")
    assert (response.status_code, response.json()) == (503, {"database": "up", "broker": "down"})


def test_task_progress_reads_the_state_progress_and_result_of_a_task(
    db, api, secretariat, outsider
):
    from celery.result import AsyncResult

    from config.celery import app
    from core.models import StartedTask

    task_id = "test-progress-task"
    StartedTask.objects.create(task_id=task_id, name="x", started_by=outsider.user)
    app.backend.store_result(task_id, {"done": 3, "total": 8, "stage": "issuing"}, "PROGRESS")
    client = api.as_(secretariat)
    try:
        assert client.get(f"/api/v1/tasks/{task_id}").json() == {
            "id": task_id,
            "state": "PROGRESS",
            "progress": {"done": 3, "total": 8, "stage": "issuing"},
            "result": None,
        }
        app.backend.store_result(task_id, {"reissued": 8}, "SUCCESS")
        assert client.get(f"/api/v1/tasks/{task_id}").json() == {
            "id": task_id,
            "state": "SUCCESS",
            "progress": None,
            "result": {"reissued": 8},
        }
    finally:
        AsyncResult(task_id).forget()


def test_task_progress_is_for_its_starter_and_the_secretariat(
    db, api, secretariat, supervisor, outsider, chair
):
    """Started by one person: they and the secretariat follow it; anyone else,
    and any id nobody started, gets 404 (API and web)."""
    from celery.result import AsyncResult

    from config.celery import app
    from core.models import StartedTask

    task_id = "someone-elses-task"
    StartedTask.objects.create(task_id=task_id, name="x", started_by=supervisor.user)
    app.backend.store_result(task_id, {"reissued": 2}, "SUCCESS")
    unrecorded = "a-task-nobody-started"
    app.backend.store_result(unrecorded, {"reissued": 2}, "SUCCESS")
    try:
        for person, code in ((supervisor, 200), (secretariat, 200), (outsider, 404), (chair, 404)):
            assert api.as_(person).get(f"/api/v1/tasks/{task_id}").status_code == code, person
            web = Client()
            web.force_login(person.user)
            assert web.get(f"/tasks/{task_id}").status_code == code, person
        assert api.as_(secretariat).get(f"/api/v1/tasks/{unrecorded}").status_code == 404
        assert api.as_(None).get(f"/api/v1/tasks/{task_id}").status_code == 401
    finally:
        AsyncResult(task_id).forget()
        AsyncResult(unrecorded).forget()


def test_a_started_task_records_who_started_it_and_what_it_is(db, api, secretariat, cycle):
    from config.celery import app
    from core.models import StartedTask

    response = api.as_(secretariat).post(
        f"/api/v1/cycles/{cycle.pk}/reissue-certificates", {"reason": "New emblem"}, format="json"
    )
    assert response.status_code == 202
    record = StartedTask.objects.get(task_id=response.json()["id"])
    assert (record.started_by, record.name) == (secretariat.user, "certificates.reissue_cycle")
    app.control.purge()  # no worker here: the job is not run
