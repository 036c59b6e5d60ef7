"""The benchmark's baseline: a bare Flask app, no database, one Jinja template of a given size.

``tests.bench.run`` serves it under gunicorn next to the portal, with ``BENCH_PAYLOAD_BYTES`` set
to the byte size of the portal's guide detail page, so that each portal figure can be read
against what this machine does for a page of the same size with no database, forms or hooks.
``GET /`` and ``POST /`` both render the template; ``GET /healthz`` answers the readiness probe.
"""

from __future__ import annotations

import os

from flask import Flask, render_template, request

# Shape of the page: a list of paragraphs inside a minimal HTML document, rendered by a loop, so
# the template does comparable work (escaping, a loop) to a portal page of the same size.
PARAGRAPHS = 40
FILLER = "办事指南材料流程收费时限依据地点电话。"
SOURCE = (
    "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ title }}</title>"
    "</head>\n<body><main><h1>{{ title }}</h1>\n"
    "{% for text in paragraphs %}<p>{{ text }}</p>\n{% endfor %}"
    "</main></body></html>\n{{ padding|safe }}"
)
TITLE = "基准页面"


def build_context(target_bytes: int, paragraphs: int = PARAGRAPHS) -> dict:
    """Context that makes ``SOURCE`` render to exactly ``target_bytes`` bytes of UTF-8 (or the
    smallest size the document skeleton allows)."""
    from jinja2 import Environment

    template = Environment(autoescape=True).from_string(SOURCE)
    empty = {"title": TITLE, "paragraphs": [""] * paragraphs, "padding": ""}
    skeleton = len(template.render(empty).encode())
    # Filler characters are 3 bytes each; the remainder goes into an HTML comment or spaces.
    chars = max(0, target_bytes - skeleton) // 3
    text = (FILLER * (chars // len(FILLER) + 1))[:chars]
    size, extra = divmod(len(text), paragraphs)
    parts = [text[i * size + min(i, extra):(i + 1) * size + min(i + 1, extra)] for i in range(paragraphs)]
    context = {"title": TITLE, "paragraphs": parts, "padding": ""}
    missing = target_bytes - len(template.render(context).encode())
    if missing >= len("<!---->"):
        context["padding"] = "<!--" + "x" * (missing - len("<!---->")) + "-->"
    elif missing > 0:
        context["padding"] = " " * missing
    return context


def create_app(target_bytes: int) -> Flask:
    """The bare app: the template is compiled once, as Flask does for a template file."""
    app = Flask(__name__)
    template = app.jinja_env.from_string(SOURCE)
    context = build_context(target_bytes)

    @app.route("/", methods=["GET", "POST"])
    def page():
        """The page of the configured size; a POST reads its form first, as a form view would."""
        if request.method == "POST":
            request.form.get("username")
        return render_template(template, **context)

    @app.route("/healthz")
    def healthz():
        """Readiness probe."""
        return {"status": "ok"}

    return app


app = create_app(int(os.environ.get("BENCH_PAYLOAD_BYTES", "10000")))
