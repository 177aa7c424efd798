"""HEAD for the API: django-ninja routes each operation by its declared method, so a HEAD
(a link checker, `curl -I`) got 405 where GET works. The other views answer HEAD as
Django does (require_safe)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"


class ApiHeadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        request.method = "HEAD"
        if not response.streaming:
            # The headers GET would send, its length included, and no body.
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
