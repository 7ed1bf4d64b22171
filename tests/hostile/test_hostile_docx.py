"""Hostile class 4: Word content the old reader dropped (content controls, nested tables, text boxes, tracked
insertions). Generated answers placed in each must all be read, in reading order, deletions dropped; two filled
copies of one template are two documents, not one duplicate."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from hostile_util import docx_from_body, w_p
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.ingest.docx import read_docx

answer = st.text(
    alphabet=st.sampled_from("甲乙丙丁戊己庚辛壬癸智能制造排产检测0123456789"), min_size=4, max_size=30
)


def _template(a: list[str], deleted: str) -> str:
    """A fillable application form holding the answers ``a`` in the places Word keeps them."""
    r = lambda t: f'<w:r><w:t xml:space="preserve">{escape(t)}</w:t></w:r>'  # noqa: E731
    return "".join(
        [
            w_p("企业概况"),
            # block content control (the usual fillable field)
            f"<w:sdt><w:sdtPr><w:alias w:val='企业名称'/></w:sdtPr><w:sdtContent>{w_p(a[0])}</w:sdtContent></w:sdt>",
            # inline content control inside a paragraph, plus a tracked insertion and deletion
            f"<w:p>{r('所属行业：')}<w:sdt><w:sdtContent>{r(a[1])}</w:sdtContent></w:sdt>"
            f"<w:ins w:id='1' w:author='x'>{r(a[2])}</w:ins>"
            f"<w:del w:id='2' w:author='x'><w:r><w:delText>{escape(deleted)}</w:delText></w:r></w:del></w:p>",
            # a table with a nested table in a cell
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc>"
            f"<w:tc>{w_p(a[3])}<w:tbl><w:tr><w:tc>{w_p(a[4])}</w:tc><w:tc>{w_p('内层')}</w:tc></w:tr></w:tbl>"
            "<w:p/></w:tc></w:tr></w:tbl>",
            # a text box (DrawingML choice with a VML fallback that repeats it)
            "<w:p><w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wps:txbx><w:txbxContent>"
            f"{w_p(a[5])}</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>"
            f"<w:txbxContent>{w_p(a[5])}</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent>"
            "</w:r></w:p>",
            w_p("实施成效"),
        ]
    )


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(a=st.lists(answer, min_size=6, max_size=6, unique=True), deleted=answer)
def test_every_answer_is_read_in_order_and_deletions_dropped(tmp_path_factory, a: list[str], deleted: str):
    path = docx_from_body(tmp_path_factory.mktemp("d") / "form.docx", _template(a, deleted))
    text, _ = read_docx(path)
    pos = [text.find(x) for x in a]
    assert all(p >= 0 for p in pos), (a, text)
    assert pos == sorted(pos)  # reading order
    assert text.count(a[5]) == 1  # the text box's fallback copy is not read twice
    if deleted not in "".join(a) + "企业概况所属行业：指标内层实施成效":
        assert deleted not in text


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    a=st.lists(answer, min_size=6, max_size=6, unique=True),
    b=st.lists(answer, min_size=6, max_size=6, unique=True),
)
def test_two_filled_copies_of_one_template_are_two_documents(kb, tmp_path_factory, a, b):
    if a == b:
        return
    folder = tmp_path_factory.mktemp("copies")
    docx_from_body(folder / "甲.docx", _template(a, "x"))
    docx_from_body(folder / "乙.docx", _template(b, "x"))
    before = kb.store.count()
    report = kb.store.ingest([folder], analyze=False)
    assert [o.status for o in report.outcomes] == ["added", "added"]
    assert kb.store.count() == before + 2


def test_deeply_nested_content_controls_finish(tmp_path: Path):
    """Nesting is bounded by the XML parser (256 levels); deeper is refused, not a crash of the process."""
    body = "<w:sdt><w:sdtContent>" * 120 + w_p("深处的答案") + "</w:sdtContent></w:sdt>" * 120
    text, _ = read_docx(docx_from_body(tmp_path / "deep.docx", body))
    assert "深处的答案" in text
