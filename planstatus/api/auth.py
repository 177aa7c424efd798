"""Who is calling the API: anonymous, or the user of a valid per-user token.

Only the Authorization header counts; the web session does not, so that what a URL answers
depends on the request alone and a logged-in browser never turns a public answer internal.
A token that is sent and not valid is refused with 401: treating it as anonymous would hand
a script public data while it believes it reads everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from ninja.security import HttpBearer

from planstatus.accounts.roles import AnyUser
from planstatus.api.services import authenticate_api_token

MALFORMED = "The Authorization header must be «Bearer <token>». Leave it out for public data."
INVALID = (
    "The API token is not valid: it is unknown or revoked, or its user is inactive. "
    "Leave the Authorization header out for public data."
)


class InvalidApiToken(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiTokenAuth(HttpBearer):
    """A per-user API token as a bearer token, optional: without one the caller is anonymous."""

    def __call__(self, request: HttpRequest) -> AnyUser:
        header = request.headers.get("Authorization")
        if header is None:
            # Truthy, so that ninja lets the request through as anonymous.
            return AnonymousUser()
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise InvalidApiToken(MALFORMED)
        user = self.authenticate(request, secret.strip())
        if user is None:
            raise InvalidApiToken(INVALID)
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return authenticate_api_token(secret=token)


def caller(request: HttpRequest) -> AnyUser:
    """The user the API request acts for (anonymous without a token)."""
    user: Any = getattr(request, "auth", None)
    return user if isinstance(user, User) else AnonymousUser()
