"""Production settings pass Django's deployment checks and refuse to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        GOLDEN_THREAD_DEMO="false",
        GOLDEN_THREAD_VAR_DIR=str(tmp_path),
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="performance.example.gov.uk",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", GOLDEN_THREAD_DEMO="false", GOLDEN_THREAD_VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_a_weak_secret_key(tmp_path):
    result = manage(
        "check",
        GOLDEN_THREAD_DEMO="false",
        GOLDEN_THREAD_VAR_DIR=str(tmp_path),
        DJANGO_SECRET_KEY="changeme",
        DJANGO_ALLOWED_HOSTS="performance.example.gov.uk",
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak for production" in result.stderr
