from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from contrib.errors import RegistryError
from contrib.registry import load_registry
from contrib.sample_hub import registry_path
from contrib.sample_hub.data import generate
from contrib.store import import_registry, load_stored_registry
from contrib.types import Hub
from core.models.contrib import ContribAccountRow, ContribEnterpriseRow

DATA = Path(__file__).parents[1] / "data" / "contrib"


def test_yaml_registry_reads_accounts_and_fields() -> None:
    registry = load_registry(DATA / "registry_ok.yaml")
    alpha = registry.enterprises[0]
    assert alpha.uscc == "91330106MA2B0XY312"
    assert alpha.accounts[Hub.HF] == ("alpha-ai",)
    assert alpha.accounts[Hub.GITHUB] == ("alpha-oss",)
    assert registry.hubs_in_use() == [Hub.HF, Hub.MODELSCOPE, Hub.GITHUB]


def test_csv_with_semicolon_accounts_and_conflict_is_an_error() -> None:
    with pytest.raises(RegistryError, match=r"line 3: hf account 'shared-org' already belongs to"):
        load_registry(DATA / "registry_conflict.csv")


def test_broken_rows_are_all_reported_with_lines() -> None:
    with pytest.raises(RegistryError) as info:
        load_registry(DATA / "registry_broken.csv")
    message = str(info.value)
    assert "line 3: name is empty" in message
    assert "line 3: type 'company'" in message
    assert "line 3: hf account 'b org'" in message
    assert "line 4: uscc 'BADCODE'" in message


def test_wrong_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("name,city\nx,杭州\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="header must be"):
        load_registry(path)


def test_bundled_registry_matches_the_generator() -> None:
    assert registry_path().read_text(encoding="utf-8") == generate().registry_csv()
    registry = load_registry(registry_path())
    assert len(registry.enterprises) >= 30
    assert {e.city for e in registry.enterprises} > {"杭州", "上海"}


def _count(engine: Engine, row: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(row)) or 0)


def test_import_is_idempotent_and_conflicts_leave_store_untouched(
    engine: Engine, tmp_path: Path
) -> None:
    registry = load_registry(DATA / "registry_ok.yaml")
    assert len(import_registry(engine, registry).new) == 2
    again = import_registry(engine, registry)
    assert again.new == [] and again.updated == [] and len(again.unchanged) == 2
    # another file hands alpha-ai to a third enterprise that the store does not know about
    other = tmp_path / "other.csv"
    other.write_text(
        "name,uscc,city,district,type,hf,modelscope,github\n"
        "杭州丁科技有限公司,,杭州,,enterprise,ALPHA-AI,,\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="belongs to '杭州测试模型科技有限公司'"):
        import_registry(engine, load_registry(other))
    assert _count(engine, ContribEnterpriseRow) == 2
    assert _count(engine, ContribAccountRow) == 4
    stored = load_stored_registry(engine)
    assert stored.content_hash() == registry.content_hash()


def test_an_account_can_move_between_enterprises_named_in_the_same_file(
    engine: Engine, tmp_path: Path
) -> None:
    header = "name,uscc,city,district,type,hf,modelscope,github\n"
    first, second = tmp_path / "v1.csv", tmp_path / "v2.csv"
    first.write_text(
        header + "甲,,杭州,,enterprise,x-org;y-org,,\n乙,,杭州,,enterprise,z-org,,\n",
        encoding="utf-8",
    )
    second.write_text(
        header + "甲,,杭州,,enterprise,y-org,,\n乙,,杭州,,enterprise,z-org;x-org,,\n",
        encoding="utf-8",
    )
    import_registry(engine, load_registry(first))
    report = import_registry(engine, load_registry(second))
    assert sorted(report.updated) == ["乙", "甲"]
    stored = load_stored_registry(engine)
    assert stored.owner_of()[(Hub.HF, "x-org")] == "乙"
    assert stored.owner_of()[(Hub.HF, "y-org")] == "甲"
    assert _count(engine, ContribAccountRow) == 3
