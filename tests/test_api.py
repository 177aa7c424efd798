"""The read-only REST API: visibility, tokens, pagination, query counts, inert output."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from typing import Any

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from planstatus.api.models import ApiToken
from planstatus.api.services import issue_api_token, revoke_api_token
from planstatus.lib.status import Status
from planstatus.plans.models import Measure, MeasureActor
from tests.opendata_base import (
    API_SECRETS,
    EVIDENCE_URL,
    HOSTILE_COMMENT,
    HOSTILE_TEXT,
    INTERNAL_COMMENT,
    PUBLIC_COMMENT,
    REPORTER,
    ROUND_TITLE,
    OpenDataTestCase,
    add_update,
)
from tests.test_isolation import walk

API = "/api/v1"
PLAN = f"{API}/regions/testdal/plans/regionplan"
DRAFT = f"{API}/regions/testdal/plans/utkast"


class ApiTestCase(OpenDataTestCase):
    owner_token: str
    outsider_token: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.owner_token = issue_api_token(user=cls.owner, name="test")[1]
        cls.outsider_token = issue_api_token(user=cls.outsider, name="test")[1]

    def get(self, path: str, token: str | None = None, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.get(path, params, headers=headers)

    def data(self, path: str, token: str | None = None, **params: Any) -> Any:
        response = self.get(path, token, **params)
        self.assertEqual(response.status_code, 200, (path, response.content[:300]))
        self.assertTrue(response["Content-Type"].startswith("application/json"), path)
        return response.json()


class VisibilityTests(ApiTestCase):
    def test_regions(self) -> None:
        # Annandal has no published plan: not there for the anonymous.
        self.assertEqual([r["slug"] for r in self.data(f"{API}/regions")["items"]], ["testdal"])
        slugs = [r["slug"] for r in self.data(f"{API}/regions", self.outsider_token)["items"]]
        self.assertEqual(slugs, ["annandal", "testdal"])
        self.assertEqual(self.get(f"{API}/regions/annandal").status_code, 404)

    def test_plans_of_a_region(self) -> None:
        anonymous = self.data(f"{API}/regions/testdal/plans")
        self.assertEqual([p["slug"] for p in anonymous["items"]], ["regionplan"])
        self.assertNotIn("Utkast", json.dumps(anonymous))
        outsider = self.data(f"{API}/regions/testdal/plans", self.outsider_token)
        self.assertEqual([p["slug"] for p in outsider["items"]], ["regionplan"])
        owner = self.data(f"{API}/regions/testdal/plans", self.owner_token)
        self.assertEqual(sorted(p["slug"] for p in owner["items"]), ["regionplan", "utkast"])
        self.assertEqual(
            owner["items"][0]["downloads"]["csv"].rsplit("/", 2)[-2:], ["regionplan", "data.csv"]
        )

    def test_draft_plan_answers_404_to_all_but_members(self) -> None:
        paths = [DRAFT, f"{DRAFT}/measures", f"{DRAFT}/focus-areas", f"{DRAFT}/goals"]
        paths += [f"{DRAFT}/measures/{self.draft_measure.pk}"]
        paths += [f"{DRAFT}/measures/{self.draft_measure.pk}/history"]
        # The draft's measure through the published plan's URL is no way in either.
        paths += [f"{PLAN}/measures/{self.draft_measure.pk}"]
        for path in paths:
            for token in [None, self.outsider_token]:
                response = self.get(path, token)
                self.assertEqual(response.status_code, 404, (path, token))
                self.assertEqual(response.json(), {"detail": "Not found."})
                self.assertNotIn("Utkast", response.content.decode())
        for path in paths[:-1]:
            self.assertEqual(self.get(path, self.owner_token).status_code, 200, path)

    def test_plan_detail(self) -> None:
        plan = self.data(PLAN)
        self.assertFalse(plan["internal"])
        self.assertTrue(plan["published"])
        self.assertEqual(plan["measure_count"], 6)
        counts = {c["status"]["code"]: c["count"] for c in plan["status_counts"]}
        self.assertEqual(
            counts, {"unknown": 4, "not_started": 1, "started": 0, "done": 1, "cancelled": 0}
        )
        self.assertTrue(self.data(PLAN, self.owner_token)["internal"])
        self.assertFalse(self.data(PLAN, self.outsider_token)["internal"])

    def test_measures_with_status_and_actors(self) -> None:
        page = self.data(f"{PLAN}/measures")
        self.assertEqual(page["count"], 6)
        first = page["items"][0]
        self.assertEqual(first["id"], self.measure.pk)
        self.assertEqual(first["status"]["code"], "done")
        self.assertEqual(first["status"]["word"], "gjennomført")
        self.assertEqual([a["name"] for a in first["responsible"]], ["Testdal regionråd"])
        self.assertEqual(first["involved"][0]["written_as"], "Kommunane")
        self.assertEqual(
            first["url"], f"http://testserver/testdal/regionplan/tiltak/{first['id']}/"
        )
        done = self.data(f"{PLAN}/measures", status="done")
        self.assertEqual([m["id"] for m in done["items"]], [self.measure.pk])
        self.assertEqual(self.get(f"{PLAN}/measures", status="green").status_code, 422)
        # A measure dropped from the plan leaves the list but keeps its own URL.
        # Saved, as a revision archives it.
        self.hostile.archived_at = timezone.now()
        self.hostile.save()
        self.assertEqual(self.data(f"{PLAN}/measures")["count"], 5)
        self.assertIsNotNone(self.data(f"{PLAN}/measures/{self.hostile.pk}")["archived_at"])

    def test_history_public_and_internal(self) -> None:
        path = f"{PLAN}/measures/{self.measure.pk}/history"
        public = self.data(path)["items"]
        self.assertEqual([h["status"]["code"] for h in public], ["done", "started"])
        self.assertEqual(public[0]["comment"], "")
        self.assertEqual(public[1]["comment"], PUBLIC_COMMENT)
        for key in ["evidence_url", "reported_by", "reported_by_actor", "round_title"]:
            self.assertIsNone(public[0][key], key)
        self.assertEqual(self.data(path, self.outsider_token)["items"][0]["comment"], "")
        internal = self.data(path, self.owner_token)["items"][0]
        self.assertEqual(internal["comment"], INTERNAL_COMMENT)
        self.assertFalse(internal["comment_is_public"])
        self.assertEqual(internal["evidence_url"], EVIDENCE_URL)
        self.assertEqual(internal["reported_by"], REPORTER)
        self.assertEqual(internal["reported_by_actor"], "Testdal regionråd")
        self.assertEqual(internal["round_title"], ROUND_TITLE)

    def test_focus_areas_goals_and_statuses(self) -> None:
        areas = self.data(f"{PLAN}/focus-areas")["items"]
        self.assertEqual([(a["code"], a["name"]) for a in areas], [("1", "Næring")])
        goals = self.data(f"{PLAN}/goals")["items"]
        self.assertEqual(goals[0]["focus_area_id"], areas[0]["id"])
        statuses = self.data(f"{API}/statuses")
        self.assertEqual([s["code"] for s in statuses], [s.value for s in Status])
        self.assertEqual(statuses[3]["colour"], "green")

    def test_a_logged_in_browser_does_not_make_the_api_internal(self) -> None:
        self.client.force_login(self.owner)
        self.assertFalse(self.data(PLAN)["internal"])
        self.assertEqual(self.get(DRAFT).status_code, 404)


class NoLeakTests(ApiTestCase):
    """Every public API endpoint and every public download, with the published plan's
    objects, must not show the internal comment, evidence link, reporter or round."""

    def api_urls(self) -> list[str]:
        values = {
            "region_slug": "testdal",
            "plan_slug": "regionplan",
            "pk": self.measure.pk,
        }
        urls = []
        for name, pattern in walk(get_resolver().url_patterns):
            if not name.startswith("api:") and name != "api_root":
                continue
            assert isinstance(pattern, URLPattern)
            kwargs = {k: values[k] for k in pattern.pattern.converters}
            if "indicator" in name and "pk" in kwargs:
                kwargs["pk"] = self.indicator.pk
            urls.append(reverse(name, kwargs=kwargs))
        return urls

    def test_nothing_internal_in_any_public_answer(self) -> None:
        urls = self.api_urls()
        self.assertGreaterEqual(len(urls), 14)
        urls += [f"/testdal/regionplan/data.{fmt}" for fmt in ["csv", "json"]]
        seen_public_comment = False
        for url in urls:
            for token in [None, self.outsider_token]:
                response = self.get(url, token)
                self.assertIn(response.status_code, {200, 302}, url)
                text = response.content.decode()
                for secret in API_SECRETS:
                    self.assertNotIn(secret, text, (url, token))
                seen_public_comment |= PUBLIC_COMMENT in text
        self.assertTrue(seen_public_comment)  # the walk reached the history

    def test_the_owners_token_sees_them(self) -> None:
        text = self.get(f"{PLAN}/measures/{self.measure.pk}/history", self.owner_token).content
        text += self.get(f"{PLAN}/indicators/{self.indicator.pk}", self.owner_token).content
        for secret in API_SECRETS:
            self.assertIn(secret, text.decode())


class TokenTests(ApiTestCase):
    def test_only_the_hash_is_stored(self) -> None:
        token = ApiToken.objects.get(user=self.owner)
        self.assertEqual(token.token_hash, hashlib.sha256(self.owner_token.encode()).hexdigest())
        self.assertTrue(self.owner_token.startswith(token.prefix))
        self.assertTrue(self.owner_token.startswith("ps_"))
        self.assertNotIn(self.owner_token, str(token))

    def assert_refused(self, header: str, message: str) -> None:
        response = self.client.get(PLAN, headers={"Authorization": header})
        self.assertEqual(response.status_code, 401, header)
        self.assertIn(message, response.json()["detail"])
        self.assertEqual(response["WWW-Authenticate"], 'Bearer error="invalid_token"')

    def test_bad_tokens_are_refused_never_read_as_anonymous(self) -> None:
        self.assert_refused("Bearer ps_not-a-token", "not valid")
        self.assert_refused(f"Bearer {self.owner_token}x", "not valid")
        self.assert_refused(f"Token {self.owner_token}", "must be «Bearer <token>»")
        self.assert_refused("Bearer ", "must be «Bearer <token>»")
        self.assert_refused("", "must be «Bearer <token>»")

    def test_revoked_token_and_inactive_user(self) -> None:
        self.assertEqual(self.get(PLAN, self.owner_token).status_code, 200)
        revoke_api_token(token=ApiToken.objects.get(user=self.owner))
        self.assert_refused(f"Bearer {self.owner_token}", "not valid")
        self.outsider.is_active = False
        self.outsider.save()
        self.assert_refused(f"Bearer {self.outsider_token}", "not valid")

    def test_last_used_is_recorded_at_most_once_a_minute(self) -> None:
        token = ApiToken.objects.get(user=self.owner)
        self.assertIsNone(token.last_used_at)
        self.get(PLAN, self.owner_token)
        token.refresh_from_db()
        first = token.last_used_at
        assert first is not None
        self.get(PLAN, self.owner_token)
        token.refresh_from_db()
        self.assertEqual(token.last_used_at, first)
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=timezone.now() - datetime.timedelta(minutes=5)
        )
        self.get(PLAN, self.owner_token)
        token.refresh_from_db()
        self.assertNotEqual(token.last_used_at, first)

    def test_command_prints_the_token_once(self) -> None:
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "create_api_token", "colleague", "--name", "kommune-data", stdout=out, stderr=err
        )
        secret = out.getvalue().strip()
        token = ApiToken.objects.get(user=self.colleague)
        self.assertEqual(token.name, "kommune-data")
        self.assertEqual(token.token_hash, hashlib.sha256(secret.encode()).hexdigest())
        self.assertNotIn(secret, err.getvalue())
        self.assertTrue(self.data(PLAN, secret)["internal"])
        with self.assertRaises(CommandError):
            call_command("create_api_token", "nobody", stdout=out, stderr=err)

    def test_token_page(self) -> None:
        page = reverse("api_tokens")
        self.assertEqual(self.client.get(page).status_code, 302)  # login first
        self.client.force_login(self.colleague)
        response = self.client.post(page, {"name": "Datateamet"})
        self.assertIn("no-store", response["Cache-Control"].replace(" ", "").split(","))
        token = ApiToken.objects.get(user=self.colleague)
        secret = response.context["secret"]
        self.assertContains(response, secret)
        self.assertEqual(token.token_hash, hashlib.sha256(secret.encode()).hexdigest())
        # Shown once: the list shows only its first characters.
        listing = self.client.get(page)
        self.assertNotContains(listing, secret)
        self.assertContains(listing, token.prefix)
        self.assertContains(listing, "Datateamet")
        # Another person's key cannot be revoked here; one's own can.
        other = ApiToken.objects.get(user=self.owner)
        self.assertEqual(
            self.client.post(reverse("api_token_revoke", args=[other.pk])).status_code, 404
        )
        self.client.post(reverse("api_token_revoke", args=[token.pk]))
        other.refresh_from_db()
        token.refresh_from_db()
        self.assertIsNone(other.revoked_at)
        self.assertIsNotNone(token.revoked_at)
        self.assertEqual(self.get(PLAN, secret).status_code, 401)


class PaginationAndQueryTests(ApiTestCase):
    def grow(self, n: int) -> None:
        area = self.plan.focus_areas.get()
        for i in range(n):
            m = Measure.objects.create(
                focus_area=area, code=f"2.{i}", text=f"Ekstra {i}", order=100 + i
            )
            MeasureActor.objects.create(
                measure=m, actor=self.involved, role=MeasureActor.Role.RESPONSIBLE
            )
            MeasureActor.objects.create(
                measure=m, actor=self.actor, role=MeasureActor.Role.INVOLVED
            )
            add_update(m, Status.STARTED, comment="k", by=self.owner, at=self.t0)
            add_update(
                m, Status.DONE, comment="k2", by=self.owner, at=self.t0 + datetime.timedelta(days=1)
            )

    def queries(self, path: str, token: str | None = None, **params: Any) -> int:
        self.get(path, token, **params)  # warm up: the token's last use is written once
        with CaptureQueriesContext(connection) as ctx:
            response = self.get(path, token, **params)
        self.assertEqual(response.status_code, 200, path)
        return len(ctx.captured_queries)

    def test_pages(self) -> None:
        self.grow(10)
        first = self.data(f"{PLAN}/measures", limit=5)
        self.assertEqual((first["count"], first["limit"], first["offset"]), (16, 5, 0))
        self.assertEqual(len(first["items"]), 5)
        rest = self.data(f"{PLAN}/measures", limit=500, offset=5)
        ids = [m["id"] for m in first["items"] + rest["items"]]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(len(ids), 16)
        bad: list[dict[str, Any]] = [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "x"}]
        for params in bad:
            response = self.get(f"{PLAN}/measures", **params)
            self.assertEqual(response.status_code, 422, params)
            self.assertIn("Invalid input", response.json()["detail"])

    def test_query_count_does_not_grow_with_data_or_page_size(self) -> None:
        history = f"{PLAN}/measures/{self.measure.pk}/history"
        paths = [f"{API}/regions", f"{API}/regions/testdal/plans", f"{PLAN}/measures", history]
        paths += [f"{PLAN}/focus-areas", f"{PLAN}/goals", PLAN]
        for token in [None, self.owner_token]:
            before = {p: self.queries(p, token, limit=2) for p in paths}
            self.grow(20)
            for i in range(10):
                add_update(
                    self.measure, Status.STARTED, comment=str(i), by=self.reporter, at=self.t0
                )
            for path in paths:
                self.assertEqual(self.queries(path, token, limit=2), before[path], (path, token))
                self.assertEqual(self.queries(path, token, limit=500), before[path], (path, token))
        self.assertEqual(self.data(f"{PLAN}/measures", limit=500)["count"], 46)


class OutputTests(ApiTestCase):
    def test_hostile_text_is_escaped_in_the_answer_and_kept_in_the_data(self) -> None:
        response = self.get(f"{PLAN}/measures/{self.hostile.pk}")
        self.assertNotIn(b"<script>", response.content)
        self.assertEqual(response.json()["text"], HOSTILE_TEXT)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        history = self.data(f"{PLAN}/measures/{self.hostile.pk}/history")
        self.assertEqual(history["items"][0]["comment"], HOSTILE_COMMENT)

    def test_schema_and_docs_at_stable_urls(self) -> None:
        schema = self.data(f"{API}/openapi.json")
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertIn("/api/v1/regions/{region_slug}/plans/{plan_slug}/measures", schema["paths"])
        self.assertIn("ApiTokenAuth", schema["components"]["securitySchemes"])
        downloads = schema["components"]["schemas"]["DownloadsOut"]["properties"]
        self.assertEqual(sorted(downloads), ["csv", "json", "xlsx"])
        docs = self.client.get(f"{API}/docs")
        self.assertContains(docs, "swagger-ui")
        self.assertNotContains(docs, "cdn.")  # served from here: the CSP allows nothing else

    @override_settings(DEBUG=False)
    def test_unknown_api_path_is_404(self) -> None:
        self.assertEqual(self.get(f"{API}/nothing-here").status_code, 404)
