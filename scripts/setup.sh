#!/usr/bin/env bash
# Installs every build and run dependency of miconform from Debian 12 packages (needs root).
# Does nothing when all of them are already installed.
set -euo pipefail

packages=(
  build-essential cmake
  libgtest-dev libgmock-dev      # GoogleTest and GoogleMock (CMake package GTest)
  libboost1.81-dev               # Boost.Process v2 and Boost.Asio, header-only
  nlohmann-json3-dev             # report.json and the requirement catalog
  libcli11-dev                   # the miconform command line
  libssl-dev                     # OpenSSL's libcrypto: the target's SHA-256 in the run record
  gdb elfutils                   # stacks of hung cases (eu-stack, gdb as a fallback)
  python3                        # the benchmark and repeat scripts
  python3-junitparser            # a JUnit consumer reading junit.xml back (reports/selftest)
  chromium-headless-shell        # report.html rendered and checked in a browser (reports/selftest)
  python3-websocket              # driving it over the DevTools protocol (browser_check.py)
  dpkg-dev file                  # the Debian package (cpack -G DEB: dpkg-shlibdeps, file)
  clang-format-14                # the house style (.clang-format; scripts/format.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: these packages are missing and installing them needs root: ${missing[*]}" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
