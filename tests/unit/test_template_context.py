"""PortalFlask runs each template context processor once per render, in Flask's order (the app's,
then the blueprint's), and values passed to the template still win."""

from flask import Blueprint, render_template_string

from portal.web import PortalFlask


def test_processors_run_once_in_flasks_order_and_passed_values_win():
    app = PortalFlask(__name__)
    section = Blueprint("section", __name__)
    calls = []

    @app.context_processor
    def site():
        calls.append("app")
        return {"who": "app", "shared": "app", "given": "app"}

    @section.context_processor
    def part():
        calls.append("section")
        return {"shared": "section"}

    @section.route("/page")
    def page():
        return render_template_string("{{ who }}|{{ shared }}|{{ given }}|{{ request.path }}|{{ g.mark }}",
                                      given="view")

    @app.route("/plain")
    def plain():
        return render_template_string("{{ shared }}|{{ session.get('x', 'none') }}")

    @app.before_request
    def mark():
        from flask import g
        g.mark = "marked"

    app.register_blueprint(section, url_prefix="/section")
    client = app.test_client()
    assert client.get("/section/page").get_data(as_text=True) == "app|section|view|/section/page|marked"
    assert calls == ["app", "section"]
    assert client.get("/plain").get_data(as_text=True) == "app|none"  # outside the blueprint: app's only
    assert calls == ["app", "section", "app"]
