"""A webhook receiver for trying out an endpoint: it checks each request's
Standard Webhooks signature and timestamp and prints the post."""

import contextlib
import json
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Listen for Apresiasi webhooks on a local port, verify each signature with the "
        "endpoint's secret and print what arrives (for trying out and for integrators)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--secret", required=True, help="the endpoint's whsec_… secret")
        parser.add_argument("--port", type=int, default=9000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, secret: str, port: int, host: str, **options):
        from standardwebhooks.webhooks import Webhook, WebhookVerificationError

        verifier = Webhook(secret)
        out = self.stdout

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                try:
                    payload = verifier.verify(body, dict(self.headers.items()))
                except WebhookVerificationError as exc:
                    out.write(f"REJECTED {self.headers.get('webhook-id')}: {exc}")
                    self.send_response(401)
                else:
                    data = payload.get("data", {})
                    out.write(
                        f"OK {self.headers['webhook-id']} {payload.get('type')}: "
                        f"{data.get('title')} — {data.get('names')} ({data.get('unit')})"
                    )
                    out.write(json.dumps(payload, ensure_ascii=False, indent=2))
                    self.send_response(204)
                self.end_headers()
                out.flush()

            def log_message(self, *args):
                pass

        out.write(f"Listening on http://{host}:{port}/ (Ctrl-C to stop)")
        out.flush()
        with contextlib.suppress(KeyboardInterrupt):
            HTTPServer((host, port), Handler).serve_forever()
