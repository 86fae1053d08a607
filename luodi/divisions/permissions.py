"""Who may see and edit what: the rules, written once for pages, API and admin.

A membership (user, division, role) reaches the whole subtree below its division.
Viewing needs any membership above a division; editing needs an editing role.
Records that belong to a campaign rather than to divisions (the plan, the policy
ledger) follow the campaign's division. Reference data shared by all campaigns
(departments, units) is kept by editors at a top-level division.
"""

from django.db.models import Q, QuerySet

from .choices import EDITING_ROLES, Role
from .models import Division, Membership

REPORTING_ROLES: set[str] = {Role.REPORTER, Role.TASK_FORCE}


def _memberships(user) -> list[Membership]:
    cached = getattr(user, "_luodi_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("division"))
        user._luodi_memberships = cached
    return cached


def sees_everything(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def _roots(user, *, editing: bool) -> list[Division]:
    return [m.division for m in _memberships(user) if not editing or m.role in EDITING_ROLES]


def visible_divisions(user) -> QuerySet[Division]:
    """The divisions a user may see: the subtrees below their memberships."""
    if not user.is_authenticated:
        return Division.objects.none()
    if sees_everything(user):
        return Division.objects.all()
    return Division.objects.subtree_of(_roots(user, editing=False))


def editable_divisions(user) -> QuerySet[Division]:
    if not user.is_authenticated:
        return Division.objects.none()
    if sees_everything(user):
        return Division.objects.all()
    return Division.objects.subtree_of(_roots(user, editing=True))


def can_view(user, division: Division) -> bool:
    if sees_everything(user):
        return True
    if not user.is_authenticated:
        return False
    return any(division.is_within(root) for root in _roots(user, editing=False))


def can_edit(user, division: Division) -> bool:
    if sees_everything(user):
        return True
    if not user.is_authenticated:
        return False
    return any(division.is_within(root) for root in _roots(user, editing=True))


def can_set_target(user, division: Division) -> bool:
    """A division's target is set by the office above it; the top division's
    by its own editors."""
    return can_edit(user, division.parent or division)


def can_edit_any(user) -> bool:
    return sees_everything(user) or bool(user.is_authenticated and _roots(user, editing=True))


def can_edit_campaign_wide(user) -> bool:
    """Reference data shared by every campaign is kept by editors at a
    top-level division."""
    if sees_everything(user):
        return True
    if not user.is_authenticated:
        return False
    return any(root.parent_id is None for root in _roots(user, editing=True))


def related_to_divisions(divisions: list[Division]) -> Q:
    """Divisions at, below or above any of `divisions`: what a campaign run by
    one of them may concern. Use as a filter on a division path field."""
    condition = Q(pk__in=[])
    for division in divisions:
        ancestors = [division.path[: i + 1] for i, c in enumerate(division.path) if c == "/"]
        condition |= Q(path__startswith=division.path) | Q(path__in=ancestors[1:])
    return condition


def _has_role_at(user, division: Division, roles: set[str], *, strictly_above: bool) -> bool:
    if sees_everything(user):
        return True
    if not user.is_authenticated:
        return False
    return any(
        m.role in roles
        and division.is_within(m.division)
        and not (strictly_above and m.division.pk == division.pk)
        for m in _memberships(user)
    )


def can_report(user, division: Division) -> bool:
    """Enter and submit a division's figures: its own reporters and the offices above."""
    return _has_role_at(user, division, REPORTING_ROLES, strictly_above=False)


def reportable_divisions(user) -> QuerySet[Division]:
    """The divisions whose figures a user may enter: the same rule as `can_report`."""
    if not user.is_authenticated:
        return Division.objects.none()
    if sees_everything(user):
        return Division.objects.all()
    roots = [m.division for m in _memberships(user) if m.role in REPORTING_ROLES]
    return Division.objects.subtree_of(roots)


def can_approve(user, division: Division) -> bool:
    """Approve or return a division's report, level by level: an approver of
    the division directly above it, or a task-force administrator anywhere above."""
    if _has_role_at(user, division, {Role.TASK_FORCE}, strictly_above=True):
        return True
    return any(
        m.role == Role.APPROVER and m.division.pk == division.parent_id for m in _memberships(user)
    )


def can_unlock(user, division: Division) -> bool:
    """Reopen an approved report: the task-force administrator above it."""
    return _has_role_at(user, division, {Role.TASK_FORCE}, strictly_above=True)


def can_supervise(user, division: Division) -> bool:
    """Assign, verify and close a division's action items: the task-force
    administrators above it."""
    return _has_role_at(user, division, {Role.TASK_FORCE}, strictly_above=True)


def can_publish(user, division: Division) -> bool:
    """Publish a bulletin of a division to the public page: its task-force
    administrators and those above."""
    return _has_role_at(user, division, {Role.TASK_FORCE}, strictly_above=False)


def home_divisions(user) -> list[Division]:
    """The top divisions of a user's scope, for headings and their own targets."""
    if sees_everything(user):
        return list(Division.objects.filter(parent__isnull=True, is_active=True))
    return sorted({m.division for m in _memberships(user)}, key=lambda d: d.code)
