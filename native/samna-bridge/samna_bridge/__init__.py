"""The workbench's bridge to SynSense's samna: a child process of the workbench that
speaks length-prefixed frames on stdin/stdout (see protocol.py) and drives DYNAP-CNN /
Speck devkits through samna the way sinabs does (spec: samna.md). It runs no user code:
requests carry data only (configuration JSON, packed event batches)."""

BRIDGE_VERSION = "1.0.0"
PROTOCOL_VERSION = 1
