from pathlib import Path

import numpy as np

from matching.lexical.bm25 import LexicalIndex


def build(docs: list[dict[str, str]]) -> LexicalIndex:
    index = LexicalIndex()
    index.set_documents([index.encode_document(fields) for fields in docs])
    return index


def test_title_match_outranks_description_match() -> None:
    index = build(
        [
            {"title": "园区安防监控", "description": "顺带提供无人机巡检服务"},
            {"title": "无人机巡检", "description": "园区安防监控"},
            {"title": "智慧停车", "description": "车位诱导"},
        ]
    )
    scores = index.scores(index.query_terms("无人机巡检"))
    assert scores[1] > scores[0] > 0
    assert scores[2] == 0


def test_matched_terms_name_their_field() -> None:
    index = build([{"title": "无人机巡检", "description": "电力线路"}])
    terms = index.query_terms("电力线路无人机")
    hits = index.matched_terms(terms, {"title": "无人机巡检", "description": "电力线路"})
    assert hits["title"] == ["无人机"]
    assert set(hits["description"]) >= {"电力", "线路"}


def test_unknown_terms_score_zero() -> None:
    index = build([{"title": "无人机巡检"}])
    assert float(index.scores(index.query_terms("量子计算")).sum()) == 0.0


def test_save_load_gives_same_scores(tmp_path: Path) -> None:
    index = build([{"title": "医学影像辅助诊断"}, {"title": "工业视觉质检"}])
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    terms = index.query_terms("影像诊断")
    assert np.allclose(loaded.scores(terms), index.scores(terms))


def test_rebuild_after_change_equals_fresh_build() -> None:
    docs = [{"title": "医学影像辅助诊断"}, {"title": "工业视觉质检"}, {"title": "无人机巡检"}]
    index = build(docs)
    index.set_documents(
        [index.docs[0], index.docs[2], index.encode_document({"title": "影像质检"})]
    )
    fresh = build([docs[0], docs[2], {"title": "影像质检"}])
    terms = fresh.query_terms("影像质检")
    assert np.allclose(index.scores(terms), fresh.scores(terms), atol=1e-5)


def test_numpy_build_equals_bm25s_own_build() -> None:
    import bm25s

    index = build(
        [
            {"title": "医学影像辅助诊断", "description": "肺结节 影像 诊断 影像"},
            {"title": "工业视觉质检", "description": "缺陷检测 视觉"},
            {"title": "无人机巡检", "description": ""},
            {"title": "影像质检", "description": "工业 医学"},
        ]
    )
    vocab = dict(index.vocab)
    vocab[""] = len(vocab)
    reference = bm25s.BM25()
    reference.index(
        bm25s.tokenization.Tokenized(ids=[d.tolist() for d in index.docs], vocab=vocab),
        show_progress=False,
    )
    for query in ("影像诊断", "工业视觉", "无人机", "医学影像质检"):
        ids = [vocab[t] for t in index.query_terms(query) if t in vocab]
        assert np.allclose(
            index.scores(index.query_terms(query)), reference.get_scores(ids), atol=1e-5
        )
