"""Installation-wide pages: a new region, for installation administrators."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from planstatus.accounts.roles import is_installation_admin
from planstatus.core.forms import posted
from planstatus.installation.forms import NewRegionForm
from planstatus.installation.services import create_region, invite_secretariat

logger = logging.getLogger(__name__)


@login_required
def region_create(request: HttpRequest) -> HttpResponse:
    if not is_installation_admin(request.user):
        raise Http404  # as for every page one may not see
    form = NewRegionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_region = create_region(
            name=data["name"],
            slug=data["slug"],
            council_name=data["council_name"],
            municipalities=data["municipalities"],
            secretariat_email=data["secretariat_email"],
        )
        messages.success(
            request,
            _("The region %(name)s is made with %(count)s municipalities.")
            % {"name": new_region.region.name, "count": len(data["municipalities"])},
        )
        if new_region.secretariat is not None:
            # After the commit: a mail that fails must not undo the region.
            try:
                invite_secretariat(
                    new_region=new_region,
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                    reply_to=getattr(request.user, "email", ""),
                )
            except OSError:
                logger.exception("The invitation to %s could not be sent", new_region.region.slug)
                messages.warning(
                    request,
                    _(
                        "The mail to %(email)s could not be sent. They can ask for a new "
                        "password on the login page, or you can give them one with "
                        "`planstatus createuser`."
                    )
                    % {"email": new_region.secretariat.email},
                )
            else:
                messages.success(
                    request,
                    _("%(email)s is the secretariat and has got a mail.")
                    % {"email": new_region.secretariat.email},
                )
        return redirect("region", new_region.region.slug)
    return render(
        request,
        "installation/region_create.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
