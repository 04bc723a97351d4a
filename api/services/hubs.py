"""Hub pulls: :func:`pull_hubs`, the one pull that ``scenehub contrib pull``, the demo and the
scheduler's ``hub-pull`` job share, so every snapshot carries the award config's leaderboards;
and the offline walk-through on the sample hub (:func:`sample_awards`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from contrib.pull import DEFAULT_ENDPOINTS, Clients, PullReport, pull
from contrib.ranking.awards import AwardRun
from contrib.ranking.components import REGISTRY
from contrib.ranking.config import AwardConfig, load_config
from contrib.registry import Registry, load_registry
from contrib.runs import run_awards
from contrib.sample_hub import generate, registry_path, serve_in_thread
from contrib.snapshots import SnapshotStore
from contrib.store import ImportReport, import_registry, load_stored_registry
from contrib.types import Hub
from core.settings import Settings, get_settings
from core.store import RecordStore

#: hub name -> the real hub's base URL (what a pull talks to without endpoint options)
REAL_ENDPOINTS: dict[str, str] = {hub.value: url for hub, url in DEFAULT_ENDPOINTS.items()}


def award_config(config: Path | None = None) -> AwardConfig:
    """The award config, its components checked against the registered ones."""
    return load_config(config, REGISTRY)[0]


def pull_schedule(config: Path | None = None) -> str:
    """When the scheduler pulls the hubs (the config's ``pull_schedule``)."""
    return award_config(config).pull_schedule


def benchmarks(config: Path | None = None) -> tuple[str, ...]:
    """The leaderboard datasets a pull snapshots: the config's performance benchmarks."""
    return tuple(b.dataset for b in award_config(config).performance.benchmarks)


def import_registry_file(store: RecordStore, path: Path) -> ImportReport:
    """Store the enterprises and hub accounts of a YAML or CSV registry (all or nothing)."""
    return import_registry(store.engine, load_registry(path))


def _endpoints(given: Mapping[str, str] | None) -> dict[Hub, str]:
    urls = {**REAL_ENDPOINTS, **(given or {})}
    return {hub: urls[hub.value] for hub in Hub}


def pull_hubs(
    store: RecordStore,
    day: date | None = None,
    endpoints: Mapping[str, str] | None = None,
    *,
    config: Path | None = None,
    registry: Registry | None = None,
    progress: Callable[[str], None] | None = None,
    settings: Settings | None = None,
) -> PullReport:
    """Pull every hub with registered accounts into the snapshot dated ``day`` (default: today
    in the settings' time zone, as the scheduler's slots are), with the leaderboards of the
    award config's benchmarks.

    ``endpoints`` maps hub names (``hf``, ``modelscope``, ``github``) to base URLs; a hub not
    named is the real one. ``registry`` defaults to the stored one; the tokens come from the
    settings.
    """
    settings = settings or get_settings()
    # "today" in the operator's zone: the monthly slot (day 1, 03:00 Asia/Shanghai) is still
    # the previous day in UTC, and the real hubs may only be snapshotted for today
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    urls = _endpoints(endpoints)
    clients = Clients.for_endpoints(
        urls,
        hf_token=settings.hf_token.get_secret_value() if settings.hf_token else None,
        github_token=settings.github_token.get_secret_value() if settings.github_token else None,
    )
    return pull(
        store.engine,
        registry if registry is not None else load_stored_registry(store.engine),
        day or today,
        urls,
        clients=clients,
        progress=progress,
        benchmarks=benchmarks(config),
        today=today,
    )


def sample_awards(
    store: RecordStore, *, months: int = 6, progress: Callable[[str], None] | None = None
) -> AwardRun:
    """The offline walk-through: the sample hub in a thread, its bundled registry, the last
    ``months`` monthly pulls (a month already stored is skipped: snapshots are immutable),
    then every category ranked as of the latest with the cap applied across categories."""
    say = progress or (lambda _line: None)
    handle = serve_in_thread(generate())
    try:
        registry = load_registry(registry_path())
        say(f"registry {registry_path().name}: {import_registry(store.engine, registry).summary()}")
        stored = {s.as_of for s in SnapshotStore(store.engine).complete_snapshots()}
        for day in handle.as_of_dates()[-months:]:
            if day in stored:
                say(f"snapshot {day}: already stored (immutable)")
                continue
            url = handle.endpoint(day)
            report = pull_hubs(
                store, day, {hub.value: url for hub in Hub}, registry=registry, progress=None
            )
            say(report.summary())
    finally:
        handle.stop()
    return run_awards(store.engine).award
