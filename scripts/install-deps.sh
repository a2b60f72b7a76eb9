#!/usr/bin/env bash
# Installs the Debian packages adbjit needs to build and test (compiler, CMake/Ninja, gRPC and
# protobuf with their code generators, libcurl, OpenSSL, nlohmann-json, cpp-httplib, GoogleTest;
# zip/unzip and binutils to make and inspect the release zip, debootstrap for the minimal Debian
# root the release test runs it in; the openssl tool, with which the benchmark makes a client
# certificate as Terraform would). Idempotent: when everything is already installed it only
# checks, without apt-get update. clang and libclang-rt-14-dev (libFuzzer, clang's sanitizer
# runtimes) build the fuzz targets in fuzz/; the main build stays on g++.
# terraform itself (>= 1.11 for the tests, >= 1.5 for the quickstart) is expected on PATH; it is not a Debian package.
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev
  zip unzip curl python3 openssl
  binutils debootstrap
  clang libclang-rt-14-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
fi

if ! command -v terraform >/dev/null; then
  echo "install-deps: warning: terraform is not on PATH; the quickstart needs Terraform >= 1.5, the e2e tests >= 1.11" >&2
fi
