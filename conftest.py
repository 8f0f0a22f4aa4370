"""Shared fixtures: personas built once per test database, an SMTP sink, paths to ../shared."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest

from maqa.testing.personas import Personas, build_personas, load_personas

SHARED = Path(__file__).resolve().parent.parent / "shared"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_personas()


@pytest.fixture
def personas(db: None) -> Personas:
    return load_personas()


@pytest.fixture
def shared_dir() -> Path:
    """../shared, read in place. Missing: skip with the reason, or fail under CI=true."""
    if not SHARED.is_dir():
        message = f"../shared is not beside this clone (looked for {SHARED})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return SHARED


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    # Addresses the server refuses (550), as a mail server refuses an unknown mailbox.
    refused: set[str] = field(default_factory=set)


@pytest.fixture
def smtp_sink(settings) -> Iterator[SmtpSink]:
    """A real SMTP server on localhost; Django sends to it through its SMTP backend."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = SmtpSink("127.0.0.1", port)

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in sink.refused:
                return "550 No such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            sink.messages.append(message_from_bytes(envelope.content))
            return "250 OK"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()
