"""The public's input form (on the measure page, posting here) and the secretariat's inbox."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planstatus.accounts.roles import can_edit
from planstatus.core.client import client_address, digest, within_limit
from planstatus.core.forms import posted
from planstatus.feedback.forms import AnswerForm, InboxFilterForm, InputForm, RetentionForm
from planstatus.feedback.models import PublicInput
from planstatus.feedback.services import answer_input, erase_email, send_input
from planstatus.plans.access import (
    get_measure_for_user,
    get_region_for_editor,
    get_region_for_member,
)
from planstatus.regions.models import Region

logger = logging.getLogger(__name__)

# Per client address, in the shared cache: enough for a person, too few for a flood.
INPUTS_PER_CLIENT = 5
INPUT_WINDOW_SECONDS = 3600
PER_PAGE = 25


def input_send(request: HttpRequest, region_slug: str, plan_slug: str, pk: int) -> HttpResponse:
    """The measure page's form posts here; this page of its own shows a refused form again
    with the person's text. Anyone may send input on a measure they can see, as the public
    sees it (a member sees the same form)."""
    measure = get_measure_for_user(AnonymousUser(), region_slug, plan_slug, pk)
    form = InputForm(posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        client = client_address(request) or "unknown"
        key = f"input:client:{digest(client)}"
        if not within_limit(key, INPUTS_PER_CLIENT, seconds=INPUT_WINDOW_SECONDS):
            form.add_error(
                None, _("You have sent a lot of input in a short time. Try again in an hour.")
            )
            status = 429
        else:
            if form.is_bot():
                # Answered as a person is, so the program learns nothing; nothing is kept.
                logger.info("Input on measure %s refused: the hidden field was filled", pk)
            else:
                send_input(
                    measure=measure,
                    text=form.cleaned_data["text"],
                    email=form.cleaned_data["email"],
                )
            messages.success(
                request,
                _("Thank you. Your input has gone to the secretariat."),
            )
            return redirect(measure.get_absolute_url() + "#innspel")
    return render(
        request,
        "feedback/input_page.html",
        {"measure": measure, "plan": measure.focus_area.plan, "form": form},
        status=status if status != 200 else (400 if form.errors else 200),
    )


def _inbox_items(region: Region, shown: str) -> QuerySet[PublicInput]:
    items = PublicInput.objects.filter(measure__focus_area__plan__region=region).select_related(
        "measure__focus_area__plan__region", "answered_by"
    )
    if shown == InboxFilterForm.OPEN:
        items = items.filter(answer="")
    elif shown == InboxFilterForm.ANSWERED:
        items = items.exclude(answer="")
    return items


@login_required
def inbox(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_member(request.user, region_slug)
    editor = can_edit(request.user, region)
    filters = InboxFilterForm(request.GET or None)
    shown = filters.cleaned_data["vis"] if filters.is_valid() else ""
    page = Paginator(_inbox_items(region, shown), PER_PAGE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "feedback/inbox.html",
        {
            "region": region,
            "page": page,
            "items": [
                (item, AnswerForm(instance=item, prefix=f"i{item.pk}") if editor else None)
                for item in page.object_list
            ],
            "filters": filters,
            "query": query.urlencode(),
            "can_edit": editor,
            "retention_form": RetentionForm(instance=region) if editor else None,
        },
    )


def _item_for_editor(request: HttpRequest, region_slug: str, pk: int) -> PublicInput:
    region = get_region_for_editor(request.user, region_slug)
    return get_object_or_404(
        PublicInput.objects.select_related("measure__focus_area__plan__region"),
        measure__focus_area__plan__region=region,
        pk=pk,
    )


@require_POST
@login_required
def input_answer(request: HttpRequest, region_slug: str, pk: int) -> HttpResponse:
    item = _item_for_editor(request, region_slug, pk)
    form = AnswerForm(request.POST, instance=item, prefix=f"i{item.pk}")
    if form.is_valid():
        answer_input(
            item=item,
            answer=form.cleaned_data["answer"],
            public_question=form.cleaned_data["public_question"],
            published=form.cleaned_data["published"],
            user=request.user,
            base_url=settings.BASE_URL or request.build_absolute_uri("/"),
        )
        messages.success(request, _("The answer is saved. An earlier answer is in the history."))
        return redirect(reverse("inbox", args=[region_slug]) + f"#innspel-{item.pk}")
    item.refresh_from_db()
    return render(
        request,
        "feedback/answer_page.html",
        {"region": item.measure.focus_area.plan.region, "item": item, "form": form},
        status=400,
    )


@require_POST
@login_required
def input_erase_email(request: HttpRequest, region_slug: str, pk: int) -> HttpResponse:
    item = _item_for_editor(request, region_slug, pk)
    erase_email(item=item)
    messages.success(request, _("The e-mail address is deleted."))
    return redirect(reverse("inbox", args=[region_slug]) + f"#innspel-{item.pk}")


@require_POST
@login_required
def inbox_retention(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = get_region_for_editor(request.user, region_slug)
    form = RetentionForm(request.POST, instance=region)
    if form.is_valid():
        form.save()
        messages.success(request, _("Saved. The earlier value is in the log."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("inbox", region_slug)
