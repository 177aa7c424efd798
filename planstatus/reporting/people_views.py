"""Contact persons (the secretariat's pages) and the public page where a person asks for
their reporting link again."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from planstatus.core.client import client_address, digest, within_limit
from planstatus.core.forms import posted
from planstatus.plans.access import get_region_for_editor
from planstatus.regions.models import Actor, ContactPerson, Region
from planstatus.reporting.actions.people import remove_contact_person, request_links
from planstatus.reporting.forms import ContactPersonForm, LinkRequestForm


def _actor(request: HttpRequest, region_slug: str, actor_pk: int) -> tuple[Region, Actor]:
    region = get_region_for_editor(request.user, region_slug)
    return region, get_object_or_404(Actor, region=region, pk=actor_pk)


def _private(response: HttpResponse) -> HttpResponse:
    # Personal data: no copy in any cache.
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
def contact_persons(request: HttpRequest, region_slug: str, actor_pk: int) -> HttpResponse:
    """An actor's contact persons, and the form to add one."""
    region, actor = _actor(request, region_slug, actor_pk)
    form = ContactPersonForm(posted(request), actor=actor)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        messages.success(request, _("%(name)s is added.") % {"name": person.name})
        return redirect("contact_persons", region.slug, actor.pk)
    return _private(
        render(
            request,
            "reporting/contact_persons.html",
            {
                "region": region,
                "actor": actor,
                "persons": actor.contact_persons.all(),
                "form": form,
            },
            status=400 if form.errors else 200,
        )
    )


@never_cache
@login_required
def contact_person_edit(
    request: HttpRequest, region_slug: str, actor_pk: int, pk: int
) -> HttpResponse:
    region, actor = _actor(request, region_slug, actor_pk)
    person = get_object_or_404(ContactPerson, actor=actor, pk=pk)
    form = ContactPersonForm(posted(request), instance=person, actor=actor)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(name)s is saved.") % {"name": person.name})
        return redirect("contact_persons", region.slug, actor.pk)
    return _private(
        render(
            request,
            "core/form_page.html",
            {
                "form": form,
                "title": person.name,
                "back": reverse("contact_persons", args=[region.slug, actor.pk]),
                "region": region,
            },
            status=400 if form.errors else 200,
        )
    )


@never_cache
@login_required
def contact_person_remove(
    request: HttpRequest, region_slug: str, actor_pk: int, pk: int
) -> HttpResponse:
    region, actor = _actor(request, region_slug, actor_pk)
    person = get_object_or_404(ContactPerson, actor=actor, pk=pk)
    if request.method == "POST":
        remove_contact_person(person=person, user=request.user)
        messages.success(
            request,
            _("%(name)s is removed. Their links no longer work; their reports keep %(actor)s.")
            % {"name": person.name, "actor": actor.name},
        )
        return redirect("contact_persons", region.slug, actor.pk)
    return _private(
        render(
            request,
            "reporting/contact_person_remove.html",
            {"region": region, "actor": actor, "person": person},
        )
    )


# --- «Få lenkja di på nytt» --------------------------------------------------------------
#
# The page answers the same whether or not the address is known, so it cannot be used to
# find out who reports for whom. Requests are limited per client address (a flood from one
# place) and per e-mail address (one inbox filled with mails), in the shared cache so that
# every app server counts together.

REQUESTS_PER_CLIENT = 10
REQUESTS_PER_ADDRESS = 3
REQUEST_WINDOW_SECONDS = 3600


@never_cache
def link_request(request: HttpRequest) -> HttpResponse:
    form = LinkRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        client = client_address(request) or "unknown"
        if not within_limit(
            f"link-request:client:{digest(client)}",
            REQUESTS_PER_CLIENT,
            seconds=REQUEST_WINDOW_SECONDS,
        ):
            return _private(render(request, "reporting/link_request_limited.html", status=429))
        email = form.cleaned_data["email"]
        # Past the limit for the address, nothing is sent, and the answer is the same.
        if within_limit(
            f"link-request:address:{digest(email)}",
            REQUESTS_PER_ADDRESS,
            seconds=REQUEST_WINDOW_SECONDS,
        ):
            base_url = settings.BASE_URL or request.build_absolute_uri("/")
            request_links(email=email, base_url=base_url)
        return _private(render(request, "reporting/link_request_sent.html"))
    return _private(
        render(
            request,
            "reporting/link_request.html",
            {"form": form},
            status=400 if form.errors else 200,
        )
    )
