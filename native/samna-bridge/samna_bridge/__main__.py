"""`python -m samna_bridge`: the handshake (or a typed "samna missing" error), then the loop."""

import os
import sys

from . import BRIDGE_VERSION, PROTOCOL_VERSION
from .protocol import encode_json


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # samna prints on stdout at times; the frames own stdout, so everything else goes to stderr.
    sys.stdout = sys.stderr
    try:
        import samna  # noqa: the one third-party import
    except Exception as e:
        stdout.write(encode_json({"id": 0, "ok": False, "error": {
            "type": "samna-missing",
            "message": "this Python cannot import samna (%s: %s)" % (type(e).__name__, e),
            "bridge": BRIDGE_VERSION, "protocol": PROTOCOL_VERSION,
            "python": "%d.%d.%d" % sys.version_info[:3], "executable": sys.executable}}))
        stdout.flush()
        return 0
    from .server import Server
    try:
        Server(samna, stdin, stdout).run()
    except SystemExit:
        pass  # end of input inside a forward pass
    # The stdin reader thread may still sit in read(): a normal interpreter exit would wait
    # for its lock and abort ("could not acquire lock for <stdin> at interpreter shutdown").
    # Everything is flushed and every board closed by now, so leave at once.
    stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
