"""Logging in and out, passwords, lockout after failed logins, CSRF, and `createuser`."""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from planstatus.accounts.models import Membership
from tests.base import BaseTestCase

if TYPE_CHECKING:
    # Exists only in django-stubs: the test client's response type.
    from django.test.client import _MonkeyPatchedWSGIResponse


class LoginTests(BaseTestCase):
    def login(self, password: str, username: str = "owner") -> _MonkeyPatchedWSGIResponse:
        return self.client.post(reverse("login"), {"username": username, "password": password})

    def test_login_page_is_in_nynorsk(self) -> None:
        response = self.client.get(reverse("login"))
        self.assertContains(response, "Logg inn")
        self.assertContains(response, "Brukarnamn")

    def test_login_and_logout(self) -> None:
        response = self.login("owner-pass-123")
        self.assertRedirects(response, reverse("my_work"))
        self.assertContains(self.client.get(reverse("index")), "owner")
        self.client.post(reverse("logout"))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_wrong_password_gets_a_clear_message(self) -> None:
        response = self.login("wrong")
        self.assertContains(response, "Brukarnamnet eller passordet er feil")

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_repeated_failures_lock_the_user_out(self) -> None:
        for _ in range(3):
            self.login("wrong")
        response = self.login("owner-pass-123")  # even the right password is refused now
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "For mange forsøk", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # Another user from the same address is not locked out.
        self.assertRedirects(self.login("colleague-pass-123", "colleague"), reverse("my_work"))

    def test_change_password(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.post(
            reverse("password_change"),
            {
                "old_password": "owner-pass-123",
                "new_password1": "ein-heilt-ny-lang-frase",
                "new_password2": "ein-heilt-ny-lang-frase",
            },
        )
        self.assertRedirects(response, reverse("password_change_done"))
        self.owner.refresh_from_db()
        self.assertTrue(self.owner.check_password("ein-heilt-ny-lang-frase"))

    def test_password_reset_by_email(self) -> None:
        self.owner.email = "owner@example.org"
        self.owner.save()
        response = self.client.post(reverse("password_reset"), {"email": "owner@example.org"})
        self.assertRedirects(response, reverse("password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("Planstatus", mail.outbox[0].subject)
        link = next(line for line in mail.outbox[0].body.splitlines() if "/konto/reset/" in line)
        path = link.split("://", 1)[1].split("/", 1)[1]
        response = self.client.get("/" + path, follow=True)
        self.assertContains(response, "Vel nytt passord")

    def test_forms_need_a_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.owner)
        response = client.post(
            reverse("measure_status", args=["testdal", "regionplan", self.measure.pk]),
            {"status": "done"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.measure.status_updates.exists())


class CreateUserCommandTests(BaseTestCase):
    def test_creates_a_secretariat_user_with_generated_password(self) -> None:
        out = StringIO()
        call_command(
            "createuser", "kari", "--region", "testdal", "--role", "secretariat",
            "--generate-password", stdout=out,
        )  # fmt: skip
        password = out.getvalue().split("Passord: ")[1].strip()
        user = get_user_model().objects.get(username="kari")
        self.assertTrue(user.check_password(password))
        self.assertEqual(Membership.objects.get(user=user).role, Membership.Role.SECRETARIAT)

    def test_creates_an_installation_admin(self) -> None:
        call_command(
            "createuser", "ole", "--admin", "--password", "ein-lang-frase-her", stdout=StringIO()
        )
        self.assertTrue(get_user_model().objects.get(username="ole").is_superuser)

    def test_refuses_bad_input_and_writes_nothing(self) -> None:
        before = get_user_model().objects.count()
        cases = [
            ["owner", "--admin", "--password", "ein-lang-frase-her"],  # exists
            ["per", "--region", "nowhere", "--role", "reader", "--password", "ein-lang-frase"],
            ["per", "--password", "ein-lang-frase-her"],  # neither role nor admin
            ["per", "--admin", "--password", "123"],  # too weak
        ]
        for args in cases:
            with self.assertRaises(CommandError, msg=str(args)):
                call_command("createuser", *args, stdout=StringIO())
        self.assertEqual(get_user_model().objects.count(), before)
