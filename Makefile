# Two entry points for a fresh Debian 12 machine with Swift (see README.md):
#   make run   installs the system packages, builds, and runs the daemon on Config/briefingd.yaml
#   make test  installs the system packages and runs the whole test suite
SHELL := /bin/bash
APT_PACKAGES := libcurl4-openssl-dev libuchardet-dev libxml2-dev libsqlite3-dev libssl-dev python3 systemd
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build run test bench format clean

deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(APT_PACKAGES); \
	fi
	@# The tests validate every snapshot with the reference JSON Schema validator.
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install --quiet jsonschema \
		|| $(SUDO) apt-get install -y --no-install-recommends python3-jsonschema

build: deps
	swift build -c release

run: build
	mkdir -p var
	.build/release/briefingd run --config Config/briefingd.yaml

test: deps
	swift build --build-tests
	swift test --skip-build

bench: deps
	@# The Python alternative it is compared with; without it the bench says why and goes on.
	@python3 -m pip install --quiet --disable-pip-version-check -r scripts/requirements-bench.txt \
		|| echo "bench: could not install scripts/requirements-bench.txt; the Python comparison will be skipped"
	swift build -c release
	.build/release/briefingd-bench

format:
	swift format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build var
