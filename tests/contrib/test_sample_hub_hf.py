"""The real ``huggingface_hub.HfApi`` against the sample hub on 127.0.0.1."""

from __future__ import annotations

from itertools import islice

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from contrib.clients.hf import HfClient
from contrib.errors import HubBadResponse, HubNotFound
from contrib.sample_hub import SampleHubHandle, generate, serve_in_thread


def test_listing_follows_link_cursors_with_expand(sample_hub: SampleHubHandle) -> None:
    api = HfApi(endpoint=sample_hub.url, token=False)
    expected = sorted(
        r.repo_id
        for r in sample_hub.hub.repos.values()
        if r.kind == "model" and r.author == "yunqi-ai"
    )
    sample_hub.state.page_size = 7  # force several pages
    try:
        models = list(
            api.list_models(
                author="yunqi-ai", expand=["downloads", "downloadsAllTime", "baseModels"]
            )
        )
    finally:
        sample_hub.state.page_size = 500
    assert [m.id for m in models] == expected
    assert all(
        m.downloads_all_time is not None and m.downloads_all_time >= (m.downloads or 0)
        for m in models
    )
    assert all(m.likes is None for m in models)  # expand returns only what was asked


def test_unknown_expand_value_is_a_400(sample_hub: SampleHubHandle) -> None:
    api = HfApi(endpoint=sample_hub.url, token=False)
    with pytest.raises(HfHubHTTPError) as info:
        list(api.list_models(author="yunqi-ai", expand=["notAField"]))  # type: ignore[list-item]
    assert info.value.response.status_code == 400


def test_model_info_eval_results_and_months(sample_hub: SampleHubHandle) -> None:
    repo = next(r for r in sample_hub.hub.repos.values() if r.evals and r.created < 0)
    early = HfApi(endpoint=sample_hub.endpoint(sample_hub.as_of_dates()[0]), token=False)
    late = HfApi(endpoint=sample_hub.url, token=False)
    first, last = early.model_info(repo.repo_id), late.model_info(repo.repo_id)
    assert first.eval_results and {e.dataset_id for e in first.eval_results} == {
        b for b, _, _ in repo.evals
    }
    assert last.downloads_all_time > first.downloads_all_time
    assert last.downloads == repo.downloads[-1]


def test_client_maps_lineage_and_not_found(sample_hub: SampleHubHandle) -> None:
    client = HfClient(sample_hub.url)
    derived = next(
        r for r in sample_hub.hub.repos.values() if r.bases and r.author.startswith("dev-")
    )
    stat = client.model_info(derived.repo_id)
    assert {b.repo_id for b in stat.base_models} == {b for b, _ in derived.bases}
    assert stat.url == f"https://huggingface.co/{derived.repo_id}"
    with pytest.raises(HubNotFound):
        client.model_info("nobody/nothing")
    kernels = list(client.list_kernels("zhijiang-ops"))
    assert kernels and all(k.kind.value == "kernel" for k in kernels)
    assert list(islice(client.list_datasets("yunqi-ai"), 2))


@pytest.mark.slow
def test_429_with_retry_after_is_waited_out_by_the_real_client() -> None:
    handle = serve_in_thread(generate(), rate_limit_every=2, retry_after=0, page_size=10)
    try:
        models = list(HfClient(handle.url).list_models("xixi-deep"))
        assert len(models) == len(
            [r for r in handle.hub.repos.values() if r.kind == "model" and r.author == "xixi-deep"]
        )
        assert handle.state.requests > len(models) // 10 + 1  # some answers were 429s
    finally:
        handle.stop()


def test_html_answer_is_a_clear_bad_response() -> None:
    handle = serve_in_thread(generate(), fault_accounts=frozenset({"yunqi-ai"}))
    try:
        with pytest.raises(HubBadResponse, match="hf: expected JSON"):
            list(HfClient(handle.url).list_models("yunqi-ai"))
    finally:
        handle.stop()
