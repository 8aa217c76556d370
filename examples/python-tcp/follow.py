#!/usr/bin/env python3
"""Follows the CertStream hub's TCP event-bus bridge (bridge.tcpPort) with nothing but the standard library.

Usage: python3 follow.py [host] [port] [address] [count]
       defaults: 127.0.0.1 7000 certstream.lite.all, run until Ctrl-C

Vert.x TCP bridge framing: every frame, both ways, is a 4-byte big-endian length and then that many bytes of
UTF-8 JSON. Send {"type":"register","address":...}; receive {"type":"message","address":...,"body":{...}},
where body is the CertStream message as a JSON object, or {"type":"err","message":...}. Send {"type":"ping"}
now and then: the bridge answers {"type":"pong"}.
"""
import json
import socket
import struct
import sys
import time


def send(sock, frame):
    data = json.dumps(frame).encode("utf-8")
    sock.sendall(struct.pack(">I", len(data)) + data)


def read_exactly(sock, n):
    chunks = b""
    while len(chunks) < n:
        chunk = sock.recv(n - len(chunks))
        if not chunk:
            raise ConnectionError("the hub closed the connection")
        chunks += chunk
    return chunks


def receive(sock):
    (length,) = struct.unpack(">I", read_exactly(sock, 4))
    return json.loads(read_exactly(sock, length).decode("utf-8"))


def main():
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 7000
    address = sys.argv[3] if len(sys.argv) > 3 else "certstream.lite.all"
    count = int(sys.argv[4]) if len(sys.argv) > 4 else None

    try:
        sock = socket.create_connection((host, port), timeout=10)
    except OSError as e:
        sys.exit(f"cannot connect to the hub's TCP event-bus bridge at {host}:{port}: {e.strerror or e}. "
                 f"Is the hub running with its TCP bridge on, e.g. CERTSTREAM_BRIDGE_TCPPORT={port} ./certstream-hub --demo ?")
    sock.settimeout(None)  # the stream may be quiet for a while: heartbeats come every 30 s
    send(sock, {"type": "register", "address": address})
    print(f"following {address} on {host}:{port}", file=sys.stderr, flush=True)
    received, last_ping = 0, time.monotonic()
    while count is None or received < count:
        frame = receive(sock)
        if frame.get("type") == "err":
            sys.exit(f"bridge refused {address}: {frame.get('message')} (see the hub's README for the addresses)")
        body = frame.get("body") or {}
        if body.get("message_type") == "certificate_update":
            data = body["data"]
            domains = ", ".join(data["leaf_cert"]["all_domains"])
            print(f"{data['source']['name']} #{data['cert_index']}: {domains}", flush=True)
            received += 1
        if time.monotonic() - last_ping > 10:
            send(sock, {"type": "ping"})
            last_ping = time.monotonic()
    sock.close()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
    except (ConnectionError, OSError) as e:
        sys.exit(f"lost the connection to the hub: {e}")
