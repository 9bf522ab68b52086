"""A fake `samna` for the workbench's tests, written from /work/shared/spec/samna.md (the
API surface sinabs uses). NOT SynSense's samna and not evidence of how a board behaves:
see ../README.md for what it models, the chip rule and the knobs."""

import json
import os
import time
import types

from . import _chip

__version__ = "0.0.0+fake"

# ---- families (samna.md §1, §15) -------------------------------------------------------

speck2f = _chip.make_family("speck2f", 9, kill_bits=False, decimator=True, readout=True, root_name="SpeckConfiguration")
speck2e = _chip.make_family("speck2e", 9, kill_bits=False, decimator=True, readout=True, root_name="SpeckConfiguration")
dynapcnn = _chip.make_family("dynapcnn", 9, kill_bits=True, decimator=False, readout=False, root_name="DynapcnnConfiguration")
speck2 = _chip.make_family("speck2", 9, kill_bits=True, decimator=False, readout=False, root_name="SpeckConfiguration")
speck2b = _chip.make_family("speck2b", 9, kill_bits=True, decimator=False, readout=False, root_name="SpeckConfiguration")
speck2cMini = _chip.make_family("speck2cMini", 5, kill_bits=False, decimator=False, readout=False, root_name="SpeckConfiguration")
speck2dMini = _chip.make_family("speck2dMini", 5, kill_bits=False, decimator=False, readout=False, root_name="SpeckConfiguration")

FAMILY_OF_TYPE = {
    "Speck2fDevKit": speck2f, "Speck2fModuleDevKit": speck2f, "Speck2eDevKit": speck2e, "Speck2eTestBoard": speck2e,
    "DynapcnnDevKit": dynapcnn, "Speck2bTestboard": speck2b, "Speck2bDevKitTiny": speck2b, "Speck2DevKit": speck2,
}

# ---- knobs -----------------------------------------------------------------------------


def _state():
    """The board list and knobs: JSON from the file named by $FAKE_SAMNA_DEVICES (re-read on
    every call, so a test plugs and unplugs boards by rewriting it)."""
    path = os.environ.get("FAKE_SAMNA_DEVICES")
    if not path or not os.path.exists(path):
        return {"devices": [], "knobs": {}}
    with open(path) as fh:
        data = json.load(fh)
    data.setdefault("devices", [])
    data.setdefault("knobs", {})
    return data


def _knob(point):
    knobs = _state()["knobs"]
    if knobs.get("hang") == point:
        time.sleep(3600)
    if knobs.get("die") == point:
        os._exit(17)


# ---- devices (samna.md §2) ---------------------------------------------------------------


class DeviceInfo:
    def __init__(self, device_type_name, serial_number="", usb_bus_number=0, usb_device_address=0, logic_version=0):
        self.device_type_name = device_type_name
        self.serial_number = serial_number
        self.usb_bus_number = usb_bus_number
        self.usb_device_address = usb_device_address
        self.logic_version = logic_version

    def key(self):
        return (self.usb_bus_number, self.usb_device_address)

    def __repr__(self):
        return "device::DeviceInfo(serial_number=%s, usb_bus_number=%d, usb_device_address=%d, logic_version=%d, device_type_name=%s)" % (
            self.serial_number, self.usb_bus_number, self.usb_device_address, self.logic_version, self.device_type_name)


class _Node:
    """Base of graph nodes: `downstream` is set by a started graph."""

    def __init__(self):
        self.downstream = []

    def receive(self, events):
        pass


class _ModelSinkNode(_Node):
    """Events written here go to the chip."""

    def __init__(self, chip):
        super().__init__()
        self.chip = chip

    def receive(self, events):
        self.chip.receive(events)


class _ModelSourceNode(_Node):
    """Broadcasts what the chip produces."""

    def __init__(self, chip):
        super().__init__()
        chip.listeners.append(self.broadcast)

    def broadcast(self, events):
        for d in self.downstream:
            d.receive(list(events))


class Model:
    def __init__(self, device):
        self.device = device
        self.chip = _chip.FakeChip(device.family)
        self.sink_node = _ModelSinkNode(self.chip)
        self.source_node = _ModelSourceNode(self.chip)
        self.applied = None

    def apply_configuration(self, cfg):
        _knob("apply")
        ok, message = self.device.family.validate_configuration(cfg)
        if not ok:
            raise RuntimeError("illegal configuration: " + message)
        # samna keeps a copy of the last applied configuration (models.html).
        self.applied = self.device.family.Root()
        copy_into(self.applied, cfg)
        self.chip.apply(self.applied)
        _chip.record(self.device, cfg)

    def get_configuration(self):
        return self.applied

    def get_sink_node(self):
        return self.sink_node

    def get_source_node(self):
        return self.source_node


def copy_into(dst, src):
    for name in type(src).FIELDS:
        v = getattr(src, name)
        if isinstance(v, _chip.Struct):
            copy_into(getattr(dst, name), v)
        elif isinstance(v, list) and v and isinstance(v[0], _chip.Struct):
            for a, b in zip(getattr(dst, name), v):
                copy_into(a, b)
        else:
            object.__setattr__(dst, name, json.loads(json.dumps(v)) if isinstance(v, list) else v)


