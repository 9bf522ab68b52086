"""One chip family of the fake samna, built from samna.md: configuration classes with
the nesting, shapes and defaults the spec gives (defaults it calls [G] are marked here),
validate_configuration with rules the spec evidences, event classes, and the fake chip
behind a model that turns input events into output events by a fixed rule (README.md)."""

import json
import os
import types

from ._struct import Struct, xy

# chip.md §3: (kernel, neuron, bias) memory per core.
TABLE9 = [(16384, 65536, 1024)] * 3 + [(32768, 32768, 1024)] * 2 + [(65536, 16384, 1024)] * 2 + [(16384, 16384, 1024)] * 2
TABLE5 = [(16384, 65536, 0), (32768, 32768, 0), (32768, 32768, 0), (65536, 16384, 1024), (16384, 16384, 1024)]


def _log2ceil(n):
    return 0 if n <= 1 else (n - 1).bit_length()


def make_family(name, cores, kill_bits, decimator, readout, root_name):
    Size = xy()

    class Shape(Struct):
        FIELDS = {"size": Size, "feature_count": 0}

    class CNNLayerDimensions(Struct):
        # [G] defaults of an unused core: zeros, stride 1, kernel 1.
        FIELDS = {"input_shape": Shape, "output_shape": Shape, "padding": xy(), "stride": xy(1, 1), "kernel_size": 1}

    class CNNLayerDestination(Struct):
        FIELDS = {"layer": 0, "enable": False, "pooling": 1, "feature_shift": 0}

    fields = {
        "dimensions": CNNLayerDimensions,
        "destinations": ("list", CNNLayerDestination, 2),
        "weights": [],
        "biases": [],
        "leak_enable": False,
        "return_to_zero": False,
        "threshold_high": 0,
        "threshold_low": 0,
        "monitor_enable": False,
        "neurons_initial_value": [],
    }
    if kill_bits:
        fields.update({"weights_kill_bit": [], "biases_kill_bit": [], "neurons_value_kill_bit": []})
    if decimator:
        fields.update({"input_congestion_balancer_enable": False, "leak_internal_slow_clk_enable": False,
                       "output_decimator_enable": False, "output_decimator_interval": 0})
    CnnLayerConfig = type("CnnLayerConfig", (Struct,), {"FIELDS": fields})

    class DvsDestination(Struct):
        FIELDS = {"layer": 0, "enable": False}

    class DvsLayerConfig(Struct):
        FIELDS = {
            "merge": False, "mirror": xy(False, False, bool), "mirror_diagonal": False,
            "cut": xy(127, 127), "origin": xy(), "pooling": xy(1, 1),
            "pass_sensor_events": True,  # [G] samna.md §3.4: sinabs forcing False suggests True
            "destinations": ("list", DvsDestination, 2),
            "monitor_enable": False, "raw_monitor_enable": False, "on_channel": True, "off_channel": True,
        }

    root_fields = {"cnn_layers": ("list", CnnLayerConfig, cores), "dvs_layer": DvsLayerConfig}
    if readout:
        class ReadoutConfig(Struct):
            FIELDS = {"enable": False, "readout_configuration_sel": 0, "output_mode_sel": 0, "low_pass_filter_disable": False,
                      "threshold": 0, "monitor_enable": False, "readout_pin_monitor_enable": False}
        root_fields["readout"] = ReadoutConfig
    Root = type(root_name, (Struct,), {"FIELDS": root_fields})

    table = TABLE9 if cores == 9 else TABLE5

    def validate_configuration(cfg):
        """(ok, message). Rules: weights/biases/states shaped as the dimensions say, values in
        range (8-bit weights, 16-bit states), square kernel <= 16, memory within the core's table
        (samna.md §3.5, chip.md §3-5), destinations to a core or the readout (12)."""
        if not isinstance(cfg, Root):
            return False, "not a %s.configuration.%s" % (name, root_name)
        for c, layer in enumerate(cfg.cnn_layers):
            d = layer.dimensions
            f, w, h = d.output_shape.feature_count, d.output_shape.size.x, d.output_shape.size.y
            if f == 0:
                continue
            cin, k = d.input_shape.feature_count, d.kernel_size
            if k > 16:
                return False, "layer %d: kernel size %d exceeds 16" % (c, k)
            if len(layer.weights) != f or any(len(o) != cin or any(len(r) != k or any(len(col) != k for col in r) for r in o) for o in layer.weights):
                return False, "layer %d: weights do not have the shape [%d][%d][%d][%d]" % (c, f, cin, k, k)
            for o in layer.weights:
                for i in o:
                    for r in i:
                        for v in r:
                            if not -128 <= v <= 127:
                                return False, "layer %d: weight %d outside the 8-bit range" % (c, v)
            if len(layer.biases) != f:
                return False, "layer %d: %d biases for %d output features" % (c, len(layer.biases), f)
            s = layer.neurons_initial_value
            if len(s) != f or any(len(col) != w or any(len(r) != h for r in col) for col in s):
                return False, "layer %d: neurons_initial_value does not have the shape [%d][%d][%d]" % (c, f, w, h)
            kernel = cin * (1 << (_log2ceil(k * k) + _log2ceil(f)))
            neuron = f * (1 << (_log2ceil(h) + _log2ceil(w)))
            kmax, nmax, bmax = table[c]
            if kernel > kmax:
                return False, "layer %d: kernel memory %d exceeds %d" % (c, kernel, kmax)
            if neuron > nmax:
                return False, "layer %d: neuron memory %d exceeds %d" % (c, neuron, nmax)
            if any(layer.biases) and bmax == 0:
                return False, "layer %d: this core has no bias memory" % c
            for j, dest in enumerate(layer.destinations):
                if dest.enable and not (0 <= dest.layer < cores or dest.layer == 12):
                    return False, "layer %d: destination %d targets layer %d" % (c, j, dest.layer)
        return True, ""

    class Spike:
        def __init__(self, timestamp=0, layer=0, x=0, y=0, feature=0):
            self.timestamp, self.layer, self.x, self.y, self.feature = timestamp, layer, x, y, feature

        def __repr__(self):
            return "Spike(layer=%s, feature=%s, x=%s, y=%s, timestamp=%s)" % (self.layer, self.feature, self.x, self.y, self.timestamp)

    class DvsEvent:
        def __init__(self, x=0, y=0, p=False, timestamp=0):
            self.x, self.y, self.p, self.timestamp = x, y, p, timestamp

    class ReadNeuronValue:
        def __init__(self, layer=0, address=0):
            self.layer, self.address = layer, address

    class WriteNeuronValue:
        def __init__(self, layer=0, address=0, neuron_state=0):
            self.layer, self.address, self.neuron_state = layer, address, neuron_state

    class NeuronValue:
        def __init__(self, layer=0, address=0, neuron_state=0, timestamp=0):
            self.layer, self.address, self.neuron_state, self.timestamp = layer, address, neuron_state, timestamp

    mod = types.ModuleType("samna." + name)
    mod.configuration = types.ModuleType("samna.%s.configuration" % name)
    setattr(mod.configuration, root_name, Root)
    mod.configuration.CnnLayerConfig = CnnLayerConfig
    mod.configuration.DvsLayerConfig = DvsLayerConfig
    mod.validate_configuration = validate_configuration
    mod.event = types.ModuleType("samna.%s.event" % name)
    for cls in (Spike, DvsEvent, ReadNeuronValue, WriteNeuronValue, NeuronValue):
        setattr(mod.event, cls.__name__, cls)
    mod.Root = Root
    return mod


