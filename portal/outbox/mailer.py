"""The SMTP side of the outbox: turn an :class:`OutboxMessage` into an e-mail and hand it over.

Transport only; retries, leases and bookkeeping live in :mod:`portal.outbox.services`.
"""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from portal.outbox.models import OutboxMessage
from portal.outbox.services import PermanentDeliveryError, check_headers


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SmtpSender:
    """A ``send`` callable for :func:`portal.outbox.services.deliver_due` that speaks SMTP.

    One connection per message (the worker sends few, and a broken connection then costs
    one message, not a batch). Credentials are refused over an unencrypted connection to
    anything but the local machine.
    """

    def __init__(
        self,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 30.0,
        mail_from: str = "noreply@portal.example.gov.cn",
    ) -> None:
        """Keep the connection settings; raise ``ValueError`` if they are unsafe or malformed."""
        check_headers(mail_from, "-")
        if username and not starttls and not _is_loopback(host):
            raise ValueError("SMTP_USERNAME is set without SMTP_STARTTLS: the password would travel in clear")
        self.host = host
        self.port = int(port)
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = float(timeout)
        self.mail_from = mail_from

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpSender:
        """Build a sender from the app's ``SMTP_*`` and ``MAIL_FROM`` settings."""
        return cls(
            host=config["SMTP_HOST"],
            port=config["SMTP_PORT"],
            username=config.get("SMTP_USERNAME") or None,
            password=config.get("SMTP_PASSWORD") or None,
            starttls=bool(config.get("SMTP_STARTTLS")),
            timeout=config.get("SMTP_TIMEOUT", 30.0),
            mail_from=config["MAIL_FROM"],
        )

    def build(self, message: OutboxMessage) -> EmailMessage:
        """The e-mail for ``message``: UTF-8 headers and body, a stable Message-ID, the Date.

        The Message-ID depends only on the row, so a message re-sent after a crash carries the
        same ID and mail clients can recognise the duplicate.
        """
        try:
            check_headers(message.recipient, message.subject)
        except ValueError as exc:  # a row written around enqueue(): never retry it
            raise PermanentDeliveryError(str(exc)) from exc
        domain = self.mail_from.rpartition("@")[2]
        email = EmailMessage()
        email["From"] = self.mail_from
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Date"] = format_datetime(datetime.now(UTC))
        stamp = message.created_at.strftime("%Y%m%d%H%M%S") if message.created_at else "0"
        email["Message-ID"] = f"<outbox.{message.id}.{stamp}@{domain}>"
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders stay quiet
        # base64 keeps Chinese text intact through relays without 8BITMIME.
        email.set_content(message.body, charset="utf-8", cte="base64")
        return email

    def __call__(self, message: OutboxMessage) -> None:
        """Send ``message``; raise on failure (:class:`PermanentDeliveryError` for an unknown address)."""
        email = self.build(message)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email, from_addr=self.mail_from, to_addrs=[message.recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            # Only "no such address" (enhanced status 5.1.x) is final; anything else, such as
            # 5.7.1 relay denied, is usually our configuration and is retried like any failure.
            replies = list(exc.recipients.values())
            if replies and all(code >= 500 and reply.lstrip().startswith(b"5.1.") for code, reply in replies):
                raise PermanentDeliveryError(f"recipient refused: {replies}") from exc
            raise
