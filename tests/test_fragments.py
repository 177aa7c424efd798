"""Cached fragments (core/fragments.py): the plan page and the dashboard never show a
rendering made before a write, whichever way the write came in."""

from __future__ import annotations

import datetime
import re
from collections import Counter

from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from planstatus.accounts.models import Membership
from planstatus.api.services import issue_api_token, revoke_api_token
from planstatus.core.fragments import CSRF_SLOT, content_stamp, stamp_sql, stamped_tables
from planstatus.imports.services import apply_revision
from planstatus.lib.importers.base import ParsedArea, ParsedGoal, ParsedPlan
from planstatus.plans.models import Measure, MeasureActor, Status
from planstatus.plans.services import record_status, update_measure
from planstatus.regions.models import Actor
from planstatus.reporting.models import ReportingRound
from planstatus.reporting.rounds import close_round
from tests.base import BaseTestCase

TABLE = re.compile(r'(?:FROM|JOIN) "(\w+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def shape(query: dict[str, str]) -> str:
    """A query without its literals (a session's expiry time differs every time)."""
    return re.sub(r"'[^']*'", "?", query["sql"])


class FragmentTests(BaseTestCase):
    def setUp(self) -> None:
        self.plan_url = reverse("plan", args=["testdal", "regionplan"])
        self.dashboard_url = reverse("dashboard", args=["testdal", "regionplan"])

    def page(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def assert_cached(self, url: str) -> None:
        """The second view in a row uses the fragment: it fetches no measures."""
        self.page(url)
        with CaptureQueriesContext(connection) as queries:
            self.page(url)
        rows = [q for q in queries if q["sql"].startswith('SELECT "plans_measure"."id"')]
        self.assertFalse(rows, url)

    def test_a_new_status_shows_at_once(self) -> None:
        for url in [self.plan_url, self.dashboard_url]:
            self.assert_cached(url)
        record_status(measure=self.measure, status=Status.DONE, user=self.owner)
        for url in [self.plan_url, self.dashboard_url]:
            self.assertIn('data-status="done"', self.page(url), url)

    def test_the_apis_measure_list_changes_at_once(self) -> None:
        url = "/api/v1/regions/testdal/plans/regionplan/measures"
        self.assertEqual(self.client.get(url).json()["items"][0]["status"]["code"], "unknown")
        record_status(measure=self.measure, status=Status.DONE, user=self.owner)
        self.assertEqual(self.client.get(url).json()["items"][0]["status"]["code"], "done")
        # Each page and filter is its own answer.
        self.assertEqual(self.client.get(url, {"status": "started"}).json()["count"], 0)
        self.assertEqual(self.client.get(url, {"offset": 1}).json()["items"], [])

    def test_only_anonymous_api_answers_are_kept(self) -> None:
        draft = "/api/v1/regions/testdal/plans/utkast/measures"
        self.assertEqual(self.client.get(draft).status_code, 404)
        token, secret = issue_api_token(user=self.owner)
        bearer = {"Authorization": f"Bearer {secret}"}
        self.assertEqual(self.client.get(draft, headers=bearer).status_code, 200)
        self.assertEqual(self.client.get(draft).status_code, 404)
        revoke_api_token(token=token)
        self.assertEqual(self.client.get(draft, headers=bearer).status_code, 401)
        # Published now: the kept 404 is not served.
        self.draft.published = True
        self.draft.save()
        self.assertEqual(self.client.get(draft).status_code, 200)

    def test_an_edited_measure_shows_at_once(self) -> None:
        self.assert_cached(self.plan_url)
        update_measure(
            measure=self.measure,
            text="Eit nytt tiltak",
            timing_text="2027",
            note="",
            user=self.owner,
        )
        self.assertIn("Eit nytt tiltak", self.page(self.plan_url))

    def test_a_renamed_actor_shows_at_once(self) -> None:
        self.assert_cached(self.plan_url)
        self.client.force_login(self.owner)
        response = self.client.post(
            reverse("actor_edit", args=["testdal", self.actor.pk]),
            {"name": "Regionrådet i Testdal", "short_name": "", "kind": "council"},
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertIn("Regionrådet i Testdal", self.page(self.plan_url))

    def test_a_revision_that_archives_a_measure_shows_at_once(self) -> None:
        self.assert_cached(self.plan_url)
        # The revised plan keeps the focus area and goal but has no measures left.
        revised = ParsedPlan(
            title="Regionplan",
            areas=[ParsedArea(code="1", name="Næring", goals=[ParsedGoal(code="1.1", text="x")])],
        )
        apply_revision(plan=self.plan, parsed=revised, user=self.owner)
        self.assertTrue(Measure.objects.get(pk=self.measure.pk).archived_at)
        self.assertNotIn('data-testid="measure-row"', self.page(self.plan_url))

    def test_a_new_actor_is_a_choice_in_the_dashboards_filters_at_once(self) -> None:
        self.assertNotIn("Hallingdal næringshage", self.page(self.dashboard_url))
        actor = Actor.objects.create(region=self.region, name="Hallingdal næringshage")
        MeasureActor.objects.create(measure=self.measure, actor=actor, role="involved")
        self.assertIn("Hallingdal næringshage", self.page(self.dashboard_url))

    def test_a_closed_round_shows_in_the_dashboards_progress(self) -> None:
        self.assert_cached(self.dashboard_url)
        round = ReportingRound.objects.create(
            plan=self.plan, title="Vårrunden", deadline=datetime.date(2099, 1, 1)
        )
        close_round(round=round, user=self.owner)
        self.assertIn("Vårrunden", self.page(self.dashboard_url))

    def test_each_language_and_filter_has_its_own_rendering(self) -> None:
        self.assertIn("ikkje vurdert", self.page(self.plan_url))
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        page = self.page(self.plan_url)
        self.assertIn("not assessed", page)
        self.assertNotIn("ikkje vurdert", page)
        record_status(measure=self.measure, status=Status.STARTED)
        self.assertIn(
            'data-testid="measure-row"', self.page(self.dashboard_url + "?status=started")
        )
        self.assertNotIn(
            'data-testid="measure-row"', self.page(self.dashboard_url + "?status=done")
        )

    def test_the_stamp_covers_every_table_a_cached_block_reads(self) -> None:
        """What a page reads only when nothing is cached is what its cached blocks read: all
        of it must be in a table whose writes move the stamp (core/fragments.STAMPED_APPS)."""
        record_status(measure=self.measure, status=Status.STARTED, user=self.owner)
        round = ReportingRound.objects.create(
            plan=self.plan, title="Vår", deadline=datetime.date(2099, 1, 1)
        )
        close_round(round=round, user=self.owner)
        api = "/api/v1/regions/testdal/plans/regionplan"
        pages = [
            self.plan_url,
            f"{self.plan_url}?runde={round.pk}",
            self.dashboard_url,
            f"{self.dashboard_url}?status=started&q=tiltak",
            "/api/v1/regions",
            "/api/v1/regions/testdal",
            "/api/v1/regions/testdal/plans",
            api,
            f"{api}/focus-areas",
            f"{api}/goals",
            f"{api}/measures",
            f"{api}/measures/{self.measure.pk}",
            f"{api}/measures/{self.measure.pk}/history",
        ]
        stamped = set(stamped_tables())
        for member in [False, True]:
            if member:
                self.client.force_login(self.owner)
            for url in pages:
                self.page(url)  # caches that are not ours: sessions, content types
                cache.clear()
                with CaptureQueriesContext(connection) as cold:
                    self.page(url)
                with CaptureQueriesContext(connection) as warm:
                    self.page(url)
                only_cold = Counter(map(shape, cold)) - Counter(map(shape, warm))
                self.assertTrue(only_cold or ("/api/" in url and member), url)
                read = {t for sql in only_cold for t in TABLE.findall(sql)}
                self.assertLessEqual(read, stamped, f"{url}: {read - stamped} is not stamped")

    def test_the_stamp_moves_with_bulk_writes_too(self) -> None:
        before = content_stamp()
        link = MeasureActor(measure=self.draft_measure, actor=self.actor, role="involved")
        bulk_create_with_history([link], MeasureActor)
        self.assertNotEqual(content_stamp(), before)


class PageCacheTests(BaseTestCase):
    """Plan pages and dashboards kept whole (core/fragments.cached_page): per reader, with a
    fresh CSRF token each time, and never hiding a message."""

    def setUp(self) -> None:
        self.plan_url = reverse("plan", args=["testdal", "regionplan"])

    def get(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_a_kept_page_costs_only_the_stamp(self) -> None:
        first = self.get(self.plan_url)
        with CaptureQueriesContext(connection) as queries:
            again = self.get(self.plan_url)
        self.assertEqual([q["sql"] for q in queries], [stamp_sql()])
        self.assertEqual(CSRF.sub("", first), CSRF.sub("", again))

    def test_each_kept_page_has_a_fresh_token_that_works(self) -> None:
        client = Client(enforce_csrf_checks=True)
        tokens = []
        for _ in range(2):  # made, then kept
            response = client.get(self.plan_url)
            self.assertNotIn(CSRF_SLOT.decode(), response.content.decode())
            tokens.append(CSRF.search(response.content.decode()).group(1))  # type: ignore[union-attr]
        self.assertNotEqual(tokens[0], tokens[1])
        response = client.post(
            reverse("set_language"),
            {"language": "en", "next": self.plan_url, "csrfmiddlewaretoken": tokens[1]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn("not assessed", client.get(self.plan_url).content.decode())

    def test_each_reader_has_their_own_page(self) -> None:
        settings_link = reverse("plan_settings", args=["testdal", "regionplan"])
        self.client.force_login(self.owner)
        self.assertIn(settings_link, self.get(self.plan_url))
        self.client.force_login(self.colleague)
        colleague = self.get(self.plan_url)
        self.assertIn("colleague", colleague)
        self.assertNotIn(settings_link, colleague)
        self.client.logout()
        anonymous = self.get(self.plan_url)
        self.assertNotIn("colleague", anonymous)
        self.assertNotIn('data-testid="round-links"', anonymous)
        # A new role shows at once: memberships move the stamp.
        membership = Membership.objects.get(user=self.colleague, region=self.region)
        membership.role = Membership.Role.SECRETARIAT
        membership.save()
        self.client.force_login(self.colleague)
        self.assertIn(settings_link, self.get(self.plan_url))

    def test_a_page_with_a_message_is_not_kept(self) -> None:
        self.get(self.plan_url)
        for _ in range(2):
            self.assertIn(
                "Det finst ingen slik lukka runde", self.get(f"{self.plan_url}?runde=999999")
            )

    def test_a_waiting_message_is_shown_not_a_kept_page(self) -> None:
        self.get(self.plan_url)
        storage = CookieStorage(RequestFactory().get("/"))
        storage.add(constants.SUCCESS, "Lagra no.")
        carrier = HttpResponse()
        storage.update(carrier)
        self.client.cookies["messages"] = carrier.cookies["messages"].value
        self.assertIn("Lagra no.", self.get(self.plan_url))
        self.assertNotIn("Lagra no.", self.get(self.plan_url))
