"""Alert emails: Chinese, plain text and HTML (autoescaped), one per subscription per cycle."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from jinja2 import Environment

from core.settings import Settings

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

TEXT = """您好：

您订阅的「{name}」有 {count} 条新的匹配结果：

{items}
查看订阅源（Atom）：{feed_url}
退订：{unsubscribe_url}

—— scenehub 场景清单匹配服务（本邮件由系统自动发送，请勿直接回复）
"""

HTML = _ENV.from_string(
    """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body>
<p>您好：</p>
<p>您订阅的「{{ name }}」有 {{ items|length }} 条新的匹配结果：</p>
<ol>
{% for item in items %}
<li><p><strong>{{ item.title }}</strong>{% if item.org %}（{{ item.org }}）{% endif %}
 — 匹配度 {{ "%.3f"|format(item.score) }}
{% if item.url %}<br><a href="{{ item.url }}">{{ item.url }}</a>{% endif %}</p>
<ul>{% for reason in item.reasons %}<li>{{ reason }}</li>{% endfor %}</ul></li>
{% endfor %}
</ol>
<p><a href="{{ feed_url }}">订阅源（Atom）</a> · <a href="{{ unsubscribe_url }}">退订</a></p>
<p style="color:#888">scenehub 场景清单匹配服务（本邮件由系统自动发送，请勿直接回复）</p>
</body></html>
"""
)


@dataclass
class AlertItem:
    record_id: str
    title: str
    org: str | None
    score: float
    reasons: list[str]
    url: str | None


def build_message(
    settings: Settings,
    to: str,
    name: str,
    items: list[AlertItem],
    feed_url: str,
    unsubscribe_url: str,
) -> EmailMessage:
    subject = f"【scenehub】订阅「{name}」有 {len(items)} 条新匹配"
    lines = []
    for n, item in enumerate(items, 1):
        head = f"{n}. {item.title}" + (f"（{item.org}）" if item.org else "")
        lines.append(f"{head} — 匹配度 {item.score:.3f}")
        if item.url:
            lines.append(f"   {item.url}")
        lines.extend(f"   · {reason}" for reason in item.reasons)
        lines.append("")
    text = TEXT.format(
        name=name,
        count=len(items),
        items="\n".join(lines),
        feed_url=feed_url,
        unsubscribe_url=unsubscribe_url,
    )
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="scenehub")
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, charset="utf-8")
    html = HTML.render(
        subject=subject,
        name=name,
        items=items,
        feed_url=feed_url,
        unsubscribe_url=unsubscribe_url,
    )
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Hand one message to the SMTP server; any failure raises (the caller retries later)."""
    if not settings.smtp_host:
        raise RuntimeError("SCENEHUB_SMTP_HOST is not set")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(message)
