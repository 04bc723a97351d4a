"""Lexical leg: jieba tokens, field-aware BM25 (bm25s)."""
