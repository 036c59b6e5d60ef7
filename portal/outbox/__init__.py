"""Outbox: messages to citizens and alerts to staff, written with the change that caused them.

A service that changes state calls :func:`portal.outbox.services.enqueue` in the same
transaction, so a message exists exactly when its cause was committed. The ``portal outbox
send`` worker delivers due messages over SMTP (:mod:`portal.outbox.mailer`) with retries.
"""
