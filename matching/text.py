"""What of a record each leg sees: field texts for BM25, one passage string for embedders.

Kept in one place so the lexical and dense legs, the cache keys and the explanations
agree on which words came from which field.
"""

from __future__ import annotations

from core.records import Record

#: fields searched, in the order explanations list them
FIELDS: tuple[str, ...] = ("title", "product", "domains", "description", "tech_requirements", "org")

#: e5-small reads at most 512 tokens; Chinese is about one token per character
MAX_PASSAGE_CHARS = 480


def field_texts(record: Record) -> dict[str, str]:
    """The searchable text of each field (empty fields left out)."""
    values = {
        "title": record.title,
        "product": record.product or "",
        "domains": " ".join(record.domains) or (record.domain_raw or ""),
        "description": " ".join(filter(None, [record.description, record.cases])),
        "tech_requirements": " ".join(
            filter(None, [record.tech_requirements, record.qualifications])
        ),
        "org": record.org or "",
    }
    return {name: values[name] for name in FIELDS if values[name]}


def passage_text(record: Record) -> str:
    """One string per record for the embedders: most telling fields first, then truncated."""
    fields = field_texts(record)
    parts = [
        fields.get(name, "")
        for name in ("title", "product", "domains", "description", "tech_requirements", "org")
    ]
    text = "。".join(part.strip().rstrip("。；;，,") for part in parts if part.strip())
    return text[:MAX_PASSAGE_CHARS]
