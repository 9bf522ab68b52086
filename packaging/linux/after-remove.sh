#!/bin/sh
# deb post-remove: take the udev rule away again.
set -e
rm -f /etc/udev/rules.d/99-dynapcnn-workbench.rules
if command -v udevadm >/dev/null 2>&1; then udevadm control --reload-rules || true; fi
