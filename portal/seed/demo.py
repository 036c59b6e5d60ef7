"""Demo matters for ``portal init --demo``: three requests (one transferred to 户政, one with an
open consultation of 户政) and a complaint, so every back-office page shows data and the demo
户政 account has work.

The applicants are fictional (示例 names; the ID number is generated with a valid check digit
so the forms and the masking behave as with real data).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Department
from portal.core.pii import id_check_digit
from portal.core.timefmt import local_today
from portal.disclosure.routing import consult, transfer
from portal.disclosure.services import file_request, reply
from portal.extensions import db
from portal.matters.models import Matter

FIRST17 = "11010520000101001"


def _fields(name: str, description: str) -> dict:
    return {"applicant_type": "person", "org_kind": None, "applicant_name": name,
            "id_type": "resident_id", "id_number": FIRST17 + id_check_digit(FIRST17),
            "phone": "13800000000", "email": "applicant@example.com", "address": "示例市示例路 1 号",
            "description": description, "purpose": "", "delivery": "email"}


def create_demo_matters() -> list[str]:
    """File three demo requests and one complaint (once); return their tracking numbers."""
    if db.session.scalar(select(Matter.id).limit(1)) is not None:
        return []
    today = local_today()
    first = file_request(_fields("示例申请人甲", "请公开本局2025年度道路交通事故统计数据。"),
                         submission_key="demo-request-1", attachment=None,
                         received_on=today - timedelta(days=14)).request
    second = file_request(_fields("示例申请人乙", "请公开本局2024年办理户口迁移的办理数量和平均用时。"),
                          submission_key="demo-request-2", attachment=None,
                          received_on=today - timedelta(days=40)).request
    reply(second, type_code="partly", sub_code=None, actor_id=None, supervisor_approved=True,
          text="2024年本局共办理户口迁移 3,215 件，平均用时 6 个工作日。"
               "[[不予公开:process-info]]各派出所内部考核排名[[/不予公开]]属于过程性信息，不予公开。")
    household = db.session.scalars(select(Department).where(Department.code == "huzheng")).one()
    consult(first, [household], question="请提供2025年度涉及户籍的交通事故当事人统计口径，并说明能否公开。",
            workdays=5, actor_id=None, day=today)
    third = file_request(_fields("示例申请人丙", "请公开本局2025年居民身份证首次申领和换领的办理数量。"),
                         submission_key="demo-request-3", attachment=None,
                         received_on=today - timedelta(days=3)).request
    transfer(third, household, reason="居民身份证办理数据由户政管理部门掌握。", actor_id=None, day=today)
    from portal.complaints.services import decide_acceptance, file_complaint

    traffic = db.session.scalar(select(Department.id).where(Department.code == "jiaoguan"))
    complaint = file_complaint(
        {"complaint_type": "conduct", "about_department_id": traffic, "officer_name": "",
         "officer_number": "", "happened_on": today - timedelta(days=12),
         "what_happened": "在车管所窗口办理驾驶证换证时，工作人员不解释所缺材料，态度生硬。",
         "wants": "希望改进服务态度", "anonymous": False, "complainant_name": "示例投诉人",
         "phone": "13800000001", "email": "complainant@example.com"},
        submission_key="demo-complaint-1", attachment=None,
        received_on=today - timedelta(days=10)).complaint
    decide_acceptance(complaint, "accepted", day=today - timedelta(days=8), reason="",
                      transferred_to="", actor_id=None)
    return [first.matter.tracking_no, second.matter.tracking_no, third.matter.tracking_no,
            complaint.matter.tracking_no]
