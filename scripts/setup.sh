#!/usr/bin/env bash
# Installs the Debian packages discsim needs to build, test and plot, and only those that are
# missing: on a machine that has them all it changes nothing and asks nothing.
set -euo pipefail

pkgs=(build-essential cmake pkg-config
      libgsl-dev libopenblas-dev liblapacke-dev libhdf5-dev hdf5-tools zlib1g-dev fonts-dejavu-core
      libyaml-dev libcyaml-dev libcmocka-dev gnuplot-nox
      clang libclang-rt-14-dev libomp-dev
      libopenmpi-dev openmpi-bin
      libsundials-dev help2man python3-h5py python3-xarray python3-h5netcdf emscripten chromium)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# npm, for the teaching page's browser test (puppeteer-core): Debian's, unless a Node.js that
# brings its own is installed
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
