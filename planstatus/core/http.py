"""The request as our views see it: Django's, with django-htmx's `request.htmx`."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    # Set on every request by django_htmx.middleware.HtmxMiddleware (settings.MIDDLEWARE);
    # true when htmx sent it, which then wants a fragment rather than a whole page.
    htmx: HtmxDetails
