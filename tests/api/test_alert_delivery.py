"""Alerts that reach a supplier: email, signed webhook, Atom feed; once, retried, never lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from alert_servers import smtp_server, webhook_server
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.alerts import webhook
from api.alerts.service import deliver_pending, queue_alerts, status_counts
from api.alerts.targets import AlertTargetError, set_target
from core.models.alerts import AlertDeliveryRow, AlertTargetRow
from core.records import Record, RecordKind
from core.settings import Settings, normalize_database_url
from core.store import RecordStore
from matching.engine import Matcher
from matching.subscriptions import Subscriptions

T0 = datetime(2026, 11, 1, tzinfo=UTC)
T1 = T0 + timedelta(days=1)
T2 = T0 + timedelta(days=2)
SECRET = "s3cret-signing-key-0123"
NEW = [
    ("S-1", "变电站无人机巡检", "国网杭州供电公司"),
    ("S-2", "输电线路无人机智能巡检<script>alert(1)</script>", "某电力公司"),
]


def scene(rid: str, title: str, org: str) -> Record:
    return Record(id=rid, kind=RecordKind.SCENE, title=title, org=org, description=title)


class Bigram:
    name = "test:bigram-alerts"
    dim = 64

    def _encode(self, texts: list[str]) -> object:
        import hashlib

        import numpy as np

        from matching.embedders import normalise_rows

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for j in range(len(text) - 1):
                out[i, int(hashlib.md5(text[j : j + 2].encode()).hexdigest()[:8], 16) % 64] += 1
        return normalise_rows(out)

    def encode_queries(self, texts: list[str]) -> object:
        return self._encode(texts)

    def encode_passages(self, texts: list[str]) -> object:
        return self._encode(texts)


@pytest.fixture
def world(tmp_path: Path, database_url: str) -> Iterator[tuple[RecordStore, Matcher, Settings]]:
    url = database_url  # SQLite, and PostgreSQL when configured
    store = RecordStore.from_url(normalize_database_url(url))
    store.upsert_many([scene("OLD-1", "智慧停车诱导", "某区城管局")], now=T0 - timedelta(days=1))
    matcher = Matcher(store, tmp_path / "home", Bigram())  # type: ignore[arg-type]
    matcher.build()
    Subscriptions(matcher).add("云翼", "无人机巡检 电力", threshold=0.0, now=T0)
    store.upsert_many([scene(*row) for row in NEW], now=T1)
    matcher.build()
    settings = Settings(
        home=tmp_path / "home",
        database_url=url,
        public_url="https://hub.example.cn",
        smtp_host="127.0.0.1",
        alert_max_attempts=3,
    )
    yield store, matcher, settings
    store.engine.dispose()


def _deliveries(store: RecordStore) -> list[AlertDeliveryRow]:
    with store.session() as s:
        return list(s.scalars(select(AlertDeliveryRow).order_by(AlertDeliveryRow.id)))


def test_delivered_once_by_email_webhook_and_feed(
    world: tuple[RecordStore, Matcher, Settings],
) -> None:
    store, matcher, settings = world
    with smtp_server() as (smtp, port), webhook_server(fail_first=2) as (hook, hook_url):
        settings = settings.model_copy(update={"smtp_port": port})
        target = set_target(
            store.engine,
            settings,
            "云翼",
            email_to="bd@yunyi.example.cn",
            webhook_url=hook_url,
            webhook_secret=SECRET,
        )
        assert queue_alerts(store, matcher, now=T2)["queued"] == 6  # 2 records x 3 channels
        result = deliver_pending(settings, now=T2)
        assert (result["sent"], result["failed"]) == (4, 0)

        # a crash after queueing, before the window moved: the same matches come again
        with store.session() as s, s.begin():
            s.execute(update(AlertTargetRow).values(queued_until=None))
        restarted = RecordStore.from_url(settings.resolved_database_url)  # a fresh process
        assert queue_alerts(restarted, matcher, now=T2 + timedelta(hours=1))["queued"] == 0
        assert deliver_pending(settings, now=T2 + timedelta(hours=1))["sent"] == 0
        restarted.engine.dispose()

    # email: one message, Chinese, plain text and HTML, reasons and unsubscribe link
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert "云翼" in message["Subject"] and "2 条新匹配" in message["Subject"]
    assert message["List-Unsubscribe"].strip() == f"<{target.unsubscribe_url}>"
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "变电站无人机巡检" in plain and "命中关键词" in plain and target.unsubscribe_url in plain
    assert "匹配度" in html and target.feed_url in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # crawled text is escaped

    # webhook: two 500s then success, within one cycle; every try signed; one batch
    assert [code for _, _, code in hook.requests] == [500, 500, 204]
    headers, body, _ = hook.requests[-1]
    assert webhook.verify(
        SECRET, headers["X-Scenehub-Timestamp"], body, headers["X-Scenehub-Signature"]
    )
    assert not webhook.verify(
        "wrong-secret-0123456",
        headers["X-Scenehub-Timestamp"],
        body,
        headers["X-Scenehub-Signature"],
    )
    payload = json.loads(body)
    assert {m["record_id"] for m in payload["matches"]} == {"S-1", "S-2"}
    assert all(m["reasons"] for m in payload["matches"])
    assert {h["X-Scenehub-Delivery"] for h, _, _ in hook.requests} == {
        headers["X-Scenehub-Delivery"]
    }
    assert {(r.channel, r.status) for r in _deliveries(store)} == {
        ("email", "sent"),
        ("webhook", "sent"),
        ("feed", "sent"),
    }


def test_failing_smtp_server_is_retried_later_and_nothing_is_lost(
    world: tuple[RecordStore, Matcher, Settings],
) -> None:
    store, matcher, settings = world
    with smtp_server(fail_first=1) as (smtp, port):
        settings = settings.model_copy(update={"smtp_port": port})
        set_target(store.engine, settings, "云翼", email_to="bd@yunyi.example.cn")
        queue_alerts(store, matcher, now=T2)
        first = deliver_pending(settings, now=T2)
        assert (first["sent"], first["failed"]) == (0, 2)
        rows = [r for r in _deliveries(store) if r.channel == "email"]
        assert {r.status for r in rows} == {"pending"} and {r.attempts for r in rows} == {1}
        assert "451" in rows[0].last_error
        # not due yet: backoff
        assert deliver_pending(settings, now=T2 + timedelta(seconds=10))["sent"] == 0
        later = deliver_pending(settings, now=T2 + timedelta(minutes=2))
        assert later["sent"] == 2
        assert deliver_pending(settings, now=T2 + timedelta(hours=9))["sent"] == 0
    assert smtp.refused == 1 and len(smtp.messages) == 1


def test_a_webhook_that_keeps_failing_ends_as_a_dead_letter_and_is_kept(
    world: tuple[RecordStore, Matcher, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, matcher, settings = world
    monkeypatch.setattr(webhook.time, "sleep", lambda _s: None)
    with webhook_server(fail_always=True) as (hook, url):
        set_target(store.engine, settings, "云翼", webhook_url=url, webhook_secret=SECRET)
        queue_alerts(store, matcher, now=T2)
        when = T2
        for _ in range(3):  # alert_max_attempts = 3
            deliver_pending(settings, now=when)
            when += timedelta(hours=7)
        assert deliver_pending(settings, now=when + timedelta(days=1))["failed"] == 0
    assert len(hook.requests) == 3 * webhook.TRIES
    assert status_counts(store.engine)["webhook"] == {"dead": 2}
    dead = [r for r in _deliveries(store) if r.channel == "webhook"]
    assert all("HTTP 500" in r.last_error and r.attempts == 3 for r in dead)


def test_bad_targets_are_refused(world: tuple[RecordStore, Matcher, Settings]) -> None:
    store, _, settings = world
    with pytest.raises(AlertTargetError, match="no subscription"):
        set_target(store.engine, settings, "nobody", email_to="a@b.cn")
    with pytest.raises(AlertTargetError, match="email"):
        set_target(store.engine, settings, "云翼", email_to="not-an-address")
    with pytest.raises(AlertTargetError, match="secret"):
        set_target(store.engine, settings, "云翼", webhook_url="https://x.cn/h", webhook_secret="")


def test_feed_at_a_secret_url_and_unsubscribe(
    world: tuple[RecordStore, Matcher, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.deps import get_store

    store, matcher, settings = world
    target = set_target(store.engine, settings, "云翼", email_to="bd@yunyi.example.cn")
    queue_alerts(store, matcher, now=T2)
    monkeypatch.setenv("SCENEHUB_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("SCENEHUB_HOME", str(settings.home))
    from core.settings import get_settings

    get_settings.cache_clear()
    get_store.cache_clear()
    from api.app import create_app

    client = TestClient(create_app())
    path = target.feed_url.removeprefix("https://hub.example.cn")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(response.content)
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert len(titles) == 2 and any("变电站无人机巡检" in (t or "") for t in titles)
    assert client.get("/feeds/guessed-token.atom").status_code == 404

    unsubscribe = target.unsubscribe_url.removeprefix("https://hub.example.cn")
    assert client.get(unsubscribe).status_code == 200
    assert "已退订" in client.post(unsubscribe).text
    assert client.get("/alerts/unsubscribe/guessed").status_code == 404
    # after unsubscribing: queued emails are not sent, new matches go to the feed only
    result = deliver_pending(settings, now=T2)
    assert result["sent"] == 0
    assert {r.status for r in _deliveries(store) if r.channel == "email"} == {"unsubscribed"}
    store.upsert_many([scene("S-3", "配电房无人机巡检", "某电力公司")], now=T2 + timedelta(hours=1))
    matcher.build()
    assert queue_alerts(store, matcher, now=T2 + timedelta(hours=2))["queued"] == 1
    get_settings.cache_clear()
    get_store.cache_clear()


def test_a_terminal_alerts_run_does_not_consume_what_suppliers_are_sent(
    world: tuple[RecordStore, Matcher, Settings],
) -> None:
    store, matcher, settings = world
    set_target(store.engine, settings, "云翼", email_to="bd@yunyi.example.cn")
    terminal = Subscriptions(matcher).alerts(now=T2, mark=True)  # `scenehub alerts`
    assert {m.id for m in terminal[0].matches} == {"S-1", "S-2"}
    assert queue_alerts(store, matcher, now=T2 + timedelta(minutes=1))["queued"] == 4


def test_the_scheduled_delivery_job_delivers(
    world: tuple[RecordStore, Matcher, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run as the scheduler runs it: inside the job's own lock, the real job function."""
    from api.scheduling import build_jobs
    from core.jobs import JobLedger

    store, matcher, settings = world
    monkeypatch.setattr(webhook.time, "sleep", lambda _s: None)
    with webhook_server() as (hook, url):
        set_target(store.engine, settings, "云翼", webhook_url=url, webhook_secret=SECRET)
        queue_alerts(store, matcher, now=T2)
        job = {j.name: j for j in build_jobs(settings)}["alerts-deliver"]
        outcome = JobLedger(store.engine).run(job.name, job.func, slot="s1", trigger="schedule")
    assert outcome.status == "finished" and outcome.message.startswith("2 sent"), outcome
    assert len(hook.requests) == 1
