"""The bridge's request loop: one reader thread turns stdin into frames on a queue; the
main thread answers requests in order and streams forward passes (events in through the
source node, monitored events out of the sink node). Every failure becomes a typed error
reply {"id", "ok": false, "error": {"type", "message"}}; the loop itself only ends when
stdin closes or a "shutdown" request comes."""

import math
import queue
import sys
import threading
import time
import traceback
from array import array

from . import BRIDGE_VERSION, PROTOCOL_VERSION
from .config_walk import ConfigError, build_configuration
from .families import FAMILIES
from .protocol import FrameError, Batch, encode_batch, encode_json, read_frame

LAYER_DVS = 13
OUT_FRAME_EVENTS = 65536


class BridgeError(Exception):
    def __init__(self, kind, message, **data):
        super().__init__(message)
        self.kind = kind
        self.data = data


class Output:
    """Frames to stdout; one lock so progress and replies never interleave."""

    def __init__(self, stream):
        self.stream = stream
        self.lock = threading.Lock()

    def send(self, data):
        with self.lock:
            self.stream.write(data)
            self.stream.flush()

    def json(self, message):
        self.send(encode_json(message))

    def reply(self, rid, result):
        self.json({"id": rid, "ok": True, "result": result})

    def error(self, rid, kind, message, **data):
        err = {"type": kind, "message": message}
        err.update(data)
        self.json({"id": rid, "ok": False, "error": err})


def reader(stream, q):
    while True:
        try:
            frame = read_frame(stream)
        except FrameError as e:
            q.put(("bad", e))
            continue
        except Exception as e:  # stdin broke: treat as end of input
            q.put(("bad", FrameError("read-failed", str(e))))
            frame = None
        if frame is None:
            q.put(None)
            return
        q.put(frame)


class OpenDevice:
    def __init__(self, device_id, info, handle, fam):
        self.id = device_id
        self.info = info
        self.handle = handle
        self.fam = fam
        self.config = None
        self.config_json = None
        self.source = None
        self.sink = None
        self.graphs = []


def device_type_key(type_name):
    return TYPE_NAMES.get(type_name)


# samna device_type_name -> the workbench's type key (samna.md §2.1); only types with a family can be opened.
TYPE_NAMES = {
    "Speck2eTestBoard": "speck2e",
    "Speck2eDevKit": "speck2edevkit",
    "Speck2fModuleDevKit": "speck2fmodule",
    "Speck2fDevKit": "speck2fdevkit",
    "Speck2bTestboard": "speck2b",
    "Speck2bDevKitTiny": "speck2btiny",
    "DynapcnnDevKit": "dynapcnndevkit",
    "Speck2DevKit": "speck2devkit",
    "speck": "speck",
    "Davis 346": "davis346",
    "Davis 240": "davis240",
    "DVXplorer": "dvxplorer",
    "DYNAP-SE2 DevBoard": "dynapse2",
    "DYNAP-SE2 Stack": "dynapse2_stack",
    "Dynapse1DevKit": "dynapse1devkit",
    "PollenDevKit": "pollendevkit",
}
TYPE_FAMILY = {
    "speck2e": "speck2e", "speck2edevkit": "speck2e", "speck2fmodule": "speck2f", "speck2fdevkit": "speck2f",
    "speck2b": "speck2b", "speck2btiny": "speck2b", "dynapcnndevkit": "dynapcnn",
}


