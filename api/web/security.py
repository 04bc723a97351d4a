"""Security headers on every response, and CSRF tokens for the pages' forms.

CSRF: a random ``scenehub_csrf`` cookie (HttpOnly, SameSite=Strict) is set on the first
page; every form carries HMAC(secret, that cookie), which another site can neither read
nor compute. Checked on every POST of the pages, signed in or not (login included).
"""

from __future__ import annotations

import secrets

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from api.services.accounts import csrf_ok, csrf_token
from api.services.errors import Forbidden
from core.settings import get_settings

CSRF_COOKIE = "scenehub_csrf"

#: pages load only their own scripts and styles; nothing may frame them
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: FastAPI's /docs pages load Swagger UI from a CDN and run an inline script
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "frame-ancestors 'none'"
)


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        docs = request.url.path in ("/docs", "/redoc", "/docs/oauth2-redirect")
        response.headers["Content-Security-Policy"] = DOCS_CSP if docs else CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return response


def _secret() -> str:
    return get_settings().secret_key.get_secret_value()


def csrf_cookie(request: Request) -> tuple[str, bool]:
    """This browser's CSRF cookie, and whether it is new (to be set on the response)."""
    value = request.cookies.get(CSRF_COOKIE)
    if value and len(value) >= 16:
        return value, False
    return secrets.token_urlsafe(24), True


def form_token(cookie: str) -> str:
    return csrf_token(_secret(), cookie)


def check_csrf(request: Request, token: str | None) -> None:
    if not csrf_ok(_secret(), request.cookies.get(CSRF_COOKIE), token):
        raise Forbidden("the form has expired or came from another site; reload the page")
