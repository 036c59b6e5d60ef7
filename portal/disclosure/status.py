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
