"""Per chip family: which samna module, configuration class, event node classes, kill
bits and stop-watch style apply (samna.md §1, §3.1, §8, §15). Names only; no samna import."""


class Family:
    def __init__(self, key, module, root, node_chip, source_suffix, kill_bits, s2, decimator, stop_watch):
        self.key = key
        self.module = module  # attribute of the samna package: samna.speck2f, samna.speck2cMini, ...
        self.root = root  # configuration class in <module>.configuration
        self.source_class = "BasicSourceNode_%s_event_%s" % (node_chip, source_suffix)
        self.sink_class = "BasicSinkNode_%s_event_output_event" % node_chip
        self.kill_bits = kill_bits  # writes weights/biases/neurons_value kill bits (S2 dynapcnn, speck2, speck2b)
        self.s2 = s2  # configured the sinabs v2 way (both destination slots written explicitly)
        self.decimator = decimator  # has output_decimator_* (speck2e/2f; absent on speck2b)
        self.stop_watch = stop_watch  # "start-stop" (S3), "enable-value" (S2 Speck), "register" (DynapcnnDevKit)


FAMILIES = {
    "speck2f": Family("speck2f", "speck2f", "SpeckConfiguration", "speck2f", "input_event", False, False, True, "start-stop"),
    # sic: "speck2e" twice in the source node's name (S3 dc/chips/speck2e.py:27).
    "speck2e": Family("speck2e", "speck2e", "SpeckConfiguration", "speck2e", "speck2e_input_event", False, False, True, "start-stop"),
    "dynapcnn": Family("dynapcnn", "dynapcnn", "DynapcnnConfiguration", "dynapcnn", "input_event", True, True, False, "register"),
    "speck2": Family("speck2", "speck2", "SpeckConfiguration", "speck2", "input_event", True, True, False, "enable-value"),
    "speck2b": Family("speck2b", "speck2b", "SpeckConfiguration", "speck2b", "input_event", True, True, False, "enable-value"),
    "speck2cmini": Family("speck2cmini", "speck2cMini", "SpeckConfiguration", "speck2c_mini", "input_event", False, True, False, "enable-value"),
    "speck2dmini": Family("speck2dmini", "speck2dMini", "SpeckConfiguration", "speck2d_mini", "input_event", False, True, False, "enable-value"),
}
