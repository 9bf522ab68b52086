"""The workbench's chip configuration JSON (main/chips/chip-config-json.ts) walked into
samna's configuration object of its family, the way sinabs fills it (samna.md §3, §16):
only cores that hold a layer are written, in sinabs' order; flat arrays are reshaped to
samna's nesting (weights [out][in][kx][ky], states [f][x][y]); fields sinabs never
writes are written only when they differ from the workbench's defaults. It does not
validate or apply (server.py does) and imports samna only through the module passed in."""


class ConfigError(Exception):
    """The configuration JSON does not fit what the family's configuration object expects."""

    def __init__(self, message, path):
        super().__init__("%s (at %s)" % (message, path))
        self.path = path


def reshape(flat, dims, path):
    total = 1
    for d in dims:
        total *= d
    if len(flat) != total:
        raise ConfigError("%d values where the dimensions need %s = %d" % (len(flat), "x".join(str(d) for d in dims), total), path)

    def build(offset, level):
        n = dims[level]
        if level == len(dims) - 1:
            return list(flat[offset : offset + n])
        step = 1
        for d in dims[level + 1 :]:
            step *= d
        return [build(offset + i * step, level + 1) for i in range(n)]

    return build(0, 0) if dims else []


def core_used(layer):
    o = layer["dimensions"]["output_shape"]
    return o["feature_count"] > 0 and o["size"]["x"] > 0 and o["size"]["y"] > 0


def _set(obj, name, value, path):
    try:
        setattr(obj, name, value)
    except AttributeError:
        raise ConfigError("samna's %s has no attribute %s" % (type(obj).__name__, name), path)
    except (TypeError, ValueError) as e:
        raise ConfigError("samna refused %r for %s: %s" % (value, name, e), path)


def walk_core(fam, chip_layer, j, c):
    p = "cnn_layers[%d]" % c
    d = j["dimensions"]
    f_out = d["output_shape"]["feature_count"]
    f_in = d["input_shape"]["feature_count"]
    k = d["kernel_size"]
    w_out, h_out = d["output_shape"]["size"]["x"], d["output_shape"]["size"]["y"]
    _set(chip_layer, "dimensions", {
        "input_shape": {"size": {"x": d["input_shape"]["size"]["x"], "y": d["input_shape"]["size"]["y"]}, "feature_count": f_in},
        "output_shape": {"size": {"x": w_out, "y": h_out}, "feature_count": f_out},
        "padding": {"x": d["padding"]["x"], "y": d["padding"]["y"]},
        "stride": {"x": d["stride"]["x"], "y": d["stride"]["y"]},
        "kernel_size": k,
    }, p + ".dimensions")
    for s, dest in enumerate(j["destinations"]):
        dp = "%s.destinations[%d]" % (p, s)
        if dest["enable"]:
            slot = chip_layer.destinations[s]
            _set(slot, "layer", int(dest["layer"]), dp)
            _set(slot, "enable", True, dp)
            _set(slot, "pooling", int(dest["pooling"]), dp)
            if dest.get("feature_shift", 0) != 0:
                _set(slot, "feature_shift", int(dest["feature_shift"]), dp)
        elif fam.s2 and s == 0:
            # sinabs v2 writes the chain's end explicitly (S2 dc/chips/dynapcnn.py:221-235).
            _set(chip_layer.destinations[s], "enable", False, dp)
    _set(chip_layer, "weights", reshape(j["weights"], (f_out, f_in, k, k), p + ".weights"), p + ".weights")
    _set(chip_layer, "biases", list(j["biases"]), p + ".biases")
    if fam.kill_bits:
        for name, dims in (("weights_kill_bit", (f_out, f_in, k, k)), ("biases_kill_bit", (f_out,)), ("neurons_value_kill_bit", (f_out, w_out, h_out))):
            flat = j.get(name)
            if flat is None:
                continue
            _set(chip_layer, name, reshape([bool(v) for v in flat], dims, "%s.%s" % (p, name)), "%s.%s" % (p, name))
    _set(chip_layer, "leak_enable", bool(j["leak_enable"]), p)
    _set(chip_layer, "return_to_zero", bool(j["return_to_zero"]), p)
    _set(chip_layer, "threshold_high", int(j["threshold_high"]), p)
    _set(chip_layer, "threshold_low", int(j["threshold_low"]), p)
    _set(chip_layer, "monitor_enable", bool(j["monitor_enable"]), p)
    _set(chip_layer, "neurons_initial_value", reshape(j["neurons_initial_value"], (f_out, w_out, h_out), p + ".neurons_initial_value"), p + ".neurons_initial_value")
    if fam.decimator and j.get("output_decimator_enable"):
        _set(chip_layer, "output_decimator_enable", True, p)
        _set(chip_layer, "output_decimator_interval", int(j["output_decimator_interval"]), p)


