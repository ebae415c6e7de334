# Two entry points for a fresh Debian 12 machine with Swift (see README.md):
#   make run   installs the system packages, builds, and runs the daemon on Config/briefingd.yaml
#   make test  installs the system packages and runs the whole test suite
SHELL := /bin/bash
APT_PACKAGES := libcurl4-openssl-dev libuchardet-dev libxml2-dev libsqlite3-dev libssl-dev \
	libpoppler-glib-dev poppler-data python3 python3-pip systemd openssl \
	postgresql chromium chromium-driver fonts-noto-cjk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build run test smoke bench format clean install install-files

deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(APT_PACKAGES); \
	fi
	@# Python helpers of the tests: the JSON Schema validator, the browser driver, the HTML checker,
	@# the PDF maker and the PostgreSQL client (scripts/requirements-test.txt).
	@python3 -c 'import jsonschema, selenium, html5lib, reportlab, psycopg' 2>/dev/null \
		|| python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
			-r scripts/requirements-test.txt

build: deps
	swift build -c release

run: build
	mkdir -p var
	.build/release/briefingd run --config Config/briefingd.yaml

# What a reviewer checks besides the tests: formatting (strict lint), no compiler warnings, and
# the release binary turning the shared fixture into a snapshot that passes the schema.
FIXTURE := ../shared/fixtures/nmg-public-security-briefing.txt
test: deps
	swift format lint --strict --recursive Sources Tests Package.swift
	swift build --build-tests -Xswiftc -warnings-as-errors
	swift test --skip-build
	$(MAKE) smoke

smoke:
	swift build -c release --product briefingd -Xswiftc -warnings-as-errors
	.build/release/briefingd extract $(FIXTURE) > .build/smoke-snapshot.json
	python3 scripts/validate_snapshots.py .build/smoke-snapshot.json

bench: deps
	@# The Python alternative it is compared with; without it the bench says why and goes on.
	@python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r scripts/requirements-bench.txt \
		|| echo "bench: could not install scripts/requirements-bench.txt; the Python comparison will be skipped"
	swift build -c release
	.build/release/briefingd-bench

format:
	swift format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build var

# Installs the service (see docs/operating.md): binary, unit, system user and folders, config.
#   make install                       build in release mode and install into the running system
#   make install-files DESTDIR=/tmp/x  only copy the files into a staging root (packaging, tests)
PREFIX ?= /usr/local
DESTDIR ?=
BIN ?= .build/release/briefingd
UNITDIR ?= /etc/systemd/system

install: build
	$(MAKE) install-files

install-files:
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/briefingd
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/|$(PREFIX)/|g' systemd/briefingd.service > $(DESTDIR)$(UNITDIR)/briefingd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/briefingd.service
	install -D -m 0644 systemd/briefingd.sysusers $(DESTDIR)/usr/lib/sysusers.d/briefingd.conf
	install -D -m 0644 systemd/briefingd.tmpfiles $(DESTDIR)/usr/lib/tmpfiles.d/briefingd.conf
	install -D -m 0644 docs/operating.md $(DESTDIR)$(PREFIX)/share/doc/briefingd/operating.md
	@# The user and folders first (the config file is group briefingd); only on the real system.
	@if [ -z "$(DESTDIR)" ]; then \
		systemd-sysusers /usr/lib/sysusers.d/briefingd.conf && \
		systemd-tmpfiles --create /usr/lib/tmpfiles.d/briefingd.conf; \
	fi
	@# An edited config is never overwritten.
	@if [ -e $(DESTDIR)/etc/briefingd/briefingd.yaml ]; then \
		echo "keeping $(DESTDIR)/etc/briefingd/briefingd.yaml; the shipped one is Config/briefingd.system.yaml"; \
	else \
		install -D -m 0640 Config/briefingd.system.yaml $(DESTDIR)/etc/briefingd/briefingd.yaml; \
		if [ -z "$(DESTDIR)" ]; then chgrp briefingd /etc/briefingd/briefingd.yaml; fi; \
	fi
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		systemctl daemon-reload && echo "installed; start with: systemctl enable --now briefingd"; \
	else \
		echo "installed; systemd is not running here, so no daemon-reload"; \
	fi
