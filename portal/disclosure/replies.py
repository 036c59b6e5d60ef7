"""Reply types of Art. 36, grouped as the 2021 annual-report table counts them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReplyType:
    """A result row group of the annual report, with its sub-reasons (may be empty)."""

    code: str
    label: str
    sub_reasons: dict[str, str]
    needs_approval: bool  # not-disclosed and partly-disclosed replies need a supervisor


REPLY_TYPES: dict[str, ReplyType] = {
    t.code: t
    for t in (
        ReplyType("disclosed", "予以公开", {"provided": "提供信息", "already-public": "已主动公开，告知获取途径"},
                  False),
        ReplyType("partly", "部分公开（区分处理）", {}, True),
        ReplyType("withheld", "不予公开", {
            "1": "属于国家秘密", "2": "其他法律行政法规禁止公开", "3": "危及“三安全一稳定”",
            "4": "保护第三方合法权益", "5": "属于三类内部事务信息", "6": "属于四类过程性信息",
            "7": "属于行政执法案卷", "8": "属于行政查询事项"}, True),
        ReplyType("unavailable", "无法提供", {
            "1": "本机关不掌握相关政府信息", "2": "没有现成信息需要另行制作", "3": "补正后申请内容仍不明确"},
                  False),
        ReplyType("not-processed", "不予处理", {
            "1": "信访举报投诉类申请", "2": "重复申请", "3": "要求提供公开出版物",
            "4": "无正当理由大量反复申请", "5": "要求行政机关确认或重新出具已获取信息"}, True),
        ReplyType("other", "其他处理", {
            "1": "申请人无正当理由逾期不补正", "2": "申请人逾期未按收费通知要求缴纳费用", "3": "其他"},
                  False),
    )
}

def sub_reason_label(type_code: str | None, sub_code: str | None) -> str:
    """The Chinese label of a reply's sub-reason, or empty."""
    reply_type = REPLY_TYPES.get(type_code or "")
    return reply_type.sub_reasons.get(sub_code or "", "") if reply_type else ""
