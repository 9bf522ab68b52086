"""Configuration objects of the fake samna: structs with a fixed attribute list and
defaults (an unknown attribute raises AttributeError, as on samna's pybind11 objects),
sub-structs that accept a dict (sinabs assigns dimensions = {...}), live fixed-length
lists (cfg.cnn_layers[3].destinations[0].layer = 5 changes the config) and to_json()."""

import json


class Struct:
    FIELDS = {}  # name -> default value, or a Struct subclass, or ("list", factory, n)

    def __init__(self):
        for name, default in self.FIELDS.items():
            object.__setattr__(self, name, _fresh(default))

    def __setattr__(self, name, value):
        if name not in self.FIELDS:
            raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name))
        default = self.FIELDS[name]
        if isinstance(default, type) and issubclass(default, Struct):
            if isinstance(value, dict):
                target = getattr(self, name)
                for k, v in value.items():
                    setattr(target, k, v)
                return
            if not isinstance(value, default):
                raise TypeError("%s.%s takes a %s or a dict" % (type(self).__name__, name, default.__name__))
        elif isinstance(default, bool):
            value = bool(value)
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise TypeError("%s.%s takes an int, got %r" % (type(self).__name__, name, value))
        elif isinstance(default, tuple):
            raise AttributeError("%s.%s is a fixed array: set its elements" % (type(self).__name__, name))
        object.__setattr__(self, name, value)

    def to_dict(self):
        out = {}
        for name in self.FIELDS:
            out[name] = _plain(getattr(self, name))
        return out

    def to_json(self):
        return json.dumps(self.to_dict())


def _fresh(default):
    if isinstance(default, type) and issubclass(default, Struct):
        return default()
    if isinstance(default, tuple) and default and default[0] == "list":
        _, factory, n = default
        return [factory() for _ in range(n)]
    if isinstance(default, list):
        return list(default)
    return default


def _plain(v):
    if isinstance(v, Struct):
        return v.to_dict()
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def xy(default_x=0, default_y=0, kind=int):
    cls = type("Vec2", (Struct,), {"FIELDS": {"x": kind(default_x), "y": kind(default_y)}})
    return cls
