#!/bin/bash
# Hardware-only round trips (hwbench.c) under the default profile must be within
# 25% of the Skylake Xeon reference points (J. Stecklina, "1001 Ways of
# Implementing a System Call", 2019); under one-cycle each loop iteration must be
# exactly its 4 instructions (which shows the loops are what hwbench.c says).
set -u
rs=$1 kernel=$2
fail() { echo "FAIL: $*"; exit 1; }

out=$("$rs" run --no-reboot "$kernel" 2>&1); rc=$?
[ "$rc" -eq 33 ] || fail "hwbench exited $rc: $out"
echo "$out" | grep '^hwbench:'
check() {   # NAME REFERENCE
    local got
    got=$(echo "$out" | awk -v n="$1" '$1 == "hwbench:" && $2 == n { print $3 }')
    [ -n "$got" ] || fail "no figure for $1"
    awk -v g="$got" -v r="$2" 'BEGIN { d = (g - r) / r; exit !(d <= 0.25 && d >= -0.25) }' ||
        fail "$1: $got cycles, reference $2 (more than 25% apart)"
    echo "ok: $1 $got cycles (reference $2)"
}
check syscall+sysret 76
check sysenter+sysexit 73
check int+iretq 614
check callgate+lret 456

one=$("$rs" run --no-reboot --cpu-model one-cycle "$kernel" 2>&1); rc=$?
[ "$rc" -eq 33 ] || fail "hwbench (one-cycle) exited $rc: $one"
for n in syscall+sysret sysenter+sysexit int+iretq callgate+lret; do
    got=$(echo "$one" | awk -v n="$n" '$1 == "hwbench:" && $2 == n { print $3 }')
    [ "$got" = 4 ] || fail "one-cycle $n: $got cycles per iteration, want 4"
done
echo "ok: one-cycle: 4 per iteration for every mechanism"
