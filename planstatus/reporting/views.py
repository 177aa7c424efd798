"""Reporting pages: the actor's page behind its personal link, and the secretariat's rounds.

The actor's page needs no login: the token in the URL is the key, checked and logged on
every request. Each measure is its own form, saved through htmx, so a dropped connection
loses at most the measure being written.
"""

from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from planstatus.accounts.roles import can_edit
from planstatus.core.client import client_address
from planstatus.core.forms import posted
from planstatus.core.http import HtmxHttpRequest
from planstatus.lib.status import Status
from planstatus.plans.access import get_plan_for_editor, get_plan_for_member
from planstatus.plans.actions.news import AttachmentRefused
from planstatus.plans.actions.status import StatusConflict
from planstatus.plans.forms import ATTACHMENT_PROBLEMS, MilestoneForm, NewsForm
from planstatus.plans.models import Measure, Plan
from planstatus.regions.models import Actor
from planstatus.reporting.actions.items import report_milestone, report_news
from planstatus.reporting.actions.links import (
    check_link,
    check_redeemed_link,
    log_link_use,
    revoke_link,
)
from planstatus.reporting.actions.reminders import send_manual_reminders
from planstatus.reporting.actions.reports import (
    approve_submissions,
    record_round_status,
    report_unchanged,
    return_submissions,
)
from planstatus.reporting.actions.rounds import (
    close_round,
    issue_round_link,
    open_round,
    update_round,
)
from planstatus.reporting.errors import RoundError
from planstatus.reporting.forms import (
    DecisionForm,
    EditRoundForm,
    FilterQueryForm,
    OpenRoundForm,
    ReportForm,
    RoundFilterForm,
    RowViewForm,
    UnchangedForm,
)
from planstatus.reporting.messages import conflict_message, refusal_message
from planstatus.reporting.models import (
    ReportingLink,
    ReportingLinkUse,
    ReportingRound,
    Submission,
)
from planstatus.reporting.progress import responsible_actors, round_progress
from planstatus.reporting.reads import (
    MeasureReport,
    actor_work,
    changes_since_previous,
    measure_reports,
    pending_submissions,
    previous_closed_round,
    refused_uses,
    round_links,
)
from planstatus.reporting.recipients import has_address, prefetch_recipients, recipients
from planstatus.reporting.round_table import (
    MeasureRows,
    RoundRow,
    RowFilter,
    filter_actors,
    round_rows,
)

Action = ReportingLinkUse.Action

# Status code and Nynorsk explanation for each way a link can be refused.
REFUSAL_STATUS: dict[str, int] = {
    Action.REFUSED_UNKNOWN: 404,
    Action.REFUSED_REVOKED: 410,
    Action.REFUSED_EXPIRED: 410,
    Action.REFUSED_CLOSED: 409,
    Action.REFUSED_MEASURE: 403,
}


# The round page lists the latest refused uses of the round's links; the admin has them all.
REFUSALS_SHOWN = 50


class _Client(TypedDict):
    ip: str
    user_agent: str


def _client(request: HttpRequest) -> _Client:
    return {
        "ip": client_address(request) or "",
        "user_agent": request.META.get("HTTP_USER_AGENT", ""),
    }


def _base_url(request: HttpRequest) -> str:
    return settings.BASE_URL or request.build_absolute_uri("/")


def _refused(
    request: HtmxHttpRequest,
    refusal: str,
    link: ReportingLink | None = None,
    *,
    token_in_address: bool = False,
) -> HttpResponse:
    template = "reporting/_refused.html" if request.htmx else "reporting/refused.html"
    response = render(
        request,
        template,
        {"refusal": refusal, "link": link, "no_login_next": token_in_address},
        status=REFUSAL_STATUS.get(refusal, 403),
    )
    return _private(response, token_in_address=token_in_address)


