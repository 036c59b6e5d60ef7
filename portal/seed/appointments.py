"""Demo service halls and slot plans for ``portal init --demo``: two halls offering the guides
that need a visit, so the booking pages and the staff's day list have something to show."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from portal.accounts.models import Department
from portal.appointments.halls import add_plan, save_hall
from portal.appointments.models import ServiceHall
from portal.catalog.models import Guide
from portal.extensions import db

DEMO_HALLS = (
    ("huzheng", "示例市公安局行政服务中心户政窗口", "示例市人民路 100 号行政服务中心二楼",
     "工作日 9:00–12:00，13:30–17:00", ("resident-id-card-renewal", "resident-id-card-replacement",
                                      "household-registration-certificate")),
    ("churujing", "示例市公安局出入境接待大厅", "示例市解放路 8 号",
     "工作日 9:00–12:00，13:30–17:00", ("ordinary-passport",)),
)


def create_demo_halls() -> list[str]:
    """Create the demo halls and their morning and afternoon slots (once); return their names."""
    if db.session.scalar(select(ServiceHall.id).limit(1)) is not None:
        return []
    created = []
    for department_code, name, address, hours, slugs in DEMO_HALLS:
        department = db.session.scalar(select(Department.id).where(Department.code == department_code))
        if department is None:
            continue
        hall = save_hall(None, name=name, address=address, hours=hours, department_id=department,
                         active=True, user_id=None)
        for guide in db.session.scalars(select(Guide).where(Guide.slug.in_(slugs))):
            for opens_at, closes_at in ((time(9), time(12)), (time(13, 30), time(17))):
                add_plan(hall, guide=(guide.id, guide.slug, guide.title), opens_at=opens_at,
                         closes_at=closes_at, slot_minutes=30, capacity=4, user_id=None)
        created.append(name)
    return created
