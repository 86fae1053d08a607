"""The date pickers of luodi's pages hold ISO dates in Chinese too."""

from datetime import date

from django.utils import translation

from luodi.actions.forms import AssignForm
from luodi.bulletins.forms import BulletinForm
from luodi.dashboards.forms import AsOfForm


def test_every_date_picker_shows_an_iso_date_in_chinese():
    day = date(2024, 3, 18)
    with translation.override("zh-hans"):
        rendered = {
            "dashboard": AsOfForm(initial={"as_of": day})["as_of"].as_widget(),
            "bulletin": BulletinForm(initial={"as_of": day})["as_of"].as_widget(),
            "action item": AssignForm(initial={"due_on": day}, divisions=None, meetings=None)[
                "due_on"
            ].as_widget(),
        }

    assert {name: 'value="2024-03-18"' in html for name, html in rendered.items()} == {
        "dashboard": True,
        "bulletin": True,
        "action item": True,
    }
    assert {name: "2024/03/18" in html for name, html in rendered.items()} == {
        "dashboard": False,
        "bulletin": False,
        "action item": False,
    }