def _private(response: HttpResponse, *, token_in_address: bool = False) -> HttpResponse:
    """No copy in any cache: the page shows what a body reported. Where the address holds
    the token, no Referer either, to the files the page loads or the sites it links to.
    The token-free pages keep Django's same-origin policy: under no-referrer a browser
    sends `Origin: null` with the page's saves, which the CSRF check rightly refuses."""
    if token_in_address:
        response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


def _report_form(report: MeasureReport, data: dict[str, str] | None = None) -> ReportForm:
    initial: dict[str, object] = {
        "status": report.reported_status,
        "expected_previous": report.expected_previous,
    }
    # Correcting a report starts from what was reported, not from an empty form.
    reported = report.submission or report.in_round
    if reported is not None:
        initial |= {
            "comment": reported.comment,
            "evidence_url": reported.evidence_url,
            "comment_is_public": reported.comment_is_public,
        }
    return ReportForm(data, initial=initial, prefix=f"m{report.measure.pk}")


# --- The actor's page ----------------------------------------------------------------------
#
# The mailed address /r/<token>/ is opened once: the token is checked, the link's id kept in
# the browser's session, and the browser sent on to /r/side/<id>/. The token then stays out of
# the address bar, the history, the Referer of every file the page loads, the login link's
# ?next= and the access logs of what follows. Several links can be open in one browser (a
# person who reports for two bodies); a forwarded link works for whoever opens it.

SESSION_LINKS = "reporting_links"
SESSION_LINKS_KEPT = 20
NOT_REDEEMED = "not_redeemed"


@never_cache
def actor_link(request: HtmxHttpRequest, token: str) -> HttpResponse:
    check = check_link(token=token, **_client(request))
    link = check.usable
    if link is None:
        refusal = check.refusal or Action.REFUSED_UNKNOWN
        return _refused(request, refusal, check.link, token_in_address=True)
    kept = [pk for pk in request.session.get(SESSION_LINKS, []) if pk != link.pk]
    request.session[SESSION_LINKS] = [*kept[-(SESSION_LINKS_KEPT - 1) :], link.pk]
    return _private(redirect("actor_page", link.pk), token_in_address=True)


def _redeemed_link(
    request: HtmxHttpRequest, pk: int, *, detail: str = ""
) -> ReportingLink | HttpResponse:
    """The session's usable link with that id, or the page saying why there is none."""
    if pk not in request.session.get(SESSION_LINKS, []):
        return _refused(request, NOT_REDEEMED)
    check = check_redeemed_link(link_id=pk, action=None, detail=detail, **_client(request))
    if check.usable is None:
        return _refused(request, check.refusal or Action.REFUSED_UNKNOWN, check.link)
    return check.usable


@never_cache
def actor_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    link = _redeemed_link(request, pk)
    if isinstance(link, HttpResponse):
        return link
    assert link.round is not None  # a usable link's round is open
    work = actor_work(actor=link.actor, plan=link.plan, round=link.round, reporter=link.actor)
    # The first measure still missing opens; the others are one line each until tapped.
    first = work.next_missing
    items = [
        {"report": r, "form": _report_form(r), "open": r is first, **_item_forms(r.measure)}
        for r in work.responsible
    ]
    response = render(
        request,
        "reporting/actor_page.html",
        {"link": link, "plan": link.plan, "work": work, "items": items},
    )
    return _private(response)


def _item_forms(measure: Measure) -> dict[str, object]:
    """A card's «Legg til ei milepæl» and «Skriv kva som har skjedd»: the secretariat's own
    forms, prefixed per measure as the status form is."""
    return {
        "milestone_form": MilestoneForm(prefix=f"ms{measure.pk}"),
        "news_form": NewsForm(prefix=f"news{measure.pk}", initial={"date": timezone.localdate()}),
    }


