"""Request bodies over the configured limits are refused with the Chinese 413 page before any
view runs, and the limits come from the app's config."""

import io

import pytest

TOO_LARGE = "上传的文件超过了允许的大小"


@pytest.fixture
def limits(app):
    saved = {key: app.config[key] for key in ("MAX_CONTENT_LENGTH", "MAX_FORM_MEMORY_SIZE", "MAX_FORM_PARTS")}
    yield app.config
    app.config.update(saved)


def test_a_body_over_max_content_length_gets_the_chinese_413_page(client, limits):
    limits["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/login", data={"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413 and TOO_LARGE in response.get_data(as_text=True)
    limits["MAX_CONTENT_LENGTH"] = 100_000  # the same body under a larger limit reaches the form
    assert client.post("/login", data={"username": "x" * 2000, "password": "y"}).status_code == 400  # no token


def test_a_multipart_field_over_max_form_memory_size_is_refused(client, limits):
    limits["MAX_FORM_MEMORY_SIZE"] = 500
    response = client.post("/login", data={"username": "x" * 800, "password": "y"}, content_type="multipart/form-data")
    assert response.status_code == 413 and TOO_LARGE in response.get_data(as_text=True)


def test_a_multipart_body_with_too_many_parts_is_refused(client, limits):
    limits["MAX_FORM_PARTS"] = 5
    data = {f"field{index}": "v" for index in range(10)} | {"file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")}
    response = client.post("/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 413 and TOO_LARGE in response.get_data(as_text=True)
