from __future__ import annotations

from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data for a POST, even an empty one (which `request.POST or None` would drop)."""
    return request.POST if request.method == "POST" else None
