"""The new-region form, shared by the web page and `planstatus create-region`."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planstatus.installation.services import MunicipalityEntry
from planstatus.lib.slugs import slug_from
from planstatus.regions.models import Municipality, Region, validate_region_slug

MAX_MUNICIPALITIES = 60  # Norway's largest county had 46 municipalities in 2020
# «3451 Nord-Aurdal», «3451; Nord-Aurdal», «3451, Nord-Aurdal», «3451 – Nord-Aurdal»
_LINE = re.compile(r"^\s*(\d+)\s*[;,:\t–-]?\s*(.*?)\s*$")


# The region's short name in addresses; suggested from its name when left empty.
SLUG_MAX = 50


class NewRegionForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the region"),
        max_length=Region._meta.get_field("name").max_length,
        help_text=gettext_lazy("As people say it, e.g. Valdres."),
    )
    slug = forms.CharField(
        label=gettext_lazy("Short name in addresses"),
        max_length=SLUG_MAX,
        required=False,
        help_text=gettext_lazy(
            "Small letters, digits and hyphens. Left empty, it is made from the name."
        ),
    )
    council_name = forms.CharField(
        label=gettext_lazy("Council"),
        max_length=Region._meta.get_field("council_name").max_length,
        required=False,
        help_text=gettext_lazy("e.g. Valdres regionråd"),
    )
    municipalities = forms.CharField(
        label=gettext_lazy("Municipalities"),
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=5000,
        error_messages={"required": gettext_lazy("Give at least one municipality.")},
        help_text=gettext_lazy(
            "One per line: the municipality number and the name, e.g. «3451 Nord-Aurdal»."
        ),
    )
    secretariat_email = forms.CharField(
        label=gettext_lazy("E-mail of the secretariat"),
        max_length=254,
        required=False,
        help_text=gettext_lazy(
            "Optional. This person becomes the region's secretariat and gets a mail with a "
            "link to choose a password."
        ),
    )

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"].strip().lower()
        if not slug:
            return ""  # made from the name in clean(), once the name is known to be valid
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
            raise forms.ValidationError(
                _("Use small letters a–z, digits and hyphens only, e.g. «valdres».")
            )
        return slug

    def clean_municipalities(self) -> list[MunicipalityEntry]:
        entries: list[MunicipalityEntry] = []
        problems: list[str] = []
        seen: dict[str, int] = {}
        name_limit = Municipality._meta.get_field("name").max_length or 100
        text = self.cleaned_data["municipalities"]
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) > MAX_MUNICIPALITIES:
            raise forms.ValidationError(
                _("At most %(limit)s municipalities; this has %(count)s.")
                % {"limit": MAX_MUNICIPALITIES, "count": len(lines)}
            )
        for n, line in lines:
            match = _LINE.match(line)
            where = {"line": n, "text": line.strip()[:80]}
            if match is None or not match.group(2):
                problems.append(
                    _("Line %(line)s («%(text)s»): write the number first, then the name.") % where
                )
                continue
            number, name = match.group(1), match.group(2)
            if len(number) != 4:
                problems.append(
                    _("Line %(line)s («%(text)s»): a municipality number has four digits.") % where
                )
            elif len(name) > name_limit:
                problems.append(
                    _("Line %(line)s: the name is longer than %(limit)s characters.")
                    % {"line": n, "limit": name_limit}
                )
            elif number in seen:
                problems.append(
                    _("Line %(line)s: %(number)s is also on line %(first)s.")
                    % {"line": n, "number": number, "first": seen[number]}
                )
            else:
                seen[number] = n
                entries.append(MunicipalityEntry(number=number, name=name))
        taken = Municipality.objects.filter(number__in=seen).select_related("region")
        for municipality in taken:
            problems.append(
                _("%(number)s %(name)s already belongs to %(region)s.")
                % {
                    "number": municipality.number,
                    "name": municipality.name,
                    "region": municipality.region.name,
                }
            )
        if problems:
            raise forms.ValidationError(problems)
        if not entries:
            raise forms.ValidationError(_("Give at least one municipality."))
        return entries

    def clean_secretariat_email(self) -> str:
        email: str = self.cleaned_data["secretariat_email"].strip()
        if email:
            validate_email(email)
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "slug" in cleaned and "name" in cleaned and not cleaned["slug"]:
            cleaned["slug"] = slug_from(cleaned["name"], max_length=SLUG_MAX)
            if not cleaned["slug"]:
                self.add_error("slug", _("Give a short name made of letters a–z and digits."))
                return cleaned
        slug = cleaned.get("slug")
        if slug:
            try:
                validate_region_slug(slug)
            except forms.ValidationError as e:
                self.add_error("slug", e)
                return cleaned
            if Region.objects.filter(slug=slug).exists():
                self.add_error(
                    "slug",
                    _("The short name «%(slug)s» is taken; choose another.") % {"slug": slug},
                )
        return cleaned
