"""A publisher's invitation reaches the invited firm through its own alert channels:
once per address, retried after a failure, never re-sent after a restart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alert_servers import smtp_server, webhook_server
from sqlalchemy import select, update

from api.alerts import webhook
from api.alerts.service import deliver_pending, status_counts
from api.alerts.targets import set_target, unsubscribe
from api.services import loop_board
from core.models.accounts import SubscriptionOwnerRow
from core.models.alerts import AlertDeliveryRow
from core.models.loop import InvitationRow
from core.models.matching import SubscriptionRow
from core.records import Record, RecordKind
from core.settings import Settings, normalize_database_url
from core.store import RecordStore

T0 = datetime(2026, 11, 1, tzinfo=UTC)
SECRET = "s3cret-signing-key-0123"
FIRM = "云翼科技"
TITLE = "变电站无人机巡检<script>alert(1)</script>"


@pytest.fixture
def world(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[RecordStore, Settings]]:
    monkeypatch.setattr(webhook.time, "sleep", lambda _s: None)
    store = RecordStore.from_url(normalize_database_url(database_url))
    store.upsert_many(
        [
            Record(
                id="S-1",
                kind=RecordKind.SCENE,
                title=TITLE,
                org="国网杭州供电公司",
                description="无人机巡检",
                domains=["能源"],
                district="西湖区",
            ),
            Record(
                id="C-1",
                kind=RecordKind.CAPABILITY,
                title="电力无人机智能巡检平台",
                org=FIRM,
                description="无人机巡检",
                domains=["能源", "低空经济"],
                district="西湖区",
            ),
        ],
        now=T0,
    )
    with store.session() as s, s.begin():
        for name in ("云翼-巡检", "云翼-能源", "别家"):
            sub = SubscriptionRow(name=name, query="巡检", created_at=T0)
            s.add(sub)
            s.flush()
            owner = FIRM if "云翼" in name else "别家公司"
            s.add(SubscriptionOwnerRow(subscription_id=sub.id, owner_org=owner))
        s.add(
            InvitationRow(
                scene_id="S-1",
                firm_org=FIRM,
                capability_id="C-1",
                score=0.8123,
                message="欢迎来谈 <b>面议</b>",
                invited_by="pub",
                created_at=T0,
                delivered_at=None,
            )
        )
    settings = Settings(
        home=tmp_path / "home",
        database_url=database_url,
        public_url="https://hub.example.cn",
        smtp_host="127.0.0.1",
        alert_max_attempts=3,
    )
    yield store, settings
    store.engine.dispose()


def _invitation(store: RecordStore) -> InvitationRow:
    with store.session() as s:
        row = s.scalar(select(InvitationRow))
        assert row is not None
        return row


def _rows(store: RecordStore) -> list[AlertDeliveryRow]:
    with store.session() as s:
        return list(s.scalars(select(AlertDeliveryRow).order_by(AlertDeliveryRow.id)))


def test_invitation_reaches_email_and_webhook_once_after_a_failure(
    world: tuple[RecordStore, Settings],
) -> None:
    store, settings = world
    # the SMTP server refuses once; the webhook fails every try of the first cycle
    with (
        smtp_server(fail_first=1) as (smtp, port),
        webhook_server(fail_first=webhook.TRIES) as (hook, url),
    ):
        settings = settings.model_copy(update={"smtp_port": port})
        set_target(store.engine, settings, "云翼-巡检", email_to="bd@yunyi.example.cn")
        # a second subscription of the same firm, same address, plus a webhook
        set_target(
            store.engine,
            settings,
            "云翼-能源",
            email_to="bd@yunyi.example.cn",
            webhook_url=url,
            webhook_secret=SECRET,
        )
        # another firm's channel never sees this invitation
        set_target(store.engine, settings, "别家", email_to="x@other.example.cn")

        first = deliver_pending(settings, now=T0)
        assert first["invitations"] == {"queued": 2, "no_channel": 0}  # one email, one webhook
        assert (first["sent"], first["failed"]) == (0, 2)
        assert _invitation(store).delivered_at is None
        assert [inv.id for inv in loop_board.pending_invitations(store)] == [1]

        # not due yet: the backoff holds it back
        assert deliver_pending(settings, now=T0 + timedelta(seconds=10))["sent"] == 0
        second = deliver_pending(settings, now=T0 + timedelta(hours=1))
        assert (second["sent"], second["failed"]) == (2, 0)
        assert second["invitations"]["queued"] == 0
        delivered = _invitation(store).delivered_at
        assert delivered == T0 + timedelta(hours=1)
        assert loop_board.pending_invitations(store) == []

        # a restart: a fresh store, later runs send nothing again
        restarted = RecordStore.from_url(settings.resolved_database_url)
        for hours in (2, 30):
            again = deliver_pending(settings, now=T0 + timedelta(hours=hours))
            assert (again["sent"], again["failed"]) == (0, 0)
        restarted.engine.dispose()

    assert len(smtp.messages) == 1 and smtp.refused == 1
    message = smtp.messages[0]
    assert message["To"] == "bd@yunyi.example.cn"
    assert "国网杭州供电公司邀请贵单位对接场景" in message["Subject"]
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert TITLE in plain and "国网杭州供电公司" in plain
    assert "贵单位能力「电力无人机智能巡检平台」与该场景匹配，匹配度 0.812" in plain
    assert "领域一致：能源" in plain and "区县一致：西湖区" in plain
    assert "https://hub.example.cn/scenes/S-1" in plain
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>面议</b>" not in html and "&lt;b&gt;面议" in html

    codes = [code for _, _, code in hook.requests]
    assert codes == [500] * webhook.TRIES + [204]
    headers, body, _ = hook.requests[-1]
    assert webhook.verify(
        SECRET, headers["X-Scenehub-Timestamp"], body, headers["X-Scenehub-Signature"]
    )
    assert headers["X-Scenehub-Delivery"] == "invitation/1"
    payload = json.loads(body)
    assert payload["type"] == "invitation" and payload["scene_id"] == "S-1"
    assert payload["publisher"] == "国网杭州供电公司" and payload["firm"] == FIRM
    assert "领域一致：能源" in payload["reasons"]
    assert status_counts(store.engine) == {"email": {"sent": 1}, "webhook": {"sent": 1}}


def test_a_firm_without_channel_is_counted_and_reached_once_it_sets_one(
    world: tuple[RecordStore, Settings],
) -> None:
    store, settings = world
    with smtp_server() as (smtp, port):
        settings = settings.model_copy(update={"smtp_port": port})
        run = deliver_pending(settings, now=T0)
        assert run["invitations"] == {"queued": 0, "no_channel": 1}
        assert "1 undelivered" in run["summary"]
        assert _rows(store) == [] and _invitation(store).delivered_at is None

        # an unsubscribed address is not a channel
        target = set_target(store.engine, settings, "云翼-巡检", email_to="bd@yunyi.example.cn")
        assert unsubscribe(store.engine, target.unsubscribe_url.rsplit("/", 1)[1]) == "云翼-巡检"
        assert deliver_pending(settings, now=T0)["invitations"]["no_channel"] == 1

        set_target(store.engine, settings, "云翼-能源", email_to="ceo@yunyi.example.cn")
        later = deliver_pending(settings, now=T0 + timedelta(minutes=5))
        assert later["sent"] == 1 and later["invitations"]["no_channel"] == 0
    assert [m["To"] for m in smtp.messages] == ["ceo@yunyi.example.cn"]
    assert _invitation(store).delivered_at == T0 + timedelta(minutes=5)


def test_a_dead_invitation_is_kept_and_stays_undelivered(
    world: tuple[RecordStore, Settings],
) -> None:
    store, settings = world
    with webhook_server(fail_always=True) as (_hook, url):
        set_target(store.engine, settings, "云翼-巡检", webhook_url=url, webhook_secret=SECRET)
        for n in range(settings.alert_max_attempts):
            deliver_pending(settings, now=T0 + timedelta(days=n))
    webhook_rows = [r for r in _rows(store) if r.channel == "webhook"]
    assert [(r.status, r.attempts) for r in webhook_rows] == [("dead", 3)]
    assert "HTTP 500" in webhook_rows[0].last_error
    assert _invitation(store).delivered_at is None  # still on the firm's page, counted


def test_the_schedulers_delivery_job_sends_invitations(
    world: tuple[RecordStore, Settings],
) -> None:
    from api.scheduling import deliver_due

    store, settings = world
    with webhook_server() as (hook, url):
        set_target(store.engine, settings, "云翼-巡检", webhook_url=url, webhook_secret=SECRET)
        result = deliver_due(settings)  # what the `alerts-deliver` job runs every 5 minutes
        assert result["sent"] == 1 and "invitations: 1 queued" in result["summary"]
        assert deliver_due(settings)["sent"] == 0
    assert len(hook.requests) == 1
    assert json.loads(hook.requests[0][1])["scene_title"] == TITLE
    assert _invitation(store).delivered_at is not None


def test_a_crash_before_stamping_delivered_at_is_repaired_not_resent(
    world: tuple[RecordStore, Settings],
) -> None:
    store, settings = world
    with smtp_server() as (smtp, port):
        settings = settings.model_copy(update={"smtp_port": port})
        set_target(store.engine, settings, "云翼-巡检", email_to="bd@yunyi.example.cn")
        assert deliver_pending(settings, now=T0)["sent"] == 1
        with store.session() as s, s.begin():  # as if killed right after the send was marked
            s.execute(update(InvitationRow).values(delivered_at=None))
        again = deliver_pending(settings, now=T0 + timedelta(hours=1))
        assert again["sent"] == 0 and again["invitations"]["queued"] == 0
    assert len(smtp.messages) == 1
    assert _invitation(store).delivered_at == T0
