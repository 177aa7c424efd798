from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data for a POST, even an empty one (which `request.POST or None` would drop)."""
    return request.POST if request.method == "POST" else None


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
