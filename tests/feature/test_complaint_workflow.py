"""The complaint's workflow as staff use it: forms follow the table; one extension per complaint."""

from tests.feature.test_complaints import file_on, matter, staff_post
from tests.helpers import csrf_token, login


def test_after_an_extension_is_decided_the_complaint_is_handled_again_and_cannot_extend_twice(
        client, app, users):
    number, _ = file_on(app)
    login(client, users["supervisor"])
    url = f"/staff/complaints/{number}"
    assert "申请延期" not in client.get(url).get_data(as_text=True)  # not before acceptance
    response = staff_post(client, number, "extension", {"ext-days": "10", "ext-reason": "需调取监控"})
    assert response.status_code == 422 and "不能进行此操作" in response.get_data(as_text=True)

    staff_post(client, number, "decide", {"decision-decision": "accepted", "decision-day": "2026-10-09"})
    assert 'id="decide-heading"' not in client.get(url).get_data(as_text=True)  # decided once
    staff_post(client, number, "extension", {"ext-days": "10", "ext-reason": "需调取监控"})
    assert matter(app, number).status == "extension_requested"
    client.post(f"{url}/extension/refuse", data={"csrf_token": csrf_token(client, url)})
    assert matter(app, number).status == "accepted"
    staff_post(client, number, "extension", {"ext-days": "10", "ext-reason": "仍需调取监控"})
    client.post(f"{url}/extension/approve", data={"csrf_token": csrf_token(client, url)})
    assert matter(app, number).status == "accepted"
    page = client.get(url).get_data(as_text=True)
    assert 'id="ext-heading"' not in page and 'id="reply-heading"' in page
    response = staff_post(client, number, "extension", {"ext-days": "5", "ext-reason": "再延"})
    assert response.status_code == 422 and "办理期限只能延长一次" in response.get_data(as_text=True)
