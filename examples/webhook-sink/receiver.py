#!/usr/bin/env python3
"""A CertStream webhook receiver: checks the signature, drops repeats, appends each item to a JSON Lines file.

    python3 receiver.py --port 9000 --secret "$SOC_WEBHOOK_SECRET" --out alerts.jsonl

Python 3.8+ standard library only. Answers 2xx only once an item is safely written, so the hub retries
everything else; remembers item ids (in the output file) so an item the hub sends again after a crash is
written once.
"""
import argparse
import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--path", default="/certstream", help="the path the hub POSTs to (default /certstream)")
    parser.add_argument("--secret", default=os.environ.get("SOC_WEBHOOK_SECRET"),
                        help="the webhook's HMAC secret (default: $SOC_WEBHOOK_SECRET); unsigned requests are refused when set")
    parser.add_argument("--out", default="certstream-items.jsonl", help="where each item is appended, one JSON per line")
    args = parser.parse_args()

    seen = set()
    if os.path.exists(args.out):
        with open(args.out, encoding="utf-8") as f:
            seen.update(json.loads(line)["id"] for line in f if line.strip())
    lock = Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            if self.path != args.path:
                return self.answer(404, "no such path")
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if args.secret:
                expected = "sha256=" + hmac.new(args.secret.encode(), body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers.get("X-CertStream-Signature", "")):
                    # 401: the hub sets the batch aside (dead-letter.jsonl) instead of retrying forever.
                    return self.answer(401, "bad signature")
            batch = json.loads(body)
            new = 0
            with lock, open(args.out, "a", encoding="utf-8") as out:
                for item in batch["items"]:
                    if item["id"] in seen:
                        continue
                    out.write(json.dumps(item, separators=(",", ":")) + "\n")
                    seen.add(item["id"])
                    new += 1
                out.flush()
                os.fsync(out.fileno())
            print(f"batch {batch['batch_id']} from {batch['webhook']}: {len(batch['items'])} item(s), {new} new",
                  file=sys.stderr, flush=True)
            self.answer(200, "ok")

        def answer(self, status, text):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(text.encode())

        def log_message(self, *unused):
            pass  # one line per batch above is enough

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"listening on http://{args.host}:{server.server_port}{args.path}, writing {args.out}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
