from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from luodi.core.models import AuditEvent
from luodi.plan.models import Target
from luodi.plan.services import indicator_save, target_save
from luodi.plan.units import from_base, quantity_to_base, unit_by_symbol


@pytest.fixture
def sand_land(programme):
    indicator, _ = indicator_save(
        code="sand-land-treated",
        name="沙化土地综合治理面积",
        programme=programme,
        unit=unit_by_symbol("万亩"),
        acting_user=None,
    )
    return indicator


@pytest.mark.parametrize(
    ("quantity", "base"),
    [
        ({"value": "1500", "unit": "万亩"}, Decimal("15000000")),
        ({"value": "1320", "unit": "万千瓦"}, Decimal("13200000")),
        ({"value": "12.5", "unit": "亿元"}, Decimal("1250000000")),
        ({"value": "1500", "unit": "公里"}, Decimal("1500000")),
        ({"value": "34", "unit": "亿元"}, Decimal("3400000000")),
    ],
)
def test_quantities_are_kept_in_base_units(db, quantity, base):
    assert quantity_to_base(quantity) == base


def test_a_target_is_stored_in_base_units_and_shown_in_the_indicator_unit(
    sand_land, inner_mongolia
):
    target, changes = target_save(
        indicator=sand_land,
        division=inner_mongolia,
        year=2024,
        value=quantity_to_base({"value": "1500", "unit": "万亩"}),
        acting_user=None,
    )

    target.refresh_from_db()
    assert target.value == Decimal("15000000")
    assert from_base(target.value, sand_land.unit) == Decimal("1500")
    assert changes["value"] == [None, "15000000"]


def test_a_unit_of_another_dimension_is_refused(sand_land):
    with pytest.raises(ValidationError) as refused:
        quantity_to_base({"value": "1320", "unit": "万千瓦"}, expected=sand_land.unit)

    assert refused.value.messages == ["“万千瓦” cannot express a value in “万亩”."]


def test_an_unknown_unit_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        quantity_to_base({"value": "3", "unit": "furlong"})

    assert refused.value.messages == ["Unknown unit “furlong”."]


def test_a_float_is_refused_because_it_is_not_exact(db):
    with pytest.raises(ValidationError):
        quantity_to_base({"value": 0.1, "unit": "亩"})


def test_a_negative_target_is_refused_and_nothing_saved(sand_land, inner_mongolia):
    audits = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        target_save(
            indicator=sand_land,
            division=inner_mongolia,
            year=2024,
            value=Decimal(-1),
            acting_user=None,
        )

    assert "value" in refused.value.message_dict
    assert Target.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_setting_the_same_target_again_updates_it_in_place(sand_land, inner_mongolia):
    target_save(
        indicator=sand_land,
        division=inner_mongolia,
        year=2024,
        value=Decimal("15000000"),
        acting_user=None,
    )

    target, changes = target_save(
        indicator=sand_land,
        division=inner_mongolia,
        year=2024,
        value=Decimal("16000000"),
        acting_user=None,
    )

    assert Target.objects.count() == 1
    assert changes == {"value": ["15000000", "16000000"]}
    assert target.history.count() == 2
