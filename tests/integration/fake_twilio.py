"""A small loopback fake of Twilio's Messages API, for the real `twilio` SDK to talk to.

Implements `POST /2010-04-01/Accounts/{sid}/Messages.json` (create), `GET .../Messages.json`
(list, filtered by From / To / DateSent>, newest first) and
`GET .../Messages/{MessageSid}.json` (fetch), with HTTP basic auth and Twilio's error
document. Tests queue failures (`fail_next`), add inbound messages (`receive`) and set
statuses (`set_status`). `LoopbackHttpClient` points the SDK at it.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from twilio.http.http_client import TwilioHttpClient

API = "https://api.twilio.com"
MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages\.json$")
MESSAGE = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages/(?P<sid>\w+)\.json$")


@dataclass
class FakeMessage:
    sid: str
    account_sid: str
    to: str
    from_: str | None
    body: str | None
    status: str
    date_sent: datetime
    direction: str = "outbound-api"
    messaging_service_sid: str | None = None
    content_sid: str | None = None
    content_variables: str | None = None
    status_callback: str | None = None

    def resource(self) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "to": self.to,
            "from": self.from_,
            "body": self.body,
            "status": self.status,
            "direction": self.direction,
            "messaging_service_sid": self.messaging_service_sid,
            "date_created": format_datetime(self.date_sent, usegmt=True),
            "date_updated": format_datetime(self.date_sent, usegmt=True),
            "date_sent": format_datetime(self.date_sent, usegmt=True),
            "num_segments": "1",
            "num_media": "0",
            "error_code": None,
            "error_message": None,
            "price": None,
            "price_unit": "USD",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{self.sid}.json",
            "subresource_uris": {},
        }


@dataclass
class Failure:
    status: int
    code: int | None = None
    message: str = "fake failure"
    hang_up: bool = False  # close the connection without answering
    delay_seconds: float = 0.0  # answer this late (after the client's timeout, say)


@dataclass
class FakeTwilio:
    account_sid: str
    auth_token: str
    url: str = ""
    messages: dict[str, FakeMessage] = field(default_factory=dict)
    created: list[FakeMessage] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    fail_next: list[Failure] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _count: int = 0

    def _next_sid(self, prefix: str = "SM") -> str:
        self._count += 1
        return f"{prefix}{self._count:032x}"

    def receive(self, from_: str, to: str, body: str, at: datetime) -> FakeMessage:
        """An inbound message from a customer, as Twilio would have recorded it."""
        with self.lock:
            message = FakeMessage(
                self._next_sid(), self.account_sid, to, from_, body, "received", at, "inbound"
            )
            self.messages[message.sid] = message
        return message

    def set_status(self, sid: str, status: str) -> None:
        with self.lock:
            self.messages[sid].status = status

    def create(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        one = {k: v[0] for k, v in form.items()}
        if "To" not in one:
            return 400, error(400, 21604, "A 'To' phone number is required.")
        if "Body" not in one and "ContentSid" not in one:
            return 400, error(400, 21602, "Message body is required.")
        if "From" not in one and "MessagingServiceSid" not in one:
            return 400, error(400, 21603, "A 'From' phone number is required.")
        message = FakeMessage(
            sid=self._next_sid(),
            account_sid=self.account_sid,
            to=one["To"],
            from_=one.get("From"),
            body=one.get("Body"),
            status="accepted" if "MessagingServiceSid" in one else "queued",
            date_sent=datetime.now(UTC),
            messaging_service_sid=one.get("MessagingServiceSid"),
            content_sid=one.get("ContentSid"),
            content_variables=one.get("ContentVariables"),
            status_callback=one.get("StatusCallback"),
        )
        self.messages[message.sid] = message
        self.created.append(message)
        return 201, message.resource()

    def list(self, query: dict[str, list[str]]) -> dict[str, Any]:
        one = {k: v[0] for k, v in query.items()}
        after = parse_when(one["DateSent>"]) if "DateSent>" in one else None
        found = [
            m
            for m in self.messages.values()
            if ("From" not in one or m.from_ == one["From"])
            and ("To" not in one or m.to == one["To"])
            and (after is None or m.date_sent >= after)
        ]
        found.sort(key=lambda m: m.date_sent, reverse=True)
        size = int(one.get("PageSize", "50"))
        return {
            "messages": [m.resource() for m in found[:size]],
            "first_page_uri": "/first",
            "next_page_uri": None,
            "previous_page_uri": None,
            "page": 0,
            "page_size": size,
            "start": 0,
            "end": min(size, len(found)),
            "uri": "/this",
        }


def error(status: int, code: int | None, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def parse_when(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parsedate_to_datetime(value)


def _handler(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    expected = (
        "Basic " + base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
    )

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def _answer(self, status: int, document: dict[str, Any]) -> None:
            payload = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _route(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode()) if length else {}
            query = parse_qs(parts.query)
            with fake.lock:
                fake.requests.append((method, parts.path, form or query))
                failure = fake.fail_next.pop(0) if fake.fail_next else None
            if failure is not None:
                time.sleep(failure.delay_seconds)
                if failure.hang_up:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return None
                return self._answer(
                    failure.status, error(failure.status, failure.code, failure.message)
                )
            with fake.lock:
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, error(401, 20003, "Authenticate"))
                if (match := MESSAGES.match(parts.path)) and match["account"] == fake.account_sid:
                    if method == "POST":
                        return self._answer(*fake.create(form))
                    return self._answer(200, fake.list(query))
                match = MESSAGE.match(parts.path)
                if method == "GET" and match and match["sid"] in fake.messages:
                    return self._answer(200, fake.messages[match["sid"]].resource())
                return self._answer(404, error(404, 20404, "The requested resource was not found"))

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

    return Handler


@contextmanager
def running(account_sid: str = "AC" + "a" * 32, auth_token: str = "t" * 32) -> Iterator[FakeTwilio]:
    """A fake Twilio API on a loopback port for the duration of the block."""
    fake = FakeTwilio(account_sid, auth_token)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


class LoopbackHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, sending what it builds for api.twilio.com to `base_url`."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        return super().request(method, url.replace(API, self.base_url, 1), *args, **kwargs)
