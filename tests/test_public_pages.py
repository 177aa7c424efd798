"""The public version of a published plan: everything anyone may read without logging in,
and never an internal comment, an evidence link or who reported what.

Every URL of the project is tried as an anonymous visitor with the published plan's
objects filled in; whatever answers must not contain the internal markers. New pages are
covered without being listed here."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import get_resolver, reverse

from planstatus.installation.services import create_user
from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import MeasureActor, Milestone
from planstatus.reporting.actions.links import issue_link
from planstatus.reporting.actions.reports import record_round_status
from planstatus.reporting.actions.rounds import close_round
from planstatus.reporting.models import ReportingRound
from tests.base import BaseTestCase
from tests.test_isolation import walk

INTERNAL_COMMENT = "Hemmeleg: budsjettet sprekk"
EVIDENCE = "https://intern.testdal.example/sak/77"
REPORTER = "hemmeleg-rapportor"
PUBLIC_COMMENT = "Arbeidet er i gang"


class PublicPagesTests(BaseTestCase):
    def setUp(self) -> None:
        self.reporter = create_user(username=REPORTER, password="eit-langt-passord-1")
        self.actor.email = "intern@testdal.example"
        self.actor.save()
        record_status(
            measure=self.measure,
            status=Status.STARTED,
            comment=PUBLIC_COMMENT,
            comment_is_public=True,
        )
        round = ReportingRound.objects.create(
            plan=self.plan, title="Status mars", deadline=datetime.date(2099, 3, 1)
        )
        link, _ = issue_link(
            actor=self.actor,
            round=round,
            expires_at=datetime.datetime(2099, 3, 15, tzinfo=datetime.UTC),
        )
        record_round_status(
            round=round,
            measure=self.measure,
            status=Status.DONE,
            comment=INTERNAL_COMMENT,
            evidence_url=EVIDENCE,
            user=self.reporter,
            link=link,
            expected_previous=self.measure.status_updates.first().pk,  # type: ignore[union-attr]
        )
        self.round = close_round(round=round, user=self.reporter)
        involved = MeasureActor.objects.get(measure=self.measure)
        self.values: dict[str, Any] = {
            "region_slug": "testdal",
            "plan_slug": "regionplan",
            "pk": self.measure.pk,
            "measure_pk": self.measure.pk,
            "actor_pk": involved.actor_id,
            "member_pk": involved.actor_id,
            "uidb64": "MQ",
            "token": "ikkje-ei-lenke",
            "fmt": "xlsx",
            "link_pk": link.pk,
            "attachment_pk": 1,
            "milestone_pk": Milestone.objects.create(
                measure=self.measure, text="Forprosjekt", due_on=datetime.date(2030, 1, 1)
            ).pk,
        }

    def public_urls(self) -> list[str]:
        urls = [self.plan.get_absolute_url() + f"?runde={self.round.pk}"]
        for name, pattern in walk(get_resolver().url_patterns):
            kwargs = {key: self.values[key] for key in pattern.pattern.converters}
            if name == "plan_actor":
                kwargs["pk"] = self.actor.pk
            urls.append(reverse(name, kwargs=kwargs))
        return urls

    def test_no_public_response_shows_internal_details(self) -> None:
        answered = []
        for url in self.public_urls():
            response = self.client.get(url)
            if response.status_code != 200:
                continue
            answered.append(url)
            content = response.content.decode(errors="replace")
            for secret in [INTERNAL_COMMENT, EVIDENCE, REPORTER, "intern@testdal.example"]:
                self.assertNotIn(secret, content, url)
        # The public version really is there: plan, snapshot, measure, dashboard, actors.
        expected = [
            reverse("plan", args=["testdal", "regionplan"]),
            reverse("measure", args=["testdal", "regionplan", self.measure.pk]),
            reverse("dashboard", args=["testdal", "regionplan"]),
            reverse("actor_matrix", args=["testdal", "regionplan"]),
            reverse("plan_actor", args=["testdal", "regionplan", self.actor.pk]),
            self.plan.get_absolute_url() + f"?runde={self.round.pk}",
        ]
        for url in expected:
            self.assertIn(url, answered)
        measure_page = self.client.get(self.measure.get_absolute_url()).content.decode()
        self.assertIn(PUBLIC_COMMENT, measure_page)
        self.assertIn('data-status="done"', measure_page)

    def test_members_see_the_internal_details(self) -> None:
        self.client.force_login(self.colleague)
        page = self.client.get(self.measure.get_absolute_url()).content.decode()
        for detail in [INTERNAL_COMMENT, EVIDENCE, REPORTER, self.actor.name]:
            self.assertIn(detail, page)
