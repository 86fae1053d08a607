"""The supervision notice (督办函) for an overdue item, as a Word file laid
out like the bulletins (GB/T 9704)."""

import io
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from luodi.bulletins.renderers import BODY_FONT, TITLE_FONT, official_document, set_font
from luodi.cases.workdays import WorkingCalendar

from .models import ActionItem

ANSWER_WITHIN_WORKING_DAYS = 3


def supervision_notice(*, item: ActionItem, as_of: date) -> bytes:
    calendar = WorkingCalendar()
    late = calendar.working_days_between(item.due_on, as_of)
    answer_by = calendar.add_working_days(as_of, ANSWER_WITHIN_WORKING_DAYS)
    word = official_document()

    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(title.add_run("督办函"), TITLE_FONT, 22)
    addressee = item.lead_department.name if item.lead_department else item.lead_division.name
    lines = [
        f"{addressee}：",
        f"“{item.title}”一事于{item.assigned_on.month}月{item.assigned_on.day}日交办，"
        f"应于{item.due_on.month}月{item.due_on.day}日前办结。截至{as_of.month}月{as_of.day}日"
        f"仍未办结，已逾期{late}个工作日。",
        f"请抓紧办理，并于{answer_by.month}月{answer_by.day}日前报送办理情况。",
    ]
    for index, text in enumerate(lines):
        paragraph = word.add_paragraph()
        if index:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        set_font(paragraph.add_run(text), BODY_FONT, 16)
    signature = word.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_font(signature.add_run(f"{as_of.year}年{as_of.month}月{as_of.day}日"), BODY_FONT, 16)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
