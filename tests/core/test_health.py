from django.test import Client, override_settings


def test_health_reports_database_and_broker_up(db):
    response = Client().get("/health")
    assert (response.status_code, response.json()) == (200, {"database": "up", "broker": "up"})


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_health_is_503_when_the_broker_is_unreachable(db):
    response = Client().get("/health")
    assert (response.status_code, response.json()) == (503, {"database": "up", "broker": "down"})