def dvs_used(dvs):
    return any(d["enable"] for d in dvs["destinations"]) or dvs["monitor_enable"] or dvs["raw_monitor_enable"]


def walk_dvs(fam, cfg_dvs, dvs):
    p = "dvs_layer"
    _set(cfg_dvs, "pass_sensor_events", False, p)
    if not dvs_used(dvs):
        # Without a DVS layer sinabs v3 writes nothing else; sinabs v2 (the families
        # configured its way) also sets merge for a 1-channel input (S2 dc/dynapcnn_network.py:263-264).
        if fam.s2 and dvs["merge"]:
            _set(cfg_dvs, "merge", True, p)
        return False
    if dvs["merge"]:
        _set(cfg_dvs, "merge", True, p)
    _set(cfg_dvs, "mirror", {"x": bool(dvs["mirror"]["x"]), "y": bool(dvs["mirror"]["y"])}, p)
    _set(cfg_dvs, "mirror_diagonal", bool(dvs["mirror_diagonal"]), p)
    _set(cfg_dvs, "cut", {"x": int(dvs["cut"]["x"]), "y": int(dvs["cut"]["y"])}, p)
    _set(cfg_dvs, "origin", {"x": int(dvs["origin"]["x"]), "y": int(dvs["origin"]["y"])}, p)
    _set(cfg_dvs, "pooling", {"y": int(dvs["pooling"]["y"]), "x": int(dvs["pooling"]["x"])}, p)
    _set(cfg_dvs, "pass_sensor_events", bool(dvs["pass_sensor_events"]), p)
    for s, dest in enumerate(dvs["destinations"]):
        if dest["enable"]:
            _set(cfg_dvs.destinations[s], "layer", int(dest["layer"]), "%s.destinations[%d]" % (p, s))
            _set(cfg_dvs.destinations[s], "enable", True, "%s.destinations[%d]" % (p, s))
    if not dvs["on_channel"]:
        _set(cfg_dvs, "on_channel", False, p)
    if not dvs["off_channel"]:
        _set(cfg_dvs, "off_channel", False, p)
    if dvs["monitor_enable"]:
        _set(cfg_dvs, "monitor_enable", True, p)
    if dvs["raw_monitor_enable"]:
        _set(cfg_dvs, "raw_monitor_enable", True, p)
    return True


def build_configuration(samna_module, fam, config_json):
    """A fresh samna configuration filled from the workbench's JSON; returns (cfg, summary)."""
    if config_json.get("family") != fam.key:
        raise ConfigError("the configuration is for the %s family, the device is %s" % (config_json.get("family"), fam.key), "family")
    root = getattr(samna_module.configuration, fam.root)
    cfg = root()
    layers = config_json["cnn_layers"]
    if len(layers) != len(cfg.cnn_layers):
        raise ConfigError("%d cores in the configuration, %d on %s" % (len(layers), len(cfg.cnn_layers), fam.key), "cnn_layers")
    cores = []
    monitored = []
    for c, j in enumerate(layers):
        if not core_used(j):
            continue
        walk_core(fam, cfg.cnn_layers[c], j, c)
        cores.append(c)
        if j["monitor_enable"]:
            monitored.append(c)
    dvs = walk_dvs(fam, cfg.dvs_layer, config_json["dvs_layer"])
    if config_json["dvs_layer"]["monitor_enable"]:
        monitored.append(13)
    readout = config_json.get("readout")
    if readout and hasattr(cfg, "readout"):
        if readout["enable"]:
            _set(cfg.readout, "enable", True, "readout")
        if readout["monitor_enable"]:
            _set(cfg.readout, "monitor_enable", True, "readout")
    return cfg, {"cores": cores, "monitored": monitored, "dvs": dvs}
