"""Demo résumés: a one-page PDF per demo candidate, so the kit's "Résumé" opens something real.

The page is written out by hand (one text object, Helvetica, the cross-reference table
computed from the byte offsets) because the demo needs a few lines of text, not a PDF library.
"""

from __future__ import annotations

# Pinyin: the standard PDF fonts carry no Chinese glyphs, and embedding one is not worth it.
RESUMES = {
    "王小明": ("Wang Xiaoming", "Backend engineer, 5 years", "Go, PostgreSQL, Kafka"),
    "郑涛": ("Zheng Tao", "Backend engineer, 7 years", "Java, MySQL, distributed caching"),
    "孙悦": ("Sun Yue", "Backend engineer, 3 years", "Python, Redis, payments"),
}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def resume_pdf(lines: tuple[str, ...]) -> bytes:
    """A valid one-page A4 PDF showing `lines` (ASCII)."""
    text = "".join(
        f"BT /F1 {18 if n == 0 else 12} Tf 72 {770 - 28 * n} Td ({_escape(line)}) Tj ET\n"
        for n, line in enumerate(("Resume (demo)", *lines))
    ).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