def _link_and_measure(
    request: HtmxHttpRequest, pk: int, measure_pk: int, detail: str
) -> tuple[ReportingLink, Measure] | HttpResponse:
    """The session's usable link and a current measure of its plan that its body is
    responsible for, or the page saying why not (logged against the link)."""
    link = _redeemed_link(request, pk, detail=detail)
    if isinstance(link, HttpResponse):
        return link
    assert link.round is not None
    measure = (
        Measure.objects.responsible_for(link.actor)
        .filter(pk=measure_pk, focus_area__plan=link.plan, archived_at__isnull=True)
        .first()
    )
    if measure is None:
        log_link_use(link=link, action=Action.REFUSED_MEASURE, detail=detail, **_client(request))
        return _refused(request, Action.REFUSED_MEASURE, link)
    return link, measure


@never_cache
@require_POST
def actor_report(request: HtmxHttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    detail = f"measure {measure_pk}"
    found = _link_and_measure(request, pk, measure_pk, detail)
    if isinstance(found, HttpResponse):
        return found
    link, measure = found
    assert link.round is not None
    return _private(
        _save_report(
            request,
            round=link.round,
            measure=measure,
            link=link,
            post_url=reverse("actor_report", args=[link.pk, measure.pk]),
            done_url=reverse("actor_page", args=[link.pk]) + f"#tiltak-{measure.pk}",
            detail=detail,
        )
    )


@never_cache
@require_POST
def actor_unchanged(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """«Ingen endring sidan sist»: one measure, or every measure not yet answered."""
    link = _redeemed_link(request, pk, detail="unchanged")
    if isinstance(link, HttpResponse):
        return link
    assert link.round is not None
    form = UnchangedForm(request.POST)
    back = reverse("actor_page", args=[link.pk])
    if not form.is_valid():
        return redirect(back)
    work = actor_work(actor=link.actor, plan=link.plan, round=link.round, reporter=link.actor)
    chosen = [r.measure for r in work.can_carry_forward]
    if form.cleaned_data["measure"] is not None:
        chosen = [m for m in chosen if m.pk == form.cleaned_data["measure"]]
    try:
        written = report_unchanged(round=link.round, link=link, measures=chosen)
    except RoundError as e:
        messages.error(request, refusal_message(e))
        return _private(redirect(back))
    log_link_use(
        link=link,
        action=Action.REPORTED,
        detail=f"unchanged: {len(written)} carried",
        **_client(request),
    )
    messages.success(
        request,
        ngettext(
            "%(n)s measure reported as unchanged since last.",
            "%(n)s measures reported as unchanged since last.",
            len(written),
        )
        % {"n": len(written)},
    )
    anchor = f"#tiltak-{chosen[0].pk}" if len(chosen) == 1 else ""
    return _private(redirect(back + anchor))


@never_cache
@require_POST
def actor_milestone(request: HtmxHttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """«Legg til ei milepæl» from a card: it waits for approval when the plan's reports
    must be approved, else it is added at once."""
    detail = f"milestone {measure_pk}"
    found = _link_and_measure(request, pk, measure_pk, detail)
    if isinstance(found, HttpResponse):
        return found
    link, measure = found
    assert link.round is not None
    form = MilestoneForm(request.POST, prefix=f"ms{measure.pk}")
    if form.is_valid():
        try:
            added = report_milestone(
                round=link.round,
                measure=measure,
                link=link,
                text=form.cleaned_data["text"],
                due_on=form.cleaned_data["due_on"],
            )
        except RoundError as e:
            form.add_error(None, refusal_message(e))
        else:
            log_link_use(
                link=link, action=Action.REPORTED, detail=f"{detail}: saved", **_client(request)
            )
            messages.success(
                request,
                _("The milestone is sent. The secretariat looks it over before it is shown.")
                if isinstance(added, Submission)
                else _("The milestone is added."),
            )
            return _private(redirect(_card_url(link, measure)))
    title = _("New milestone for measure %(code)s") % {"code": measure.code or measure.text}
    return _item_form_page(request, link, measure, form, title=title)


@never_cache
@require_POST
def actor_news(request: HtmxHttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """«Skriv kva som har skjedd» from a card, with files checked as the secretariat's are;
    a bad file refuses it all and the text comes back."""
    detail = f"update {measure_pk}"
    found = _link_and_measure(request, pk, measure_pk, detail)
    if isinstance(found, HttpResponse):
        return found
    link, measure = found
    assert link.round is not None
    form = NewsForm(request.POST, request.FILES, prefix=f"news{measure.pk}")
    if form.is_valid():
        try:
            added = report_news(
                round=link.round,
                measure=measure,
                link=link,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"],
            )
        except AttachmentRefused as refused:
            form.add_error(
                "attachments", ATTACHMENT_PROBLEMS[refused.problem] % {"name": refused.name}
            )
        except RoundError as e:
            form.add_error(None, refusal_message(e))
        else:
            log_link_use(
                link=link, action=Action.REPORTED, detail=f"{detail}: saved", **_client(request)
            )
            messages.success(
                request,
                _("The update is sent. The secretariat looks it over before it is shown.")
                if isinstance(added, Submission)
                else _("The update is saved."),
            )
            return _private(redirect(_card_url(link, measure)))
    title = _("What has happened with measure %(code)s") % {"code": measure.code or measure.text}
    return _item_form_page(request, link, measure, form, title=title)


def _card_url(link: ReportingLink, measure: Measure) -> str:
    return reverse("actor_page", args=[link.pk]) + f"#tiltak-{measure.pk}"


def _item_form_page(
    request: HtmxHttpRequest,
    link: ReportingLink,
    measure: Measure,
    form: MilestoneForm | NewsForm,
    *,
    title: str,
) -> HttpResponse:
    """A refused milestone or update again, with the person's text and what was wrong."""
    response = render(
        request,
        "reporting/actor_item_form.html",
        {
            "plan": link.plan,
            "link": link,
            "measure": measure,
            "form": form,
            "title": title,
            "multipart": isinstance(form, NewsForm),
            "action": request.path,
            "back": _card_url(link, measure),
        },
        status=400,
    )
    return _private(response)


def _save_report(
    request: HtmxHttpRequest,
    *,
    round: ReportingRound,
    measure: Measure,
    post_url: str,
    done_url: str,
    link: ReportingLink | None = None,
    detail: str = "",
    member: Actor | None = None,
    row: bool = False,
) -> HttpResponse:
    """Validate and save one measure's report; answer with its fragment or a redirect.
    With `member` the secretariat reports a group measure's member's own status; with `row`
    the fragments are the round table's lines (the secretariat's round page)."""
    # Bound to the post, the form needs no initial values, so nothing is read before saving.
    form = ReportForm(request.POST, prefix=_prefix(measure, member))
    conflict: StatusConflict | None = None
    error = ""
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_round_status(
                round=round,
                measure=measure,
                status=Status(data["status"]),
                comment=data["comment"],
                comment_is_public=data["comment_is_public"],
                evidence_url=data["evidence_url"],
                user=request.user,
                actor=member,
                link=link,
                expected_previous=data["expected_previous"],
            )
            saved = True
        except StatusConflict as e:
            conflict = e
        except RoundError as e:
            error = refusal_message(e)
    if link is not None:
        outcome = "saved" if saved else "conflict" if conflict else "not saved"
        log_link_use(
            link=link, action=Action.REPORTED, detail=f"{detail}: {outcome}", **_client(request)
        )
    if saved and not request.htmx:
        messages.success(request, _("Saved: %(code)s.") % {"code": measure.code or measure.text})
        return redirect(done_url)
    if row:
        return _row_answer(
            request,
            round=round,
            measure=measure,
            member=member,
            form=form,
            saved=saved,
            conflict=conflict,
            error=error,
            post_url=post_url,
            done_url=done_url,
        )
    # Without a link only the secretariat gets here: it sees who saved, person too.
    [report] = measure_reports(
        round=round,
        measure_ids=[measure.pk],
        reporter=link.actor if link else None,
        show_person=link is None,
    )
    if saved:
        form = _report_form(report)
    elif conflict is not None:
        # Keep what the person wrote, but let the next save go through on purpose.
        form = _report_form(report, _with_expected(request.POST, form, report))
    context: dict[str, object] = {
        "item": {"report": report, "form": form, **_item_forms(measure)},
        "post_url": post_url,
        "saved": saved,
        "conflict": conflict_message(conflict, for_link=link is not None)
        if conflict is not None
        else "",
        "error": error,
        "round": round,
        "is_actor": link is not None,
        "link": link,
    }
    if link is not None and request.htmx:
        # The card stays open, and the summary at the top of the page follows the save.
        assert link.round is not None
        context |= {
            "card_open": True,
            "summary_oob": saved,
            "work": actor_work(
                actor=link.actor, plan=link.plan, round=link.round, reporter=link.actor
            )
            if saved
            else None,
        }
    template = "reporting/_report_item.html"
    if not request.htmx:
        template = "reporting/report_item_page.html"
        context |= {"plan": round.plan, "back": done_url}
    status = 200 if saved else 409 if conflict or error else 400
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _with_expected(post: QueryDict, form: ReportForm, report: MeasureReport) -> QueryDict:
    data = post.copy()
    expected = report.expected_previous
    data[form.add_prefix("expected_previous")] = str(expected) if expected is not None else ""
    return data


def _prefix(measure: Measure, member: Actor | None) -> str:
    """The form's prefix: one per line of the round table, so two open forms differ."""
    return f"m{measure.pk}" if member is None else f"m{measure.pk}-{member.pk}"


def _line(
    round: ReportingRound, measure: Measure, member: Actor | None, *, show_person: bool
) -> tuple[MeasureRows, RoundRow]:
    """The measure's lines in the round table and the one asked for (404 for a member that
    does not report on it)."""
    [rows] = round_rows(round=round, measure_ids=[measure.pk], show_person=show_person)
    if member is None:
        return rows, rows.head
    line = next((r for r in rows.members if r.member and r.member.pk == member.pk), None)
    if line is None:
        raise Http404
    return rows, line


def _line_form(line: RoundRow, data: QueryDict | None = None) -> ReportForm:
    """A line's form, starting from what was reported: the measure's report as the
    reporting pages start it, or on a member's line the member's own latest report."""
    if line.member is None:
        return _report_form(line.report, data)
    members = line.report.group.members if line.report.group else []
    own = next(r for r in members if r.member.pk == line.member.pk)
    initial: dict[str, object] = {
        "status": own.status if own.has_reported else None,
        "expected_previous": own.update.pk if own.update else None,
    }
    if line.in_round is not None:
        initial |= {
            "comment": line.in_round.comment,
            "evidence_url": line.in_round.evidence_url,
            "comment_is_public": line.in_round.comment_is_public,
        }
    return ReportForm(data, initial=initial, prefix=_prefix(line.report.measure, line.member))


def _row_answer(
    request: HtmxHttpRequest,
    *,
    round: ReportingRound,
    measure: Measure,
    member: Actor | None,
    form: ReportForm,
    saved: bool,
    conflict: StatusConflict | None,
    error: str,
    post_url: str,
    done_url: str,
) -> HttpResponse:
    """A save from the round table: the measure's lines again when saved, else the line's
    form with what went wrong (for htmx, put where the form was), or without JS the
    measure's own page with the form."""
    rows, line = _line(round, measure, member, show_person=True)
    if conflict is not None:
        # Keep what the person wrote, but let the next save go through on purpose.
        data = request.POST.copy()
        expected = _line_form(line).initial.get("expected_previous")
        data[form.add_prefix("expected_previous")] = str(expected) if expected else ""
        form = _line_form(line, data)
        form.is_valid()
    context: dict[str, object] = {
        "plan": round.plan,
        "round": round,
        "can_edit": True,
        "conflict": conflict_message(conflict) if conflict is not None else "",
        "error": error,
        "post_url": post_url,
    }
    if saved:
        template = "reporting/_round_rows.html"
        context |= {"rows": rows, "saved_key": line.key}
    elif request.htmx:
        template = "reporting/_round_row_form.html"
        context |= {"line": line, "form": form}
    else:
        template = "reporting/report_item_page.html"
        context |= {
            "item": {"report": line.report, "form": form},
            "member": member,
            "back": done_url,
            "plain_form": True,
        }
    status = 200 if saved else 409 if conflict or error else 400
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    if request.htmx and not saved:
        # The form aims its answer at the measure's lines; a refusal replaces the form only.
        response = retarget(response, f"#{line.key}")
        response = reswap(response, "outerHTML")
    return response


# --- The secretariat's round pages ---------------------------------------------------------


def _get_round(plan: Plan, pk: int) -> ReportingRound:
    rounds = ReportingRound.objects.select_related("plan__region")
    return get_object_or_404(rounds, plan=plan, pk=pk)


@login_required
def round_list(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_member(request.user, region_slug, plan_slug)
    rounds = plan.reporting_rounds.select_related("opened_by", "closed_by")
    return render(
        request,
        "reporting/round_list.html",
        {
            "plan": plan,
            "rounds": rounds,
            "can_edit": can_edit(request.user, plan.region),
            "has_open": any(r.is_open for r in rounds),
        },
    )


@never_cache
@login_required
def round_open(request: HttpRequest, region_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    form = OpenRoundForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            opened = open_round(
                plan=plan,
                title=form.cleaned_data["title"],
                deadline=form.cleaned_data["deadline"],
                message=form.cleaned_data["message"],
                reminder_plan=form.reminder_plan,
                user=request.user,
                base_url=_base_url(request),
            )
        except RoundError as e:
            form.add_error(None, refusal_message(e))
        else:
            # Rendered, not redirected: the links to hand over exist only in this response.
            return render(request, "reporting/round_opened.html", {"plan": plan, "opened": opened})
    return render(
        request,
        "reporting/round_open.html",
        {"plan": plan, "form": form, "invited": _invited(plan)},
        status=400 if form.errors else 200,
    )


def _invited(plan: Plan) -> list[dict[str, object]]:
    """Each responsible actor with the addresses its round links go to (the form page)."""
    actors = responsible_actors(plan)
    prefetch_recipients(actors)
    return [{"actor": a, "addresses": [r for r in recipients(a) if r.email]} for a in actors]


@never_cache
@login_required
def round_edit(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    """An open round's title, message, deadline and reminder plan."""
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    round = _get_round(plan, pk)
    if not round.is_open:
        raise Http404
    form = EditRoundForm(posted(request), round=round)
    if request.method == "POST" and form.is_valid():
        try:
            update_round(
                round=round,
                title=form.cleaned_data["title"],
                deadline=form.cleaned_data["deadline"],
                message=form.cleaned_data["message"],
                reminder_plan=form.reminder_plan,
                user=request.user,
            )
        except RoundError as e:
            form.add_error(None, refusal_message(e))
        else:
            messages.success(request, _("The round is saved. The earlier version is in the log."))
            return redirect("round", region_slug, plan_slug, round.pk)
    return render(
        request,
        "reporting/round_edit.html",
        {"plan": plan, "round": round, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def round_detail(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_member(request.user, region_slug, plan_slug)
    round = _get_round(plan, pk)
    editor = can_edit(request.user, plan.region)
    progress = round_progress(round)
    prefetch_recipients(a.actor for a in progress.actors)
    # Who a reminder reaches: each contact person, else the body's own address. Addresses
    # are the secretariat's to see; a reader sees only how many.
    behind = [
        {"entry": a, "addresses": [r for r in recipients(a.actor) if r.email]}
        for a in progress.behind
    ]
    rows = round_rows(
        round=round, measure_ids=[m.pk for m in progress.measures], show_person=editor
    )
    filters = RoundFilterForm(
        request.GET, actors=filter_actors((a.actor for a in progress.actors), rows)
    )
    row_filter = RowFilter()
    if filters.is_valid():
        chosen = filters.cleaned_data
        row_filter = RowFilter(
            actor_id=chosen["aktor"],
            status=chosen["status"],
            not_reported=chosen["ikkje_rapportert"],
        )
    pending = pending_submissions(plan)
    return render(
        request,
        "reporting/round_detail.html",
        {
            "plan": plan,
            "round": round,
            "progress": progress,
            "to_remind": [b for b in behind if b["addresses"]],
            "behind_without_address": [b["entry"] for b in behind if not b["addresses"]],
            "behind_count": len(behind),
            "reachable": {a.actor.pk for a in progress.actors if has_address(a.actor)},
            "measure_rows": row_filter.apply(rows),
            "filters": filters,
            "filtered": row_filter.active,
            "filter_query": FilterQueryForm(request.GET).query() if row_filter.active else "",
            "can_edit": editor,
            "changes": changes_since_previous(round),
            "previous": previous_closed_round(round),
            "reminders": round.reminders.select_related("actor", "contact_person", "sent_by"),
            "links": round_links(round),
            "refusals": refused_uses(round)[:REFUSALS_SHOWN],
            "failures": round.mail_failures.select_related("actor"),
            "pending": pending,
            "decision_form": DecisionForm(pending=pending) if editor else None,
        },
    )


@require_POST
@login_required
def round_decide(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    """Approve or return the chosen reports awaiting approval."""
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    round = _get_round(plan, pk)
    form = DecisionForm(request.POST, pending=pending_submissions(plan))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(reverse("round", args=[region_slug, plan_slug, round.pk]) + "#godkjenning")
    chosen = list(form.cleaned_data["submissions"])
    if form.cleaned_data["action"] == DecisionForm.APPROVE:
        done = approve_submissions(submissions=chosen, user=request.user)
        messages.success(
            request,
            ngettext("%(n)s report approved.", "%(n)s reports approved.", len(done))
            % {"n": len(done)},
        )
    else:
        returned = return_submissions(
            submissions=chosen, note=form.cleaned_data["note"].strip(), user=request.user
        )
        messages.success(
            request,
            ngettext("%(n)s report returned.", "%(n)s reports returned.", len(returned))
            % {"n": len(returned)},
        )
    return redirect(reverse("round", args=[region_slug, plan_slug, round.pk]) + "#godkjenning")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def round_report(
    request: HtmxHttpRequest,
    region_slug: str,
    plan_slug: str,
    pk: int,
    measure_pk: int,
    member_pk: int | None = None,
) -> HttpResponse:
    """One line of the round table: its form (htmx: in place of the line; without JS: the
    measure's own page), the line again («Avbryt»), and the save."""
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    round = _get_round(plan, pk)
    measure = get_object_or_404(Measure, pk=measure_pk, focus_area__plan=plan)
    member = None
    if member_pk is not None:
        member = get_object_or_404(Actor, pk=member_pk, region=plan.region)
        _line(round, measure, member, show_person=True)  # 404 unless it reports on it
    args = [region_slug, plan_slug, round.pk, measure.pk]
    post_url = (
        reverse("round_report", args=args)
        if member is None
        else reverse("round_member_report", args=[*args, member.pk])
    )
    # Without JS the round page's filters come along, so the way back keeps them.
    query = FilterQueryForm(request.GET).query()
    if query:
        post_url += f"?{query}"
    anchor = f"tiltak-{measure.pk}" if member is None else f"tiltak-{measure.pk}-{member.pk}"
    done_url = reverse("round", args=[region_slug, plan_slug, round.pk])
    done_url += (f"?{query}" if query else "") + f"#{anchor}"
    if request.method == "POST":
        return _save_report(
            request,
            round=round,
            measure=measure,
            member=member,
            row=True,
            post_url=post_url,
            done_url=done_url,
        )
    if not round.is_open:
        raise Http404
    rows, line = _line(round, measure, member, show_person=True)
    view = RowViewForm(request.GET)
    shown = view.cleaned_data["vis"] if view.is_valid() else ""
    context: dict[str, object] = {"plan": plan, "round": round, "can_edit": True}
    if request.htmx and shown == "rad":
        template = "reporting/_round_rows.html"
        context |= {"rows": rows}
    elif request.htmx:
        template = "reporting/_round_row_form.html"
        context |= {"line": line, "form": _line_form(line), "post_url": post_url}
    else:
        template = "reporting/report_item_page.html"
        context |= {
            "item": {"report": line.report, "form": _line_form(line)},
            "member": member,
            "post_url": post_url,
            "back": done_url,
            "plain_form": True,
        }
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def round_remind(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    round = _get_round(plan, pk)
    # Failures are counted as recorded: a person whose links were withdrawn on purpose is
    # skipped, which is no failure.
    failures_before = round.mail_failures.count()
    try:
        sent = send_manual_reminders(round=round, user=request.user, base_url=_base_url(request))
    except RoundError as e:
        messages.error(request, refusal_message(e))
    else:
        failed = round.mail_failures.count() - failures_before
        progress = round_progress(round)
        prefetch_recipients(a.actor for a in progress.behind)
        behind = [r for a in progress.behind for r in recipients(a.actor) if r.email]
        if sent:
            messages.success(
                request,
                ngettext("Sent %(n)s reminder.", "Sent %(n)s reminders.", len(sent))
                % {"n": len(sent)},
            )
        elif not behind:
            messages.info(request, _("Nobody with an e-mail address is behind: no reminders sent."))
        if failed > 0:
            messages.error(
                request,
                ngettext(
                    "%(n)s reminder could not be sent. Try again later.",
                    "%(n)s reminders could not be sent. Try again later.",
                    failed,
                )
                % {"n": failed},
            )
    return redirect("round", region_slug, plan_slug, round.pk)


@login_required
def round_close(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    round = _get_round(plan, pk)
    if request.method == "POST":
        try:
            close_round(round=round, user=request.user)
        except RoundError as e:
            messages.error(request, refusal_message(e))
            return redirect("round", region_slug, plan_slug, round.pk)
        messages.success(
            request,
            _("The round is closed. Below is the plan as it stood at closing."),
        )
        return redirect(f"{plan.get_absolute_url()}?runde={round.pk}")
    if not round.is_open:
        raise Http404
    progress = round_progress(round)
    return render(
        request,
        "reporting/round_close.html",
        {
            "plan": plan,
            "round": round,
            "progress": progress,
            "pending_count": pending_submissions(plan).count(),
        },
    )


@never_cache
@require_POST
@login_required
def round_link(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int, actor_pk: int
) -> HttpResponse:
    """A fresh link for one actor, shown once: for actors without e-mail, or a lost mail."""
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    round = _get_round(plan, pk)
    actor = get_object_or_404(Actor, pk=actor_pk, region=plan.region)
    if not round.is_open:
        raise PermissionDenied
    try:
        link, url = issue_round_link(
            round=round, actor=actor, user=request.user, base_url=_base_url(request)
        )
    except RoundError as e:
        messages.error(request, refusal_message(e))
        return redirect("round", region_slug, plan_slug, round.pk)
    return render(
        request,
        "reporting/round_link.html",
        {"plan": plan, "round": round, "actor": actor, "link": link, "url": url},
    )


@require_POST
@login_required
def round_link_revoke(
    request: HttpRequest, region_slug: str, plan_slug: str, pk: int, link_pk: int
) -> HttpResponse:
    """Stop one of the round's links; the actor's other links keep working."""
    plan = get_plan_for_editor(request.user, region_slug, plan_slug)
    round = _get_round(plan, pk)
    link = get_object_or_404(ReportingLink.objects.select_related("actor"), pk=link_pk, round=round)
    revoke_link(link=link, user=request.user)
    messages.success(
        request,
        _("The link for %(actor)s made %(date)s no longer works.")
        % {
            "actor": link.actor.name,
            "date": date_format(timezone.localtime(link.created_at), "SHORT_DATETIME_FORMAT"),
        },
    )
    return redirect(reverse("round", args=[region_slug, plan_slug, round.pk]) + "#links-heading")
