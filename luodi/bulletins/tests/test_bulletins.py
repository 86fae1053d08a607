"""Bulletins from the demo: the article's figures in every format and
language, traceable, kept with a hash, published to the public page."""

import csv
import hashlib
import io
import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from luodi.bulletins.choices import Format, Language, Wording
from luodi.bulletins.models import Bulletin, SentenceTemplate
from luodi.bulletins.selectors import bulletin_document, trace_records
from luodi.bulletins.services import bulletin_generate, bulletin_publish, sentence_template_save
from luodi.core.models import AuditEvent
from luodi.demo.services import DEMO_VALUES
from luodi.divisions.models import Division
from luodi.policies.models import Policy

AS_OF = date(2024, 3, 18)
ARTICLE = {
    Language.ZH: [
        "36个国家部委",
        "配套政策41项",
        "已出台29项",
        "拟出台12项",
        "项目86个",
        "已开工54个",
        "其余32个",
        "2024年开工29个",
        "2025年开工3个",
        "沙化土地综合治理面积1500万亩",
        "新增新能源装机1320万千瓦",
    ],
    Language.EN: [
        "36 national ministries",
        "41 supporting policies",
        "29 issued and 12 planned",
        "Of the 86 projects",
        "54 have started",
        "the other 32",
        "29 expected to start in 2024",
        "3 expected to start in 2025",
        "15 million mu",
        "13.2 million kW",
    ],
}


def region():
    return Division.objects.get(code="150000")


def office():
    return get_user_model().objects.get(username="taskforce")


def generate(language, file_format, **options):
    return bulletin_generate(
        division=region(),
        as_of=options.pop("as_of", AS_OF),
        language=language,
        file_format=file_format,
        acting_user=office(),
        **options,
    )


def read_back(bulletin: Bulletin, tmp_path) -> str:
    """The file's text as its reader would get it."""
    content = bytes(bulletin.content)
    if bulletin.file_format == Format.TXT:
        return content.decode("utf-8")
    if bulletin.file_format == Format.DOCX:
        word = WordDocument(io.BytesIO(content))
        cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in word.paragraphs] + cells)
    if bulletin.file_format == Format.XLSX:
        workbook = load_workbook(io.BytesIO(content))
        return "\n".join(
            str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
        )
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(content)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text


def flat(text: str, language: str) -> str:
    """Undo line wrapping: Chinese lines join without a space."""
    if language == Language.ZH:
        return re.sub(r"\s+", "", text)
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("language", [Language.ZH, Language.EN])
def test_every_format_carries_the_articles_figures(demo, tmp_path, language):
    for file_format in Format.values:
        bulletin = generate(language, file_format)
        text = flat(read_back(bulletin, tmp_path), language)

        missing = [phrase for phrase in ARTICLE[language] if flat(phrase, language) not in text]
        assert missing == [], file_format
        assert bulletin.sha256 == hashlib.sha256(bytes(bulletin.content)).hexdigest()


def test_the_word_file_follows_the_official_layout(demo):
    word = WordDocument(io.BytesIO(bytes(generate(Language.ZH, Format.DOCX).content)))
    section = word.sections[0]
    title = word.paragraphs[0].runs[0]
    body = word.paragraphs[3].runs[0]

    def mm(*lengths):
        return tuple(round(length.mm) for length in lengths)

    # A4; top 37 mm, bottom 35 mm, binding side 28 mm, outer 26 mm (Word keeps twips).
    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin) == (37, 35)
    assert mm(section.left_margin, section.right_margin) == (28, 26)
    assert title.font.size == Pt(22)
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert body.font.size == Pt(16)
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert "PAGE" in section.footer.paragraphs[0]._element.xml
    assert [t.rows[0].cells[0].text for t in word.tables][-1] == "数字"


def test_a_formula_like_title_comes_out_inert_and_numbers_stay_numbers(demo):
    policy = Policy.objects.filter(status="issued").first()
    policy.title = '=HYPERLINK("http://example.com","x")'
    policy.save()

    workbook = load_workbook(io.BytesIO(bytes(generate(Language.ZH, Format.XLSX).content)))
    cells = [c for row in workbook["政策"].iter_rows() for c in row if c.value]
    hyperlink = next(c for c in cells if "HYPERLINK" in str(c.value))
    counts = [row[3].value for row in workbook["数字来源"].iter_rows(min_row=2)]

    assert hyperlink.value == '\'=HYPERLINK("http://example.com","x")'
    assert hyperlink.data_type == "s"
    assert all(isinstance(count, int) for count in counts)
    assert counts[:4] == [36, 41, 29, 12]


def test_a_bulletin_before_a_policy_was_issued_counts_it_as_planned(demo):
    policy = Policy.objects.filter(status="issued", issued_on__gt=date(2023, 12, 1)).first()
    day = policy.issued_on.replace(day=policy.issued_on.day - 1)
    before = bulletin_document(as_of=day, division=region(), language=Language.ZH)
    after = bulletin_document(as_of=policy.issued_on, division=region(), language=Language.ZH)

    def figure(document, key):
        return next(f for f in document.figures() if f.key == key)

    planned_before = figure(before, "policy-landing.policies.planned")
    issued_after = figure(after, "policy-landing.policies.issued")
    trace = trace_records(
        trace=planned_before.trace, as_of=day, division=region(), campaign=before.campaign
    )
    assert policy.code in {row.code for row in trace}
    assert int(issued_after.text) == int(figure(before, "policy-landing.policies.issued").text) + 1
    assert len(trace) == planned_before.records


