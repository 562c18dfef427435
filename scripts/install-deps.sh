#!/bin/sh
# Install ringscope's build and test dependencies on Debian/Ubuntu.
# Uses sudo only when not already root (CI runs as root without sudo).
set -e
PACKAGES="build-essential cmake pkg-config libjansson-dev libcapstone-dev libelf-dev libsdl2-dev check qemu-system-x86 python3"
if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $PACKAGES >/dev/null
