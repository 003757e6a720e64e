#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the Debian packages the build needs when pkg-config cannot find them
# (with "bench": and the kernel source make bench compares against).
# Called by the Makefile; safe to run again.
set -e
need=""
command -v pkg-config >/dev/null 2>&1 || need="pkg-config"
if [ -z "$need" ]; then
	pkg-config --exists cmocka || need="$need libcmocka-dev"
	pkg-config --exists liburcu || need="$need liburcu-dev"
	pkg-config --exists libbsd-overlay || need="$need libbsd-dev"
	pkg-config --exists yaml-0.1 || need="$need libyaml-dev"
else
	need="pkg-config libcmocka-dev liburcu-dev libbsd-dev libyaml-dev"
fi
# parallel: GNU parallel runs mmlab sweep's runs (and the cli_sweep test).
command -v parallel >/dev/null 2>&1 || need="$need parallel"
# strace: the record_vs_strace test compares mmlab record with it.
command -v strace >/dev/null 2>&1 || need="$need strace"
# python3: tests/record/strace_diff.py (the record_vs_strace test).
command -v python3 >/dev/null 2>&1 || need="$need python3"
# procps: pmap and free, the references of the diffviews test.
command -v pmap >/dev/null 2>&1 || need="$need procps"
# chromium: the cli_report test loads the --html report in it (headless).
command -v chromium >/dev/null 2>&1 || need="$need chromium"
# time: /usr/bin/time gives the cli_run_memory test mmlab run's peak RSS.
[ -x /usr/bin/time ] || need="$need time"
# `ensure-deps.sh bench`: also the kernel source, for bench_maple's Linux maple tree baseline.
if [ "$1" = bench ] && ! ls /usr/src/linux-source-*.tar.xz >/dev/null 2>&1; then
	need="$need linux-source-6.12 xz-utils"
fi
[ -z "$need" ] && exit 0
echo "ensure-deps: installing$need" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
