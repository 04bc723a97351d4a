"""One pull: every hub with registered accounts → one dated, immutable snapshot.

Work is split into parts (hub, account, unit: a listing, or one GitHub repo's activity);
each is stored with its marker in one transaction. If anything fails, the snapshot stays
``partial`` (rankings ignore it) and rerunning the same pull skips the parts already stored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial

from sqlalchemy import Engine

from contrib.clients.github import GitHubClient
from contrib.clients.hf import HfClient, derivative_stats
from contrib.clients.modelscope import ModelScopeClient
from contrib.errors import ContribError, HubNotFound, PullIncomplete
from contrib.registry import Registry
from contrib.snapshots import SnapshotStore
from contrib.types import Activity, Hub, RepoStat

logger = logging.getLogger(__name__)

DEFAULT_ENDPOINTS = {
    Hub.HF: "https://huggingface.co",
    Hub.MODELSCOPE: "https://www.modelscope.cn",
    Hub.GITHUB: "https://api.github.com",
}


@dataclass
class Clients:
    """Clients per hub; built from endpoints unless injected (tests inject mock transports)."""

    hf: HfClient | None = None
    modelscope: ModelScopeClient | None = None
    github: GitHubClient | None = None

    @classmethod
    def for_endpoints(
        cls,
        endpoints: dict[Hub, str],
        *,
        hf_token: str | None = None,
        github_token: str | None = None,
    ) -> Clients:
        return cls(
            HfClient(endpoints[Hub.HF], token=hf_token or False),
            ModelScopeClient(endpoints[Hub.MODELSCOPE]),
            GitHubClient(endpoints[Hub.GITHUB], token=github_token),
        )

    def requests(self) -> int:
        """Requests made by the httpx clients (huggingface_hub keeps no count of its own)."""
        return (self.modelscope.requests if self.modelscope else 0) + (
            self.github.requests if self.github else 0
        )


@dataclass
class PullReport:
    snapshot_id: int
    as_of: date
    hubs: list[str]
    fetched: int = 0
    skipped: int = 0
    items: int = 0
    seconds: float = 0.0
    parts: list[tuple[str, str, str, int]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"snapshot {self.snapshot_id} ({self.as_of}): {self.fetched} parts fetched, "
            f"{self.skipped} already stored, {self.items} rows, {self.seconds:.1f}s; "
            f"hubs: {', '.join(self.hubs) or 'none'}"
        )


def activity_window(as_of: date) -> tuple[datetime, datetime]:
    """The calendar month before ``as_of``'s month start … ``as_of`` (OpenDigger is monthly)."""
    until = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    year, month = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
    since = datetime(year, month, min(as_of.day, 28), tzinfo=UTC)
    return since, until


Fetched = tuple[list[RepoStat], list[Activity]]
Part = tuple[Hub, str, str, Callable[[], Fetched]]


def _hf_models(hf: HfClient, account: str) -> Fetched:
    own = list(hf.list_models(account))
    return own + list(derivative_stats(hf, own)), []


def _hf_datasets(hf: HfClient, account: str) -> Fetched:
    return list(hf.list_datasets(account)), []


def _hf_kernels(hf: HfClient, account: str) -> Fetched:
    """Kernels, where the hub lists them: a 404 on the listing means "no kernel listing"
    (the installed huggingface_hub has ``kernel_info`` only), stored as an empty part."""
    try:
        return list(hf.list_kernels(account)), []
    except HubNotFound:
        logger.warning("hf: no kernel listing at %s; operators category will be empty", hf.endpoint)
        return [], []


def _ms_models(ms: ModelScopeClient, account: str) -> Fetched:
    return list(ms.list_models(account)), []


def _gh_repos(gh: GitHubClient, account: str) -> Fetched:
    return list(gh.org_repos(account)), []


def _gh_activity(gh: GitHubClient, window: tuple[datetime, datetime], repo_id: str) -> Fetched:
    return [], gh.repo_activity(repo_id, *window)


def _parts(
    registry: Registry, clients: Clients, as_of: date, store: SnapshotStore, snapshot_id: int
) -> Iterator[Part]:
    """Units of work, lazily: GitHub activity parts are listed from the stored repos part,
    so a resumed pull continues repo by repo without listing the org again."""
    window = activity_window(as_of)
    for hub in registry.hubs_in_use():
        for account in registry.accounts(hub):
            if hub is Hub.HF and clients.hf:
                yield hub, account, "model", partial(_hf_models, clients.hf, account)
                yield hub, account, "dataset", partial(_hf_datasets, clients.hf, account)
                yield hub, account, "kernel", partial(_hf_kernels, clients.hf, account)
            elif hub is Hub.MODELSCOPE and clients.modelscope:
                yield hub, account, "model", partial(_ms_models, clients.modelscope, account)
            elif hub is Hub.GITHUB and clients.github:
                gh = clients.github
                yield hub, account, "repos", partial(_gh_repos, gh, account)
                for repo_id in store.repo_ids(snapshot_id, hub, account):
                    yield (
                        hub,
                        account,
                        f"activity:{repo_id}",
                        partial(_gh_activity, gh, window, repo_id),
                    )


def pull(
    engine: Engine,
    registry: Registry,
    as_of: date,
    endpoints: dict[Hub, str],
    *,
    clients: Clients | None = None,
    progress: Callable[[str], None] | None = None,
) -> PullReport:
    """Fetch every part not yet stored for ``as_of``; complete the snapshot when all are."""
    start = time.perf_counter()
    clients = clients or Clients.for_endpoints(endpoints)
    store = SnapshotStore(engine)
    used = registry.hubs_in_use()
    info = store.open(as_of, registry, {h.value: endpoints[h] for h in used})
    done = store.done_parts(info.id)
    report = PullReport(info.id, as_of, [h.value for h in used])
    for hub, account, unit, fetch in _parts(registry, clients, as_of, store, info.id):
        if (hub.value, account.lower(), unit) in done:
            report.skipped += 1
            continue
        before = clients.requests()
        try:
            repos, activity = fetch()
        except ContribError as exc:
            raise PullIncomplete(
                f"{exc}\nsnapshot {info.id} for {as_of} stays partial "
                f"({report.fetched + report.skipped} parts stored, none half-written); "
                "rerun the same pull to resume"
            ) from exc
        count = store.write_part(
            info.id,
            hub,
            account,
            unit,
            repos=repos,
            activity=activity,
            requests=clients.requests() - before,
        )
        report.fetched += 1
        report.items += count
        report.parts.append((hub.value, account, unit, count))
        if progress:
            progress(f"{hub.value}/{account}/{unit}: {count}")
    store.complete(info.id)
    report.seconds = time.perf_counter() - start
    return report
