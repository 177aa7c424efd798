"""Atom feeds of a plan (/<region>/<plan>/feed/) and of a region (/<region>/feed/): public
status changes, updates («Kva har skjedd»), questions from the public answered in public,
closed reporting rounds and cases sent to political treatment, newest first.

A feed is public whoever fetches it: a feed reader carries no session, and an address people
share must not show more to one of them. So it is built as an anonymous visitor sees the
site, through plans/access.py: an unpublished plan has no feed, and a region's feed holds its
published plans only. Each status entry is a measure's current public status, read through
the one definition of it (MeasureQuerySet.with_status()/with_latest_id()), so the feed shows
what the measure page shows and follows any rule that definition gains (approval).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from planstatus.cases.models import SentCase
from planstatus.core.status import status_label
from planstatus.feedback.models import PublicInput
from planstatus.lib.status import Status
from planstatus.plans.access import get_plan_for_user, get_region_for_user, visible_plans
from planstatus.plans.models import Measure, MeasureNews, Plan, StatusUpdate
from planstatus.regions.models import Region
from planstatus.reporting.models import ReportingRound

# The newest entries of each kind, and of all together: a feed is news, not an archive.
ENTRIES = 50


@dataclass(frozen=True)
class Source:
    """What a feed is about, with the site's address: Atom ids must be absolute."""

    plans: list[Plan]
    base: str  # «https://planstatus.example» without a trailing slash
    region: Region
    plan: Plan | None = None


@dataclass(frozen=True)
class Entry:
    title: str
    summary: str  # HTML, every text in it escaped
    path: str  # the entry's page
    id_path: str  # unique per entry: the page and what happened on it
    at: datetime.datetime
    plan: Plan


def _status_entries(plans: list[Plan]) -> list[Entry]:
    by_pk = {plan.pk: plan for plan in plans}
    measures = list(
        Measure.objects.with_status()
        .with_latest_id()
        # `latest_id` and `status_at` are the annotations, which the Django plugin cannot see.
        .filter(focus_area__plan__in=plans, archived_at__isnull=True, latest_id__isnull=False)  # type: ignore[misc]
        .select_related("focus_area")
        .order_by("-status_at", "-pk")[:ENTRIES]
    )
    latest: dict[int, int] = {m.pk: m.latest_id for m in measures}  # type: ignore[attr-defined]
    updates = StatusUpdate.objects.only("previous_status", "comment", "comment_is_public").in_bulk(
        list(latest.values())
    )
    entries = []
    for m in measures:
        plan = by_pk[m.focus_area.plan_id]
        update = updates[latest[m.pk]]
        before, after = Status(update.previous_status), m.current_status
        path = reverse("measure", args=[plan.region.slug, plan.slug, m.pk])
        comment = update.comment if update.comment_is_public else ""
        paragraphs = [m.text] + ([comment] if comment else [])
        entries.append(
            Entry(
                title=_("Measure %(code)s: %(before)s → %(after)s")
                % {
                    "code": m.code or m.order,
                    "before": status_label(before),
                    "after": status_label(after),
                },
                summary=format_html_join("", "<p>{}</p>", ((p,) for p in paragraphs)),
                path=path,
                id_path=f"{path}#status-{latest[m.pk]}",
                at=m.status_at,  # type: ignore[attr-defined]
                plan=plan,
            )
        )
    return entries


def _round_entries(plans: list[Plan]) -> list[Entry]:
    by_pk = {plan.pk: plan for plan in plans}
    rounds = ReportingRound.objects.filter(
        plan__in=plans, state=ReportingRound.State.CLOSED, closed_at__isnull=False
    ).order_by("-closed_at", "-pk")[:ENTRIES]
    entries = []
    for r in rounds:
        plan = by_pk[r.plan_id]
        path = f"{plan.get_absolute_url()}?runde={r.pk}"
        assert r.closed_at is not None
        entries.append(
            Entry(
                title=_("Reporting round “%(title)s” is closed") % {"title": r.title},
                summary=format_html(
                    "<p>{}</p>",
                    _("The plan page shows each measure's status as the round closed it."),
                ),
                path=path,
                id_path=path,
                at=r.closed_at,
                plan=plan,
            )
        )
    return entries


def _case_entries(plans: list[Plan]) -> list[Entry]:
    by_pk = {plan.pk: plan for plan in plans}
    cases = SentCase.objects.filter(plan__in=plans).order_by("-sent_at", "-pk")[:ENTRIES]
    entries = []
    for case in cases:
        plan = by_pk[case.plan_id]
        # The case's files are for the region's members; its page for the public is the
        # plan at the round it reported on.
        path = plan.get_absolute_url()
        if case.round_id is not None:
            path += f"?runde={case.round_id}"
        entries.append(
            Entry(
                title=_("Case %(number)s sent to political treatment: %(title)s")
                % {"number": case.case_number, "title": case.title},
                summary=format_html("<p>{}</p>", case.title),
                path=path,
                id_path=f"{plan.get_absolute_url()}#sak-{case.pk}",
                at=case.sent_at,
                plan=plan,
            )
        )
    return entries


