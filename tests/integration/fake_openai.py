"""A small fake OpenAI-compatible server on loopback, so the real SDK path runs in tests.

`POST /v1/chat/completions` records every request body and answers from a per-test script:
each request takes the next scripted reply; when the script is used up, `default` answers
(a valid reply built from the request). Replies: `answer(...)` (valid or not, the content is
what the model "wrote"), `status(...)` (429/500 with headers), `slow(...)`, `empty_choices()`.

    with FakeOpenAI() as fake:
        fake.script(status(500), answer({"summary": ...}))
        client = OpenAiLlmClient(api_key="test", model="m", base_url=fake.base_url)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Json = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP reply; `body` None means "build a valid completion from `content`"."""

    status: int = 200
    content: str | Callable[[Json], str] | None = None
    body: Json | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0
    model: str | None = None
    prompt_tokens: int = 120
    completion_tokens: int = 40


def answer(
    content: Json | str | Callable[[Json], str],
    *,
    model: str | None = None,
    prompt_tokens: int = 120,
    completion_tokens: int = 40,
) -> Reply:
    """A 200 chat completion whose message content is `content` (a dict is sent as JSON)."""
    text = json.dumps(content) if isinstance(content, dict) else content
    return Reply(
        content=text, model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
    )


def status(code: int, *, retry_after: str | None = None, message: str = "scripted error") -> Reply:
    """An error status with an OpenAI-style error body (and Retry-After when given)."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    error = {"error": {"message": message, "type": "server_error", "code": None}}
    return Reply(status=code, body=error, headers=headers)


def slow(seconds: float, then: Reply | None = None) -> Reply:
    """`then` (a valid answer by default), sent only after `seconds`: for timeouts."""
    base = then or Reply()
    return Reply(
        status=base.status,
        content=base.content,
        body=base.body,
        headers=base.headers,
        delay_seconds=seconds,
        model=base.model,
    )


def malformed() -> Reply:
    """The model's content is not JSON at all."""
    return answer('{"summary": "cut off in the mid')


def empty_choices() -> Reply:
    return Reply(body={"id": "chatcmpl-empty", "object": "chat.completion", "choices": []})


def raw_body(text: str) -> Reply:
    """A 200 whose body is `text` verbatim (not a chat completion at all)."""
    return Reply(body=text)


def schema_name(request: Json) -> str:
    return str(request.get("response_format", {}).get("json_schema", {}).get("name", ""))


def valid_content(request: Json) -> str:
    """A reply that satisfies the answer schemas the fake knows (by the schema's name)."""
    name = schema_name(request)
    if name == "TimelineSummary":
        return json.dumps(
            {
                "summary": "A loyal customer with one completed fridge repair.",
                "highlights": ["Prefers mornings"],
                "sources": [],
            }
        )
    raise AssertionError(f"the fake has no default answer for schema {name!r}; script one")


class FakeOpenAI:
    """Runs the fake on 127.0.0.1 (ephemeral port) in a thread; use as a context manager."""

    def __init__(self, model: str = "fake-model-2030-01-01") -> None:
        self.model = model
        self.requests: list[Json] = []
        self.headers: list[dict[str, str]] = []
        self.default: Callable[[Json], Reply] = lambda request: answer(valid_content(request))
        self._script: list[Reply] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def calls(self) -> int:
        with self._lock:
            return len(self.requests)

    def script(self, *replies: Reply) -> None:
        """Replace what the next requests get, in order."""
        with self._lock:
            self._script = list(replies)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()  # wakes slow replies so the server can stop at once
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _next(self, request: Json, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(request)
            self.headers.append(headers)
            if self._script:
                return self._script.pop(0)
        return self.default(request)

    def _completion(self, reply: Reply, request: Json) -> Json | str:
        if reply.body is not None:
            return reply.body
        content = reply.content if reply.content is not None else valid_content(request)
        if callable(content):
            content = content(request)
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 1_900_000_000,
            "model": reply.model or self.model,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content, "refusal": None},
                }
            ],
            "usage": {
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
                "total_tokens": reply.prompt_tokens + reply.completion_tokens,
            },
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": f"no route {self.path}"}}, {})
                    return
                request = json.loads(raw)
                reply = fake._next(request, {k.lower(): v for k, v in self.headers.items()})
                if reply.delay_seconds and fake._stop.wait(reply.delay_seconds):
                    return  # the server is stopping
                self._send(reply.status, fake._completion(reply, request), reply.headers)

            def _send(self, code: int, body: Json | str, headers: dict[str, str]) -> None:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A fresh fake server per test, stopped afterwards."""
    with FakeOpenAI() as fake:
        yield fake


def closed_port_url() -> str:
    """A loopback URL nothing listens on (connection refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
