"""docker-compose.yml is checked by reading (no Docker engine here) and by
running Django's deployment checks with the environment it gives the app."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from django.conf import settings

COMPOSE_TEXT = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]


def _defaults(value: str) -> str:
    """``${NAME:-default}`` as compose would substitute it with NAME unset."""
    return re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", str(value))


def test_only_the_worker_holds_the_signing_key():
    for name, service in SERVICES.items():
        secrets = set(service.get("secrets", []))
        environment = service.get("environment", {})
        holds = {"signing_key", "signing_passphrase"} & secrets or any(
            key.startswith("CERTIFICATE_SIGNING_KEY") or key.startswith("CERTIFICATE_SIGNING_PASS")
            for key in environment
        )
        assert bool(holds) == (name == "worker-certificates"), name


def test_the_proxy_is_the_only_way_in_and_the_only_one_believed():
    published = {name for name, s in SERVICES.items() if s.get("ports")}
    assert published == {"proxy"}
    proxy_ip = SERVICES["proxy"]["networks"]["edge"]["ipv4_address"]
    web = SERVICES["web"]
    assert web["command"][web["command"].index("--forwarded-allow-ips") + 1] == proxy_ip
    assert web["environment"]["TRUSTED_PROXIES"] == proxy_ip
    caddyfile = (Path(settings.BASE_DIR) / "deploy" / "Caddyfile").read_text()
    assert "max_size" in caddyfile
    assert "read_header" in caddyfile
    assert "respond /metrics 404" in caddyfile  # scraped inside the network only
    assert re.search(r"dynamic a \{\s+name web\s+port 8000", caddyfile)  # every replica


def test_images_are_pinned_and_beat_is_watched():
    for name, service in SERVICES.items():
        image = service.get("image", "")
        tag = image.rsplit(":", 1)[-1] if ":" in image else ""
        assert tag, name
        assert tag not in ("latest",), name
        if "build" not in service:
            # a version, not a moving major; MinIO names its releases by date
            assert re.match(r"v?\d+\.\d+|RELEASE\.\d{4}-\d\d-\d\dT", tag), (name, image)
    assert "healthcheck" in SERVICES["beat"]


def test_check_deploy_is_clean_with_the_compose_environment(tmp_path):
    # The test process's own switches (the browser tests allow async-unsafe
    # calls) are not the deployment's.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE", "CELERY", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    for key, value in SERVICES["web"]["environment"].items():
        if not key.endswith("_FILE") and not key.startswith(("CERTIFICATE", "CACHE", "CELERY")):
            env[key] = _defaults(value)
    secret = tmp_path / "key"
    secret.write_text("k" * 10 + "9Zq_r-Tx" * 8)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        SECRET_KEY_FILE=str(secret),
        DATABASE_URL="sqlite:///" + str(tmp_path / "db.sqlite3"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        check=False,
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_app_process_keeps_files_in_the_private_bucket_not_on_its_disk():
    apps = {name: s for name, s in SERVICES.items() if "build" in s}
    assert {"web", "worker", "beat", "migrate"} <= set(apps)
    for name, service in apps.items():
        environment = service["environment"]
        assert _defaults(environment["S3_BUCKET"]) == "apresiasi", name
        assert _defaults(environment["S3_ENDPOINT_URL"]) == "http://minio:9000", name
        assert {"s3_access_key", "s3_secret_key"} <= set(service["secrets"]), name
        assert "MEDIA_ROOT" not in environment, name
        assert not service.get("volumes"), name
    init = SERVICES["minio-init"]
    assert "mc mb --ignore-existing" in init["entrypoint"][-1]
    assert "mc anonymous set none" in init["entrypoint"][-1]  # no public reads
    assert init["depends_on"]["minio"]["condition"] == "service_healthy"
    assert "minio" not in {n for n, s in SERVICES.items() if s.get("ports")}


def test_a_worker_per_queue_and_two_web_replicas():
    from django.conf import settings as django_settings

    queues = {q.name for q in django_settings.CELERY_TASK_QUEUES}
    assert queues == {"celery", "certificates", "webhooks", "mail"}
    consumed = {}
    for name, service in SERVICES.items():
        command = service.get("command", [])
        if command[:4] == ["celery", "-A", "config", "worker"]:
            consumed[name] = command[command.index("-Q") + 1]
    # every queue has a worker of its own, and each worker one queue
    assert sorted(consumed.values()) == sorted(queues)
    routed = {route["queue"] for route in django_settings.CELERY_TASK_ROUTES.values()}
    assert routed == queues - {"celery"}
    assert SERVICES["web"]["deploy"]["replicas"] == 2


def test_every_app_process_reaches_postgresql_through_pgbouncer():
    ini = (Path(settings.BASE_DIR) / "deploy" / "pgbouncer.ini").read_text()
    assert re.search(r"^pool_mode = transaction$", ini, re.M)
    assert re.search(r"^max_prepared_statements = [1-9]", ini, re.M)  # prepared statements kept
    assert "pgbouncer:6432" in COMPOSE_TEXT  # the database URL the secrets commands write
    for name, service in SERVICES.items():
        if "build" in service:
            assert service["environment"]["DATABASE_DISABLE_SERVER_SIDE_CURSORS"] == "true", name
            assert "db" not in service.get("depends_on", {}), name
    assert SERVICES["pgbouncer"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert {"jit=off", "work_mem=16MB"} <= set(SERVICES["db"]["command"])
