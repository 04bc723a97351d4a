"""GitHub REST: an org's repos and, per repo, the events OpenDigger's activity counts.

``/contributors`` supplies each account's type (a Bot type marks a bot even when its events
do not). Per developer and repo, within the window ``[since, until)``: issues opened, issue
comments, pull requests opened, review comments, pull requests merged (credited to the
PR author, as OpenDigger does) and commits (standing in for pushes). Pagination follows
``Link: rel=next`` lazily, so callers can stop early.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from contrib.clients.http import HubHTTP, RetryPolicy, next_link, parse_json, status_error
from contrib.errors import HubBadResponse, HubNotFound
from contrib.types import Activity, Hub, RepoKind, RepoStat

HUB = "github"
#: how far before the window a PR may have been opened and still be counted as merged in it
MERGE_LOOKBACK = timedelta(days=90)


def raise_for_status(response: httpx.Response) -> None:
    """The one place GitHub statuses become exceptions."""
    message = ""
    if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
        try:
            body = response.json()
            message = str(body.get("message", "")) if isinstance(body, dict) else ""
        except ValueError:
            message = ""
    status_error(response, HUB, message)


def _is_bot(user: dict[str, Any] | None) -> bool:
    if not user:
        return False
    login = str(user.get("login", ""))
    return user.get("type") == "Bot" or login.endswith("[bot]")


def _ts(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass
class _Tally:
    counts: dict[tuple[str, str], Activity]
    repo_id: str

    def add(self, user: dict[str, Any] | None, field: str) -> None:
        if not user or not user.get("login"):
            return
        login = str(user["login"])
        key = (self.repo_id, login)
        if key not in self.counts:
            self.counts[key] = Activity(
                hub=Hub.GITHUB, repo_id=self.repo_id, developer=login, is_bot=_is_bot(user)
            )
        activity = self.counts[key]
        setattr(activity, field, getattr(activity, field) + 1)


class GitHubClient:
    def __init__(
        self,
        endpoint: str = "https://api.github.com",
        *,
        token: str | None = None,
        client: httpx.Client | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.endpoint = endpoint.rstrip("/")
        self.http = HubHTTP(client or httpx.Client(timeout=30.0), HUB, raise_for_status, policy)
        self.headers = headers

    @property
    def requests(self) -> int:
        return self.http.requests

    def _pages(self, url: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        next_url: str | None = url
        while next_url:
            response = self.http.request("GET", next_url, params=params, headers=self.headers)
            page = parse_json(response, HUB)
            if not isinstance(page, list):
                raise HubBadResponse("expected a JSON list page", hub=HUB, url=next_url)
            yield from (item for item in page if isinstance(item, dict))
            next_url, params = next_link(response), None

    def org_repos(self, org: str) -> Iterator[RepoStat]:
        """Public repos of an organisation (falls back to a user account)."""
        try:
            items = self._pages(
                f"{self.endpoint}/orgs/{org}/repos", {"per_page": 100, "type": "public"}
            )
            first = next(items, None)
        except HubNotFound:
            items = self._pages(f"{self.endpoint}/users/{org}/repos", {"per_page": 100})
            first = next(items, None)
        for item in itertools.chain([first] if first else [], items):
            if item.get("fork") or item.get("private"):
                continue
            name = str(item.get("full_name") or f"{org}/{item.get('name')}")
            yield RepoStat(
                hub=Hub.GITHUB,
                kind=RepoKind.CODE,
                repo_id=name,
                owner=name.split("/")[0],
                likes=item.get("stargazers_count"),
                created_at=item.get("created_at"),
                last_modified=item.get("pushed_at"),
                tags=tuple(item.get("topics") or ()),
                url=str(item.get("html_url") or f"https://github.com/{name}"),
            )

    def contributors(self, repo_id: str) -> Iterator[tuple[str, bool, int]]:
        """(login, is_bot, commits) from ``/contributors`` (GitHub links the first 500)."""
        for item in self._pages(f"{self.endpoint}/repos/{repo_id}/contributors", {"per_page": 100}):
            if item.get("login"):
                yield str(item["login"]), _is_bot(item), int(item.get("contributions") or 0)

    def repo_activity(self, repo_id: str, since: datetime, until: datetime) -> list[Activity]:
        """Per-developer event counts on ``repo_id`` within ``[since, until)``."""
        tally = _Tally({}, repo_id)
        base = f"{self.endpoint}/repos/{repo_id}"
        iso = since.strftime("%Y-%m-%dT%H:%M:%SZ")

        def inside(item: dict[str, Any], key: str = "created_at") -> bool:
            moment = _ts(item.get(key))
            return moment is not None and since <= moment < until

        for issue in self._pages(f"{base}/issues", {"state": "all", "since": iso, "per_page": 100}):
            if "pull_request" not in issue and inside(issue):
                tally.add(issue.get("user"), "open_issue")
        for pull in self._pages(
            f"{base}/pulls",
            {"state": "all", "sort": "created", "direction": "desc", "per_page": 100},
        ):
            created = _ts(pull.get("created_at"))
            if inside(pull):
                tally.add(pull.get("user"), "open_pull")
            if inside(pull, "merged_at"):
                tally.add(pull.get("user"), "merged_pull")  # credited to the author
            if created is not None and created < since - MERGE_LOOKBACK:
                break  # newest first; PRs open longer than the lookback are not followed
        for comment in self._pages(f"{base}/issues/comments", {"since": iso, "per_page": 100}):
            if inside(comment):
                tally.add(comment.get("user"), "issue_comment")
        for comment in self._pages(f"{base}/pulls/comments", {"since": iso, "per_page": 100}):
            if inside(comment):
                tally.add(comment.get("user"), "review_comment")
        for commit in self._pages(
            f"{base}/commits",
            {"since": iso, "until": until.strftime("%Y-%m-%dT%H:%M:%SZ"), "per_page": 100},
        ):
            tally.add(commit.get("author"), "commits")
        bots = {login for login, is_bot, _ in self.contributors(repo_id) if is_bot}
        for (_, login), activity in tally.counts.items():
            activity.is_bot = activity.is_bot or login in bots
        return [tally.counts[key] for key in sorted(tally.counts)]

    def close(self) -> None:
        self.http.client.close()
