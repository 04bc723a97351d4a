"""Registry persistence: one transaction per import, conflicts checked against the database.

The file is authoritative for the enterprises it names; an account that the database holds
for an enterprise *not* in the file cannot move silently — that is a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from contrib.errors import RegistryError
from contrib.registry import Enterprise, Registry
from contrib.types import Hub
from core.models.contrib import ContribAccountRow, ContribEnterpriseRow


@dataclass
class ImportReport:
    new: list[str]
    updated: list[str]
    unchanged: list[str]

    def summary(self) -> str:
        return f"{len(self.new)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged"


def _row_key(row: ContribEnterpriseRow, accounts: list[ContribAccountRow]) -> tuple[object, ...]:
    return (
        row.type,
        row.city,
        row.district,
        row.uscc,
        tuple(sorted((a.hub, a.display, a.confirmation) for a in accounts)),
    )


def _enterprise_key(e: Enterprise) -> tuple[object, ...]:
    return (
        e.type,
        e.city,
        e.district,
        e.uscc,
        tuple(
            sorted(
                (hub.value, a, e.confirmed.get((hub, a.lower())))
                for hub, accs in e.accounts.items()
                for a in accs
            )
        ),
    )


def import_registry(
    engine: Engine, registry: Registry, *, now: datetime | None = None
) -> ImportReport:
    """Store ``registry``; all or nothing."""
    now = now or datetime.now(UTC)
    report = ImportReport([], [], [])
    names = {e.name for e in registry.enterprises}
    with Session(engine) as session, session.begin():
        rows = {r.name: r for r in session.scalars(select(ContribEnterpriseRow))}
        by_id = {r.id: r.name for r in rows.values()}
        held = list(session.scalars(select(ContribAccountRow)))
        conflicts = []
        for (hub, account), owner in registry.owner_of().items():
            for acc in held:
                if acc.hub == hub.value and acc.account == account:
                    current = by_id[acc.enterprise_id]
                    if current != owner and current not in names:
                        conflicts.append(
                            f"{hub.value} account {acc.display!r} belongs to {current!r} in the "
                            f"store; the file gives it to {owner!r}"
                        )
        if conflicts:
            raise RegistryError("conflicting accounts:\n  " + "\n  ".join(conflicts))
        accounts_of: dict[int, list[ContribAccountRow]] = {}
        for acc in held:
            accounts_of.setdefault(acc.enterprise_id, []).append(acc)
        for e in registry.enterprises:
            row = rows.get(e.name)
            if row is not None and _row_key(row, accounts_of.get(row.id, [])) == _enterprise_key(e):
                report.unchanged.append(e.name)
                continue
            if row is None:
                row = ContribEnterpriseRow(name=e.name, created_at=now)
                session.add(row)
                report.new.append(e.name)
            else:
                report.updated.append(e.name)
            row.type, row.city, row.district, row.uscc = e.type, e.city, e.district, e.uscc
            row.updated_at = now
            session.flush()
            session.execute(
                delete(ContribAccountRow).where(ContribAccountRow.enterprise_id == row.id)
            )
        session.flush()
        # accounts that moved between two enterprises of this file: drop, then re-add
        for e in registry.enterprises:
            if e.name in report.unchanged:
                continue
            enterprise_id = (
                rows[e.name].id
                if e.name in rows
                else session.scalars(
                    select(ContribEnterpriseRow.id).where(ContribEnterpriseRow.name == e.name)
                ).one()
            )
            for hub, accounts in e.accounts.items():
                for account in accounts:
                    session.execute(
                        delete(ContribAccountRow).where(
                            ContribAccountRow.hub == hub.value,
                            ContribAccountRow.account == account.lower(),
                        )
                    )
                    session.add(
                        ContribAccountRow(
                            hub=hub.value,
                            account=account.lower(),
                            display=account,
                            enterprise_id=enterprise_id,
                            confirmation=e.confirmed.get((hub, account.lower())),
                        )
                    )
            session.flush()
    return report


def load_stored_registry(engine: Engine) -> Registry:
    """The registry as stored (what ``pull`` uses when no ``--registry`` is given)."""
    with Session(engine) as session:
        rows = list(
            session.scalars(select(ContribEnterpriseRow).order_by(ContribEnterpriseRow.name))
        )
        accounts = list(session.scalars(select(ContribAccountRow)))
    if not rows:
        raise RegistryError(
            "no enterprises stored: run `scenehub contrib registry import FILE` first"
        )
    by_enterprise: dict[int, dict[Hub, list[str]]] = {}
    confirmed: dict[int, dict[tuple[Hub, str], str]] = {}
    for acc in sorted(accounts, key=lambda a: (a.hub, a.account)):
        by_enterprise.setdefault(acc.enterprise_id, {}).setdefault(Hub(acc.hub), []).append(
            acc.display
        )
        if acc.confirmation:
            confirmed.setdefault(acc.enterprise_id, {})[(Hub(acc.hub), acc.account)] = (
                acc.confirmation
            )
    return Registry(
        tuple(
            Enterprise(
                name=r.name,
                type=r.type,
                city=r.city,
                district=r.district,
                uscc=r.uscc,
                accounts={h: tuple(a) for h, a in by_enterprise.get(r.id, {}).items()},
                confirmed=confirmed.get(r.id, {}),
            )
            for r in rows
        )
    )
