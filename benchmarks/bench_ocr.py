"""OCR of the sample portal's scanned list: recall, character accuracy and cost per page.

The scan is rendered from text at 200 dpi, rotated 0.7°, blurred, a red seal over its last
rows (crawlers/sample_portal/scans.py); the truth is the text it was rendered from.

    .venv/bin/python benchmarks/bench_ocr.py [--repeat 3]

Recall: scanned items whose title and firm read exactly (they are stored under their true
identity); character accuracy: 1 - edit distance / characters over every cell.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata

from crawlers.extraction.files import attachment_tables
from crawlers.extraction.ocr import ocr_problem
from crawlers.sample_portal.articles import image_rows, scan_rows
from crawlers.sample_portal.site import Site


def distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def measure(name: str, data: bytes, truth: tuple[tuple[str, ...], ...], repeat: int) -> None:
    want = [[unicodedata.normalize("NFKC", c) for c in row] for row in truth]
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        (table,) = attachment_tables(data, name)
        timings.append(time.perf_counter() - started)
    got = table.rows
    chars = sum(len("".join(row)) for row in want)
    errors = sum(
        distance(g, w)
        for gr, wr in zip(got, want, strict=True)
        for g, w in zip(gr, wr, strict=True)
    )
    exact = sum(gr[1:3] == wr[1:3] for gr, wr in zip(got[1:], want[1:], strict=True))
    low = sum(c < 60 for row in table.confidence or [] for c in row)
    print(
        f"{name}: recall {exact / (len(want) - 1):.2f} ({exact}/{len(want) - 1} items), "
        f"character accuracy {1 - errors / chars:.3f} ({errors} errors in {chars} chars), "
        f"{low} low-confidence cells, {min(timings):.2f} s a page (best of {repeat})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    problem = ocr_problem()
    if problem:
        sys.exit(f"OCR unavailable: {problem} (make ocr-deps)")
    site = Site()
    measure("scanned list (PDF)", site.scan_pdf()[2], scan_rows(site.forms.scan), args.repeat)
    measure(
        "table image (PNG)",
        site.article_png()[2],
        image_rows(site.forms.article_image),
        args.repeat,
    )


if __name__ == "__main__":
    main()
