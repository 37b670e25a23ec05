"""Each loader round-trips its format; malformed documents produce precise problems."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from corpus.check import document_hash
from corpus.errors import CorpusError
from corpus.loaders import load_document, load_documents
from tests.corpus.conftest import DOC_ID, SEED_TXT, SHIPPED, make_pdf

SEED_MD = SHIPPED / "documents" / f"{DOC_ID}.md"
ANCHORS = [
    "overview",
    "china",
    "south-korea",
    "japan",
    "raw-materials",
    "production-and-exports",
    "us-eu-responses",
    "outlook",
]


def problems_of(path: Path) -> list[tuple[int, str]]:
    with pytest.raises(CorpusError) as caught:
        load_document(path)
    assert all(p.file == str(path) for p in caught.value.problems)
    return [(p.line, p.reason) for p in caught.value.problems]


def test_seed_markdown_keeps_the_seed_text_byte_for_byte():
    doc = load_document(SEED_MD)
    seed_paragraphs = SEED_TXT.read_bytes().decode("utf-8").split("\n")
    assert [p.text for p in doc.paragraphs] == seed_paragraphs
    assert doc.text.encode("utf-8") == SEED_TXT.read_bytes().replace(b"\n", b"\n\n")


def test_seed_markdown_metadata_anchors_and_lines():
    doc = load_document(SEED_MD)
    assert (doc.id, doc.title, doc.date) == (
        DOC_ID,
        "Asia's Dominance in Battery Manufacturing",
        "2026-11-25",
    )
    assert "china" in doc.tags and doc.source
    assert [p.anchor for p in doc.paragraphs] == ANCHORS
    lines = SEED_MD.read_text(encoding="utf-8").split("\n")
    for paragraph in doc.paragraphs:
        assert lines[paragraph.line - 1] == paragraph.text
        assert lines[paragraph.line - 2] == f"<!-- anchor: {paragraph.anchor} -->"


def test_markdown_joins_wrapped_lines_names_unanchored_paragraphs_and_skips_headings(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(
        "---\nid: note\ntitle: A note\ntags: solo\n---\n# Heading\n\nFirst line\nwrapped here.\n\n"
        "<!-- anchor: named -->\n\nSecond.\n\n<!-- a plain comment -->\nThird.\n",
        encoding="utf-8",
    )
    doc = load_document(path)
    assert [(p.anchor, p.text, p.line) for p in doc.paragraphs] == [
        ("p1", "First line wrapped here.", 8),
        ("named", "Second.", 13),
        ("p3", "Third.", 16),
    ]
    assert doc.tags == ("solo",) and doc.date == "" and doc.source == ""


def test_text_loader_reads_one_paragraph_per_line_when_there_are_no_blank_lines():
    doc = load_document(SEED_TXT)
    assert doc.id == DOC_ID and doc.title == "Asia battery dominance"
    assert [p.anchor for p in doc.paragraphs] == [f"p{n}" for n in range(1, 9)]
    assert [p.line for p in doc.paragraphs] == list(range(1, 9))
    assert doc.text == load_document(SEED_MD).text


def test_text_loader_takes_a_title_line_and_blank_line_paragraphs(tmp_path):
    path = tmp_path / "field_report.txt"
    path.write_text(
        "Battery Field Report\n\nCATL opened a plant\nin Hungary.\n\nBYD builds buses.\n",
        encoding="utf-8",
    )
    doc = load_document(path)
    assert (doc.id, doc.title) == ("field_report", "Battery Field Report")
    assert [(p.anchor, p.text, p.line) for p in doc.paragraphs] == [
        ("p1", "CATL opened a plant in Hungary.", 3),
        ("p2", "BYD builds buses.", 6),
    ]


HTML = """<!doctype html>
<html><head><title>Cell &amp; Pack Report</title>
<meta name="source" content="Trade press, 2024"><meta name="date" content="2024-05-01">
<meta name="keywords" content="china, exports">
<style>p { color: red }</style></head>
<body><h1>Ignored heading</h1>
<section id="intro"><p>China makes
  most <b>cells</b>.<br>Really.</p>
