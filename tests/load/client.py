"""A small HTTP client for the load tests: one http.client connection per
client object (so one per thread), a person's token or session, and the
CSRF token a page form needs."""

import http.client
import json
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


class Client:
    """Requests as one person: with their access token for /api/ (`person["token"]`),
    with their session for pages (`person["session"]`). English answers."""

    def __init__(self, port: int, *, person: dict | None = None, timeout: float = 60):
        self.port = port
        self.person = person or {}
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None
        # A page form's CSRF token: any 32 letters and digits, sent as the
        # cookie and again in the form.
        self.csrf = secrets.token_hex(16)

    def request(self, method: str, path: str, body: bytes = b"", headers=None) -> Answer:
        sent = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "en"}
        cookies = [f"django_language=en; csrftoken={self.csrf}"]
        if path.startswith("/api/") and "token" in self.person:
            sent["Authorization"] = f"Bearer {self.person['token']}"
        elif "session" in self.person:
            cookies.append(f"sessionid={self.person['session']}")
        sent["Cookie"] = "; ".join(cookies)
        sent.update(headers or {})
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=self.timeout
            )
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            answer = Answer(response.status, dict(response.getheaders()), response.read())
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        return answer

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def get(self, path: str, **headers) -> Answer:
        return self.request("GET", path, headers=headers)

    def put_json(self, path: str, data: dict, **headers) -> Answer:
        return self.request(
            "PUT",
            path,
            json.dumps(data).encode(),
            {"Content-Type": "application/json", **headers},
        )

    def post_json(self, path: str, body: bytes) -> Answer:
        return self.request("POST", path, body, {"Content-Type": "application/json"})

    def post_form(self, path: str, fields: dict) -> Answer:
        return self.request(
            "POST",
            path,
            urlencode({"csrfmiddlewaretoken": self.csrf, **fields}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
