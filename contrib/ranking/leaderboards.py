"""模型性能排名持续领先, from the hub's own benchmark leaderboards.

Only allow-listed benchmark datasets count (kept in the award config with the metric's
direction). A board is hub-wide — every model on it, not only registered firms' — and only
entries the hub marks ``verified`` (server-side) are used. Each competitor (a registered
firm, or any other author namespace) appears once, by its best model, so a firm's own copies
cannot crowd rivals down. A board with fewer verified competitors than ``min_board_size``
is not scored that month. The score is the number of (board, month) pairs in which the
firm's best model stood in the top positions, divided by *all* boards × *all* window months:
a firm cannot average over only the benchmarks or months it chose. Self-reported results on
model cards are shown in the evidence pack and never scored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from contrib.ranking.config import Performance
from contrib.ranking.inputs import RankingInputs
from contrib.types import Hub

PUBLIC = "https://huggingface.co"


@dataclass
class Standing:
    months_in_top: int = 0
    score: float = 0.0
    per_board: dict[str, int] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    detail: str = ""


def board_positions(
    entries: list[tuple[str, float, str]], direction: str
) -> list[tuple[int, str, float, str]]:
    """(competitor, value, model) → (position, competitor, best value, best model), with
    competition ranking (equal values share a position).

    >>> board_positions([("a", 70.0, "a/m1"), ("a", 75.0, "a/m2"), ("b", 75.0, "b/x"),
    ...                  ("c", 60.0, "c/y")], "higher")
    [(1, 'a', 75.0, 'a/m2'), (1, 'b', 75.0, 'b/x'), (3, 'c', 60.0, 'c/y')]
    >>> board_positions([("a", 0.3, "a/m"), ("b", 0.2, "b/m")], "lower")[0]
    (1, 'b', 0.2, 'b/m')
    """
    sign = -1.0 if direction == "higher" else 1.0
    best: dict[str, tuple[float, str]] = {}
    for competitor, value, model in sorted(entries):
        key = (sign * value, model)
        if competitor not in best or key < (sign * best[competitor][0], best[competitor][1]):
            best[competitor] = (value, model)
    ordered = sorted(best.items(), key=lambda kv: (sign * kv[1][0], kv[0]))
    out: list[tuple[int, str, float, str]] = []
    for index, (competitor, (value, model)) in enumerate(ordered):
        position = out[-1][0] if out and out[-1][2] == value else index + 1
        out.append((position, competitor, value, model))
    return out


def performance_standing(inputs: RankingInputs, rules: Performance) -> dict[str, Standing]:
    boards = rules.benchmarks
    width = len(inputs.window)
    if not boards:
        return {}
    out: dict[str, Standing] = defaultdict(Standing)
    small: dict[str, int] = defaultdict(int)
    for month in inputs.by_month():
        if month is None:
            continue
        for board in boards:
            entries = []
            for e in month.leaderboards.get(board.dataset, []):
                if not e.verified:
                    continue
                firm = month.accounts.enterprise_of(Hub.HF, e.author)
                entries.append((firm or f"@{e.author.lower()}", e.value, e.model_id))
            positions = board_positions(entries, board.direction)
            if len(positions) < rules.min_board_size:
                small[board.dataset] += 1
                continue
            for position, competitor, _value, model in positions:
                if competitor.startswith("@"):
                    continue
                standing = out[competitor]
                standing.per_board.setdefault(board.dataset, 0)
                if position <= rules.top_positions:
                    standing.months_in_top += 1
                    standing.per_board[board.dataset] += 1
                url = f"{PUBLIC}/{model}"
                if url not in standing.evidence:
                    standing.evidence.append(url)
    for standing in out.values():
        standing.score = standing.months_in_top / (len(boards) * width)
        parts = ", ".join(f"{k.split('/')[-1]} {v}" for k, v in sorted(standing.per_board.items()))
        standing.detail = (
            f"top {rules.top_positions} in {standing.months_in_top} of "
            f"{len(boards) * width} board-months ({parts})"
        )
        if small:
            standing.detail += "; not scored (too few entrants): " + ", ".join(
                f"{k.split('/')[-1]} ×{v}" for k, v in sorted(small.items())
            )
        standing.evidence = standing.evidence[:3]
    return dict(out)
