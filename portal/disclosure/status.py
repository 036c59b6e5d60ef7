"""Status names of a request as the applicant and staff read them."""

STATUS_LABELS = {
    "received": "已受理，办理中",
    "awaiting_clarification": "待申请人补正",
    "consulting": "征求意见中（期间不计入办理时限）",
    "extension_requested": "延期申请审批中",
    "reply_pending_approval": "答复审批中",
    "fee_pending": "待申请人缴纳信息处理费",
    "replied": "已答复",
    "abandoned": "申请人逾期未补正或未缴费，视为放弃申请",
    "withdrawn": "申请人已撤回",
}


def status_label(code: str) -> str:
    """The Chinese label of a status code."""
    return STATUS_LABELS.get(code, code)

EVENT_LABELS = {
    "received": "收到申请", "assigned": "分配承办人", "note": "内部备注",
    "clarification_requested": "发出补正通知", "clarification_received": "收到补正",
    "consultation_started": "开始征求意见", "consultation_ended": "征求意见结束",
    "fee_notice_sent": "发出收费通知", "fee_paid": "申请人缴费",
    "extension_requested": "申请延期", "extension_granted": "批准延期", "extension_refused": "不批准延期",
    "reply_submitted": "答复送审", "reply_refused": "答复被退回", "replied": "答复",
    "rated": "申请人评价", "withdrawn": "申请人撤回",
}


def event_label(code: str) -> str:
    """The Chinese name of an event kind."""
    return EVENT_LABELS.get(code, code)
