"""Production settings and the security headers every response carries."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from .conftest import ROOT

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "imr.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://imr.example.com",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process; a deployment never has it.
    dropped = ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "IMR_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_secret_key_is_required_when_debug_is_off(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env={**env, "IMR_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.django_db
def test_every_page_forbids_inline_script_and_framing(client, data_dir):
    for url in ("/search/", "/search/help/", "/api/search?q=mri", "/accounts/login/", "/determinations/nope/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_https_settings_follow_the_setting(settings):
    from django.conf import settings as live

    assert live.SESSION_COOKIE_HTTPONLY
    assert live.IMR_HTTPS is False  # tests run with DEBUG on: the development default
    assert not live.SESSION_COOKIE_SECURE and live.SECURE_HSTS_SECONDS == 0


def test_https_is_on_by_default_in_production(tmp_path):
    script = ("from django.conf import settings as s; "
              "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)")
    result = manage("shell", "-c", script, env={**PRODUCTION, "IMR_DATA_DIR": str(tmp_path)})
    assert result.stdout.split()[-4:] == ["True", "True", "31536000", "True"], result.stdout + result.stderr


@pytest.mark.django_db
def test_each_request_is_logged_on_one_line_with_its_time(client, data_dir, caplog):
    with caplog.at_level(logging.INFO, logger="imr.request"):
        client.get("/search/", {"q": "norco"})
    lines = [r.getMessage() for r in caplog.records if r.name == "imr.request"]
    assert len(lines) == 1
    assert lines[0].startswith("GET /search/?q=norco 200 ") and "ms user=-" in lines[0]


@pytest.mark.django_db
def test_an_overlong_query_and_an_absurd_page_are_refused_politely(client, data_dir):
    assert client.get("/search/", {"q": "x" * 5000}).status_code == 400
    assert client.get("/api/search", {"q": "x" * 5000}).status_code == 400
    assert client.get("/search/", {"q": "mri", "page": "9" * 30}).status_code == 400


def test_nothing_can_be_uploaded():
    from django.urls import get_resolver

    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any("upload" in p for p in patterns)
