"""Start a crawl in a child process that imports our code and dies with its parent.

Twisted's reactor cannot be restarted, so each crawl runs in a child. The child is started
with ``python -P`` (the working directory is *not* put on ``sys.path``: a folder holding its
own ``core/`` or ``crawlers/`` cannot shadow ours) and with the folder our packages were
imported from first on ``PYTHONPATH`` (it runs exactly the code its parent runs). On Linux it
asks the kernel for SIGKILL when its parent dies (``PR_SET_PDEATHSIG``); elsewhere a watchdog
thread does the same within a second. Killed either way, the crawl resumes when run again.
(The kernel sends that signal when the *thread* that started the child ends: start crawls from
the main thread or another long-lived one, never from a short-lived worker thread.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawlers.errors import CrawlCrashed, CrawlError, CrawlInterrupted, CrawlOptionsError
from crawlers.options import CrawlOptions

#: the folder holding core/, crawlers/ ... as this process imported them
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
_PR_SET_PDEATHSIG = 1


def child_command(options: CrawlOptions) -> list[str]:
    return [sys.executable, "-P", "-m", "crawlers.run", options.model_dump_json()]


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SCENEHUB_HOME", str(home.resolve()))
    if not _is_site_dir(PACKAGE_ROOT):  # (an installed wheel is found without help)
        paths = [str(PACKAGE_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def _is_site_dir(path: Path) -> bool:
    import site

    sites = [*site.getsitepackages(), site.getusersitepackages()]
    return any(Path(entry).resolve() == path for entry in sites)


def run_in_child(
    options: CrawlOptions,
    home: Path,
    on_interrupt: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    """Run the crawl in a child process and return its report.

    Raises :class:`CrawlOptionsError` (bad source entry, bad options), :class:`CrawlCrashed`
    (no report) or :class:`CrawlInterrupted` (a second Ctrl-C killed it). The outcome of a
    report (start pages failed, nothing found) is the caller's to judge.
    """
    options = options.model_copy(update={"parent_pid": os.getpid()})
    child = subprocess.Popen(
        child_command(options), stdout=subprocess.PIPE, text=True, env=child_env(home)
    )
    try:
        out, _ = child.communicate()
    except KeyboardInterrupt:
        # the child got the same SIGINT: Scrapy finishes the pages in flight and stores them
        on_interrupt()
        try:
            out, _ = child.communicate()
        except KeyboardInterrupt:
            child.kill()
            child.wait()
            raise CrawlInterrupted("killed: run the same command again to resume.") from None
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines:
        raise CrawlCrashed(f"the crawl process ended with status {child.returncode} and no report")
    result: dict[str, Any] = json.loads(lines[-1])
    if "error" in result:
        error = CrawlOptionsError if result.get("exit_code") == 2 else CrawlError
        raise error(str(result["error"]))
    return result


def die_with_parent(parent_pid: int | None) -> None:
    """Make this process end when ``parent_pid`` does (no orphaned crawls after a kill)."""
    if not parent_pid:
        return
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before we asked
        os.kill(os.getpid(), signal.SIGKILL)
    if not sys.platform.startswith("linux"):
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGKILL)
