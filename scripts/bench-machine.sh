#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# One line naming the machine a benchmark run came from, for the README's figures: CPU model,
# family/model, CPUs online, caches, RAM, kernel, and the boot options that change the host
# baselines (pvm_no_zero_page=1: anonymous read faults get fresh pages, not the zero page),
# and the load average when the run began (other jobs move the figures).
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
fam=$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mod=$(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
ram=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
l2=$(getconf LEVEL2_CACHE_SIZE 2>/dev/null)
l3=$(getconf LEVEL3_CACHE_SIZE 2>/dev/null)
virt=$(grep -q '^flags.* hypervisor' /proc/cpuinfo && echo ", virtual machine")
opts=$(tr ' ' '\n' < /proc/cmdline | grep -E '^(pvm_no_zero_page|transparent_hugepage|mitigations)=' |
	tr '\n' ' ' | sed 's/ $//')
load=$(cut -d' ' -f1 /proc/loadavg)
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
echo "$model (family $fam model $mod), $(nproc) CPUs online$virt, L2 $((${l2:-0} / 1024)) KiB," \
	"L3 $((${l3:-0} / 1048576)) MiB, $ram RAM; $(uname -sr); THP $thp;" \
	"${opts:-no boot options of note}; load average $load at the start"
