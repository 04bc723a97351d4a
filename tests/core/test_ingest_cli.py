"""`scenehub ingest` and `scenehub records`: round trips, formats, bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app
from api.deps import get_store

FULL_RECORD = {
    "id": "HZ-2025-S001",
    "kind": "scene",
    "title": "基于大模型的12345热线工单智能分派",
    "org": "杭州市数据资源管理局",
    "domains": ["治理", "大模型"],
    "domain_raw": "城市治理",
    "description": "利用大模型对市民诉求进行语义理解、自动分类和智能派单。",
    "tech_requirements": "意图识别准确率不低于90%",
    "district": "上城区",
    "region": "杭州",
    "budget_cny": 3000000,
    "deadline": "2025-09-30",
    "published_at": "2025-07-15",
    "contact": "王工 0571-87050000",
    "cooperation_mode": "联合研发",
    "qualifications": "等保三级",
    "cases": "某区12345平台",
    "product": "政务大模型",
    "batch": "第一批",
    "list_name": "杭州市场景机会清单（第一批）",
    "source_url": "http://portal.example/detail/1.html",
    "attachment_url": "http://portal.example/files/list1.xlsx",
    "raw": {"序号": "1", "备注": "重点场景"},
}


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def export(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["records", "export", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_jsonl_round_trip_keeps_every_field(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    second = FULL_RECORD | {"id": "HZ-2025-S002", "title": "医学影像辅助诊断", "budget_cny": None}
    source = write_jsonl(tmp_path / "scenes.jsonl", [FULL_RECORD, second])
    result = runner.invoke(app, ["ingest", str(source), "--kind", "scene"])
    assert result.exit_code == 0, result.output
    assert "2 new, 0 updated, 0 unchanged" in result.stdout

    exported = {row["id"]: row for row in export(runner, "--kind", "scene")}
    for original in (FULL_RECORD, second):
        row = exported[str(original["id"])]
        assert {k: row[k] for k in original} == original
        assert row["version"] == 1

    again = runner.invoke(app, ["ingest", str(source), "--kind", "scene"])
    assert "0 new, 0 updated, 2 unchanged" in again.stdout
    # the exported file itself re-imports without changing anything
    exported_file = write_jsonl(tmp_path / "export.jsonl", list(exported.values()))
    third = runner.invoke(app, ["ingest", str(exported_file)])
    assert "0 new, 0 updated, 2 unchanged" in third.stdout, third.output


def test_changed_record_shows_two_versions(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    runner.invoke(app, ["ingest", str(write_jsonl(tmp_path / "a.jsonl", [FULL_RECORD]))])
    changed = FULL_RECORD | {"description": "新增：支持方言语音工单"}
    result = runner.invoke(app, ["ingest", str(write_jsonl(tmp_path / "b.jsonl", [changed]))])
    assert "1 updated" in result.stdout
    shown = runner.invoke(app, ["records", "show", "HZ-2025-S001", "--history"])
    versions = json.loads(shown.stdout)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["description"] == FULL_RECORD["description"]
    assert versions[1]["description"] == "新增：支持方言语音工单"


def test_jsonl_aliases_and_unknown_keys(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    row = {
        "name": "低空物流配送",
        "company": "杭州翼航无人机",
        "domain": "低空经济",
        "备注": "试点",
    }
    runner.invoke(app, ["ingest", str(write_jsonl(tmp_path / "a.jsonl", [row])), "--kind", "scene"])
    (record,) = export(runner)
    assert (record["title"], record["org"], record["domain_raw"]) == (
        "低空物流配送",
        "杭州翼航无人机",
        "低空经济",
    )
    assert record["domains"] == ["低空经济"]
    assert record["raw"] == {"备注": "试点"}
    assert str(record["id"]).startswith("S-")


def test_gbk_csv_with_chinese_headers(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "caps.csv"
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "序号",
                "公司名称",
                "企业与产品简介",
                "场景能力",
                "类别",
                "所在区县",
                "备注",
                "联系人",
                "联系电话",
            ]
        )
        writer.writerow(
            [
                "1",
                "杭州深视医疗科技有限公司",
                "医学影像AI",
                "影像辅助诊断",
                "医疗",
                "杭州市滨江区",
                "三类证",
                "李工",
                "0571-88880000",
            ]
        )
    result = runner.invoke(app, ["ingest", str(path), "--kind", "capability"])
    assert result.exit_code == 0, result.output
    (record,) = export(runner)
    assert record["org"] == "杭州深视医疗科技有限公司"
    assert record["title"] == "影像辅助诊断"
    assert (record["district"], record["region"]) == ("滨江区", "杭州")
    assert record["raw"]["备注"] == "三类证"
    assert record["raw"]["所在区县"] == "杭州市滨江区"
    assert record["contact"] == "李工 0571-88880000"  # two columns, one field, as crawls join


def test_xlsx_header_not_on_first_row(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["杭州市场景机会清单（第一批）"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "场景机会名称", "需求单位", "预算（万元）", "截止日期"])
    sheet.append([1, "城市内涝预警", "杭州市林业水利局", 400, "2025年10月31日"])
    sheet.append([2, "景区数字人导览", "西湖风景名胜区管委会", "面议", "2025/12/1"])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    result = runner.invoke(app, ["ingest", str(path), "--kind", "scene"])
    assert result.exit_code == 0, result.output
    rows = {r["title"]: r for r in export(runner)}
    assert rows["城市内涝预警"]["budget_cny"] == 4_000_000
    assert rows["城市内涝预警"]["deadline"] == "2025-10-31"
    assert rows["景区数字人导览"]["budget_cny"] is None
    assert rows["景区数字人导览"]["deadline"] == "2025-12-01"


def test_bad_line_stops_import_and_stores_nothing(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"title": "好的一行", "kind": "scene"}, ensure_ascii=False)
        + "\n"
        + '{"title": "坏的一行", "kind": \n'
        + json.dumps({"title": "第三行", "kind": "scene"}, ensure_ascii=False)
        + "\n",
        "utf-8",
    )
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: invalid JSON" in result.stderr
    assert get_store().count() == 0

    skipped = runner.invoke(app, ["ingest", str(path), "--skip-invalid"])
    assert skipped.exit_code == 0, skipped.output
    assert f"skipped {path}:2" in skipped.stderr
    assert get_store().count() == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"kind": "scene", "org": "无标题单位"}, "missing title"),
        ({"kind": "scene", "title": "x", "deadline": "下个月"}, "deadline: not a date"),
        ({"kind": "scene", "title": "x", "budget_cny": "很多"}, "is not an amount"),
        ({"kind": "demand", "title": "x"}, "kind: Input should be 'scene' or 'capability'"),
        ({"title": "x"}, "no kind"),
        ({"kind": "scene", "title": "x", "id": "has space"}, "id: Value error, id must be"),
    ],
)
def test_invalid_rows_name_file_line_and_problem(
    cli_env: Path, runner: CliRunner, tmp_path: Path, row: dict[str, object], message: str
) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [{"kind": "scene", "title": "ok"}, row])
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2:" in result.stderr and message in result.stderr
    assert get_store().count() == 0


def test_kind_conflict_and_unsupported_file(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [{"kind": "capability", "title": "x"}])
    result = runner.invoke(app, ["ingest", str(path), "--kind", "scene"])
    assert result.exit_code == 1 and "conflicts with --kind scene" in result.stderr
    other = tmp_path / "list.pdf"
    other.write_bytes(b"%PDF-1.4")
    result = runner.invoke(app, ["ingest", str(other)])
    assert result.exit_code == 1 and "unsupported file type '.pdf'" in result.stderr


def test_records_show_unknown_id(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["records", "show", "missing-id"])
    assert result.exit_code == 1
    assert "no record with id 'missing-id'" in result.stderr


def test_csv_export_has_every_field(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["ingest", str(write_jsonl(tmp_path / "a.jsonl", [FULL_RECORD]))])
    result = runner.invoke(app, ["records", "export", "--format", "csv"])
    (row,) = list(csv.DictReader(result.stdout.splitlines()))
    assert row["id"] == "HZ-2025-S001"
    assert row["domains"] == "治理|大模型"
    assert json.loads(row["raw"]) == FULL_RECORD["raw"]
    bad = runner.invoke(app, ["records", "export", "--format", "xml"])
    assert bad.exit_code == 2 and "'xml' is not one of" in bad.stderr


def test_export_to_an_unwritable_path(cli_env: Path, runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "out.jsonl"
    result = runner.invoke(app, ["records", "export", "-o", str(target)])
    assert result.exit_code == 1
    assert f"cannot write {target}: No such file or directory" in result.stderr
