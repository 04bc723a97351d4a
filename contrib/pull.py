"""One pull: every hub with registered accounts → one dated, immutable snapshot.

Work is split into parts (hub, account, unit: a listing, one GitHub repo's activity, or one
benchmark leaderboard); each is stored with its marker in one transaction. An account the
hub answers 404 for is reported and stored as an empty part with a note (the snapshot says
which accounts were missing), never fatal to the month. Any other failure leaves the
snapshot ``partial`` (rankings ignore it); rerunning the same pull within
:data:`~contrib.snapshots.RESUME_DAYS` skips the parts already stored.

Hub figures are as of the fetch: against the real hubs (the defaults) ``as_of`` must be
today; only a mirror or the sample hub, which serve dated months, may be pulled for a past
date.
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
from contrib.errors import ContribError, HubNotFound, PullIncomplete, SnapshotError
from contrib.registry import Registry
from contrib.snapshots import RESUME_DAYS, SnapshotStore
from contrib.types import Activity, Hub, LeaderboardEntry, RepoStat

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
    #: parts the hub answered 404 for (recorded in the snapshot with a note)
    not_found: list[str] = field(default_factory=list)

    def summary(self) -> str:
        missing = (
            f"; NOT FOUND (skipped, recorded): {', '.join(self.not_found)}"
            if self.not_found
            else ""
        )
        return (
            f"snapshot {self.snapshot_id} ({self.as_of}): {self.fetched} parts fetched, "
            f"{self.skipped} already stored, {self.items} rows, {self.seconds:.1f}s; "
            f"hubs: {', '.join(self.hubs) or 'none'}{missing}"
        )


def activity_window(as_of: date) -> tuple[datetime, datetime]:
    """The calendar month before ``as_of``'s month start … ``as_of`` (OpenDigger is monthly)."""
    until = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    year, month = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
    since = datetime(year, month, min(as_of.day, 28), tzinfo=UTC)
    return since, until


Fetched = tuple[list[RepoStat], list[Activity]] | list[LeaderboardEntry]
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


def _hf_leaderboard(hf: HfClient, dataset: str) -> Fetched:
    return hf.leaderboard(dataset)


#: the pseudo-account leaderboard parts are stored under
LEADERBOARD_ACCOUNT = "*leaderboards"


def _parts(
    registry: Registry,
    clients: Clients,
    as_of: date,
    store: SnapshotStore,
    snapshot_id: int,
    benchmarks: tuple[str, ...] = (),
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
    if clients.hf and Hub.HF in registry.hubs_in_use():
        for dataset in benchmarks:
            yield (
                Hub.HF,
                LEADERBOARD_ACCOUNT,
                f"leaderboard:{dataset}",
                partial(_hf_leaderboard, clients.hf, dataset),
            )


def pull(
    engine: Engine,
    registry: Registry,
    as_of: date,
    endpoints: dict[Hub, str],
    *,
    clients: Clients | None = None,
    progress: Callable[[str], None] | None = None,
    benchmarks: tuple[str, ...] = (),
    today: date | None = None,
) -> PullReport:
    """Fetch every part not yet stored for ``as_of``; complete the snapshot when all are.

    ``benchmarks``: the allow-listed leaderboard datasets to snapshot (from the award
    config). A 404 for one account is recorded and skipped; other hub errors stop the pull.
    """
    start = time.perf_counter()
    today = today or datetime.now(UTC).date()
    real = [h.value for h in registry.hubs_in_use() if endpoints[h] == DEFAULT_ENDPOINTS[h]]
    if real and as_of != today:
        raise SnapshotError(
            f"--as-of {as_of}: the real hubs ({', '.join(real)}) report today's figures, so a "
            f"snapshot of them can only be dated today ({today}); past dates need a mirror "
            "or the sample hub that serves that month"
        )
    clients = clients or Clients.for_endpoints(endpoints)
    store = SnapshotStore(engine)
    used = registry.hubs_in_use()
    info = store.open(as_of, registry, {h.value: endpoints[h] for h in used})
    done = store.done_parts(info.id)
    report = PullReport(info.id, as_of, [h.value for h in used])
    parts = _parts(registry, clients, as_of, store, info.id, benchmarks)
    for hub, account, unit, fetch in parts:
        if (hub.value, account.lower(), unit) in done:
            report.skipped += 1
            continue
        before = clients.requests()
        repos: list[RepoStat] = []
        activity: list[Activity] = []
        board: list[LeaderboardEntry] = []
        note = None
        try:
            fetched = fetch()
            if isinstance(fetched, list):
                board = fetched
            else:
                repos, activity = fetched
        except HubNotFound as exc:
            note = f"not found on the hub, skipped: {exc}"
            report.not_found.append(f"{hub.value}/{account}/{unit}")
            if progress:
                progress(f"{hub.value}/{account}/{unit}: NOT FOUND, skipped ({exc})")
        except ContribError as exc:
            raise PullIncomplete(
                f"{exc}\nsnapshot {info.id} for {as_of} stays partial "
                f"({report.fetched + report.skipped} parts stored, none half-written); "
                f"rerun the same pull within {RESUME_DAYS} days to resume from here"
            ) from exc
        count = store.write_part(
            info.id,
            hub,
            account,
            unit,
            repos=repos,
            activity=activity,
            leaderboard=board,
            requests=clients.requests() - before,
            note=note,
        )
        report.fetched += 1
        report.items += count
        report.parts.append((hub.value, account, unit, count))
        if progress:
            progress(f"{hub.value}/{account}/{unit}: {count}")
    store.complete(info.id)
    report.seconds = time.perf_counter() - start
    return report
