from django.test import Client, override_settings


def test_health_reports_database_and_broker_up(db):
    response = Client().get("/health")
    assert (response.status_code, response.json()) == (200, {"database": "up", "broker": "up"})


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_health_is_503_when_the_broker_is_unreachable(db):
    response = Client().get("/health")
    assert (response.status_code, response.json()) == (503, {"database": "up", "broker": "down"})


def test_task_progress_reads_the_state_progress_and_result_of_a_task(db, api, secretariat):
    from celery.result import AsyncResult

    from config.celery import app

    task_id = "test-progress-task"
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
