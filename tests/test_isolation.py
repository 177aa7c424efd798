"""Every URL the project has, tried by an anonymous visitor and by an outsider (secretariat of
another region) against the private objects of Testdal. A new view that is not classified
here, or that lets them in, fails this test."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from planstatus.api.models import ApiToken
from planstatus.api.services import issue_api_token
from planstatus.cases.models import CaseDocument, CaseDraft, CaseSettings, SentCase
from planstatus.feedback.models import PublicInput
from planstatus.imports.models import PlanImport
from planstatus.indicators.models import Indicator, IndicatorValue
from planstatus.plans.actions.lineage import set_predecessors
from planstatus.plans.models import (
    Continuation,
    Measure,
    MeasureNews,
    Milestone,
    NewsAttachment,
    Plan,
    PlanPredecessor,
    StatusUpdate,
)
from planstatus.regions.models import Actor, ContactPerson, Region
from planstatus.reporting.actions.links import issue_link
from planstatus.reporting.models import ReminderSent, ReportingLink, ReportingRound
from tests.base import BaseTestCase

# Pages for everyone; they must still show nothing private of Testdal.
PUBLIC = {
    "index",
    # «Få lenkja di på nytt»: it answers the same whether or not an address is known.
    "link_request",
    "set_language",
    "region",
    # The region's feed: its published plans only, whoever asks.
    "region_feed",
    # Search: the plans the visitor may see (tests/test_search.py asks for a draft's text).
    "search",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # The API's index, schema, docs and region-level answers: public data only.
    "api_root",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "api:list_regions",
    "api:get_region",
    "api:list_plans",
    "api:list_statuses",
}
# The visitor's own account: a login is required, and no other region's data is shown.
# «Mitt arbeid» shows only the regions the visitor is a member of.
OWN_ACCOUNT = {"password_change", "password_change_done", "api_tokens", "my_work"}
# Pages of one region's internal or unpublished content.
PRIVATE = {
    # Installation administrators only: a new region.
    "region_create",
    "region_log",
    "actor_list",
    "actor_create",
    "actor_edit",
    "municipality_actors",
    "plan",
    "plan_settings",
    "plan_embed_settings",
    "region_embed_settings",
    "measure",
    "measure_log",
    "measure_status",
    "measure_follow_rule",
    "measure_edit",
    "milestone_add",
    "milestone_edit",
    "milestone_done",
    "news_add",
    "attachment",
    "import_upload",
    "programme_upload",
    "import_template",
    "import_review",
    "import_columns",
    "import_lines",
    "import_discard",
    # The actor's page answers only to a valid token; the walker's token is not one. The
    # token-free pages answer only to a browser that opened a valid token.
    "actor_link",
    "actor_page",
    "actor_report",
    "actor_unchanged",
    "actor_milestone",
    "actor_news",
    "round_list",
    "round_open",
    "round",
    "round_report",
    "round_member_report",
    "round_remind",
    "round_decide",
    "round_close",
    "round_link",
    "round_link_revoke",
    "round_edit",
    # Input from the public: sent on a published plan's measure (the walker asks for the
    # draft's); the inbox and its answers are the region's.
    "input_send",
    "inbox",
    "inbox_retention",
    "input_answer",
    "input_erase_email",
    # Contact persons are personal data: the secretariat's alone.
    "contact_persons",
    "contact_person_edit",
    "contact_person_remove",
    # Public for a published plan; the walker asks for the draft.
    "dashboard",
    "timeline",
    "plan_feed",
    "embed",
    "actor_matrix",
    "plan_actor",
    "case_page",
    "case_print",
    "case_download",
    "case_export",
    "case_draft_preview",
    "case_draft_file",
    "case_draft_delete",
    "case_draft_send",
    # Downloads and API answers of the draft plan.
    "plan_data",
    "api:get_plan",
    "api:list_focus_areas",
    "api:list_goals",
    "api:list_measures",
    "api:get_measure",
    "api:list_measure_history",
    "api:list_indicators",
    "api:get_indicator",
    # Indicators of the draft plan, and the secretariat's forms for them.
    "indicator_list",
    "indicator",
    "indicator_create",
    "indicator_edit",
    "indicator_delete",
    "indicator_value",
    "indicator_upload",
    "indicator_template",
    "indicator_template_xlsx",
    "goal",
    # Someone else's API key: the owner's, which nobody else may revoke.
    "api_token_revoke",
    # The secretariat's lineage page of the draft: predecessors, suggestions, decisions.
    "lineage",
    "continuation_suggest",
    "continuation_decide",
}
# URL parameters that name something other than the draft plan's measure.
OVERRIDES: dict[str, dict[str, Any]] = {
    "actor_edit": {"pk": "actor"},
    "import_review": {"pk": "import"},
    "import_columns": {"pk": "import"},
    "import_lines": {"pk": "import"},
    "import_discard": {"pk": "import"},
    "plan_actor": {"pk": "actor"},
    "round": {"pk": "round"},
    "round_report": {"pk": "round"},
    "round_member_report": {"pk": "round"},
    "round_remind": {"pk": "round"},
    "round_close": {"pk": "round"},
    "round_edit": {"pk": "round"},
    "round_link": {"pk": "round"},
    "case_download": {"pk": "case"},
    "case_export": {"pk": "sent_case"},
    "case_draft_preview": {"pk": "case_draft"},
    "case_draft_file": {"pk": "case_draft"},
    "case_draft_delete": {"pk": "case_draft"},
    "case_draft_send": {"pk": "case_draft"},
    "api_token_revoke": {"pk": "api_token"},
    "indicator": {"pk": "indicator"},
    "indicator_edit": {"pk": "indicator"},
    "indicator_delete": {"pk": "indicator"},
    "indicator_value": {"pk": "indicator"},
    "indicator_upload": {"pk": "indicator"},
    "indicator_template": {"pk": "indicator"},
    "indicator_template_xlsx": {"pk": "indicator"},
    "api:get_indicator": {"pk": "indicator"},
    "goal": {"pk": "goal"},
    "continuation_decide": {"pk": "continuation"},
    "contact_person_edit": {"pk": "contact_person"},
    "contact_person_remove": {"pk": "contact_person"},
    "input_answer": {"pk": "public_input"},
    "input_erase_email": {"pk": "public_input"},
}

REFUSED = {403, 404, 405}


def walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # the admin is walked through its registered models below
            yield from walk(p.url_patterns, p.namespace or namespace)
        else:
            yield (f"{namespace}:{p.name}" if namespace else str(p.name)), p


class IsolationTests(BaseTestCase):
    def setUp(self) -> None:
        self.private_text = self.draft_measure.text
        # Contact addresses are internal to the region.
        self.actor.email = "hemmeleg@testdal.example"
        self.actor.save()
        # A contact person is personal data: no one but the secretariat sees them.
        self.person = ContactPerson.objects.create(
            actor=self.actor, name="Hemmeleg Kontaktperson", email="person@testdal.example"
        )
        self.values = {
            "region_slug": "testdal",
            "plan_slug": "utkast",
            "pk": self.draft_measure.pk,
            "uidb64": "MQ",
            "token": "set-password",
            "fmt": "xlsx",
            "measure_pk": self.draft_measure.pk,
            "actor_pk": self.actor.pk,
            "member_pk": self.actor.pk,
        }
        self.draft_milestone = Milestone.objects.create(
            measure=self.draft_measure, text="Hemmeleg milepæl", due_on=datetime.date(2099, 1, 1)
        )
        self.values["milestone_pk"] = self.draft_milestone.pk
        self.draft_news = MeasureNews.objects.create(
            measure=self.draft_measure, date=datetime.date(2026, 5, 1), text="Hemmeleg nytt"
        )
        self.values["attachment_pk"] = NewsAttachment.objects.create(
            news=self.draft_news,
            stored_name="0" * 32,
            filename="hemmeleg.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        ).pk
        self.draft_round = ReportingRound.objects.create(
            plan=self.draft, title="Hemmeleg runde", deadline=datetime.date(2099, 1, 1)
        )
        self.draft_round_link, _ = issue_link(
            actor=self.actor,
            round=self.draft_round,
            expires_at=timezone.now() + datetime.timedelta(days=30),
        )
        self.values["link_pk"] = self.draft_round_link.pk
        self.owner_token, _ = issue_api_token(user=self.owner, name="Eigaren sin nøkkel")
        self.draft_indicator = Indicator.objects.create(
            plan=self.draft, name=self.private_text + " (indikator)", unit="%"
        )
        self.draft_import = PlanImport.objects.create(
            region=self.region,
            filename="hemmeleg.docx",
            file_format="docx",
            file_size=1,
            parsed={"title": self.private_text, "areas": [], "warnings": []},
        )
        self.draft_sent_case = SentCase.objects.create(
            plan=self.draft,
            case_number="1-25",
            title="Hemmeleg sak",
            proposed_resolution="Saka blir teken til orientering",
            date=timezone.localdate(),
            inputs_digest="1" * 64,
            sent_via="web",
        )
        self.draft_case_draft = CaseDraft.objects.create(
            plan=self.draft,
            case_number="2-25",
            title="Hemmeleg utkast",
            proposed_resolution="Saka blir teken til orientering",
            date=timezone.localdate(),
            inputs_digest="2" * 64,
            content_digest="2" * 64,
            html=self.private_text,
            pdf=self.private_text.encode(),
            docx=self.private_text.encode(),
        )
        self.draft_case = CaseDocument.objects.create(
            sent_case=self.draft_sent_case,
            plan=self.draft,
            format="html",
            content_type="text/html; charset=utf-8",
            filename="sak-hemmeleg.html",
            size=len(self.private_text.encode()),
            sha256="0" * 64,
            data=self.private_text.encode(),
            case_number="1-25",
            title="Hemmeleg sak",
            proposed_resolution="Saka blir teken til orientering",
            date=timezone.localdate(),
            created_via="web",
        )

        self.draft_input = PublicInput.objects.create(
            measure=self.draft_measure, text=self.private_text, email="person@testdal.example"
        )

        # The draft carries on the published plan's measure: a suggestion not yet decided.
        set_predecessors(plan=self.draft, predecessors=[self.plan])
        self.draft_link = Continuation.objects.create(
            kind=Continuation.Kind.MEASURE,
            earlier_plan=self.plan,
            later_plan=self.draft,
            earlier_measure=self.measure,
            later_measure=self.draft_measure,
            similarity=0.5,
        )

    def urls(self, **overrides: Any) -> Iterator[tuple[str, str]]:
        values = {**self.values, **overrides}
        for name, pattern in walk(get_resolver().url_patterns):
            if name not in PUBLIC | OWN_ACCOUNT | PRIVATE:
                self.fail(f"URL «{name}» is not classified in tests/test_isolation.py")
            kwargs = {}
            for key in pattern.pattern.converters:
                if key not in values:
                    self.fail(f"No test value for URL parameter «{key}» of «{name}»")
                kwargs[key] = values[key]
                if OVERRIDES.get(name, {}).get(key) == "actor":
                    kwargs[key] = self.actor.pk
                if OVERRIDES.get(name, {}).get(key) == "import":
                    kwargs[key] = self.draft_import.pk
                if OVERRIDES.get(name, {}).get(key) == "round":
                    kwargs[key] = self.draft_round.pk
                if OVERRIDES.get(name, {}).get(key) == "case":
                    kwargs[key] = self.draft_case.pk
                if OVERRIDES.get(name, {}).get(key) == "sent_case":
                    kwargs[key] = self.draft_sent_case.pk
                if OVERRIDES.get(name, {}).get(key) == "case_draft":
                    kwargs[key] = self.draft_case_draft.pk
                if OVERRIDES.get(name, {}).get(key) == "api_token":
                    kwargs[key] = self.owner_token.pk
                if OVERRIDES.get(name, {}).get(key) == "indicator":
                    kwargs[key] = self.draft_indicator.pk
                if OVERRIDES.get(name, {}).get(key) == "goal":
                    kwargs[key] = self.draft_measure.goal_id
                if OVERRIDES.get(name, {}).get(key) == "continuation":
                    kwargs[key] = self.draft_link.pk
                if OVERRIDES.get(name, {}).get(key) == "contact_person":
                    kwargs[key] = self.person.pk
                if OVERRIDES.get(name, {}).get(key) == "public_input":
                    kwargs[key] = self.draft_input.pk
            yield name, reverse(name, kwargs=kwargs)

    def check(self, who: str, name: str, url: str, method: str) -> None:
        data = {"status": "done", "text": "Overteke", "origins": "https://angripar.example"}
        response = getattr(self.client, method)(url, data)
        where = f"{who} {method.upper()} {url} ({name})"
        self.assertNotEqual(response.status_code, 500, where)
        content = response.content.decode(errors="replace")
        self.assertNotIn(self.private_text, content, where)
        self.assertNotIn("hemmeleg@testdal.example", content, where)
        self.assertNotIn("person@testdal.example", content, where)
        self.assertNotIn("Hemmeleg Kontaktperson", content, where)
        if name in PRIVATE or (name in OWN_ACCOUNT and who == "anonymous"):
            if who == "anonymous" and response.status_code == 302:
                self.assertIn(reverse("login"), response["Location"], where)
            else:
                self.assertIn(response.status_code, REFUSED, where)

    def assert_nothing_changed(self) -> None:
        self.assertFalse(StatusUpdate.objects.exists())
        self.assertEqual(
            list(MeasureNews.objects.values_list("pk", flat=True)), [self.draft_news.pk]
        )
        self.assertEqual(
            list(Milestone.objects.values_list("pk", "text", "due_on", "done_on")),
            [(self.draft_milestone.pk, "Hemmeleg milepæl", datetime.date(2099, 1, 1), None)],
        )
        self.assertEqual(Measure.objects.get(pk=self.draft_measure.pk).text, self.private_text)
        self.assertEqual(list(Actor.objects.values_list("name", flat=True)), ["Testdal regionråd"])
        self.assertEqual(
            list(ContactPerson.objects.values_list("name", "email")),
            [("Hemmeleg Kontaktperson", "person@testdal.example")],
        )
        self.assertEqual(Plan.objects.get(pk=self.draft.pk).title, "Utkast til ny plan")
        self.assertEqual(Plan.objects.get(pk=self.draft.pk).embed_origins, [])
        self.assertEqual(Region.objects.get(pk=self.region.pk).embed_origins, [])
        self.assertEqual(Plan.objects.count(), 2)
        self.assertEqual(PlanImport.objects.get().state, PlanImport.State.DRAFT)
        self.assertTrue(ReportingRound.objects.get(pk=self.draft_round.pk).is_open)
        self.assertEqual(ReportingRound.objects.count(), 1)
        self.assertEqual(
            list(ReportingLink.objects.values_list("pk", "revoked_at")),
            [(self.draft_round_link.pk, None)],
        )
        self.assertFalse(ReminderSent.objects.exists())
        self.assertEqual(
            list(CaseDocument.objects.values_list("pk", flat=True)), [self.draft_case.pk]
        )
        self.assertEqual(
            list(SentCase.objects.values_list("pk", flat=True)), [self.draft_sent_case.pk]
        )
        self.assertEqual(
            list(CaseDraft.objects.values_list("pk", flat=True)), [self.draft_case_draft.pk]
        )
        self.assertFalse(CaseSettings.objects.exists())
        self.assertEqual(
            list(PublicInput.objects.values_list("pk", "answer", "email")),
            [(self.draft_input.pk, "", "person@testdal.example")],
        )
        self.assertEqual(Region.objects.get(pk=self.region.pk).input_email_days, 90)
        self.assertFalse(ApiToken.objects.filter(revoked_at__isnull=False).exists())
        self.assertEqual(ApiToken.objects.count(), 1)
        self.assertFalse(IndicatorValue.objects.exists())
        self.assertEqual(
            list(Continuation.objects.values_list("state", flat=True)),
            [Continuation.State.SUGGESTED],
        )
        self.assertEqual(
            list(PlanPredecessor.objects.values_list("plan", "predecessor")),
            [(self.draft.pk, self.plan.pk)],
        )

    def test_anonymous_visitor(self) -> None:
        for name, url in self.urls():
            for method in ["get", "post"]:
                self.check("anonymous", name, url, method)
        self.assert_nothing_changed()

    def test_outsider(self) -> None:
        for name, url in self.urls():
            for method in ["get", "post"]:
                self.client.force_login(self.outsider)  # again: one of the URLs logs out
                self.check("outsider", name, url, method)
        self.assert_nothing_changed()

    def test_outsider_cannot_reach_objects_through_own_region(self) -> None:
        # The outsider's own region in the URL, Testdal's plan and measure after it.
        self.client.force_login(self.outsider)
        for name, url in self.urls(region_slug="annandal"):
            if name in PRIVATE and "/utkast/" in url:
                for method in ["get", "post"]:
                    response = getattr(self.client, method)(url, {"status": "done"})
                    self.assertIn(response.status_code, {404, 405}, url)
        self.assert_nothing_changed()

    def test_reader_may_read_but_not_change(self) -> None:
        self.client.force_login(self.colleague)
        self.assertContains(
            self.client.get(self.draft_measure.get_absolute_url()), self.private_text
        )
        cases: list[tuple[str, list[object]]] = [
            ("measure_status", ["testdal", "utkast", self.draft_measure.pk]),
            ("measure_follow_rule", ["testdal", "utkast", self.draft_measure.pk]),
            ("measure_edit", ["testdal", "utkast", self.draft_measure.pk]),
            ("milestone_add", ["testdal", "utkast", self.draft_measure.pk]),
            ("news_add", ["testdal", "utkast", self.draft_measure.pk]),
            (
                "milestone_edit",
                ["testdal", "utkast", self.draft_measure.pk, self.draft_milestone.pk],
            ),
            (
                "milestone_done",
                ["testdal", "utkast", self.draft_measure.pk, self.draft_milestone.pk],
            ),
            ("plan_settings", ["testdal", "utkast"]),
            ("plan_embed_settings", ["testdal", "utkast"]),
            ("region_embed_settings", ["testdal"]),
            ("actor_create", ["testdal"]),
            ("actor_edit", ["testdal", self.actor.pk]),
            ("round_open", ["testdal", "utkast"]),
            ("round_remind", ["testdal", "utkast", self.draft_round.pk]),
            ("round_decide", ["testdal", "utkast", self.draft_round.pk]),
            ("round_close", ["testdal", "utkast", self.draft_round.pk]),
            ("round_edit", ["testdal", "utkast", self.draft_round.pk]),
            ("contact_persons", ["testdal", self.actor.pk]),
            ("contact_person_edit", ["testdal", self.actor.pk, self.person.pk]),
            ("contact_person_remove", ["testdal", self.actor.pk, self.person.pk]),
            ("round_link", ["testdal", "utkast", self.draft_round.pk, self.actor.pk]),
            (
                "round_link_revoke",
                ["testdal", "utkast", self.draft_round.pk, self.draft_round_link.pk],
            ),
            (
                "round_report",
                ["testdal", "utkast", self.draft_round.pk, self.draft_measure.pk],
            ),
            (
                "round_member_report",
                ["testdal", "utkast", self.draft_round.pk, self.draft_measure.pk, self.actor.pk],
            ),
            ("case_page", ["testdal", "utkast"]),
            ("case_draft_send", ["testdal", "utkast", self.draft_case_draft.pk]),
            ("case_draft_delete", ["testdal", "utkast", self.draft_case_draft.pk]),
            ("indicator_value", ["testdal", "utkast", self.draft_indicator.pk]),
            ("indicator_upload", ["testdal", "utkast", self.draft_indicator.pk]),
            ("indicator_create", ["testdal", "utkast"]),
            ("indicator_edit", ["testdal", "utkast", self.draft_indicator.pk]),
            ("indicator_delete", ["testdal", "utkast", self.draft_indicator.pk]),
            ("lineage", ["testdal", "utkast"]),
            ("continuation_suggest", ["testdal", "utkast"]),
            ("continuation_decide", ["testdal", "utkast", self.draft_link.pk]),
        ]
        for name, args in cases:
            response = self.client.post(
                reverse(name, args=args),
                {"status": "done", "name": "X", "origins": "https://angripar.example"},
            )
            self.assertEqual(response.status_code, 403, name)
        self.assert_nothing_changed()

    def test_admin_refuses_everyone_but_installation_admins(self) -> None:
        urls = [reverse("admin:index")]
        for model in admin.site._registry:
            info = (model._meta.app_label, model._meta.model_name)
            urls.append(reverse("admin:{}_{}_changelist".format(*info)))
            urls.append(reverse("admin:{}_{}_add".format(*info)))
            obj = model._default_manager.first()
            if obj is not None:
                urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        for user in [None, self.outsider, self.owner, self.colleague]:
            self.client.logout()
            if user is not None:
                self.client.force_login(user)
            for url in urls:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302, url)
                self.assertIn(reverse("admin:login"), response["Location"], url)
