"""A bulletin document as plain text, Word, Excel or PDF.

Every format carries the figures' appendix: what each figure counts and how
many records are behind it.
"""

import io
from html import escape

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override
from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook

from luodi.core.spreadsheets import write_cell

from .choices import Format, Language
from .selectors import Document, policies_for, projects_for

# GB/T 9704 type: title in a 小标宋-style face at 2号 (22 pt), body in a
# 仿宋-style face at 3号 (16 pt), headings in 黑体. The first name is the
# office standard; Word falls back to what the reader's machine has.
TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
NUMBERS = "一二三四五六七八九十"


def _ui(document: Document):
    """Labels in the bulletin's language, whatever the user interface's."""
    return override("en" if document.language == Language.EN else "zh-hans")


def render(document: Document, file_format: str) -> bytes:
    renderer = {
        Format.TXT: render_txt,
        Format.DOCX: render_docx,
        Format.XLSX: render_xlsx,
        Format.PDF: render_pdf,
    }[Format(file_format)]
    with _ui(document):
        return renderer(document)


def _heading(document: Document, index: int, name: str) -> str:
    if document.language == Language.ZH:
        return f"{NUMBERS[index] if index < len(NUMBERS) else index + 1}、{name}"
    return f"{index + 1}. {name}"


def _appendix_rows(document: Document) -> list[tuple[str, str, str, int]]:
    return [(f.key, f.text, f.counts, f.records) for f in document.figures()]


