"""GitHub-shaped events of the sample hub, derived per (repo, month) from a fixed seed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from contrib.sample_hub.data import GitHubRepo, SampleHub, add_months


def _user(login: str, is_bot: bool) -> dict[str, Any]:
    return {
        "login": login,
        "type": "Bot" if is_bot else "User",
        "html_url": f"https://github.com/{login}",
    }


def _count(rng: random.Random, mean: float) -> int:
    return int(rng.expovariate(1 / mean)) if mean > 0 else 0


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def month_events(hub: SampleHub, repo: GitHubRepo, month: int) -> dict[str, list[dict[str, Any]]]:
    """Issues, pulls, issue comments, review comments and commits of one month."""
    rng = random.Random(f"{hub.seed}|{repo.full_name}|{month}")
    end = add_months(hub.start, month)
    start = datetime(*add_months(end, -1).timetuple()[:3], tzinfo=UTC)
    url = f"https://github.com/{repo.full_name}"
    out: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("issues", "pulls", "comments", "review_comments", "commits")
    }
    number = month * 1000

    def moment() -> datetime:
        return start + timedelta(
            days=rng.randint(0, 26), hours=rng.randint(0, 23), minutes=rng.randint(0, 59)
        )

    for login, is_bot, intensity in repo.developers:
        user = _user(login, is_bot)
        if not is_bot:
            for _ in range(_count(rng, intensity * 0.8)):
                number += 1
                t = moment()
                out["issues"].append(
                    {
                        "number": number,
                        "title": f"issue {number}",
                        "user": user,
                        "state": "open",
                        "created_at": _iso(t),
                        "updated_at": _iso(t),
                        "html_url": f"{url}/issues/{number}",
                    }
                )
            for _ in range(_count(rng, intensity * 0.6)):
                number += 1
                t = moment()
                merged = _iso(t + timedelta(hours=20)) if rng.random() < 0.7 else None
                pull = {
                    "number": number,
                    "title": f"pr {number}",
                    "user": user,
                    "created_at": _iso(t),
                    "merged_at": merged,
                    "state": "closed" if merged else "open",
                    "html_url": f"{url}/pull/{number}",
                }
                out["pulls"].append(pull)
                out["issues"].append({**pull, "pull_request": {"url": pull["html_url"]}})
            for _ in range(_count(rng, intensity * 0.8)):
                number += 1
                out["review_comments"].append(
                    {
                        "id": number,
                        "user": user,
                        "created_at": _iso(moment()),
                        "html_url": f"{url}/pull/1#r{number}",
                    }
                )
        for _ in range(_count(rng, intensity * 1.5)):
            number += 1
            out["comments"].append(
                {
                    "id": number,
                    "user": user,
                    "created_at": _iso(moment()),
                    "html_url": f"{url}/issues/1#c{number}",
                }
            )
        for _ in range(_count(rng, intensity * 2)):
            number += 1
            t = moment()
            out["commits"].append(
                {
                    "sha": f"{number:040x}",
                    "author": user,
                    "commit": {"author": {"name": login, "date": _iso(t)}},
                    "html_url": f"{url}/commit/{number:040x}",
                }
            )
    for items in out.values():
        items.sort(key=lambda i: i.get("created_at") or i["commit"]["author"]["date"], reverse=True)
    return out
