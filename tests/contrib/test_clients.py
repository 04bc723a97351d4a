"""Clients against ``httpx.MockTransport``: paging, rate limits, retries, garbage."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from contrib.clients.github import GitHubClient
from contrib.clients.http import RetryPolicy, rate_limit_wait
from contrib.clients.modelscope import ModelScopeClient
from contrib.errors import HubBadResponse, HubForbidden, HubNotFound, HubRateLimited, HubServerError
from contrib.types import BaseRef, lineage_from_tags


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _client(handler: httpx.MockTransport) -> httpx.Client:
    return httpx.Client(transport=handler)


def _policy(sleeps: Sleeps) -> RetryPolicy:
    return RetryPolicy(max_retries=3, base_wait=0.5, sleep=sleeps, clock=lambda: 1000.0)


def test_github_pages_lazily_and_waits_for_rate_limit_reset() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if len(calls) == 1:
            return httpx.Response(
                403,
                json={"message": "API rate limit exceeded"},
                headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1042"},
            )
        page = int(request.url.params.get("page", "1"))
        headers = (
            {"Link": f'<https://api.test/orgs/o/repos?page={page + 1}>; rel="next"'}
            if page < 3
            else {}
        )
        return httpx.Response(
            200,
            json=[
                {
                    "full_name": f"o/r{page}",
                    "stargazers_count": page,
                    "html_url": f"https://github.com/o/r{page}",
                }
            ],
            headers=headers,
        )

    sleeps = Sleeps()
    gh = GitHubClient(
        "https://api.test", client=_client(httpx.MockTransport(handler)), policy=_policy(sleeps)
    )
    repos = gh.org_repos("o")
    first = next(repos)
    assert first.repo_id == "o/r1" and sleeps == [42.0]
    assert len(calls) == 2  # lazy: page 2 not fetched yet
    assert [r.repo_id for r in repos] == ["o/r2", "o/r3"]


def test_github_activity_counts_opendigger_events_in_window() -> None:
    bot = {"login": "ci[bot]", "type": "Bot"}
    alice = {"login": "alice", "type": "User"}
    bodies = {
        "/repos/o/r/issues": [
            {"user": alice, "created_at": "2026-03-05T00:00:00Z"},
            {"user": alice, "created_at": "2026-03-06T00:00:00Z", "pull_request": {}},
            {"user": alice, "created_at": "2026-01-01T00:00:00Z"},
        ],
        "/repos/o/r/pulls": [
            {
                "user": alice,
                "created_at": "2026-03-06T00:00:00Z",
                "merged_at": "2026-03-07T00:00:00Z",
            }
        ],
        "/repos/o/r/issues/comments": [{"user": bot, "created_at": "2026-03-08T00:00:00Z"}],
        "/repos/o/r/pulls/comments": [{"user": alice, "created_at": "2026-03-09T00:00:00Z"}],
        "/repos/o/r/commits": [
            {"author": bot},
            {"author": None},
            {"author": {"login": "sync", "type": "User"}},
        ],
        "/repos/o/r/contributors": [{"login": "sync", "type": "Bot", "contributions": 9}],
    }

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer t0ken"
        return httpx.Response(200, json=bodies[request.url.path])

    gh = GitHubClient(
        "https://api.test", token="t0ken", client=_client(httpx.MockTransport(handler))
    )
    acts = {
        a.developer: a
        for a in gh.repo_activity(
            "o/r", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
        )
    }
    assert (
        acts["alice"].open_issue,
        acts["alice"].open_pull,
        acts["alice"].merged_pull,
        acts["alice"].review_comment,
    ) == (1, 1, 1, 1)
    assert (
        acts["ci[bot]"].is_bot
        and acts["ci[bot]"].commits == 1
        and acts["ci[bot]"].issue_comment == 1
    )
    assert acts["sync"].is_bot and not acts["alice"].is_bot  # typed Bot by /contributors


@pytest.mark.parametrize(
    ("status", "error"), [(404, HubNotFound), (401, HubForbidden), (503, HubServerError)]
)
def test_github_errors_map_to_the_tree(status: int, error: type[Exception]) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(status, json={"message": "x"}))
    gh = GitHubClient("https://api.test", client=_client(transport), policy=_policy(Sleeps()))
    with pytest.raises(error):
        list(gh._pages("https://api.test/repos/o/r/issues"))


def test_rate_limit_that_never_resets_gives_up_clearly() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(429, headers={"Retry-After": "5"}))
    sleeps = Sleeps()
    gh = GitHubClient("https://api.test", client=_client(transport), policy=_policy(sleeps))
    with pytest.raises(HubRateLimited, match="rate limited"):
        list(gh._pages("https://api.test/x"))
    assert sleeps == [5.0, 5.0, 5.0]


def test_server_errors_back_off_exponentially_then_succeed() -> None:
    answers = iter([httpx.Response(502), httpx.Response(503), httpx.Response(200, json=[])])
    sleeps = Sleeps()
    gh = GitHubClient(
        "https://api.test",
        client=_client(httpx.MockTransport(lambda r: next(answers))),
        policy=_policy(sleeps),
    )
    assert list(gh._pages("https://api.test/x")) == []
    assert sleeps == [0.5, 1.0]


def test_html_instead_of_json_is_a_bad_response() -> None:
    transport = httpx.MockTransport(
        lambda r: httpx.Response(
            200, text="<html>502</html>", headers={"content-type": "text/html"}
        )
    )
    ms = ModelScopeClient("https://ms.test", client=_client(transport))
    with pytest.raises(HubBadResponse, match="expected JSON, got text/html"):
        list(ms.list_models("owner"))


def test_modelscope_pages_by_number_and_checks_the_envelope() -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        if body["Path"] == "bad":
            return httpx.Response(
                200, json={"Code": 10010, "Success": False, "Message": "no such owner"}
            )
        n = body["PageNumber"]
        models = [
            {
                "Name": f"m{n}{i}",
                "Path": "own",
                "Downloads": 10 * n,
                "Stars": 1,
                "Tags": ["base_model:quantized:org/base"],
            }
            for i in range(2)
        ]
        return httpx.Response(
            200, json={"Code": 200, "Success": True, "Data": {"Models": models, "TotalCount": 3}}
        )

    ms = ModelScopeClient(
        "https://ms.test", page_size=2, client=_client(httpx.MockTransport(handler))
    )
    models = list(ms.list_models("own"))
    assert [m.repo_id for m in models][:3] == ["own/m10", "own/m11", "own/m20"]
    assert models[0].downloads_all_time == 10 and models[0].downloads_30d is None
    assert models[0].base_models == (BaseRef("org/base", "quantized"),)
    assert [s["PageNumber"] for s in seen] == [1, 2]
    with pytest.raises(Exception, match="no such owner"):
        list(ms.list_models("bad"))


def test_lineage_tags_prefer_the_qualified_relation() -> None:
    refs = lineage_from_tags(
        ["base_model:a/b", "base_model:adapter:a/b", "base_model:c/d", "license:mit"]
    )
    assert refs == (BaseRef("a/b", "adapter"), BaseRef("c/d", "finetune"))


def test_rate_limit_headers_are_understood() -> None:
    assert rate_limit_wait(httpx.Response(429, headers={"RateLimit": '"api";r=0;t=55'})) == 55.0
    assert rate_limit_wait(httpx.Response(429, headers={"Retry-After": "7"})) == 7.0
    assert rate_limit_wait(httpx.Response(429)) is None