def test_each_figure_links_to_as_many_records_as_it_says(demo):
    document = bulletin_document(as_of=AS_OF, division=region(), language=Language.ZH)

    for figure in document.figures():
        rows = trace_records(
            trace=figure.trace, as_of=AS_OF, division=region(), campaign=document.campaign
        )
        assert len(rows) == figure.records, figure.key


def test_the_records_behind_a_reported_figure_are_exactly_the_ones_it_adds_up(demo):
    document = bulletin_document(as_of=AS_OF, division=region(), language=Language.ZH)
    figure = next(f for f in document.figures() if f.key.endswith(".value.sand-land-treated"))
    latest: dict[str, Decimal] = {}
    with DEMO_VALUES.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):  # in period order, so the last is the latest
            if row["indicator"] == "sand-land-treated" and row["period"] <= "2024-03":
                latest[row["division"]] = Decimal(row["value"])

    rows = trace_records(
        trace=figure.trace, as_of=AS_OF, division=region(), campaign=document.campaign
    )

    # A cumulative figure: each county's latest, not every month's.
    assert figure.records == len(rows) == len(latest)
    assert [row.code for row in rows] == sorted(latest)
    listed = [Decimal(row.detail.split(": ")[1].split(" ")[0]) for row in rows]
    assert sum(listed) == sum(latest.values())
    assert figure.text == f"{sum(latest.values()).normalize():f}万亩"
    assert all(row.detail.startswith("2024-03: ") for row in rows)
    assert {row.detail.rsplit(" · ", 1)[1] for row in rows} <= {"Draft", "Submitted", "Approved"}


def test_the_preview_page_links_figures_to_their_records(client, demo):
    client.force_login(office())

    page = client.get(reverse("bulletins:preview"), {"as_of": "2024-03-18", "language": "zh"})
    html = page.content.decode()
    link = re.search(r'<a href="([^"]+)" data-figure="policy-landing.policies.issued">29</a>', html)
    trace = client.get(link.group(1).replace("&amp;", "&"))

    assert page.status_code == 200
    assert trace.status_code == 200
    assert len(trace.context["rows"]) == 29


def test_the_office_edits_the_wording_and_a_bad_placeholder_is_refused(demo):
    template = SentenceTemplate.objects.get(key=Wording.POLICIES, language=Language.ZH)

    with pytest.raises(ValidationError) as refused:
        sentence_template_save(
            template=template,
            key=template.key,
            language=template.language,
            text="共{total}项，{secret}",
            acting_user=office(),
        )
    sentence_template_save(
        template=template,
        key=template.key,
        language=template.language,
        text="配套政策共{total}项（已出台{issued}项）。",
        acting_user=office(),
    )

    assert "{secret}" in refused.value.message_dict["text"][0]
    text = bulletin_document(as_of=AS_OF, division=region(), language=Language.ZH).plain_text()
    assert "配套政策共41项（已出台29项）。" in text


def test_published_bulletins_and_only_they_are_public(client, demo):
    demo_published = Bulletin.objects.get(published_at__isnull=False)  # by load_demo
    kept = generate(Language.ZH, Format.PDF)
    internal = generate(Language.EN, Format.TXT)
    hinggan = get_user_model().objects.get(username="hinggan")

    with pytest.raises(PermissionDenied):
        bulletin_publish(bulletin=kept, acting_user=hinggan)
    bulletin_publish(bulletin=kept, acting_user=office())

    listing = client.get(reverse("public:list"))
    assert [b.pk for b in listing.context["bulletins"]] == [kept.pk, demo_published.pk]
    assert client.get(reverse("public:detail", args=[kept.pk])).status_code == 200
    download = client.get(reverse("public:download", args=[kept.pk]))
    assert download.content == bytes(kept.content)
    assert download["X-Content-SHA256"] == kept.sha256
    assert client.get(reverse("public:detail", args=[internal.pk])).status_code == 404
    assert client.get(reverse("public:download", args=[internal.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="bulletins.bulletin.published").count() == 2


def test_the_command_writes_the_file_and_keeps_the_bulletin(demo, tmp_path):
    out = tmp_path / "bulletin.docx"

    before = Bulletin.objects.count()
    call_command("bulletin", "--as-of", "2024-03-18", "--format", "docx", "-o", str(out))

    kept = Bulletin.objects.latest("pk")
    assert out.read_bytes() == bytes(kept.content)
    assert (kept.as_of, kept.language, kept.file_format) == (AS_OF, "zh", "docx")
    with pytest.raises(CommandError, match="not a date"):
        call_command("bulletin", "--as-of", "2024-02-30")
    assert Bulletin.objects.count() == before + 1


def test_a_programme_of_another_campaign_is_refused(demo):
    before = list(Bulletin.objects.values_list("pk", flat=True))

    with pytest.raises(ValidationError) as refused:
        generate(Language.ZH, Format.TXT, programme_code="no-such-programme")

    assert refused.value.message_dict == {
        "programme": ["No programme “no-such-programme” in this campaign."]
    }
    assert list(Bulletin.objects.values_list("pk", flat=True)) == before
