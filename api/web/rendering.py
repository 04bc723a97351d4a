"""Rendering a page: the one autoescaping template environment, :func:`render` (with the
form token and its cookie) and :func:`error_page`, the one way a domain error becomes a page.

Every page module and the app's error handlers import it; it imports no page module, so the
pages never import each other in a circle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.deps import page_caller
from api.services.errors import ServiceError, Unauthenticated
from api.services.policy import Principal
from api.web.security import CSRF_COOKIE, csrf_cookie, form_token

HERE = Path(__file__).parent
_ENV = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
templates = Jinja2Templates(env=_ENV)


def https(request: Request) -> bool:
    """Whether the request came over HTTPS (cookies are then marked ``secure``)."""
    return request.url.scheme == "https"


def render(
    request: Request,
    template: str,
    who: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    cookie, new = csrf_cookie(request)
    response = templates.TemplateResponse(
        request,
        template,
        {"who": who, "csrf": form_token(cookie), "path": request.url.path, **context},
        status_code=status_code,
    )
    if new:
        response.set_cookie(
            CSRF_COOKIE, cookie, httponly=True, samesite="strict", secure=https(request)
        )
    return response


def error_page(request: Request, exc: ServiceError) -> Response:
    """Domain errors on a page: the same message, as a page (sign-in for 401)."""
    if isinstance(exc, Unauthenticated):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return render(request, "error.html", page_caller(request), exc.status_code, error=exc)
