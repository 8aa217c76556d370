"""Usage: python3 receive.py <ws url> <count>

Connects the way the official CertStream Python client (certstream-python) does - websocket-client's
WebSocketApp, json.loads on every text frame, heartbeats skipped - and prints one JSON line per
certificate_update ({cert_index, update_type, all_domains, source_url, cursor}) until <count> arrived, then exits 0.
The official package itself is on PyPI, which the test machine cannot reach; its client is this loop.
"""
import json
import os
import logging
import sys
import threading

from websocket import WebSocketApp

url, wanted = sys.argv[1], int(sys.argv[2])
seen = 0


def on_open(_):
    print("Connection established to CertStream! Listening for events...", flush=True)


def on_message(app, message):
    global seen
    frame = json.loads(message)
    if frame.get("message_type") == "heartbeat":
        return
    data = frame["data"]
    print(json.dumps({
        "cert_index": data["cert_index"],
        "update_type": data["update_type"],
        "all_domains": data["leaf_cert"]["all_domains"],
        "source_url": data["source"]["url"],
        "cursor": frame.get("cursor"),
    }), flush=True)
    seen += 1
    if seen >= wanted:
        app.close()


def on_error(_, error):
    logging.error("Error connecting to CertStream - %s", error)


def give_up():
    print(f"timed out after receiving {seen} of {wanted} certificates", file=sys.stderr, flush=True)
    os._exit(1)


timer = threading.Timer(60, give_up)
timer.daemon = True
timer.start()
app = WebSocketApp(url, on_open=on_open, on_message=on_message, on_error=on_error)
# The official client pings every 15 s (certstream-python's run_forever(ping_interval=15)).
app.run_forever(ping_interval=15)
sys.exit(0 if seen >= wanted else 1)
