"""A subscription's alerts as an Atom feed at a secret URL, and the unsubscribe link.

``GET /feeds/{token}.atom``: the newest matches queued for the subscription (the token is the
secret; an unknown one is a plain 404). ``GET|POST /alerts/unsubscribe/{token}``: stops email
and webhook delivery (POST for mail clients' one-click unsubscribe, RFC 8058).
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

from api.alerts.targets import feed_entries, unsubscribe
from api.deps import StoreDep

router = APIRouter(tags=["alerts"])
ATOM = "http://www.w3.org/2005/Atom"


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@router.get("/feeds/{token}.atom")
def read_feed(store: StoreDep, token: str) -> Response:
    found = feed_entries(store.engine, token)
    if found is None:
        raise HTTPException(status_code=404, detail="no such feed")
    name, rows = found
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:scenehub:feed:{token}"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"scenehub 订阅「{name}」的新匹配"
    updated = max((r.created_at for r in rows), default=datetime.now(UTC))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "scenehub"
    for row in rows:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:scenehub:alert:{row.id}"
        org = (row.reasons or {}).get("org")
        title = f"{row.title}（{org}）" if org else row.title
        ET.SubElement(entry, f"{{{ATOM}}}title").text = title
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _iso(row.created_at)
        lines = [f"匹配度 {row.score:.3f}", *(row.reasons or {}).get("lines", [])]
        summary = ET.SubElement(entry, f"{{{ATOM}}}summary")
        summary.text = "\n".join(lines)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=row.record_id)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


_DONE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>已退订</title>
</head><body><p>已退订：此后不再通过邮件或 webhook 发送该订阅的提醒。</p></body></html>"""


# GET for the link in an email, POST for one-click unsubscribe (RFC 8058): two operations
@router.post("/alerts/unsubscribe/{token}", operation_id="unsubscribe_one_click")
@router.get("/alerts/unsubscribe/{token}", operation_id="unsubscribe_link")
def unsubscribe_link(store: StoreDep, token: str) -> HTMLResponse:
    if unsubscribe(store.engine, token) is None:
        raise HTTPException(status_code=404, detail="unknown or expired unsubscribe link")
    return HTMLResponse(_DONE)
