"""Behind a reverse proxy, the lockout, the reporting-link log and the page caching see the
person, not the proxy; and a signed-in person's pages are never kept by a shared cache."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.reporting.actions.links import issue_link
from planstatus.reporting.models import ReportingLinkUse, ReportingRound
from tests.base import BaseTestCase

PROXY = "127.0.0.1"
BEHIND_NGINX = override_settings(
    BEHIND_PROXY=True, TRUSTED_PROXIES=[PROXY, "10.0.0.0/8"], AXES_FAILURE_LIMIT=3
)


class ClientAddressTests(BaseTestCase):
    def login(self, password: str, *, remote: str = PROXY, forwarded: str = "") -> int:
        response = self.client.post(
            reverse("login"),
            {"username": "owner", "password": password},
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        self.client.logout()
        return response.status_code

    @BEHIND_NGINX
    def test_one_person_cannot_lock_out_another_through_the_proxy(self) -> None:
        for _ in range(3):
            self.login("feil", forwarded="203.0.113.9")
        self.assertEqual(self.login("owner-pass-123", forwarded="203.0.113.9"), 429)
        # The owner, elsewhere, behind the same proxy, still gets in.
        self.assertEqual(self.login("owner-pass-123", forwarded="198.51.100.7"), 302)

    @BEHIND_NGINX
    def test_the_forwarded_header_is_trusted_only_from_our_proxies(self) -> None:
        for _ in range(3):
            self.login("feil", forwarded="203.0.113.9")
        # A client that writes its own X-Forwarded-For is still the address nginx saw:
        # nginx appends that address after whatever the client wrote.
        self.assertEqual(self.login("owner-pass-123", forwarded="198.51.100.7, 203.0.113.9"), 429)
        # Through two of our proxies (nginx in front of a load balancer at 10.1.2.3).
        self.assertEqual(self.login("owner-pass-123", forwarded="203.0.113.9, 10.1.2.3"), 429)
        # A request from outside our proxies is judged by its own address, whatever it says.
        self.assertEqual(
            self.login("owner-pass-123", remote="203.0.113.9", forwarded="198.51.100.7"), 429
        )

    def test_without_a_proxy_the_forwarded_header_is_ignored(self) -> None:
        with override_settings(AXES_FAILURE_LIMIT=3):
            for n in range(3):
                self.login("feil", remote="203.0.113.9", forwarded=f"198.51.100.{n}")
            self.assertEqual(self.login("owner-pass-123", remote="203.0.113.9"), 429)

    @BEHIND_NGINX
    def test_the_link_log_records_the_client_not_the_proxy(self) -> None:
        round = ReportingRound.objects.create(
            plan=self.plan, title="Vår", deadline=timezone.localdate()
        )
        _, token = issue_link(
            actor=self.actor,
            round=round,
            expires_at=timezone.now() + datetime.timedelta(days=30),
            user=self.owner,
        )
        self.client.get(
            reverse("actor_link", args=[token]),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="192.0.2.44",
        )
        self.assertEqual(ReportingLinkUse.objects.get().ip, "192.0.2.44")


class PrivateCachingTests(BaseTestCase):
    def test_member_pages_with_internal_comments_are_private(self) -> None:
        record_status(
            measure=self.measure, status=Status.STARTED, comment="Berre for oss", user=self.owner
        )
        self.client.force_login(self.colleague)
        for url in (self.plan.get_absolute_url(), self.measure.get_absolute_url()):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertIn("private", response["Cache-Control"], url)
        self.assertContains(response, "Berre for oss")  # the measure page shows it

    def test_public_pages_stay_cacheable(self) -> None:
        response = self.client.get(self.plan.get_absolute_url())
        self.assertNotIn("private", response.get("Cache-Control", ""))
