"""A stand-in Chromium for the screenshot tests: speaks the DevTools protocol on fds 3 and 4
like `chromium --remote-debugging-pipe`, records every command, and returns a fixed PNG.

Run as a script; FAKE_BROWSER_LOG names the file the commands are appended to (JSON lines) and
FAKE_BROWSER_HEIGHT the page height it reports."""

from __future__ import annotations

import base64
import json
import os
import sys

# The smallest valid PNG: one transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def main() -> int:
    if "--remote-debugging-pipe" not in sys.argv:
        return 2
    log = open(os.environ["FAKE_BROWSER_LOG"], "a", encoding="utf-8")  # noqa: SIM115
    height = int(os.environ.get("FAKE_BROWSER_HEIGHT", "5000"))
    buffer = b""
    while True:
        chunk = os.read(3, 65536)
        if not chunk:
            return 0
        buffer += chunk
        while b"\0" in buffer:
            raw, _, buffer = buffer.partition(b"\0")
            message = json.loads(raw)
            log.write(json.dumps({"argv": sys.argv[1:], **message}) + "\n")
            log.flush()
            method, result = message["method"], {}
            if method == "Target.createTarget":
                result = {"targetId": "t1"}
            elif method == "Target.attachToTarget":
                result = {"sessionId": "s1"}
            elif method == "Runtime.evaluate":
                result = {"result": {"type": "number", "value": height}}
            elif method == "Page.captureScreenshot":
                result = {"data": base64.b64encode(PNG).decode()}
            reply = {"id": message["id"], "result": result}
            if "sessionId" in message:
                reply["sessionId"] = message["sessionId"]
            os.write(4, json.dumps(reply).encode() + b"\0")
            if method == "Page.navigate":
                event = {"method": "Page.loadEventFired", "params": {}, "sessionId": "s1"}
                os.write(4, json.dumps(event).encode() + b"\0")
            if method == "Browser.close":
                return 0


if __name__ == "__main__":
    raise SystemExit(main())
