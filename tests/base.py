"""The shared test base: one region with a published and an unpublished plan, and three
people — the owner (secretariat of the region), a colleague (reader in the region) and an
outsider (secretariat of another region) who must see nothing of Testdal that is not public."""

from __future__ import annotations

import socket
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import SimpleTestCase, TestCase, TransactionTestCase

from planstatus.accounts.models import Membership
from planstatus.plans.models import FocusArea, Goal, Measure, MeasureActor, Plan
from planstatus.regions.models import Actor, Region


class TestdalData(SimpleTestCase):
    """The shared data, for a TestCase (made once per class) or a TransactionTestCase."""

    region: Region
    plan: Plan
    draft: Plan
    measure: Measure
    draft_measure: Measure
    actor: Actor
    other_region: Region
    owner: User
    colleague: User
    outsider: User

    @classmethod
    def setUpTestData(cls) -> None:
        User = get_user_model()
        cls.owner = User.objects.create_user("owner", password="owner-pass-123")
        cls.colleague = User.objects.create_user("colleague", password="colleague-pass-123")
        cls.outsider = User.objects.create_user("outsider", password="outsider-pass-123")

        cls.region = Region.objects.create(slug="testdal", name="Testdal")
        cls.other_region = Region.objects.create(slug="annandal", name="Annandal")
        Membership.objects.create(
            user=cls.owner, region=cls.region, role=Membership.Role.SECRETARIAT
        )
        Membership.objects.create(
            user=cls.colleague, region=cls.region, role=Membership.Role.READER
        )
        Membership.objects.create(
            user=cls.outsider, region=cls.other_region, role=Membership.Role.SECRETARIAT
        )
        cls.actor = Actor.objects.create(
            region=cls.region, name="Testdal regionråd", aliases=["Regionrådet"]
        )
        cls.plan, cls.measure = cls._make_plan("regionplan", "Regionplan for Testdal", True)
        cls.draft, cls.draft_measure = cls._make_plan("utkast", "Utkast til ny plan", False)

    @classmethod
    def _make_plan(cls, slug: str, title: str, published: bool) -> tuple[Plan, Measure]:
        plan = Plan.objects.create(
            region=cls.region,
            slug=slug,
            kind=Plan.Kind.REGIONAL_PLAN,
            title=title,
            published=published,
            state=Plan.State.ADOPTED if published else Plan.State.DRAFT,
            # Reports from links are published at once here; tests/test_approval.py turns
            # the approval of reports on.
            reports_need_approval=False,
        )
        area = FocusArea.objects.create(plan=plan, code="1", name="Næring", order=1)
        goal = Goal.objects.create(plan=plan, focus_area=area, code="1.1", text="Meir næring")
        measure = Measure.objects.create(
            focus_area=area,
            goal=goal,
            code="1.1.1",
            text=f"Eit tiltak i {title}",
            timing_text="2025",
            start_year=2025,
            end_year=2025,
        )
        MeasureActor.objects.create(
            measure=measure, actor=cls.actor, role=MeasureActor.Role.RESPONSIBLE
        )
        return plan, measure


class BaseTestCase(TestdalData, TestCase):
    pass


class BaseCommitTestCase(TestdalData, TransactionTestCase):
    """For code that works after a commit (transaction.on_commit: the reminder mails): the
    test runs outside a wrapping transaction, as the code does in production, and the data
    is made afresh for each test."""

    def setUp(self) -> None:
        super().setUp()
        self.setUpTestData()


def mail_server_down() -> dict[str, Any]:
    """Settings for a real SMTP connection to a port where nothing listens: every mail
    fails as it would with the mail server down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_TIMEOUT": 2,
    }
