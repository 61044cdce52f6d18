"""A local stand-in for the three group-bot services: it checks each signature as the service
does (from the documented recipe, written here independently of salescrm) and answers as told."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRETS = {"dingtalk": "SECding-secret", "feishu": "feishu-secret"}


@dataclass
class Received:
    service: str
    query: dict[str, str]
    body: dict[str, Any]


@dataclass
class ChatServer:
    """Records every POST; ``answers[service]`` is (HTTP status, JSON answer) or "hang"."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    bad_signatures: list[str] = field(default_factory=list)

    def url(self, service: str) -> str:
        paths = {"wecom": "/cgi-bin/webhook/send?key=wecom-KEY",
                 "dingtalk": "/robot/send?access_token=ding-TOKEN",
                 "feishu": "/open-apis/bot/v2/hook/feishu-HOOK"}  # fmt: skip
        return f"http://127.0.0.1:{self.port}{paths[service]}"

    def of(self, service: str) -> list[Received]:
        return [r for r in self.received if r.service == service]


def _service(path: str) -> str:
    return "wecom" if "webhook/send" in path else "dingtalk" if "robot/send" in path else "feishu"


def _dingtalk_ok(query: dict[str, str]) -> bool:
    secret = SECRETS["dingtalk"]
    stamp = query.get("timestamp", "")
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    return (
        query.get("access_token") == "ding-TOKEN"
        and abs(int(stamp or 0) - time.time() * 1000) < 3_600_000
        and query.get("sign") == expected
    )


def _feishu_ok(body: dict[str, Any]) -> bool:
    secret, stamp = SECRETS["feishu"], str(body.get("timestamp", ""))
    expected = base64.b64encode(
        hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    return abs(int(stamp or 0) - time.time()) < 3600 and body.get("sign") == expected


def serve(server_state: ChatServer) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            parts = urllib.parse.urlsplit(self.path)
            service = _service(parts.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            server_state.received.append(Received(service, query, body))
            signed = {"dingtalk": _dingtalk_ok(query), "feishu": _feishu_ok(body)}.get(service, True)
            if not signed:
                server_state.bad_signatures.append(service)
            answer = server_state.answers.get(service, (200, None))
            if answer == "hang":
                time.sleep(2)
                return
            status, payload = answer
            if payload is None:  # the service's own success (or signature failure) answer
                code = 0 if signed else 310000
                payload = {"code": code, "msg": "success"} if service == "feishu" else {
                    "errcode": code, "errmsg": "ok"}  # fmt: skip
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server_state.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd
