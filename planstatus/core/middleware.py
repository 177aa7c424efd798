"""The interface language, the caching of a signed-in person's pages, and the answer when
the database is too busy to take a write.

The interface language is the person's own choice, else Nynorsk.

Django's LocaleMiddleware would also follow the browser's Accept-Language, and most
Norwegian browsers ask for Bokmål; Planstatus speaks Nynorsk until a person chooses
otherwise. The choice lives in the language cookie, so reading it costs no query; it is
also kept on the person's preferences and put back in the cookie when they log in.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


def chosen_language(request: HttpRequest) -> str:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PrivateForMembersMiddleware:
    """A signed-in person's pages may show internal comments and people's names: no shared
    cache between the browser and us (a proxy, a CDN) may keep them. The browser may."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response


# PostgreSQL's codes for a write that could not get its lock in time (lock_timeout), lost a
# deadlock or a serialisation race: each succeeds when tried again.
RETRYABLE_SQLSTATES = {"55P03", "40P01", "40001"}
RETRY_AFTER_SECONDS = 5


def is_busy(exception: BaseException) -> bool:
    if not isinstance(exception, OperationalError):
        return False
    if getattr(exception.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    # SQLite's busy timeout ran out while another process held the write lock.
    return "database is locked" in str(exception) or "database table is locked" in str(exception)


class BusyDatabaseMiddleware:
    """A write that waited its full lock timeout gets a page that says to try again (503,
    with Retry-After), not a server error: nothing was saved, and nothing is wrong."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        response = render(request, "core/busy.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
