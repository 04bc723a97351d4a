"""Who may do what: every write in the service asks :func:`authorize`, and nothing else.

``owner_org`` is the organisation that owns the thing acted on (a record's owner, a
subscription's firm, the organisation a new record is created for); ``None`` means nobody
owns it (ingested or crawled records), which no account may edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from api.services.errors import Forbidden, Unauthenticated


class Role(StrEnum):
    PUBLISHER = "publisher"  # an organisation publishing scene needs
    SUPPLIER = "supplier"  # a firm: its capability profile and subscriptions
    COMMITTEE = "committee"  # reads rankings and evidence, records review decisions
    ADMIN = "admin"  # users, sources, crawls


class Action(StrEnum):
    SCENE_CREATE = "scene.create"
    SCENE_UPDATE = "scene.update"
    SCENE_ARCHIVE = "scene.archive"
    CAPABILITY_CREATE = "capability.create"
    CAPABILITY_UPDATE = "capability.update"
    CAPABILITY_ARCHIVE = "capability.archive"
    UNPUBLISHED_READ = "record.read_unpublished"
    SUBSCRIPTION_MANAGE = "subscription.manage"
    EVIDENCE_READ = "evidence.read"
    REVIEW_RECORD = "review.record"
    CRAWL_START = "crawl.start"
    USERS_MANAGE = "users.manage"
    # the matchmaking loop (docs/matchmaking.md)
    INTEREST_MANAGE = "interest.manage"  # a firm: express, edit, withdraw, read its own
    INTEREST_DECIDE = "interest.decide"  # a publisher: read proposals, shortlist, outcomes
    INTEREST_INVITE = "interest.invite"  # a publisher: invite a firm that has not applied
    LOOP_FIGURES = "loop.figures"  # the city: funnel, supply/demand, unanswered needs


@dataclass(frozen=True)
class Principal:
    """The caller as the policy sees it; ``None`` stands for an anonymous caller."""

    user_id: int
    username: str
    role: Role
    org: str | None


#: actions a role may take on what its own organisation owns
_OWN_ORG: dict[Role, frozenset[Action]] = {
    Role.PUBLISHER: frozenset(
        {
            Action.SCENE_CREATE,
            Action.SCENE_UPDATE,
            Action.SCENE_ARCHIVE,
            Action.UNPUBLISHED_READ,
            Action.INTEREST_DECIDE,
            Action.INTEREST_INVITE,
        }
    ),
    Role.SUPPLIER: frozenset(
        {
            Action.CAPABILITY_CREATE,
            Action.CAPABILITY_UPDATE,
            Action.CAPABILITY_ARCHIVE,
            Action.UNPUBLISHED_READ,
            Action.SUBSCRIPTION_MANAGE,
            Action.INTEREST_MANAGE,
        }
    ),
}
#: actions a role may take whoever owns the object
_ANY_OWNER: dict[Role, frozenset[Action]] = {
    Role.COMMITTEE: frozenset({Action.EVIDENCE_READ, Action.REVIEW_RECORD}),
    Role.ADMIN: frozenset(
        {
            Action.USERS_MANAGE,
            Action.CRAWL_START,
            Action.UNPUBLISHED_READ,
            Action.EVIDENCE_READ,
            # moderation: an admin may withdraw any record from view, never rewrite it
            Action.SCENE_ARCHIVE,
            Action.CAPABILITY_ARCHIVE,
            # aggregate figures only: no admin action reads a proposal's text
            Action.LOOP_FIGURES,
        }
    ),
}


def allowed(who: Principal | None, action: Action, owner_org: str | None) -> bool:
    if who is None:
        return False
    if action in _ANY_OWNER.get(who.role, frozenset()):
        return True
    if action in _OWN_ORG.get(who.role, frozenset()):
        return who.org is not None and owner_org is not None and owner_org == who.org
    return False


def authorize(who: Principal | None, action: Action, owner_org: str | None = None) -> None:
    """Raise unless ``who`` may take ``action`` on something ``owner_org`` owns."""
    if allowed(who, action, owner_org):
        return
    if who is None:
        raise Unauthenticated(f"sign in to {action.value}")
    whose = f"owned by {owner_org!r}" if owner_org else "owned by no organisation"
    raise Forbidden(
        f"a {who.role.value} of {who.org or 'no organisation'!r} may not {action.value} "
        f"(the object is {whose})"
    )


def signed_in(who: Principal | None, doing: str) -> Principal:
    """``who``, or :class:`Unauthenticated` before anything else is looked at."""
    if who is None:
        raise Unauthenticated(f"sign in to {doing}")
    return who
