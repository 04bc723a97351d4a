"""The interactive API docs (Swagger UI), served from vendored files.

FastAPI's own ``/docs`` loads Swagger UI from a CDN and starts it with an inline script, so
it is blank offline and needs a looser CSP. Here the bundle is vendored (``make vendor``,
npm's ``swagger-ui-dist``, Apache-2.0 — licence beside it) and started by ``docs.js``, so the
docs page runs under the site's one strict CSP.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

VENDOR = "/static/vendor/swagger-ui"

PAGE = f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>scenehub API 文档</title>
<link rel="icon" type="image/png" href="{VENDOR}/favicon-32x32.png">
<link rel="stylesheet" href="{VENDOR}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/openapi.json"></div>
<script src="{VENDOR}/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    return HTMLResponse(PAGE)
