#!/bin/sh
# deb post-install: give lab users access to the devkits (udev rule, see README).
set -e
RULE=/opt/DYNAP-CNN\ Workbench/resources/udev/99-dynapcnn-workbench.rules
if [ -f "$RULE" ]; then
  install -m 0644 "$RULE" /etc/udev/rules.d/99-dynapcnn-workbench.rules
  if command -v udevadm >/dev/null 2>&1; then
    udevadm control --reload-rules || true
    udevadm trigger || true
  fi
fi
