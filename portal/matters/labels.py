"""Chinese names shared by every kind of matter: the kinds themselves and the events of a history."""

KIND_LABELS = {"request": "信息公开申请", "complaint": "投诉"}
# Every kind of matter the clock tracks (KIND_LABELS: those with the full handling statistics).
MATTER_LABELS = KIND_LABELS | {"question": "网上咨询"}
# The party's own status page and the staff page of a matter, by kind.
STATUS_ENDPOINTS = {"request": "disclosure.status", "complaint": "complaints.status",
                    "question": "questions.status"}
STAFF_ENDPOINTS = {"request": "disclosure_staff.show", "complaint": "complaints_staff.show",
                   "question": "questions_staff.show"}

EVENT_LABELS = {
    "received": "收到申请", "assigned": "分配承办人", "note": "内部备注",
    "clarification_requested": "发出补正通知", "clarification_received": "收到补正",
    "consultation_started": "开始征求意见", "consultation_ended": "征求意见结束",
    "fee_notice_sent": "发出收费通知", "fee_paid": "申请人缴费",
    "extension_requested": "申请延期", "extension_granted": "批准延期", "extension_refused": "不批准延期",
    "reply_submitted": "答复送审", "reply_refused": "答复被退回", "replied": "答复",
    "rated": "申请人评价", "answered": "答复咨询", "withdrawn": "申请人撤回", "routed": "改变承办单位",
    "dept_consulted": "征求部门意见", "dept_consultation_answered": "部门答复意见",
    "dept_consultation_overdue": "征求意见逾期未答复",

}


def event_label(code: str) -> str:
    """The Chinese name of an event kind."""
    return EVENT_LABELS.get(code, code)
