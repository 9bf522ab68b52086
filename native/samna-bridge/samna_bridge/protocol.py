"""Frames between the workbench and the bridge.

Frame = u32 little-endian body length, then the body; body = one kind byte, then:
  'J' (0x4A): a UTF-8 JSON object (control messages: requests, replies, progress);
  'B' (0x42): u32 request id, u32 flags (bit 0: last batch of the stream), then one
              spike batch in the workbench's packed layout (main/sim/spike-batch.ts):
              columns t (f64) | x (u16) | y (u16) | channel (u16) | layer (u8), each
              `n` long, little-endian, 15 bytes per event.
Bodies longer than MAX_FRAME_BYTES are refused (the reader discards them and says so).
This module knows nothing of samna."""

import json
import struct
import sys
from array import array

KIND_JSON = 0x4A
KIND_BATCH = 0x42
MAX_FRAME_BYTES = 64 * 1024 * 1024
BYTES_PER_EVENT = 15
FLAG_LAST = 1

_LITTLE = sys.byteorder == "little"


class FrameError(Exception):
    """A frame that could not be read; `kind` says how it was wrong."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


class Batch:
    """Columns of one spike batch as `array` objects (no numpy)."""

    __slots__ = ("t", "x", "y", "channel", "layer")

    def __init__(self, t, x, y, channel, layer):
        self.t, self.x, self.y, self.channel, self.layer = t, x, y, channel, layer

    def __len__(self):
        return len(self.t)

    @staticmethod
    def empty():
        return Batch(array("d"), array("H"), array("H"), array("H"), array("B"))


def unpack_batch(payload):
    if len(payload) % BYTES_PER_EVENT != 0:
        raise FrameError("bad-batch", "packed spike batch of %d bytes is not a multiple of %d" % (len(payload), BYTES_PER_EVENT))
    n = len(payload) // BYTES_PER_EVENT
    mv = memoryview(payload)
    cols = []
    offset = 0
    for code, size in (("d", 8), ("H", 2), ("H", 2), ("H", 2), ("B", 1)):
        a = array(code)
        a.frombytes(mv[offset : offset + n * size])
        if not _LITTLE and size > 1:
            a.byteswap()
        cols.append(a)
        offset += n * size
    return Batch(*cols)


def pack_batch(batch):
    parts = []
    for a in (batch.t, batch.x, batch.y, batch.channel, batch.layer):
        if not _LITTLE and a.itemsize > 1:
            a = array(a.typecode, a)
            a.byteswap()
        parts.append(a.tobytes())
    return b"".join(parts)


def encode_json(message):
    body = b"J" + json.dumps(message, separators=(",", ":")).encode("utf-8")
    return struct.pack("<I", len(body)) + body


def encode_batch(request_id, batch, last=False):
    payload = pack_batch(batch)
    body = bytes([KIND_BATCH]) + struct.pack("<II", request_id, FLAG_LAST if last else 0) + payload
    return struct.pack("<I", len(body)) + body


def _read_exact(stream, n):
    chunks = []
    left = n
    while left > 0:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(stream):
    """The next frame as ("json", dict) or ("batch", (id, last, Batch)); None at end of input.
    Raises FrameError for a frame that is wrong but skipped (the stream stays in step)."""
    head = _read_exact(stream, 4)
    if head is None:
        return None
    (length,) = struct.unpack("<I", head)
    if length > MAX_FRAME_BYTES:
        left = length
        while left > 0:
            chunk = stream.read(min(left, 1 << 20))
            if not chunk:
                return None
            left -= len(chunk)
        raise FrameError("frame-too-large", "a frame of %d bytes exceeds the limit of %d bytes; it was discarded" % (length, MAX_FRAME_BYTES))
    if length == 0:
        raise FrameError("bad-frame", "an empty frame (no kind byte)")
    body = _read_exact(stream, length)
    if body is None:
        return None
    kind = body[0]
    if kind == KIND_JSON:
        try:
            message = json.loads(body[1:].decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise FrameError("bad-json", "a control frame is not valid JSON (%s)" % e)
        if not isinstance(message, dict):
            raise FrameError("bad-json", "a control frame must hold a JSON object")
        return ("json", message)
    if kind == KIND_BATCH:
        if length < 9:
            raise FrameError("bad-batch", "a batch frame of %d bytes is shorter than its 9-byte header" % length)
        request_id, flags = struct.unpack("<II", body[1:9])
        return ("batch", (request_id, bool(flags & FLAG_LAST), unpack_batch(body[9:])))
    raise FrameError("bad-kind", "unknown frame kind 0x%02x (expected 0x4a JSON or 0x42 batch)" % kind)
