"""GET /healthz: the database and the cache/broker, 200 when all answer, 503 otherwise."""
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _redis():
    if not settings.REDIS_URL:
        return "not configured (Celery runs tasks eagerly)"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    client.ping()
    return "ok"


def healthz(request):
    checks, healthy = {}, True
    for name, probe in (("database", _database), ("redis", _redis)):
        try:
            checks[name] = {"ok": True, "detail": probe()}
        except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
            healthy = False
            checks[name] = {"ok": False, "detail": exc.__class__.__name__}
    return JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks},
                        status=200 if healthy else 503)
