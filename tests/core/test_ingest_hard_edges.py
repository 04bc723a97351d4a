"""Issue 12: bad budgets, NUL bytes, repeated ids, directories and round trips through
``scenehub ingest`` / ``records export``, on every backend (PostgreSQL when configured)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from api.deps import get_store


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def exported(runner: CliRunner) -> dict[str, dict[str, object]]:
    result = runner.invoke(app, ["records", "export"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {str(row["title"]): row for row in rows}


HEADER = ["场景名称", "需求单位", "预算（万元）"]


def test_budget_column_refuses_what_it_cannot_read(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        HEADER,
        [
            ["好预算", "甲局", "300"],
            ["指数一", "乙局", "1e30"],  # was stored as 10,000 yuan
            ["指数二", "丙局", "1e3"],
            ["负数", "丁局", "-5"],  # was stored as 50,000 yuan
            ["区间", "戊局", "50-100"],
        ],
    )
    strict = runner.invoke(app, ["ingest", str(path), "--kind", "scene"])
    assert strict.exit_code == 1
    assert f"{path}:3: 预算（万元）: '1e30' is not an amount (exponent" in strict.stderr
    assert get_store().count() == 0

    lenient = runner.invoke(app, ["ingest", str(path), "--kind", "scene", "--skip-invalid"])
    assert lenient.exit_code == 0, lenient.output
    for line in (3, 4, 5):
        assert f"skipped {path}:{line}:" in lenient.stderr
    assert "negative amount" in lenient.stderr
    assert "2 new, 0 updated, 0 unchanged, 3 skipped" in lenient.stdout
    rows = exported(runner)
    assert rows["好预算"]["budget_cny"] == 3_000_000
    assert (rows["区间"]["budget_low_cny"], rows["区间"]["budget_high_cny"]) == (500_000, 1_000_000)


def test_published_ranges_and_chinese_numerals_are_stored_as_ranges(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        ["场景名称", "需求单位", "预算"],
        [
            ["甲", "a", "50-100万元"],  # was stored as 50 yuan
            ["乙", "b", "40万-60万"],  # was stored as 400,000, the upper bound lost
            ["丙", "c", "约三百万元"],
            ["丁", "d", "壹佰万元"],
            ["戊", "e", "20万元/年"],
        ],
    )
    result = runner.invoke(app, ["ingest", str(path), "--kind", "scene"])
    assert result.exit_code == 0, result.output
    rows = exported(runner)

    def budget(title: str) -> tuple[object, ...]:
        row = rows[title]
        keys = ("budget_low_cny", "budget_high_cny", "budget_cny", "budget_per_year")
        return tuple(row[k] for k in keys)

    assert budget("甲") == (500_000, 1_000_000, 1_000_000, False)
    assert budget("乙") == (400_000, 600_000, 600_000, False)
    assert budget("丙") == (3_000_000, 3_000_000, 3_000_000, False)
    assert budget("丁") == (1_000_000, 1_000_000, 1_000_000, False)
    assert budget("戊") == (200_000, 200_000, 200_000, True)
    assert rows["甲"]["budget_raw"] == "50-100万元"


def test_jsonl_budgets_booleans_and_overflow(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"kind": "scene", "title": "好", "budget": "50-100万"},
            {"kind": "scene", "title": "负", "budget": "-5万"},  # was stored as 50,000
            {"kind": "scene", "title": "真", "budget_cny": True},  # was stored as 1
            {"kind": "scene", "title": "大", "budget_cny": 10**19},  # OverflowError / bigint
            {"kind": "scene", "title": "浮", "budget_cny": 1e30},
        ],
    )
    with path.open("a", encoding="utf-8") as handle:  # json.dumps would write 1000.0
        handle.write('{"kind": "scene", "title": "指", "budget_cny": 1e3}\n')
    strict = runner.invoke(app, ["ingest", str(path)])
    assert strict.exit_code == 1 and f"{path}:2:" in strict.stderr
    assert strict.exception is None or isinstance(strict.exception, SystemExit)

    result = runner.invoke(app, ["ingest", str(path), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert isinstance(result.exception, SystemExit | None)
    assert "negative amount" in result.stderr
    assert "yes/no value is not an amount" in result.stderr
    assert "implausible amount" in result.stderr  # 10**19
    assert f"{path}:5: budget_cny: 1e+30: exponent notation" in result.stderr
    assert f"{path}:6: budget_cny: 1000.0: exponent notation" in result.stderr
    assert "1 new, 0 updated, 0 unchanged, 5 skipped" in result.stdout
    good = exported(runner)["好"]
    assert (good["budget_low_cny"], good["budget_high_cny"]) == (500_000, 1_000_000)


def test_nul_byte_gets_the_same_answer_on_every_backend(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "nul.csv", ["场景名称", "需求单位"], [["好的", "甲"], ["坏\x00的", "乙"]]
    )
    strict = runner.invoke(app, ["ingest", str(path), "--kind", "scene"])
    assert strict.exit_code == 1, strict.output
    assert f"{path}:3:" in strict.stderr and "NUL character" in strict.stderr
    lenient = runner.invoke(app, ["ingest", str(path), "--kind", "scene", "--skip-invalid"])
    assert lenient.exit_code == 0, lenient.output
    assert "1 new, 0 updated, 0 unchanged, 1 skipped" in lenient.stdout
    assert list(exported(runner)) == ["好的"]


def test_the_same_id_twice_in_one_file_is_a_problem(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "dup.jsonl",
        [
            {"id": "X-1", "kind": "scene", "title": "第一次"},
            {"id": "X-1", "kind": "scene", "title": "第二次"},
        ],
    )
    strict = runner.invoke(app, ["ingest", str(path)])
    assert strict.exit_code == 1
    assert f"{path}:2: id X-1 again (first at {path}:1)" in strict.stderr
    lenient = runner.invoke(app, ["ingest", str(path), "--skip-invalid"])
    assert "1 new, 0 updated, 0 unchanged, 1 skipped" in lenient.stdout  # not "1 new, 1 updated"
    assert get_store().get("X-1").title == "第一次"


def test_a_line_with_two_problems_reports_both(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "two.csv",
        ["场景名称", "需求单位", "预算", "截止日期", "备注"],
        [["x", "甲", "很多", "下个月", "含\x00字节"]],
    )
    result = runner.invoke(app, ["ingest", str(path), "--kind", "scene"])
    assert result.exit_code == 1
    assert "预算: '很多' is not an amount" in result.stderr
    assert "截止日期: not a date" in result.stderr
    assert "raw.备注 contains a NUL character" in result.stderr


def test_a_directory_is_not_a_missing_file(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path)])
    assert result.exit_code == 1
    assert "is a directory" in result.stderr and "no such file" not in result.stderr


def test_csv_export_round_trips_without_kind(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "list.csv",
        ["场景名称", "需求单位", "预算", "截止日期", "领域", "备注"],
        [
            ["城市内涝预警", "杭州市林业水利局", "50-100万元", "2025-10-31", "水利", "重点"],
            ["景区数字人导览", "西湖风景名胜区管委会", "面议", "", "文旅", ""],
        ],
    )
    assert runner.invoke(app, ["ingest", str(source), "--kind", "scene"]).exit_code == 0
    # stored with no domains although its title names one: re-import must not infer them
    bare = write_jsonl(
        tmp_path / "bare.jsonl", [{"kind": "scene", "title": "医院导诊", "domains": []}]
    )
    assert runner.invoke(app, ["ingest", str(bare)]).exit_code == 0
    before = exported(runner)
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"export.{fmt}"
        assert (
            runner.invoke(app, ["records", "export", "--format", fmt, "-o", str(out)]).exit_code
            == 0
        )
        again = runner.invoke(app, ["ingest", str(out)])  # no --kind: the file has a kind column
        assert again.exit_code == 0, again.output
        assert "0 new, 0 updated, 3 unchanged" in again.stdout
    after = exported(runner)
    assert after == {
        title: row | {"last_seen": after[title]["last_seen"]} for title, row in before.items()
    }
    assert "content_hash" not in after["城市内涝预警"]["raw"]  # type: ignore[operator]
    assert all(len(get_store().sources(str(row["id"]))) == 1 for row in after.values())
