"""Who may see and edit what: the rules, written once for pages, API and admin."""

from django.db.models import QuerySet

from .choices import EDITING_ROLES
from .models import Division, Membership


def _memberships(user) -> list[Membership]:
    cached = getattr(user, "_luodi_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("division"))
        user._luodi_memberships = cached
    return cached


def sees_everything(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def visible_divisions(user) -> QuerySet[Division]:
    """The divisions a user may see: the subtrees below their memberships."""
    if not user.is_authenticated:
        return Division.objects.none()
    if sees_everything(user):
        return Division.objects.all()
    roots = [membership.division for membership in _memberships(user)]
    return Division.objects.subtree_of(roots)


def can_view(user, division: Division) -> bool:
    if sees_everything(user):
        return True
    if not user.is_authenticated:
        return False
    return any(division.is_within(m.division) for m in _memberships(user))


def can_edit(user, division: Division) -> bool:
    if sees_everything(user):
        return True
    if not user.is_authenticated:
        return False
    return any(
        division.is_within(m.division) and m.role in EDITING_ROLES for m in _memberships(user)
    )


def can_edit_campaign_wide(user) -> bool:
    """Records that belong to no division (the plan, the policy ledger) are kept
    by those who may edit a top-level division."""
    if sees_everything(user):
        return True
    if not user.is_authenticated:
        return False
    return any(m.division.parent_id is None and m.role in EDITING_ROLES for m in _memberships(user))


def home_divisions(user) -> list[Division]:
    """The top divisions of a user's scope, for headings and region-level targets."""
    if sees_everything(user):
        return list(Division.objects.filter(parent__isnull=True, is_active=True))
    return sorted({m.division for m in _memberships(user)}, key=lambda d: d.code)