def _news_entries(plans: list[Plan]) -> list[Entry]:
    by_pk = {plan.pk: plan for plan in plans}
    news = (
        MeasureNews.objects.filter(
            measure__focus_area__plan__in=plans, measure__archived_at__isnull=True
        )
        .select_related("measure__focus_area")
        .order_by("-created_at", "-pk")[:ENTRIES]
    )
    entries = []
    for entry in news:
        m = entry.measure
        plan = by_pk[m.focus_area.plan_id]
        path = reverse("measure", args=[plan.region.slug, plan.slug, m.pk])
        entries.append(
            Entry(
                title=_("Measure %(code)s: what has happened %(date)s")
                % {"code": m.code or m.order, "date": date_format(entry.date, "DATE_FORMAT")},
                summary=format_html("<p>{}</p>", entry.text),
                path=f"{path}#kva-har-skjedd",
                id_path=f"{path}#oppdatering-{entry.pk}",
                at=entry.created_at,
                plan=plan,
            )
        )
    return entries


def _answer_entries(plans: list[Plan]) -> list[Entry]:
    """Questions from the public that the secretariat answered and published, as shown."""
    by_pk = {plan.pk: plan for plan in plans}
    answered = (
        PublicInput.objects.filter(
            measure__focus_area__plan__in=plans,
            measure__archived_at__isnull=True,
            published=True,
            answered_at__isnull=False,
        )
        .select_related("measure__focus_area")
        .order_by("-answered_at", "-pk")[:ENTRIES]
    )
    entries = []
    for item in answered:
        m = item.measure
        plan = by_pk[m.focus_area.plan_id]
        path = reverse("measure", args=[plan.region.slug, plan.slug, m.pk])
        assert item.answered_at is not None
        entries.append(
            Entry(
                title=_("Measure %(code)s: a question answered") % {"code": m.code or m.order},
                summary=format_html("<p>{}</p><p>{}</p>", item.public_question, item.answer),
                path=f"{path}#spurt",
                id_path=f"{path}#svar-{item.pk}",
                at=item.answered_at,
                plan=plan,
            )
        )
    return entries


def feed_entries(plans: list[Plan]) -> list[Entry]:
    """The newest entries of every kind, newest first. Six queries, however many plans."""
    if not plans:
        return []
    found: Iterable[Entry] = (
        _status_entries(plans)
        + _news_entries(plans)
        + _answer_entries(plans)
        + _round_entries(plans)
        + _case_entries(plans)
    )
    return sorted(found, key=lambda e: (e.at, e.id_path), reverse=True)[:ENTRIES]


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class _AtomFeed(Feed):
    """Django makes one instance per URL pattern and shares it between requests: nothing
    about a request is kept on it; each entry's absolute id is made in items()."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def items(self, obj: Source) -> list[Entry]:
        return [replace(e, id_path=obj.base + e.id_path) for e in feed_entries(obj.plans)]

    def author_name(self, obj: Source) -> str:
        return obj.region.council_name or obj.region.name

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return item.summary

    def item_link(self, item: Entry) -> str:
        return item.path

    def item_guid(self, item: Entry) -> str:
        return item.id_path

    def item_pubdate(self, item: Entry) -> datetime.datetime:
        return item.at

    def item_updateddate(self, item: Entry) -> datetime.datetime:
        return item.at


class PlanFeed(_AtomFeed):
    def get_object(self, request: HttpRequest, region_slug: str, plan_slug: str) -> Source:
        plan = get_plan_for_user(AnonymousUser(), region_slug, plan_slug)
        return Source(plans=[plan], base=_base(request), region=plan.region, plan=plan)

    def title(self, obj: Source) -> str:
        assert obj.plan is not None
        return _("%(plan)s: what has changed") % {"plan": obj.plan.title}

    def subtitle(self, obj: Source) -> str:
        return _("Status changes, updates, closed reporting rounds and cases sent, newest first.")

    def link(self, obj: Source) -> str:
        assert obj.plan is not None
        return obj.plan.get_absolute_url()

    def feed_url(self, obj: Source) -> str:
        assert obj.plan is not None
        return reverse("plan_feed", args=[obj.region.slug, obj.plan.slug])


class RegionFeed(_AtomFeed):
    def get_object(self, request: HttpRequest, region_slug: str) -> Source:
        anonymous = AnonymousUser()
        region = get_region_for_user(anonymous, region_slug)
        plans = list(visible_plans(anonymous).filter(region=region).order_by("pk"))
        return Source(plans=plans, base=_base(request), region=region)

    def title(self, obj: Source) -> str:
        return _("%(region)s: what has changed in the plans") % {"region": obj.region.name}

    def subtitle(self, obj: Source) -> str:
        return _("Status changes, updates, closed reporting rounds and cases sent, newest first.")

    def link(self, obj: Source) -> str:
        return reverse("region", args=[obj.region.slug])

    def feed_url(self, obj: Source) -> str:
        return reverse("region_feed", args=[obj.region.slug])

    def item_title(self, item: Entry) -> str:
        # A region's feed mixes its plans: each entry names its own.
        return f"{item.plan.title}: {item.title}"
