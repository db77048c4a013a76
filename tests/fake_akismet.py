"""
A local fake of Akismet's HTTP API (1.1: comment-check, submit-spam, submit-ham)
on 127.0.0.1, for the tests of comments.akismet_service: it answers as Akismet
documents, keeps every request's form, and can be slow or failing on demand.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

THANKS = "Thanks for making the web a better place."


class FakeAkismet:
    def __init__(self):
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.spam_words = ("viagra",)
        self.delay = 0.0
        self.status = 200
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {
                    k: v[0]
                    for k, v in parse_qs(self.rfile.read(length).decode()).items()
                }
                fake.requests.append((self.path, form))
                time.sleep(fake.delay)
                if self.path.endswith("/comment-check"):
                    content = form.get("comment_content", "").casefold()
                    spam = any(word in content for word in fake.spam_words)
                    answer = "true" if spam else "false"
                else:
                    answer = THANKS
                if form.get("api_key") != "test-key":
                    answer = "invalid"
                body = answer.encode()
                self.send_response(fake.status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]
