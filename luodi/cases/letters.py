"""The decision letter of a case, as a Word file laid out like the bulletins."""

import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from luodi.bulletins.renderers import BODY_FONT, TITLE_FONT, official_document, set_font

from .choices import CaseKind, Outcome
from .models import Case

TITLES = {CaseKind.COMPLAINT: "投诉答复书", CaseKind.CREDIT_REPAIR: "信用修复决定书"}
OUTCOMES = {
    Outcome.GRANTED: "经审查，决定予以信用修复。",
    Outcome.REFUSED: "经审查，决定不予信用修复。理由如下：",
    Outcome.ANSWERED: "经调查处理，现答复如下：",
}


def decision_letter(*, case: Case) -> bytes:
    word = official_document()
    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(title.add_run(TITLES[case.case_type.kind]), TITLE_FONT, 22)
    number = word.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(number.add_run(f"编号：{case.tracking_number}"), BODY_FONT, 16)
    received = case.received_on
    lines = [
        f"{case.applicant}：",
        f"你于{received.year}年{received.month}月{received.day}日提交的“{case.subject}”"
        f"（{case.case_type.name}），{case.window.name}已依法办理。",
        OUTCOMES[Outcome(case.outcome)] + (case.outcome_reason if case.outcome_reason else ""),
    ]
    for index, text in enumerate(lines):
        paragraph = word.add_paragraph()
        if index:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        set_font(paragraph.add_run(text), BODY_FONT, 16)
    decided = case.decided_on
    signature = word.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if decided:
        set_font(
            signature.add_run(
                f"{case.window.name}\n{decided.year}年{decided.month}月{decided.day}日"
            ),
            BODY_FONT,
            16,
        )
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
