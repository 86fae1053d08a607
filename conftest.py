"""Fixtures shared by every app's tests."""

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation

from luodi.demo.services import DEMO_BUNDLE, demo_load
from luodi.divisions.choices import DepartmentKind, Role
from luodi.divisions.models import Department, Division
from luodi.divisions.services import department_save, divisions_load, membership_grant
from luodi.plan.models import Campaign, Programme
from luodi.plan.services import campaign_save, programme_save

AS_OF = date(2024, 3, 18)


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are asserted in English, the source language; pages
    are requested without this and answer in Chinese, the default."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing kept: the cache outlives a test's
    rolled-back transaction, and record ids repeat across tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def inner_mongolia(db):
    """The 116 divisions of 150000, loaded the way a customer loads them."""
    divisions_load(province_code="150000")
    return Division.objects.get(code="150000", is_active=True)


@pytest.fixture
def division(inner_mongolia):
    def find(code: str) -> Division:
        return Division.objects.get(code=code, is_active=True)

    return find


@pytest.fixture
def programme(inner_mongolia) -> Programme:
    campaign, _ = campaign_save(
        code="test-campaign",
        name="测试专项行动",
        division=inner_mongolia,
        year=2024,
        acting_user=None,
    )
    programme, _ = programme_save(
        code="policy-landing", campaign=campaign, name="政策落地工程", order=1, acting_user=None
    )
    return programme


@pytest.fixture
def ministry(db) -> Department:
    department, _ = department_save(
        name="国家发展改革委", kind=DepartmentKind.NATIONAL_MINISTRY, acting_user=None
    )
    return department


@pytest.fixture
def make_user(db):
    """A user with one membership, e.g. make_user("hinggan", "152200", Role.REPORTER)."""

    def make(username: str, code: str, role: str = Role.REPORTER, *, is_staff: bool = False):
        user = get_user_model().objects.create_user(
            username=username, password="test-password", is_staff=is_staff
        )
        division = Division.objects.get(code=code, is_active=True)
        membership_grant(user=user, division=division, role=role, acting_user=None)
        return user

    return make


@pytest.fixture
def demo(db):
    """The whole Inner Mongolia 2024 demo, loaded through the bundle import."""
    demo_load()
    return Campaign.objects.get()


@pytest.fixture(scope="session")
def demo_bundle() -> dict:
    """The demo bundle as a customer's file: expectations are counted from it,
    independently of the code under test."""
    return json.loads(DEMO_BUNDLE.read_text(encoding="utf-8"))