class FakeChip:
    """The deterministic stand-in for a chip (README.md, "the chip rule"):
    - a Spike into core c (c holding a layer) gives, for every monitored core m, one
      Spike(layer=m, feature=feature % F_m, x=x % W_m, y=y % H_m, timestamp=same);
    - a DvsEvent gives Spike(layer=13, feature=p, x, y) when dvs_layer.monitor_enable, and
      the same per-monitored-core Spikes as above with feature = p;
    - ReadNeuronValue(layer=c, address=a) answers NeuronValue(layer=c, address=a,
      neuron_state = number of events core c received since the configuration was applied);
    - anything sent while no configuration is applied is dropped."""

    def __init__(self, family):
        self.family = family
        self.config = None
        self.received = {}
        self.listeners = []

    def apply(self, cfg):
        self.config = cfg
        self.received = {}

    def receive(self, events):
        cfg = self.config
        if cfg is None:
            return
        ev = self.family.event
        out = []
        monitored = [(c, l.dimensions.output_shape) for c, l in enumerate(cfg.cnn_layers) if l.monitor_enable and l.dimensions.output_shape.feature_count > 0]
        for e in events:
            if isinstance(e, ev.ReadNeuronValue):
                out.append(ev.NeuronValue(layer=e.layer, address=e.address, neuron_state=self.received.get(int(e.layer), 0)))
                continue
            if isinstance(e, ev.DvsEvent):
                feature = int(bool(e.p))
                if cfg.dvs_layer.monitor_enable:
                    out.append(ev.Spike(layer=13, feature=feature, x=e.x, y=e.y, timestamp=e.timestamp))
                for d in cfg.dvs_layer.destinations:
                    if d.enable:
                        self.received[d.layer] = self.received.get(d.layer, 0) + 1
            elif isinstance(e, ev.Spike):
                feature = int(e.feature)
                self.received[int(e.layer)] = self.received.get(int(e.layer), 0) + 1
            else:
                continue
            for m, shape in monitored:
                out.append(ev.Spike(layer=m, feature=feature % shape.feature_count, x=int(e.x) % shape.size.x, y=int(e.y) % shape.size.y, timestamp=int(e.timestamp)))
        if out:
            for listener in self.listeners:
                listener(out)


def record(device, cfg):
    """Writes each applied configuration to $FAKE_SAMNA_RECORD/<serial>-<n>.json for the tests."""
    folder = os.environ.get("FAKE_SAMNA_RECORD")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    n = len([f for f in os.listdir(folder) if f.startswith(device.serial_number + "-")])
    with open(os.path.join(folder, "%s-%d.json" % (device.serial_number, n)), "w") as fh:
        json.dump(cfg.to_dict(), fh)


def record_opener(info):
    """Writes the id of the process that opened a board to $FAKE_SAMNA_RECORD/<serial>.pid
    (tests end or stop exactly that process: a bridge killed or hung mid-run)."""
    folder = os.environ.get("FAKE_SAMNA_RECORD")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "%s.pid" % info.serial_number), "w") as fh:
        fh.write(str(os.getpid()))
