"""Who may see which level: the clearance table of the classification filter."""

import pytest

from portal.core.classification import Level, Viewer, may_see

PUBLIC = Viewer()
STAFF = Viewer(role="staff", department_id=1, user_id=7)
SUPERVISOR = Viewer(role="supervisor", user_id=8)
ADMIN = Viewer(role="admin", user_id=9)


def test_public_sees_only_public():
    assert may_see(PUBLIC, Level.PUBLIC)
    for level in Level:
        if level is not Level.PUBLIC:
            assert not may_see(PUBLIC, level), level


def test_staff_see_internal_and_private_of_their_own_department_only():
    assert may_see(STAFF, Level.INTERNAL)
    assert may_see(STAFF, Level.PRIVATE, record_department_id=1)
    assert not may_see(STAFF, Level.PRIVATE, record_department_id=2)
    assert not may_see(STAFF, Level.PRIVATE)
    assert not may_see(STAFF, Level.POLICE_SECRET)
    assert not may_see(STAFF, Level.COMMERCIAL_SECRET)


def test_minor_records_hide_personal_fields_from_all_but_supervisors():
    assert not may_see(STAFF, Level.PRIVATE, record_department_id=1, involves_minor=True)
    assert may_see(SUPERVISOR, Level.PRIVATE, involves_minor=True)
    assert not may_see(ADMIN, Level.PRIVATE, involves_minor=True)


def test_admin_gets_no_personal_data():
    assert not may_see(ADMIN, Level.PRIVATE)
    assert may_see(ADMIN, Level.INTERNAL)


@pytest.mark.parametrize("viewer", [PUBLIC, STAFF, SUPERVISOR, ADMIN])
def test_state_secret_content_is_seen_by_nobody(viewer):
    assert not may_see(viewer, Level.STATE_SECRET)
