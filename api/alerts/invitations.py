"""A publisher's invitation, delivered through the invited firm's own alert channels.

The firm's channels are those of the subscriptions it owns (``scenehub notify set`` on a
subscription, or the API's subscription settings): each distinct email address and webhook
URL that is not unsubscribed gets the invitation once. Invitations ride the alert
deliveries table under the key ``invitation/<id>``, so they share its guarantees: queued
at most once per (subscription, key, channel), retried with backoff until ``dead``, never
dropped. ``invitations.delivered_at`` is set by the first channel that sends it.

A firm with no channel keeps the invitation on its own page and in
``scenehub loop invitations``; each delivery run counts such invitations as undelivered.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from jinja2 import Environment
from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.alerts import webhook
from core.models import RecordRow
from core.models.accounts import RecordStatusRow, SubscriptionOwnerRow
from core.models.alerts import AlertDeliveryRow, AlertTargetRow
from core.models.loop import InvitationRow
from core.settings import Settings

PREFIX = "invitation/"
FIELD_LABELS = {"domains": "领域", "district": "区县", "region": "地区"}

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
HTML = _ENV.from_string(
    """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body>
<p>{{ firm }}：</p>
<p>{{ publisher }}邀请贵单位对接场景<strong>「{{ title }}」</strong>（编号 {{ scene_id }}）。</p>
<p>推荐理由：</p>
<ul>{% for reason in reasons %}<li>{{ reason }}</li>{% endfor %}</ul>
{% if message %}<p>发布单位留言：{{ message }}</p>{% endif %}
<p><a href="{{ url }}">查看场景并提交对接意向</a></p>
<p style="color:#888">scenehub 场景清单匹配服务（本邮件由系统自动发送，请勿直接回复）</p>
</body></html>
"""
)


def key(invitation_id: int) -> str:
    return f"{PREFIX}{invitation_id}"


def is_invitation(row: AlertDeliveryRow) -> bool:
    return row.record_id.startswith(PREFIX)


def _reasons(session: Session, inv: InvitationRow, scene: RecordRow) -> list[str]:
    """Why this firm: its matched capability and score, and what it shares with the scene."""
    out: list[str] = []
    cap = session.get(RecordRow, inv.capability_id) if inv.capability_id else None
    if cap is not None:
        score = f"，匹配度 {inv.score:.3f}" if inv.score is not None else ""
        out.append(f"贵单位能力「{cap.title}」与该场景匹配{score}")
        shared = [d for d in (scene.domains or []) if d in (cap.domains or [])]
        if shared:
            out.append(f"领域一致：{'、'.join(shared)}")
        for name in ("district", "region"):
            value = getattr(scene, name)
            if value and value == getattr(cap, name):
                out.append(f"{FIELD_LABELS[name]}一致：{value}")
    elif inv.score is not None:
        out.append(f"匹配度 {inv.score:.3f}")
    return out or ["发布单位认为贵单位的能力与该场景匹配"]


def _destinations(session: Session) -> dict[str, list[tuple[int, str, str]]]:
    """Per firm: ``(subscription, channel, address)``, one per distinct live address."""
    query = select(SubscriptionOwnerRow.subscription_id, SubscriptionOwnerRow.owner_org)
    owners = dict(session.execute(query).tuples().all())
    out: dict[str, list[tuple[int, str, str]]] = {}
    seen: set[tuple[str, str, str]] = set()
    for target in session.scalars(select(AlertTargetRow).order_by(AlertTargetRow.subscription_id)):
        org = owners.get(target.subscription_id)
        if org is None or target.unsubscribed_at is not None:
            continue
        for channel, address in (("email", target.email), ("webhook", target.webhook_url)):
            if address and (org, channel, address) not in seen:
                seen.add((org, channel, address))
                out.setdefault(org, []).append((target.subscription_id, channel, address))
    return out


def queue_invitations(engine: Engine, now: datetime) -> dict[str, int]:
    """Queue every undelivered invitation to each of its firm's channels not yet queued.

    Runs in the delivery job, so a firm that sets up a channel after being invited gets
    the invitations still waiting. An address already queued for an invitation (under any
    of the firm's subscriptions) is never queued again.
    """
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    queued = no_channel = 0
    with Session(engine) as session, session.begin():
        waiting = session.scalars(
            select(InvitationRow)
            .where(InvitationRow.delivered_at.is_(None))
            .order_by(InvitationRow.id)
        ).all()
        if not waiting:
            return {"queued": 0, "no_channel": 0}
        destinations = _destinations(session)
        rows = session.scalars(
            select(AlertDeliveryRow).where(AlertDeliveryRow.record_id.like(f"{PREFIX}%"))
        ).all()
        done = {(r.record_id, r.channel, str((r.reasons or {}).get("to", ""))) for r in rows}
        # a process killed between marking a row sent and stamping the invitation
        sent = {r.record_id: r.sent_at for r in rows if r.status == "sent" and r.sent_at}
        for inv in waiting:
            if key(inv.id) in sent:
                inv.delivered_at = sent[key(inv.id)]
                continue
            targets = destinations.get(inv.firm_org, [])
            if not targets:
                no_channel += 1
                continue
            scene = session.get(RecordRow, inv.scene_id)
            if scene is None:
                continue
            status = session.get(RecordStatusRow, inv.scene_id)
            publisher = (status.owner_org if status else None) or scene.org or "发布单位"
            details = {
                "invitation": inv.id,
                "scene_id": inv.scene_id,
                "firm": inv.firm_org,
                "publisher": publisher,
                "message": inv.message,
                "lines": _reasons(session, inv, scene),
            }
            for sub_id, channel, address in targets:
                if (key(inv.id), channel, address) in done:
                    continue
                statement = (
                    insert(AlertDeliveryRow)
                    .values(
                        subscription_id=sub_id,
                        record_id=key(inv.id),
                        channel=channel,
                        status="pending",
                        score=float(inv.score or 0.0),
                        title=scene.title,
                        reasons={**details, "to": address},
                        attempts=0,
                        next_attempt_at=now,
                        last_error="",
                        created_at=now,
                        sent_at=None,
                    )
                    .on_conflict_do_nothing(
                        index_elements=["subscription_id", "record_id", "channel"]
                    )
                )
                queued += len(session.execute(statement.returning(AlertDeliveryRow.id)).all())
    return {"queued": queued, "no_channel": no_channel}


def _text(settings: Settings, row: AlertDeliveryRow) -> tuple[str, str, str]:
    d: dict[str, Any] = row.reasons or {}
    url = f"{settings.public_url.rstrip('/')}/scenes/{d.get('scene_id')}"
    subject = f"【scenehub】{d.get('publisher')}邀请贵单位对接场景「{row.title}」"
    lines = [
        f"{d.get('firm')}：",
        "",
        f"{d.get('publisher')}邀请贵单位对接场景「{row.title}」（编号 {d.get('scene_id')}）。",
        "",
        "推荐理由：",
        *(f"  · {line}" for line in d.get("lines", [])),
    ]
    if d.get("message"):
        lines += ["", f"发布单位留言：{d['message']}"]
    lines += [
        "",
        f"查看场景并提交对接意向：{url}",
        "",
        "—— scenehub 场景清单匹配服务（本邮件由系统自动发送，请勿直接回复）",
    ]
    return subject, "\n".join(lines) + "\n", url


def build_message(settings: Settings, row: AlertDeliveryRow) -> EmailMessage:
    d: dict[str, Any] = row.reasons or {}
    subject, text, url = _text(settings, row)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.smtp_from
    message["To"] = str(d.get("to"))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="scenehub")
    message.set_content(text, charset="utf-8")
    html = HTML.render(
        subject=subject,
        firm=d.get("firm"),
        publisher=d.get("publisher"),
        title=row.title,
        scene_id=d.get("scene_id"),
        reasons=d.get("lines", []),
        message=d.get("message"),
        url=url,
    )
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def send(settings: Settings, target: AlertTargetRow, row: AlertDeliveryRow) -> None:
    """Send one invitation on its row's channel; any failure raises (retried later)."""
    d: dict[str, Any] = row.reasons or {}
    if row.channel == "email":
        from api.alerts import email

        email.send(settings, build_message(settings, row))
    elif row.channel == "webhook":
        if not target.webhook_secret:
            raise RuntimeError("the webhook has no signing secret")
        _subject, text, url = _text(settings, row)
        payload = {
            "type": "invitation",
            "invitation": d.get("invitation"),
            "scene_id": d.get("scene_id"),
            "scene_title": row.title,
            "publisher": d.get("publisher"),
            "firm": d.get("firm"),
            "score": row.score,
            "reasons": d.get("lines", []),
            "message": d.get("message"),
            "url": url,
            "text": text,
        }
        webhook.post(str(d.get("to")), target.webhook_secret, payload, row.record_id)
    else:
        raise RuntimeError(f"invitations are not sent by {row.channel}")


def mark_delivered(engine: Engine, rows: list[AlertDeliveryRow], now: datetime) -> None:
    ids = {int((r.reasons or {})["invitation"]) for r in rows}
    with Session(engine) as session, session.begin():
        for inv_id in ids:
            inv = session.get(InvitationRow, inv_id)
            if inv is not None and inv.delivered_at is None:
                inv.delivered_at = now
