"""Security headers on every response, and CSRF tokens for the pages' forms.

CSRF: a random ``scenehub_csrf`` cookie (HttpOnly, SameSite=Strict) is set on the first
page; every form carries HMAC(secret, that cookie), which another site can neither read
nor compute. Checked on every POST of the pages, signed in or not (login included).
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class SecurityHeaders:
    """Sets the security headers on every HTTP response.

    Plain ASGI rather than ``BaseHTTPMiddleware``: it only rewrites the response's start
    message, so it adds no task or body stream to each request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
            await send(message)

        await self.app(scope, receive, send_with_headers)


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
