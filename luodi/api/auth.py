"""Who is asking: a personal access token (Bearer) or the pages' own session.

The session door checks the CSRF token on writes, as the pages do; a token
needs none, since a browser never sends it by itself.
"""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .services import access_token_user


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        user = access_token_user(token, today=timezone.localdate())
        if user is not None:
            request.user = user
        return user


class PageSession(SessionAuth):
    """The log-in of the pages, for their own scripts."""


API_AUTH = [TokenAuth(), PageSession()]
