"""Who may be a candidate: one firm one entry, a Hangzhou USCC, normalised city, confirmed
ownership of each account."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from contrib.errors import RegistryError
from contrib.ranking.rank import eligibility_note
from contrib.registry import load_registry
from contrib.store import import_registry, load_stored_registry
from contrib.types import Hub
from tests.contrib.award_fixtures import CONFIG

HEADER = "name,uscc,city,district,type,hf,modelscope,github,confirmed\n"
HZ = "91330106MA2B0XY312"
HZ2 = "91330108MA2B0XY313"
BEIJING = "91110108MA00ABCD12"


def _load(tmp_path: Path, body: str) -> object:
    path = tmp_path / "r.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return load_registry(path)


def test_the_same_uscc_twice_is_refused(tmp_path: Path) -> None:
    body = (
        f"甲,{HZ},杭州,西湖区,enterprise,a-org,,,hf:a-org=signed letter\n"
        f"甲二号,{HZ},杭州,西湖区,enterprise,a-org-2,,,hf:a-org-2=signed letter\n"
    )
    with pytest.raises(RegistryError, match=f"line 3: uscc {HZ} already belongs to '甲'"):
        _load(tmp_path, body)


def test_foreign_uscc_city_spelling_and_unconfirmed_accounts(tmp_path: Path) -> None:
    registry = _load(
        tmp_path,
        f"杭州真,{HZ},杭州市,西湖区,enterprise,real-org,,,hf:real-org=signed letter 2026-01-05\n"
        f"北京冒,{BEIJING},杭州,西湖区,enterprise,someone-elses-org,,,"
        "hf:someone-elses-org=signed letter\n"
        f"未确认,{HZ2},杭州,西湖区,enterprise,claimed-org,,,\n",
    )
    notes = {e.name: eligibility_note(e, CONFIG) for e in registry.enterprises}  # type: ignore[attr-defined]
    assert notes["杭州真"] is None  # "杭州市" is 杭州
    assert "USCC region code 110108 is not 3301" in str(notes["北京冒"])
    assert "ownership not confirmed: hf:claimed-org" in str(notes["未确认"])


def test_confirmation_must_name_a_row_account_and_say_how(tmp_path: Path) -> None:
    with pytest.raises(RegistryError) as info:
        _load(tmp_path, f"甲,{HZ},杭州,西湖区,enterprise,a-org,,,hf:b-org=letter; hf:a-org=\n")
    assert "names an account not in this row" in str(info.value)
    assert "does not say how" in str(info.value)


def test_confirmations_are_stored_and_read_back(tmp_path: Path, engine: Engine) -> None:
    registry = _load(tmp_path, f"甲,{HZ},杭州市,西湖区,enterprise,A-Org,,,hf:A-Org=DNS record\n")
    import_registry(engine, registry)  # type: ignore[arg-type]
    stored = load_stored_registry(engine)
    (firm,) = stored.enterprises
    assert firm.city == "杭州" and firm.confirmed == {(Hub.HF, "a-org"): "DNS record"}
    assert stored.content_hash() == registry.content_hash()  # type: ignore[attr-defined]
    assert import_registry(engine, registry).summary().startswith("0 new, 0 updated")  # type: ignore[arg-type]
