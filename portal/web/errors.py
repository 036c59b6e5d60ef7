"""Error pages in Chinese for every HTTP error and for unexpected failures."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from portal.extensions import db

log = logging.getLogger(__name__)

ERROR_MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页检查后重试。"),
    403: ("无权访问", "您没有访问此页面的权限。"),
    404: ("页面不存在", "您访问的页面不存在或已被撤回，请检查网址，或从首页重新进入。"),
    405: ("请求方式不允许", "此页面不支持该操作。"),
    413: ("文件过大", "上传的文件超过了允许的大小。"),
    429: ("操作过于频繁", "请稍后再试。"),
    500: ("服务暂时不可用", "系统出现了问题，我们已记录。请稍后再试，或拨打咨询电话。"),
}


def error_page(code: int, detail: str | None = None) -> tuple[str, int]:
    """The error page for ``code`` (its standard message unless ``detail`` is given)."""
    title, message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def http_error(exc: HTTPException) -> tuple[str, int]:
    """The page for an HTTP error raised by a view or by routing."""
    return error_page(exc.code or 500)


def server_error(_exc: Exception) -> tuple[str, int]:
    """Roll back, log the failure with its traceback, and show the 500 page."""
    db.session.rollback()
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return error_page(500)


def install_error_pages(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, server_error)
