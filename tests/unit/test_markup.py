"""Staff Markdown must never carry script, handlers, javascript: links, iframes or styles."""

import pytest

from portal.core.markup import plain_text, render_markdown

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src="x" onerror="alert(1)">',
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    '<a href="javascript&#58;alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="position:fixed;top:0">覆盖</p>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="pw"></form>',
    '<div onclick="steal()">点击</div>',
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
]
FORBIDDEN = ["<script", "onerror", "onload", "onclick", "javascript:", "vbscript:", "<iframe",
             "style=", "<style", "<svg", "<object", "<embed", "<form", "<input", "data:",
             "<meta", "alert("]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markup_is_neutralised(source):
    html = render_markdown(f"正文开始\n\n{source}\n\n正文结束").lower()
    for needle in FORBIDDEN:
        assert needle not in html, f"{needle!r} survived in {html!r}"
    assert "正文开始" in html and "正文结束" in html


def test_ordinary_markdown_keeps_its_structure():
    html = render_markdown("# 标题\n\n## 小标题\n\n- 一\n- 二\n\n[政府网](https://www.gov.cn) **重要**")
    assert "<h2>标题</h2>" in html  # h1 demoted: the page owns its h1
    assert "<li>一</li>" in html
    assert 'href="https://www.gov.cn"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<strong>重要</strong>" in html


def test_tables_render():
    html = render_markdown("| 项目 | 金额 |\n|---|---|\n| 工本费 | 20元 |")
    assert "<table>" in html and "<td>工本费</td>" in html


def test_plain_text_excerpt_strips_markup_and_truncates():
    assert plain_text("**你好** <script>x</script>世界") == "你好 世界"
    long = plain_text("字" * 300, limit=10)
    assert len(long) == 10 and long.endswith("…")
