"""The three hubs' ``raise_for_status`` take the same argument and map statuses alike."""

from __future__ import annotations

import httpx
import pytest

from contrib.clients import github, hf, modelscope
from contrib.errors import (
    HubError,
    HubForbidden,
    HubNotFound,
    HubRateLimited,
    HubServerError,
)

CASES = [
    (404, HubNotFound),
    (403, HubForbidden),
    (401, HubForbidden),
    (429, HubRateLimited),
    (503, HubServerError),
    (418, HubError),
]


@pytest.mark.parametrize("module", [hf, modelscope, github], ids=["hf", "modelscope", "github"])
@pytest.mark.parametrize(("code", "error"), CASES)
def test_same_status_same_error(module: object, code: int, error: type[HubError]) -> None:
    request = httpx.Request("GET", "http://hub.test/api/x")
    response = httpx.Response(code, json={"message": "m", "Message": "m"}, request=request)
    with pytest.raises(error) as info:
        module.raise_for_status(response)  # type: ignore[attr-defined]
    assert info.value.url == "http://hub.test/api/x"
    module.raise_for_status(httpx.Response(200, request=request))  # type: ignore[attr-defined]