<p>Second paragraph<script>var x = "<p>no</p>";</script></p></section>
<p id="exports">Exports grow.
<div>not a paragraph</div>
</body></html>
"""


def test_html_loader_reads_title_meta_paragraphs_and_id_anchors(tmp_path):
    path = tmp_path / "cells.html"
    path.write_text(HTML, encoding="utf-8")
    doc = load_document(path)
    assert (doc.id, doc.title, doc.source, doc.date, doc.tags) == (
        "cells",
        "Cell & Pack Report",
        "Trade press, 2024",
        "2024-05-01",
        ("china", "exports"),
    )
    assert [(p.anchor, p.text, p.line) for p in doc.paragraphs] == [
        ("intro", "China makes most cells. Really.", 7),
        ("p2", "Second paragraph", 9),
        ("exports", "Exports grow.", 10),
    ]


def test_html_title_falls_back_to_h1(tmp_path):
    path = tmp_path / "x.html"
    path.write_text("<h1>Only <i>heading</i></h1><p>Body.</p>", encoding="utf-8")
    assert load_document(path).title == "Only heading"


def test_pdf_loader_reads_pages_paragraphs_and_title(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(
        make_pdf(
            [
                [
                    "China leads battery output.",
                    "It runs many gigafactories.",
                    "",
                    "Japan pioneered (Li-ion).",
                ],
                ["Korea serves premium markets."],
            ],
            title="Quarterly Cells",
        )
    )
    doc = load_document(path)
    assert (doc.id, doc.title) == ("report", "Quarterly Cells")
    assert [(p.anchor, p.text, p.page) for p in doc.paragraphs] == [
        ("p1", "China leads battery output. It runs many gigafactories.", 1),
        ("p2", "Japan pioneered (Li-ion).", 1),
        ("p3", "Korea serves premium markets.", 2),
    ]


def test_pdf_without_title_uses_the_file_name(tmp_path):
    path = tmp_path / "supply-chain_notes.pdf"
    path.write_bytes(make_pdf([["Cobalt matters."]]))
    assert load_document(path).title == "Supply chain notes"


def test_encrypted_pdf_is_a_clear_problem(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["Secret text."]]))))
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert problems_of(path) == [
        (0, "the PDF is encrypted with a password; add an unencrypted copy instead")
    ]


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"this is not a pdf at all", "not a PDF: the file does not start with %PDF-"),
        (b"nope\n", "not a PDF: the file does not start with %PDF-"),
        (make_pdf([["Cut short."]])[:60], "unreadable PDF"),
        (make_pdf([[]]), "the PDF has no extractable text"),
    ],
)
def test_unreadable_or_textless_pdf_is_one_problem_and_no_pypdf_chatter(
    tmp_path, capfd, caplog, data, reason
):
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    [(line, text)] = problems_of(path)
    assert line == 0 and text.startswith(reason)
    assert capfd.readouterr().err == ""
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]


GOOD_FRONT = "---\nid: doc\ntitle: Doc\n---\n"


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("no-front.md", "Just text.\n", [(1, "missing front matter")]),
        ("unclosed.md", "---\nid: doc\ntitle: Doc\nBody.\n", [(1, "front matter is never closed")]),
        (
            "bad-yaml.md",
            "---\nid: doc\ntitle: [Doc\ndate: x\n---\nBody.\n",
            [(4, "bad front matter: invalid YAML")],
        ),
        ("no-id.md", "---\ntitle: Doc\n---\nBody.\n", [(1, "front matter has no 'id'")]),
        (
            "no-title.md",
            "---\nid: doc\ntitle: ''\n---\nBody.\n",
            [(3, "front matter has no 'title'")],
        ),
        (
            "bad-id.md",
            "---\nid: Not A Slug\ntitle: Doc\n---\nBody.\n",
            [(2, "document id 'Not A Slug'")],
        ),
        ("empty.md", GOOD_FRONT + "\n\n", [(5, "the document has no paragraphs")]),
        (
            "dup.md",
            GOOD_FRONT + "<!-- anchor: a -->\nOne.\n\n<!-- anchor: a -->\nTwo.\n",
            [(9, "duplicate anchor 'a' (first used on line 6)")],
        ),
        (
            "clash.md",
            GOOD_FRONT + "One.\n\n<!-- anchor: p1 -->\nTwo.\n",
            [(8, "duplicate anchor 'p1' (first used on line 5)")],
        ),
        (
            "dangling.md",
            GOOD_FRONT + "One.\n\n<!-- anchor: tail -->\n",
            [(7, "anchor 'tail' has no paragraph")],
        ),
        (
            "bad-anchor.md",
            GOOD_FRONT + "<!-- anchor: two words -->\nOne.\n",
            [(5, "anchor name 'two words'")],
        ),
    ],
)
def test_malformed_markdown_is_located(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    found = problems_of(path)
    assert len(found) == len(expected)
    for (line, reason), (want_line, want_start) in zip(found, expected, strict=True):
        assert line == want_line and reason.startswith(want_start), (line, reason)


def test_non_utf8_is_located_at_its_line(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("First line.\nSecond caf\xe9 line.\n".encode("latin-1"))
    [(line, reason)] = problems_of(path)
    assert (
        line == 2
        and reason.startswith("not valid UTF-8 (byte 0xe9")
        and "save the file as UTF-8" in reason
    )


def test_html_duplicate_ids_and_empty_pages(tmp_path):
    dup = tmp_path / "dup.html"
    dup.write_text('<p id="a">One.</p>\n<p id="a">Two.</p>', encoding="utf-8")
    assert problems_of(dup) == [(2, "duplicate anchor 'a' (first used on line 1)")]
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><div>no paragraphs</div></body></html>", encoding="utf-8")
    assert problems_of(empty) == [(1, "the document has no paragraphs (no text inside <p> tags)")]


def test_empty_text_file_and_unsupported_format(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    assert problems_of(empty) == [(1, "the document has no paragraphs")]
    docx = tmp_path / "report.docx"
    docx.write_bytes(b"PK")
    [(line, reason)] = problems_of(docx)
    assert line == 0 and reason.startswith(".docx is not a supported format")


def test_load_documents_reports_duplicate_ids_and_keeps_going(tmp_path):
    (tmp_path / "a.md").write_text("---\nid: same\ntitle: A\n---\nOne.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\nid: same\ntitle: B\n---\nTwo.\n", encoding="utf-8")
    (tmp_path / "broken.md").write_text("no front matter\n", encoding="utf-8")
    (tmp_path / ".hidden.md").write_text("ignored\n", encoding="utf-8")
    documents, problems = load_documents(tmp_path)
    assert [d.title for d in documents] == ["A"]
    assert [(Path(p.file).name, p.line, p.reason) for p in problems] == [
        ("b.md", 1, "document id 'same' is already used by a.md"),
        ("broken.md", 1, problems[1].reason),
    ]
    assert problems[1].reason.startswith("missing front matter")


def test_a_duplicate_id_is_reported_on_the_newer_file_whatever_its_name(tmp_path):
    original = tmp_path / "zz-report.md"
    original.write_text("---\nid: report\ntitle: Original\n---\nOne.\n", encoding="utf-8")
    copy = tmp_path / "aa-draft.md"
    copy.write_text("---\nid: report\ntitle: Draft\n---\nTwo.\n", encoding="utf-8")
    os.utime(original, (1_700_000_000, 1_700_000_000))
    os.utime(copy, (1_700_000_500, 1_700_000_500))
    documents, problems = load_documents(tmp_path)
    assert [d.title for d in documents] == ["Original"]
    assert [(Path(p.file).name, p.reason) for p in problems] == [
        ("aa-draft.md", "document id 'report' is already used by zz-report.md")
    ]


def test_document_hash_follows_content_not_layout(tmp_path):
    one = tmp_path / "one.md"
    one.write_text("---\nid: d\ntitle: T\n---\nA long\nwrapped line.\n", encoding="utf-8")
    moved = tmp_path / "sub" / "one.md"
    moved.parent.mkdir()
    moved.write_text("---\nid: d\ntitle: T\n---\n\n\nA long wrapped line.\n", encoding="utf-8")
    edited = tmp_path / "edited.md"
    edited.write_text("---\nid: d\ntitle: T\n---\nA long wrapped line!\n", encoding="utf-8")
    digest = document_hash(load_document(one))
    assert len(digest) == 64
    assert document_hash(load_document(moved)) == digest
    assert document_hash(load_document(edited)) != digest
