"""Data migration: the units most plans are written in. Others can be added."""

from decimal import Decimal

from django.db import migrations

STANDARD_UNITS = [
    # symbol, name, dimension, base units in one
    ("亩", "亩", "area", "1"),
    ("万亩", "万亩", "area", "10000"),
    ("公顷", "公顷", "area", "15"),
    ("平方公里", "平方公里", "area", "1500"),
    ("千瓦", "千瓦", "power", "1"),
    ("兆瓦", "兆瓦", "power", "1000"),
    ("万千瓦", "万千瓦", "power", "10000"),
    ("吉瓦", "吉瓦", "power", "1000000"),
    ("元", "元", "money", "1"),
    ("万元", "万元", "money", "10000"),
    ("亿元", "亿元", "money", "100000000"),
    ("米", "米", "length", "1"),
    ("公里", "公里", "length", "1000"),
    ("个", "个", "count", "1"),
    ("项", "项", "count", "1"),
    ("户", "户", "count", "1"),
    ("人", "人", "count", "1"),
    ("%", "百分比", "percent", "1"),
]


def add_units(apps, schema_editor):
    Unit = apps.get_model("plan", "Unit")
    for symbol, name, dimension, factor in STANDARD_UNITS:
        Unit.objects.get_or_create(
            symbol=symbol,
            defaults={"name": name, "dimension": dimension, "factor": Decimal(factor)},
        )


def remove_units(apps, schema_editor):
    Unit = apps.get_model("plan", "Unit")
    Unit.objects.filter(symbol__in=[row[0] for row in STANDARD_UNITS]).delete()


class Migration(migrations.Migration):
    dependencies = [("plan", "0001_initial")]
    operations = [migrations.RunPython(add_units, remove_units)]
