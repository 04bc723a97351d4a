"""The Hugging Face wrapper with huggingface_hub's own session on an ``httpx2.MockTransport``.

huggingface_hub ≥ 1 talks through ``httpx2``; ``set_client_factory`` is its supported hook
for swapping the transport, restored after each test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx2
import pytest
from huggingface_hub import set_client_factory
from huggingface_hub.utils._http import default_client_factory

from contrib.clients.hf import HfClient
from contrib.errors import HubBadResponse, HubForbidden, HubNotFound
from contrib.types import BaseRef

Handler = Callable[[httpx2.Request], httpx2.Response]


@pytest.fixture
def mock_hf() -> Iterator[Callable[[Handler], None]]:
    def install(handler: Handler) -> None:
        set_client_factory(lambda: httpx2.Client(transport=httpx2.MockTransport(handler)))

    yield install
    set_client_factory(default_client_factory)


def test_cursor_pages_and_lineage(mock_hf: Callable[[Handler], None]) -> None:
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(str(request.url))
        if "cursor" not in str(request.url):
            assert request.url.params.get_list("expand")[:2] == ["author", "downloads"]
            return httpx2.Response(
                200,
                json=[{"id": "org/a", "downloads": 5, "downloadsAllTime": 50}],
                headers={"Link": '<https://hub.test/api/models?author=org&cursor=2>; rel="next"'},
            )
        return httpx2.Response(
            200,
            json=[
                {
                    "id": "org/b-GGUF",
                    "downloads": 1,
                    "tags": ["base_model:quantized:org/a"],
                    "baseModels": {"relation": "quantized", "models": [{"id": "org/a"}]},
                }
            ],
        )

    mock_hf(handler)
    models = list(HfClient("https://hub.test").list_models("org"))
    assert [m.repo_id for m in models] == ["org/a", "org/b-GGUF"]
    assert models[0].downloads_all_time == 50 and models[0].owner == "org"
    assert models[1].base_models == (BaseRef("org/a", "quantized"),)
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("response", "error", "message"),
    [
        (
            httpx2.Response(200, text="<html>oops</html>", headers={"content-type": "text/html"}),
            HubBadResponse,
            "expected JSON",
        ),
        (httpx2.Response(200, json={"not": "a list"}), HubBadResponse, "unexpected JSON shape"),
        (httpx2.Response(404, json={"error": "nope"}), HubNotFound, "hf"),
        (httpx2.Response(401, json={"error": "bad token"}), HubForbidden, "hf"),
    ],
)
def test_failures_map_to_the_error_tree(
    mock_hf: Callable[[Handler], None],
    response: httpx2.Response,
    error: type[Exception],
    message: str,
) -> None:
    mock_hf(lambda request: response)
    with pytest.raises(error, match=message):
        list(HfClient("https://hub.test").list_models("org"))
