"""`docker-compose up --scale worker=N` is the documented way to add capacity: the worker
service must be safe to run N times, and beat must stay a single separate service."""
from pathlib import Path

import yaml
from django.conf import settings

COMPOSE = Path(settings.BASE_DIR) / "docker-compose.yml"


def _services():
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_the_worker_can_be_scaled():
    worker = _services()["worker"]
    # A fixed name or a published host port would make the second copy fail to start.
    assert "container_name" not in worker and "ports" not in worker
    command = worker["command"]
    assert command.startswith("celery -A portal worker")
    assert "--max-tasks-per-child" in command  # memory stays bounded in long runs
    assert "beat" not in command and " -B" not in command  # never a beat inside a worker
    assert "$$HOSTNAME" in " ".join(worker["healthcheck"]["test"])  # pings itself only


def test_beat_is_one_separate_service():
    services = _services()
    beats = [name for name, service in services.items()
             if "beat" in str(service.get("command", ""))]
    assert beats == ["beat"]
    assert "deploy" not in services["beat"]  # no replicas
