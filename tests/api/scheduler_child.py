"""Child process for the two-scheduler tests: run the scheduler for a few seconds.

``python scheduler_child.py URL OUTFILE SECONDS``. Jobs append lines to OUTFILE (``O_APPEND``
writes of one short line do not interleave), so the test sees every execution.
"""

from __future__ import annotations

import os
import sys
import time

from api.scheduling import JobScheduler, JobSpec
from core.settings import normalize_database_url
from core.store import RecordStore


def main() -> None:
    url, outfile, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])

    def line(text: str) -> None:
        fd = os.open(outfile, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        os.write(fd, f"{text} {time.time():.3f} {os.getpid()}\n".encode())
        os.close(fd)

    def probe() -> str:
        line("probe")
        return "probed"

    def slow() -> str:
        line("slow-start")
        time.sleep(2.5)
        line("slow-end")
        return "slept"

    def catchup() -> str:
        line("catchup")
        return "caught up"

    store = RecordStore.from_url(normalize_database_url(url))
    scheduler = JobScheduler(
        store.engine,
        [
            JobSpec("probe", "every 2 s", {"second": "*/2"}, probe),
            JobSpec("slow", "every 1 s", {"second": "*"}, slow),
            JobSpec("catchup", "daily 00:00", {"hour": "0", "minute": "0", "second": "0"}, catchup),
        ],
    )
    scheduler.start(blocking=False)
    time.sleep(seconds)
    scheduler.shutdown(wait=True)
    store.engine.dispose()


if __name__ == "__main__":
    main()