class Server:
    def __init__(self, samna, stdin, stdout):
        self.samna = samna
        self.out = Output(stdout)
        self.q = queue.Queue()
        self.stdin = stdin
        self.open = {}

    # ---- discovery -------------------------------------------------------------------

    def infos(self):
        rows = []
        for info in self.samna.device.get_all_devices():
            rows.append((info, {
                "typeName": str(info.device_type_name),
                "type": device_type_key(str(info.device_type_name)),
                "serial": str(getattr(info, "serial_number", "")),
                "bus": int(getattr(info, "usb_bus_number", 0)),
                "address": int(info.usb_device_address),
                "logicVersion": int(getattr(info, "logic_version", 0)),
            }))
        # TYPE:INDEX as sinabs numbers them (rank by USB address within the type), grouping
        # every device of a type (sinabs' consecutive-run groupby loses boards; samna.md §2.2).
        by_type = {}
        for info, row in rows:
            if row["type"]:
                by_type.setdefault(row["type"], []).append(row)
        for group in by_type.values():
            group.sort(key=lambda r: (r["bus"], r["address"]))
            for i, r in enumerate(group):
                r["samnaIndex"] = i
        return rows

    def op_list(self, req):
        return {"devices": [row for _, row in self.infos()]}

    def find(self, req):
        bus, address = int(req["bus"]), int(req["address"])
        for info, row in self.infos():
            if row["bus"] == bus and row["address"] == address:
                return info, row
        raise BridgeError("not-found", "no samna device at USB bus %d, address %d: make sure it is connected (samna lists: %s)" % (
            bus, address, ", ".join("%s@%d-%d" % (r["typeName"], r["bus"], r["address"]) for _, r in self.infos()) or "nothing"))

    def op_open(self, req):
        device_id = req["device"]
        if device_id in self.open:
            return {"device": device_id, "reopened": True}
        info, row = self.find(req)
        fam_key = TYPE_FAMILY.get(row["type"] or "")
        if fam_key is None:
            raise BridgeError("not-deployable", "%s (%s) is not a chip the workbench can configure" % (device_id, row["typeName"]))
        try:
            handle = self.samna.device.open_device(info)
        except Exception as e:
            raise BridgeError("open-failed", "samna could not open %s: %s (is it open in another program? samna opens a board in one process only)" % (device_id, e))
        if handle is None:
            raise BridgeError("open-failed", "The connection to the device cannot be established (samna returned no handle for %s)" % device_id)
        self.open[device_id] = OpenDevice(device_id, info, handle, FAMILIES[fam_key])
        return {"device": device_id, "serial": row["serial"], "family": fam_key}

    def dev(self, req):
        d = self.open.get(req.get("device"))
        if d is None:
            raise BridgeError("not-open", "device %s is not open in the bridge" % req.get("device"))
        return d

    def op_close(self, req):
        d = self.open.pop(req.get("device"), None)
        if d is None:
            return {"closed": False}
        for g in d.graphs:
            try:
                g.stop()
            except Exception:
                pass
        self.samna.device.close_device(d.handle)
        return {"closed": True}

    # ---- configuration ---------------------------------------------------------------

    def module(self, fam):
        mod = getattr(self.samna, fam.module, None)
        if mod is None:
            raise BridgeError("family-missing", "this samna (%s) has no module samna.%s" % (version_of(self.samna), fam.module))
        return mod

    def op_apply(self, req):
        d = self.dev(req)
        mod = self.module(d.fam)
        try:
            cfg, summary = build_configuration(mod, d.fam, req["config"])
        except ConfigError as e:
            raise BridgeError("config-rejected", str(e), path=e.path)
        ok, message = mod.validate_configuration(cfg)
        if not ok:
            raise BridgeError("config-invalid", "samna's validate_configuration refused the configuration: %s" % (message or "(no message)"), samnaMessage=str(message))
        model = d.handle.get_model()
        model.apply_configuration(cfg)
        time.sleep(float(req.get("settleS", 1.0)))
        hz = req.get("slowClockHz")
        if hz is not None:
            io = d.handle.get_io_module()
            io.set_slow_clk_rate(int(hz))
            io.set_slow_clk(True)
        if d.source is None:
            d.source = getattr(self.samna, d.fam.source_class)()
            d.sink = getattr(self.samna, d.fam.sink_class)()
            g_in = self.samna.graph.EventFilterGraph()
            g_in.sequential([d.source, model.get_sink_node()])
            g_out = self.samna.graph.EventFilterGraph()
            g_out.sequential([model.get_source_node(), d.sink])
            g_in.start()
            g_out.start()
            d.graphs = [g_in, g_out]
        d.config = cfg
        d.config_json = req["config"]
        summary["validation"] = str(message or "")
        return summary

    def op_reset_states(self, req):
        d = self.configured(req)
        # sinabs' reset_states: every used core's neurons_initial_value to zeros, re-apply, wait (samna.md §9).
        for layer in d.config.cnn_layers:
            shape = []
            v = layer.neurons_initial_value
            while isinstance(v, list):
                shape.append(len(v))
                v = v[0] if v else None
            if shape:
                layer.neurons_initial_value = zeros(shape)
        d.handle.get_model().apply_configuration(d.config)
        time.sleep(float(req.get("settleS", 1.0)))
        return {}

    def op_reset(self, req):
        d = self.dev(req)
        d.handle.reset_board_soft(True)
        d.config = None
        d.config_json = None
        return {}

    def configured(self, req):
        d = self.dev(req)
        if d.config is None:
            raise BridgeError("not-configured", "device %s has no configuration: apply one first" % d.id)
        return d

    # ---- events ----------------------------------------------------------------------

    def event_module(self, d):
        return self.module(d.fam).event

    def to_events(self, ev_mod, batch, t0):
        # One keyword construction per event (samna.md section 6), no per-event branching:
        # this loop is what limits the bridge's input rate.
        Spike, DvsEvent = ev_mod.Spike, ev_mod.DvsEvent
        t, x, y, ch, layer = batch.t, batch.x, batch.y, batch.channel, batch.layer
        if LAYER_DVS not in layer:
            return [Spike(timestamp=int(ti - t0), layer=li, x=xi, y=yi, feature=ci) for ti, xi, yi, ci, li in zip(t, x, y, ch, layer)]
        return [
            DvsEvent(x=xi, y=yi, p=bool(ci), timestamp=int(ti - t0)) if li == LAYER_DVS else Spike(timestamp=int(ti - t0), layer=li, x=xi, y=yi, feature=ci)
            for ti, xi, yi, ci, li in zip(t, x, y, ch, layer)
        ]

    def from_events(self, events, t0, ignored):
        # One list comprehension per column (about 2-3x the rate of appending field by
        # field per event): the output side must keep up with a busy board.
        spikes = [e for e in events if hasattr(e, "feature")]
        if len(spikes) != len(events):
            for e in events:
                if not hasattr(e, "feature"):
                    ignored[type(e).__name__] = ignored.get(type(e).__name__, 0) + 1
        return Batch(
            array("d", [e.timestamp + t0 for e in spikes]),
            array("H", [e.x for e in spikes]),
            array("H", [e.y for e in spikes]),
            array("H", [e.feature for e in spikes]),
            array("B", [e.layer for e in spikes]),
        )

    def stop_watch(self, d, on):
        h, style = d.handle, d.fam.stop_watch
        if style == "register":
            h.get_io_module().write_config(0x0003, 1 if on else 0)
            return
        sw = h.get_stop_watch()
        if style == "start-stop":
            if on:
                sw.reset()
                sw.start()
            else:
                sw.stop()
        else:
            if on:
                sw.set_enable_value(True)
                sw.reset()
            else:
                sw.set_enable_value(False)

    def op_forward(self, req):
        """Streams: input batch frames with this request's id until one marked last;
        output batch frames back; progress messages twice a second; the reply at the end."""
        rid = req["id"]
        d = self.configured(req)
        ev_mod = self.event_module(d)
        quiet_s = float(req.get("quietMs", 100)) / 1000.0
        poll_s = float(req.get("pollMs", 100)) / 1000.0
        d.sink.get_events()  # flush what came before (sinabs hw_forward)
        self.stop_watch(d, True)
        started = time.monotonic()
        t0 = None
        last_t = None
        events_in = events_out = 0
        input_done = False
        cancelled = False
        ignored = {}
        quiet_since = None
        next_progress = started + 0.5
        deferred = []
        # Seconds per phase, so a benchmark can tell samna's calls from the bridge's own work.
        spent = {"convertIn": 0.0, "write": 0.0, "read": 0.0, "convertOut": 0.0, "send": 0.0}
        clock = time.perf_counter
        while True:
            timeout = 0 if not input_done else poll_s
            try:
                frame = self.q.get(timeout=timeout) if timeout > 0 else self.q.get(timeout=0.01)
            except queue.Empty:
                frame = "none"
            if frame is None:
                raise SystemExit(0)
            if frame != "none":
                kind, body = frame
                if kind == "batch" and body[0] == rid:
                    _, last, batch = body
                    if len(batch) > 0:
                        if t0 is None:
                            t0 = batch.t[0]
                        last_t = batch.t[len(batch) - 1]
                        c0 = clock()
                        events = self.to_events(ev_mod, batch, t0)
                        c1 = clock()
                        d.source.write(events)
                        spent["convertIn"] += c1 - c0
                        spent["write"] += clock() - c1
                        events_in += len(batch)
                    if last:
                        input_done = True
                        input_done_at = time.monotonic()
                elif kind == "json" and body.get("op") == "cancel" and body.get("target") == rid:
                    cancelled = True
                elif kind == "json":
                    deferred.append(body)
                elif kind == "bad":
                    self.out.error(None, body.kind, str(body))
            c0 = clock()
            out_events = d.sink.get_events()
            c1 = clock()
            spent["read"] += c1 - c0
            if out_events:
                b = self.from_events(out_events, t0 or 0, ignored)
                c2 = clock()
                for s in range(0, len(b), OUT_FRAME_EVENTS):
                    part = Batch(b.t[s:s + OUT_FRAME_EVENTS], b.x[s:s + OUT_FRAME_EVENTS], b.y[s:s + OUT_FRAME_EVENTS], b.channel[s:s + OUT_FRAME_EVENTS], b.layer[s:s + OUT_FRAME_EVENTS])
                    self.out.send(encode_batch(rid, part))
                spent["convertOut"] += c2 - c1
                spent["send"] += clock() - c2
                events_out += len(b)
                quiet_since = None
            now = time.monotonic()
            if now >= next_progress:
                self.out.json({"id": rid, "progress": {"eventsIn": events_in, "eventsOut": events_out, "timeUs": float(last_t or 0)}})
                next_progress = now + 0.5
            if cancelled:
                break
            if input_done:
                # The board replays input by timestamp: wait until the last input's time has
                # passed on the stop watch, then until a poll brings nothing new (samna.md §7).
                replay_s = ((last_t - t0) / 1e6) if t0 is not None else 0.0
                if now - started < replay_s:
                    continue
                if not out_events:
                    if quiet_since is None:
                        quiet_since = now
                    if now - quiet_since >= quiet_s:
                        break
        self.stop_watch(d, False)
        for body in deferred:
            self.q.put(("json", body))
        return {"eventsIn": events_in, "eventsOut": events_out, "cancelled": cancelled, "ignored": ignored, "seconds": spent}

    def op_read_neuron(self, req):
        d = self.configured(req)
        ev_mod = self.event_module(d)
        core, address = int(req["core"]), int(req["address"])
        e = ev_mod.ReadNeuronValue()
        e.layer = core
        e.address = address
        d.sink.get_events()
        d.source.write([e])
        deadline = time.monotonic() + float(req.get("answerMs", 2000)) / 1000.0
        while time.monotonic() < deadline:
            for ev in d.sink.get_events():
                if hasattr(ev, "neuron_state") and int(ev.layer) == core and int(ev.address) == address:
                    return {"state": int(ev.neuron_state)}
            time.sleep(0.005)
        raise BridgeError("no-answer", "the chip did not answer ReadNeuronValue(layer=%d, address=%d) within %s ms" % (core, address, req.get("answerMs", 2000)))

    # ---- loop ------------------------------------------------------------------------

    def hello(self):
        return {"op": "hello", "bridge": BRIDGE_VERSION, "protocol": PROTOCOL_VERSION, "samna": version_of(self.samna),
                "python": "%d.%d.%d" % sys.version_info[:3], "executable": sys.executable}

    def run(self):
        self.out.json({"id": 0, "ok": True, "result": self.hello()})
        threading.Thread(target=reader, args=(self.stdin, self.q), daemon=True).start()
        ops = {"list": self.op_list, "open": self.op_open, "close": self.op_close, "apply": self.op_apply,
               "forward": self.op_forward, "read_neuron": self.op_read_neuron, "reset_states": self.op_reset_states,
               "reset": self.op_reset}
        try:
            self.loop(ops)
        finally:
            self.close_all()

    def close_all(self):
        """Closes every board still open (end of input or shutdown): stop graphs, close_device."""
        for device_id in list(self.open):
            try:
                self.op_close({"device": device_id})
            except Exception as e:
                sys.stderr.write("closing %s at shutdown failed: %s\n" % (device_id, e))

    def loop(self, ops):
        while True:
            frame = self.q.get()
            if frame is None:
                return
            kind, body = frame
            if kind == "bad":
                self.out.error(None, body.kind, str(body))
                continue
            if kind == "batch":
                self.out.error(body[0], "unexpected-batch", "a spike batch for request %d, which is not a running forward pass; ignored" % body[0])
                continue
            rid = body.get("id")
            op = body.get("op")
            if op == "shutdown":
                self.out.reply(rid, {})
                return
            if op == "cancel":
                continue  # the forward it targeted has already ended
            fn = ops.get(op)
            if fn is None:
                self.out.error(rid, "unknown-op", "unknown request %r (known: %s)" % (op, ", ".join(sorted(ops))))
                continue
            try:
                self.out.reply(rid, fn(body))
            except BridgeError as e:
                self.out.error(rid, e.kind, str(e), **e.data)
            except (KeyError, TypeError, ValueError) as e:
                self.out.error(rid, "bad-request", "request %s is malformed or samna refused a value: %s: %s" % (op, type(e).__name__, e))
            except Exception as e:
                self.out.error(rid, "samna-error", "%s failed in samna: %s: %s" % (op, type(e).__name__, e), trace=traceback.format_exc(limit=3))


def zeros(shape):
    if len(shape) == 1:
        return [0] * shape[0]
    return [zeros(shape[1:]) for _ in range(shape[0])]


def version_of(samna):
    return str(getattr(samna, "__version__", "unknown"))
