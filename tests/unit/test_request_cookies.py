"""PortalRequest parses each distinct Cookie header once per worker and gives exactly what
Werkzeug's own parsing gives; the shared result cannot be changed by a request."""

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from portal.web import PortalRequest

HEADERS = ['session=abc.def; remember_token=7|x', 'a=1; b="x y"; a=2', "", "; ;=; broken", 'q="\\"quoted\\""',
           "中=文; n=%E4%B8%AD"]


def environ(header: str) -> dict:
    return EnvironBuilder(headers={"Cookie": header} if header else {}).get_environ()


@pytest.mark.parametrize("header", HEADERS)
def test_cookies_are_what_werkzeug_parses(header):
    mine, theirs = PortalRequest(environ(header)).cookies, Request(environ(header)).cookies
    assert list(mine.items(multi=True)) == list(theirs.items(multi=True))


def test_a_header_is_parsed_once_and_the_result_is_read_only():
    first, again = PortalRequest(environ(HEADERS[0])).cookies, PortalRequest(environ(HEADERS[0])).cookies
    assert first is again
    assert PortalRequest(environ(HEADERS[1])).cookies is not first
    with pytest.raises(TypeError):
        first["session"] = "forged"
