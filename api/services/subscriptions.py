"""Subscriptions (saved profile queries) and their alerts, owned by a supplier's firm.

Subscriptions made from the CLI belong to the operator (no owner row); the API's belong
to the caller's organisation, and a firm sees and changes only its own.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from api.services.errors import InvalidInput, NotFound, translate
from api.services.filters import RecordFilter, check_text
from api.services.policy import Action, Principal, authorize
from core.models.accounts import SubscriptionOwnerRow
from core.records import RecordKind
from matching.engine import Matcher
from matching.subscriptions import Alert, Subscription, Subscriptions


def _owners(matcher: Matcher) -> dict[int, str]:
    with matcher.store.session() as session:
        rows = session.execute(
            select(SubscriptionOwnerRow.subscription_id, SubscriptionOwnerRow.owner_org)
        ).all()
    return {sid: org for sid, org in rows}


def add_subscription(
    matcher: Matcher,
    *,
    name: str,
    text: str,
    against: RecordKind = RecordKind.SCENE,
    filters: RecordFilter | None = None,
    threshold: float = 0.5,
    top_k: int = 20,
    who: Principal | None = None,
    operator: bool = False,
) -> Subscription:
    """Save a subscription; its filters are checked against the index now."""
    if not operator:
        authorize(who, Action.SUBSCRIPTION_MANAGE, who.org if who else None)
    if len(name) > 200:
        raise InvalidInput("a subscription name has at most 200 characters", field="name")
    text = check_text(text, "text")
    with translate():
        sub = Subscriptions(matcher).add(
            name,
            text,
            against=against,
            filters=(filters or RecordFilter()).to_filters(),
            threshold=threshold,
            top_k=top_k,
        )
    if not operator and who is not None and who.org:
        with matcher.store.session() as session, session.begin():
            session.add(SubscriptionOwnerRow(subscription_id=sub.id, owner_org=who.org))
    return sub


def list_subscriptions(
    matcher: Matcher, *, who: Principal | None = None, operator: bool = False
) -> list[Subscription]:
    subs = Subscriptions(matcher).all()
    if operator:
        return subs
    authorize(who, Action.SUBSCRIPTION_MANAGE, who.org if who else None)
    owners = _owners(matcher)
    return [s for s in subs if who is not None and owners.get(s.id) == who.org]


def remove_subscription(
    matcher: Matcher, name: str, *, who: Principal | None = None, operator: bool = False
) -> None:
    subs = {s.name: s for s in Subscriptions(matcher).all()}
    if not operator:
        sub = subs.get(name)
        owner = _owners(matcher).get(sub.id) if sub else None
        if sub is None or owner is None:
            raise NotFound(f"no subscription named {name!r}")
        authorize(who, Action.SUBSCRIPTION_MANAGE, owner)
    with translate():
        Subscriptions(matcher).remove(name)


def run_alerts(
    matcher: Matcher,
    *,
    mark: bool = True,
    who: Principal | None = None,
    operator: bool = False,
) -> list[Alert]:
    """New records since each subscription's last run that match above its threshold.

    Through the API (``operator=False``) this is a read: nothing is marked, and only the
    caller's own subscriptions are run.
    """
    if not operator:
        authorize(who, Action.SUBSCRIPTION_MANAGE, who.org if who else None)
        mark = False
    with translate():
        alerts = Subscriptions(matcher).alerts(now=datetime.now(UTC), mark=mark)
    if operator:
        return alerts
    owners = _owners(matcher)
    return [a for a in alerts if who is not None and owners.get(a.subscription.id) == who.org]
