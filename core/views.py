from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


def _database_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "down"; the details stay out of a public answer
        return False


def _broker_up() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=settings.HEALTH_BROKER_TIMEOUT
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_BROKER_TIMEOUT)
        return True
    except Exception:
        return False


@never_cache
@require_GET
def health(request):
    """``{"database": "up"|"down", "broker": "up"|"down"}``; 503 if anything is down."""
    checks = {"database": _database_up(), "broker": _broker_up()}
    body = {name: "up" if ok else "down" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
