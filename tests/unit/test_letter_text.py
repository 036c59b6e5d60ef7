"""The letter model's plain text: Markdown reduced to paragraphs, withheld parts explained."""

from datetime import date

from portal.core.withhold import EXEMPTIONS
from portal.matters.letters import Letter, chinese_date, letter_text, markdown_paragraphs, withheld_paragraphs


def test_markdown_becomes_plain_paragraphs_without_markup():
    text = "现予公开**统计表**。\n\n- 第一项\n- 第二项\n\n请见 [附件](https://example.gov.cn/a) 与 a < b。"
    assert markdown_paragraphs(text) == ["现予公开统计表。", "第一项\n第二项", "请见 附件 与 a < b。"]


def test_withheld_parts_are_explained_one_ground_each():
    lines = withheld_paragraphs([EXEMPTIONS["third-party"], EXEMPTIONS["process-info"]])
    assert lines[0] == "不予公开部分的说明："
    assert "1. 依据《中华人民共和国政府信息公开条例》第十五条" in lines[1]
    assert "2. 依据《中华人民共和国政府信息公开条例》第十六条第二款" in lines[2]
    assert withheld_paragraphs([]) == []


def test_plain_text_runs_from_letterhead_to_date_in_order():
    letter = Letter(title="政府信息公开申请答复书", number="示公开〔2026〕第3号", date=date(2026, 10, 9),
                    addressee="张三", paragraphs=("第一段。", "第二段。"), basis="某条例第一条",
                    remedies=("复议。", "诉讼。"), issuer="示例市公安局", reference="GK-2026-000003")
    text = letter_text(letter)
    order = ["示例市公安局", "政府信息公开申请答复书", "示公开〔2026〕第3号", "张三：", "第一段。", "第二段。",
             "依据：某条例第一条", "复议。", "诉讼。", "2026年10月9日"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert chinese_date(date(2027, 1, 1)) == "2027年1月1日"
