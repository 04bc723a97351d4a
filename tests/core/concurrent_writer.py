"""Child process for the concurrency tests: upsert N records at an agreed moment.

``python concurrent_writer.py URL COUNT VARIANT START_AT`` waits until the wall clock reads
START_AT (so two children collide), upserts, and prints the report summary.
"""

from __future__ import annotations

import sys
import time

from core.records import Record
from core.settings import normalize_database_url
from core.store import RecordStore


def records(count: int, variant: str) -> list[Record]:
    return [
        Record(
            id=f"R{i:05d}",
            kind="scene",
            title=f"场景{i}",
            org="杭州市数据资源管理局",
            description=f"描述 {variant}",
            source_url=f"http://portal.example/{variant}/{i}.html",
        )
        for i in range(count)
    ]


def main() -> None:
    url, count, variant, start_at = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    batch = records(count, variant)
    store = RecordStore.from_url(normalize_database_url(url))
    time.sleep(max(0.0, start_at - time.time()))
    report = store.upsert_many(batch)
    print(report.summary())
    store.engine.dispose()


if __name__ == "__main__":
    main()
