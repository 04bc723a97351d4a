"""Decode bytes of unknown encoding: UTF-8 (with or without BOM), else GBK family, else guess."""

from __future__ import annotations

from charset_normalizer import from_bytes


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``.

    Chinese lists arrive as UTF-8 or GBK/GB2312; GB18030 is a superset of both, so it is
    tried before the statistical guess, which is easily fooled on short Chinese files.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:16], 0, 1, "cannot detect the text encoding")
    return str(best), best.encoding
