"""A citizen's own pages are never kept by a browser or proxy cache; public pages may be."""

from tests.feature.test_requests import receipt_of, submit
from tests.helpers import csrf_token


def test_a_citizens_pages_send_no_store(client):
    response, _ = submit(client)
    assert response.headers["Cache-Control"] == "no-store"  # the receipt shows the access code
    number, _code = receipt_of(response)
    for path in (f"/track/{number}", f"/track/{number}/letter", f"/track/{number}/letter.pdf",
                 f"/track/{number}/notices/1", f"/track/{number}/notices/1.pdf", "/track",
                 "/apply", "/complain", "/complaints/TS-2026-000001",
                 "/complaints/TS-2026-000001/letters/1.pdf", "/progress", "/progress/some-token"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path


def test_the_status_page_itself_is_not_stored(client):
    response, _ = submit(client)
    number, _code = receipt_of(response)
    page = client.get(f"/track/{number}")
    assert page.status_code == 200 and number in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    token = csrf_token(client, "/track")
    looked_up = client.post("/track", data={"csrf_token": token, "tracking_no": number,
                                            "access_code": "ZZZZZZZZ"})
    assert looked_up.headers["Cache-Control"] == "no-store"


def test_public_complaint_pages_stay_cacheable(client):
    for path in ("/complaints/statistics", "/complaints/outcomes", "/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
    assert client.get("/login").headers["Cache-Control"] == "no-store"
