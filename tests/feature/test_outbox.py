"""The outbox: written with its cause, delivered exactly once over a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from portal.core.timefmt import utcnow
from portal.extensions import db
from portal.outbox.mailer import SmtpSender
from portal.outbox.models import OutboxMessage
from portal.outbox.services import (
    GIVEN_UP_AT,
    MAX_ATTEMPTS,
    DeliveryReport,
    deliver_due,
    enqueue,
    retry_delay,
)

CITIZEN = "zhangsan@example.cn"
SUBJECT = "您的政府信息公开申请已受理（GK-2026-000017）"
BODY = "张先生：\n\n您于 2026年3月2日 提交的申请已受理，我们将在 20 个工作日内答复。\n\n示例市公安局"


def free_port() -> int:
    """A TCP port nobody listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps what it receives and refuses chosen addresses."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.unknown: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def parsed(self, index: int = 0):
        """The ``index``-th received message, parsed."""
        return message_from_bytes(self.received[index][2], policy=policy.default)


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be started late (to test an outage)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    """A running SMTP server collecting messages."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def down():
    """An SMTP server that is not started yet: its port refuses connections."""
    server = SmtpServer()
    yield server
    server.stop()


def sender_for(server: SmtpServer) -> SmtpSender:
    return SmtpSender("127.0.0.1", server.port, timeout=5, mail_from="noreply@portal.example.gov.cn")


def rows() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_enqueue_once_send_once_with_chinese_text(make_app, smtp):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    with app.app_context():
        first = enqueue(CITIZEN, SUBJECT, BODY, "request:17:receipt")
        again = enqueue(CITIZEN, "另一个主题", "另一段正文", "request:17:receipt")
        assert again is first
        db.session.commit()
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
        # Also across transactions: the key still names the one message.
        assert enqueue(CITIZEN, SUBJECT, BODY, "request:17:receipt").id == first.id
        db.session.commit()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "已发送 1 封，失败 0 封，放弃 0 封" in result.output

    assert len(smtp.handler.received) == 1
    mail_from, rcpt_tos, _content = smtp.handler.received[0]
    assert mail_from == "noreply@portal.example.gov.cn"
    assert rcpt_tos == [CITIZEN]
    email = smtp.handler.parsed()
    assert email["To"] == CITIZEN
    assert email["Subject"] == SUBJECT
    assert email.get_content().replace("\r\n", "\n").rstrip("\n") == BODY
    assert email.get_content_charset() == "utf-8"
    assert email["Message-ID"].startswith("<outbox.") and email["Date"]

    with app.app_context():
        (message,) = rows()
        assert message.sent_at is not None and message.attempts == 0 and message.claimed_until is None

    again = runner.invoke(args=["outbox", "send", "--once"])
    assert again.exit_code == 0 and "已发送 0 封" in again.output
    assert len(smtp.handler.received) == 1


def test_server_down_backs_off_then_delivers_once(make_app, down):
    app = make_app()
    with app.app_context():
        enqueue(CITIZEN, SUBJECT, BODY, "request:18:receipt")
        db.session.commit()
        t0 = utcnow()
        report = deliver_due(sender_for(down), now=t0)
        assert report == DeliveryReport(sent=0, failed=1, gave_up=0)
        (message,) = rows()
        assert message.sent_at is None and message.attempts == 1
        assert message.next_attempt_at == t0 + timedelta(minutes=1)
        assert "ConnectionRefused" in message.last_error
        assert message.claimed_until is None

        down.start()  # the server comes back
        up = sender_for(down)
        # Not due yet: nothing is tried before the back-off has passed.
        assert deliver_due(up, now=t0 + timedelta(seconds=30)) == DeliveryReport()
        assert down.handler.received == []

        later = t0 + timedelta(minutes=2)
        assert deliver_due(up, now=later) == DeliveryReport(sent=1)
        assert deliver_due(up, now=later + timedelta(hours=1)) == DeliveryReport()
        assert len(down.handler.received) == 1
        (message,) = rows()
        assert message.sent_at == later and message.attempts == 1


def test_back_off_doubles_and_is_capped():
    assert [retry_delay(n) for n in range(1, 5)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(20) == timedelta(hours=6)


def test_gives_up_after_max_attempts(make_app, down):
    app = make_app()
    with app.app_context():
        enqueue(CITIZEN, SUBJECT, BODY, "complaint:3:reply")
        db.session.commit()
        now = utcnow()
        reports = []
        for _ in range(MAX_ATTEMPTS):
            reports.append(deliver_due(sender_for(down), now=now))
            (message,) = rows()
            now = message.next_attempt_at
        assert [r.failed for r in reports] == [1] * (MAX_ATTEMPTS - 1) + [0]
        assert reports[-1].gave_up == 1
        (message,) = rows()
        assert message.attempts == MAX_ATTEMPTS and message.sent_at is None
        assert message.next_attempt_at == GIVEN_UP_AT and message.last_error
        down.start()
        assert deliver_due(sender_for(down), now=utcnow() + timedelta(days=365)) == DeliveryReport()
        assert down.handler.received == []


def test_unknown_address_is_given_up_at_once(make_app, smtp):
    smtp.handler.unknown.add("nobody@example.cn")
    app = make_app()
    with app.app_context():
        enqueue("nobody@example.cn", SUBJECT, BODY, "request:19:receipt")
        enqueue(CITIZEN, SUBJECT, BODY, "request:20:receipt")
        db.session.commit()
        assert deliver_due(sender_for(smtp)) == DeliveryReport(sent=1, gave_up=1)
        refused, delivered = rows()
        assert refused.attempts == 1 and refused.next_attempt_at == GIVEN_UP_AT
        assert "5.1.1" in refused.last_error and delivered.sent_at is not None


@pytest.mark.parametrize(
    ("recipient", "subject"),
    [
        (CITIZEN, "受理通知\r\nBcc: victim@example.cn"),
        (CITIZEN, "受理通知\nX-Injected: 1"),
        ("zhangsan@example.cn\r\nBcc: victim@example.cn", SUBJECT),
        ("zhangsan@example.cn\n", SUBJECT),
        ("zhangsan@example.cn, victim@example.cn", SUBJECT),
        ("张三 <zhangsan@example.cn>", SUBJECT),
        ("not-an-address", SUBJECT),
        (CITIZEN, ""),
    ],
)
def test_header_injection_and_bad_addresses_are_refused(make_app, recipient, subject):
    app = make_app()
    with app.app_context():
        with pytest.raises(ValueError):
            enqueue(recipient, subject, BODY, "request:21:receipt")
        db.session.commit()
        assert rows() == []


def test_a_claimed_message_is_not_picked_by_a_second_run(make_app, smtp):
    app = make_app()
    sender = sender_for(smtp)
    with app.app_context():
        enqueue(CITIZEN, SUBJECT, BODY, "request:22:receipt")
        db.session.commit()
        t0 = utcnow()
        seen = []

        def send_while_another_worker_runs(message):
            # A second worker (its own app context, session and connection) runs meanwhile.
            with app.app_context():
                seen.append(deliver_due(sender, now=t0))
            sender(message)

        assert deliver_due(send_while_another_worker_runs, now=t0) == DeliveryReport(sent=1)
        assert seen == [DeliveryReport()]
        assert len(smtp.handler.received) == 1


def test_a_lease_left_by_a_crashed_worker_expires(make_app, smtp):
    app = make_app()
    sender = sender_for(smtp)
    with app.app_context():
        enqueue(CITIZEN, SUBJECT, BODY, "request:23:receipt")
        db.session.commit()
        t0 = utcnow()

        def crash(message):
            raise KeyboardInterrupt  # the worker dies after claiming, before sending

        with pytest.raises(KeyboardInterrupt):
            deliver_due(crash, now=t0, lease=timedelta(minutes=10))
        db.session.rollback()
        (message,) = rows()
        assert message.claimed_until == t0 + timedelta(minutes=10) and message.attempts == 0

        assert deliver_due(sender, now=t0 + timedelta(minutes=9)) == DeliveryReport()
        assert smtp.handler.received == []
        assert deliver_due(sender, now=t0 + timedelta(minutes=11)) == DeliveryReport(sent=1)
        assert deliver_due(sender, now=t0 + timedelta(minutes=30)) == DeliveryReport()
        assert len(smtp.handler.received) == 1


def test_a_slow_batch_hands_back_what_it_cannot_send_within_its_lease(make_app, smtp):
    app = make_app()
    sender = sender_for(smtp)
    with app.app_context():
        for number in range(3):
            enqueue(CITIZEN, SUBJECT, BODY, f"request:{30 + number}:receipt")
        db.session.commit()

        def slow(message):
            time.sleep(1.1)  # past half the lease: the rest must be handed back
            sender(message)

        assert deliver_due(slow, lease=timedelta(seconds=2)) == DeliveryReport(sent=1)
        assert [m.claimed_until for m in rows()] == [None, None, None]
        assert deliver_due(sender) == DeliveryReport(sent=2)
        assert len(smtp.handler.received) == 3


def test_enqueue_is_part_of_the_callers_transaction(make_app):
    app = make_app()
    with app.app_context():
        enqueue("duty@portal.example.gov.cn", "超期预警：GK-2026-000017", "请尽快办理。", "request:17:overdue")
        db.session.rollback()  # the change that caused it failed: no message either
        assert rows() == []


def test_credentials_are_not_sent_in_clear_to_a_remote_relay():
    with pytest.raises(ValueError, match="STARTTLS"):
        SmtpSender("smtp.example.gov.cn", 25, username="portal", password="pw")
    SmtpSender("smtp.example.gov.cn", 587, username="portal", password="pw", starttls=True)
    SmtpSender("127.0.0.1", 25, username="portal", password="pw")


def test_two_workers_at_once_send_each_message_exactly_once(make_app, smtp):
    app = make_app()
    sender = sender_for(smtp)
    with app.app_context():
        for number in range(24):
            enqueue(f"citizen{number}@example.cn", SUBJECT, BODY, f"request:{100 + number}:receipt")
        db.session.commit()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with app.app_context():
                while deliver_due(sender, batch=4) != DeliveryReport():
                    pass
                db.session.remove()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    recipients = sorted(rcpt for _from, rcpts, _content in smtp.handler.received for rcpt in rcpts)
    assert recipients == sorted(f"citizen{number}@example.cn" for number in range(24))
    with app.app_context():
        assert all(message.sent_at is not None for message in rows())


def test_send_loop_polls_until_interrupted(make_app, smtp, monkeypatch):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    with app.app_context():
        enqueue(CITIZEN, SUBJECT, BODY, "request:24:receipt")
        db.session.commit()

    def interrupt(_seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("portal.outbox.cli.time.sleep", interrupt)
    result = app.test_cli_runner().invoke(args=["outbox", "send", "--loop", "--interval", "5"])
    assert result.exit_code == 0, result.output
    assert "已发送 1 封，失败 0 封，放弃 0 封" in result.output and "已停止" in result.output
    assert len(smtp.handler.received) == 1


def test_send_refuses_clear_text_credentials(make_app):
    app = make_app(SMTP_HOST="smtp.example.gov.cn", SMTP_USERNAME="portal", SMTP_PASSWORD="pw")
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 1 and "邮件设置有误" in result.output