class IoModule:
    def __init__(self):
        self.slow_clk = False
        self.slow_clk_rate = None
        self.registers = {}

    def set_slow_clk(self, on):
        self.slow_clk = bool(on)

    def set_slow_clk_rate(self, hz):
        self.slow_clk_rate = hz

    def write_config(self, address, value):
        self.registers[address] = value


class StopWatch:
    def __init__(self):
        self.running = False

    def start(self):
        self.running = True

    def stop(self):
        self.running = False

    def reset(self):
        pass

    def set_enable_value(self, on):
        self.running = bool(on)


class DeviceHandle:
    def __init__(self, info):
        self.info = info
        self.serial_number = info.serial_number
        self.family = FAMILY_OF_TYPE.get(info.device_type_name, speck2f)
        self.model = Model(self)
        self.io = IoModule()
        self.stop_watch = StopWatch()
        self.closed = False

    def get_model(self):
        return self.model

    def get_io_module(self):
        return self.io

    def get_stop_watch(self):
        return self.stop_watch

    def get_model_source_node(self):
        return self.model.source_node

    def get_model_sink_node(self):
        return self.model.sink_node

    def reset_board_soft(self, flag=True):
        self.model.applied = None
        self.model.chip.apply(None)


_opened = {}


def _get_all_devices():
    _knob("list")
    return [DeviceInfo(d["device_type_name"], d.get("serial_number", ""), d.get("usb_bus_number", 0), d.get("usb_device_address", 0), d.get("logic_version", 0))
            for d in _state()["devices"]]


def _open_device(info, default_config=None):
    _knob("open")
    listed = {i.key(): i for i in _get_all_devices()}
    if isinstance(info, str):
        name, _, index = info.partition(":")
        same = [i for i in listed.values() if i.device_type_name == name]
        if not same:
            raise RuntimeError("no devices are available")
        info = same[int(index or 0)] if index else same[0]
    if info.key() not in listed:
        raise RuntimeError("no devices are available")
    handle = _opened.get(info.key())
    if handle is None or handle.closed:
        handle = DeviceHandle(info)
        _opened[info.key()] = handle
        _chip.record_opener(info)
    return handle


def _close_device(handle):
    handle.closed = True
    _opened.pop(handle.info.key(), None)


device = types.ModuleType("samna.device")
device.DeviceInfo = DeviceInfo
device.get_all_devices = _get_all_devices
device.get_unopened_devices = lambda: [i for i in _get_all_devices() if i.key() not in _opened]
device.get_opened_devices = lambda: [h.info for h in _opened.values()]
device.open_device = _open_device
device.close_device = _close_device

# ---- graph and buffer nodes (samna.md §1, §5) -------------------------------------------


class EventFilterGraph:
    def __init__(self):
        self.chain = []
        self.started = False

    def sequential(self, nodes):
        self.chain = list(nodes)
        return self.chain

    def start(self):
        for a, b in zip(self.chain, self.chain[1:]):
            if b not in a.downstream:
                a.downstream.append(b)
        self.started = True
        return True

    def stop(self):
        for a, b in zip(self.chain, self.chain[1:]):
            if b in a.downstream:
                a.downstream.remove(b)
        self.started = False
        return True


graph = types.ModuleType("samna.graph")
graph.EventFilterGraph = EventFilterGraph


def _sequential(nodes):
    g = EventFilterGraph()
    g.sequential(nodes)
    return g


graph.sequential = _sequential

_written = [0]


class _BasicSourceNode(_Node):
    def write(self, events):
        if not isinstance(events, list):
            raise TypeError("write() takes a list of events")
        _knob("write")
        after = _state()["knobs"].get("dieAfterEvents")
        _written[0] += len(events)
        if after is not None and _written[0] >= after:
            os._exit(17)
        for d in self.downstream:
            d.receive(events)


class _BasicSinkNode(_Node):
    def __init__(self):
        super().__init__()
        self.buffer = []

    def receive(self, events):
        self.buffer.extend(events)

    def get_events(self):
        out, self.buffer = self.buffer, []
        return out


for _chip_name, _source_suffix in (("speck2f", "input_event"), ("speck2e", "speck2e_input_event"), ("dynapcnn", "input_event"),
                                   ("speck2", "input_event"), ("speck2b", "input_event"), ("speck2c_mini", "input_event"),
                                   ("speck2d_mini", "input_event")):
    globals()["BasicSourceNode_%s_event_%s" % (_chip_name, _source_suffix)] = type("BasicSourceNode_%s_event_%s" % (_chip_name, _source_suffix), (_BasicSourceNode,), {})
    globals()["BasicSinkNode_%s_event_output_event" % _chip_name] = type("BasicSinkNode_%s_event_output_event" % _chip_name, (_BasicSinkNode,), {})
