"""Production mode: Django's deployment checks pass, and the security headers are sent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.test import TestCase
from django.urls import reverse


def production_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        PLANSTATUS_DEBUG="false",
        PLANSTATUS_DATA_DIR=str(tmp),
        PLANSTATUS_SECRET_KEY="x" * 20 + "a-long-and-random-production-key-9f8e7d6c5b4a",
        PLANSTATUS_ALLOWED_HOSTS="planstatus.example.org",
        PLANSTATUS_EMAIL_BACKEND="smtp",
    )
    env.update(extra)
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    planstatus = Path(sys.executable).with_name("planstatus")
    return subprocess.run(
        [str(planstatus), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    result = check_deploy(production_env(tmp_path, PLANSTATUS_CACHE_URL="redis://127.0.0.1:1/0"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_when_the_cache_is_not_shared_between_servers(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    for cache_url in ("", "locmem://"):
        result = check_deploy(production_env(tmp_path, PLANSTATUS_CACHE_URL=cache_url))
        assert result.returncode != 0
        assert "planstatus.W003" in result.stderr + result.stdout
        assert "PLANSTATUS_CACHE_URL=redis://" in result.stderr + result.stdout


def test_check_deploy_warns_about_mail_files_and_an_open_data_folder(tmp_path: Path) -> None:
    # The file backend leaves live links on disk and sends nothing: development only.
    tmp_path.chmod(0o700)
    redis = "redis://127.0.0.1:1/0"
    result = check_deploy(
        production_env(tmp_path, PLANSTATUS_EMAIL_BACKEND="file", PLANSTATUS_CACHE_URL=redis)
    )
    assert result.returncode != 0
    assert "planstatus.W001" in result.stderr + result.stdout
    assert "planstatus.W002" not in result.stderr + result.stdout
    # A data folder from before the folder was made private.
    tmp_path.chmod(0o755)
    result = check_deploy(production_env(tmp_path, PLANSTATUS_CACHE_URL=redis))
    assert result.returncode != 0
    assert "planstatus.W002" in result.stderr + result.stdout


def test_production_settings_secure_cookies_and_hsts(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    planstatus = Path(sys.executable).with_name("planstatus")
    result = subprocess.run(
        [str(planstatus), "shell", "-c", code],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.splitlines()[-1].split() == ["True", "True", "True", "True", "False"], (
        result.stdout + result.stderr
    )


class SecurityHeaderTests(TestCase):
    def test_content_security_policy_and_friends(self) -> None:
        response = self.client.get(reverse("login"))
        csp = response["Content-Security-Policy"]
        self.assertIn("default-src 'self'", csp)
        self.assertIn("script-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