def render_txt(document: Document) -> bytes:
    lines = [document.title, document.dateline, ""]
    for index, section in enumerate(document.sections):
        lines.append(_heading(document, index, section.heading))
        lines.extend(sentence.plain() for sentence in section.sentences)
        lines.append("")
    lines.append(_("Appendix: where each figure comes from"))
    for key, text, counts, records in _appendix_rows(document):
        lines.append(
            _("%(key)s = %(text)s: %(counts)s (%(records)d records)")
            % {"key": key, "text": text, "counts": counts, "records": records}
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def set_font(run, name: str, size: float, *, bold: bool = False) -> None:
    """Set a run's font, for East Asian text too."""
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def page_number(paragraph) -> None:
    """A centred "— N —" footer, N being Word's PAGE field."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(paragraph.add_run("— "), "宋体", 14)
    run = paragraph.add_run()
    set_font(run, "宋体", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    set_font(paragraph.add_run(" —"), "宋体", 14)


def official_document():
    """An empty Word document laid out after GB/T 9704: A4 portrait, top
    37 mm, binding (left) 28 mm, type area 156 × 225 mm, "— N —" page numbers."""
    word = WordDocument()
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    page_number(section.footer.paragraphs[0])
    return word


def _table(word, headers: list[str], rows: list[tuple]) -> None:
    table = word.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        set_font(cell.paragraphs[0].add_run(header), HEADING_FONT, 12)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            set_font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, 12)


def render_docx(document: Document) -> bytes:
    word = official_document()
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(title.add_run(document.title), TITLE_FONT, 22)
    dateline = word.add_paragraph()
    dateline.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(dateline.add_run(document.dateline), BODY_FONT, 16)
    for index, part in enumerate(document.sections):
        heading = word.add_paragraph()
        set_font(heading.add_run(_heading(document, index, part.heading)), HEADING_FONT, 16)
        for sentence in part.sentences:
            paragraph = word.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters
            paragraph.paragraph_format.line_spacing = Pt(28)
            set_font(paragraph.add_run(sentence.plain()), BODY_FONT, 16)
    if document.indicator_rows:
        heading = word.add_paragraph()
        set_font(heading.add_run(_("Indicators")), HEADING_FONT, 16)
        _table(
            word,
            [_("Programme"), _("Indicator"), _("Target"), _("Reported"), _("Of target")],
            document.indicator_rows,
        )
    projects = list(
        projects_for(campaign=document.campaign, division=document.division, as_of=document.as_of)
    )
    if projects:
        heading = word.add_paragraph()
        set_font(heading.add_run(_("Major projects")), HEADING_FONT, 16)
        _table(
            word,
            [_("Code"), _("Project"), _("Phase")],
            [(p.code, p.name, p.get_phase_display()) for p in projects],
        )
    heading = word.add_paragraph()
    set_font(heading.add_run(_("Appendix: where each figure comes from")), HEADING_FONT, 16)
    _table(
        word,
        [_("Figure"), _("Value"), _("What it counts"), _("Records")],
        _appendix_rows(document),
    )
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _sheet(workbook, title: str, headers: list[str], rows: list[tuple]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    for column, header in enumerate(headers, start=1):
        write_cell(sheet.cell(row=1, column=column), header)
    for line, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            write_cell(sheet.cell(row=line, column=column), value)


def render_xlsx(document: Document) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    text = [(document.title,), (document.dateline,)]
    for index, section in enumerate(document.sections):
        text.append((_heading(document, index, section.heading),))
        text.extend((sentence.plain(),) for sentence in section.sentences)
    _sheet(workbook, _("Bulletin"), [_("Text")], text)
    _sheet(
        workbook,
        _("Figures"),
        [_("Figure"), _("Value"), _("What it counts"), _("Records")],
        _appendix_rows(document),
    )
    _sheet(
        workbook,
        _("Indicators"),
        [_("Programme"), _("Indicator"), _("Target"), _("Reported"), _("Of target")],
        document.indicator_rows,
    )
    as_of = document.as_of
    _sheet(
        workbook,
        _("Policies"),
        [_("Code"), _("Title"), _("Programme"), _("Issued on"), _("Issuing departments")],
        [
            (
                p.code,
                p.title,
                p.programme.name,
                p.issued_on.isoformat() if p.issued_on and p.issued_on <= as_of else "",
                "、".join(d.name for d in p.issuing_departments.all()),
            )
            for p in policies_for(campaign=document.campaign, as_of=as_of)
        ],
    )
    _sheet(
        workbook,
        _("Projects"),
        [_("Code"), _("Project"), _("Programme"), _("Phase"), _("Expected start year")],
        [
            (p.code, p.name, p.programme.name, p.get_phase_display(), p.expected_start_year)
            for p in projects_for(
                campaign=document.campaign, division=document.division, as_of=as_of
            )
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pipeline_svg(document: Document) -> str:
    """Projects started and in approvals per programme, as an SVG bar chart."""
    if not document.pipeline:
        return ""
    width, bar, gap, label = 460, 18, 10, 150
    most = max(started + waiting for _name, started, waiting in document.pipeline) or 1
    scale = (width - label - 40) / most
    height = len(document.pipeline) * (bar + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
    ]
    for index, (name, started, waiting) in enumerate(document.pipeline):
        y = gap + index * (bar + gap)
        done, rest = started * scale, waiting * scale
        parts.append(
            f'<text x="{label - 6}" y="{y + bar - 4}" font-size="11" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect x="{label}" y="{y}" width="{done:.1f}" height="{bar}" fill="#1b6e2a"/>'
            f'<rect x="{label + done:.1f}" y="{y}" width="{rest:.1f}" height="{bar}" '
            f'fill="#d9a400"/>'
            f'<text x="{label + done + rest + 4:.1f}" y="{y + bar - 4}" font-size="11">'
            f"{started}/{started + waiting}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def render_pdf(document: Document) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango when first used

    html = render_to_string(
        "bulletins/bulletin_pdf.html",
        {
            "document": document,
            "sections": [
                (
                    _heading(document, index, s.heading),
                    [sentence.plain() for sentence in s.sentences],
                )
                for index, s in enumerate(document.sections)
            ],
            "appendix": _appendix_rows(document),
            "chart": pipeline_svg(document),
            "lang": "en" if document.language == Language.EN else "zh-Hans",
        },
    )
    return HTML(string=html).write_pdf()
