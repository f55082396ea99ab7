#!/usr/bin/env bash
# Installs the system packages casevault builds against, or says exactly how to.
# Usage: scripts/ensure-deps.sh [extra apt packages…]
set -euo pipefail

packages=(pkg-config libssl-dev libsqlite3-dev zlib1g-dev
    libpoppler-glib-dev libcairo2-dev libpango1.0-dev libleptonica-dev libtesseract-dev tesseract-ocr-eng poppler-utils
    fonts-dejavu-core "$@")

if ! command -v swift >/dev/null 2>&1; then
    echo "casevault: error: the Swift toolchain (6.1 or newer) is not on PATH" >&2
    echo "casevault: hint: install it from https://www.swift.org/install/linux/ and run this again" >&2
    exit 1
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "casevault: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "casevault: error: missing system packages: ${missing[*]}" >&2
    echo "casevault: hint: run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
