#!/bin/bash
# `ringscope run --stats` on the bundled guest: every cycle is charged to
# exactly one CPL (the per-CPL figures add up to the total), the three
# system-call mechanisms and the context switches appear among the
# transitions, and --stats-json writes the same figures.
set -u
RS="$1"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && "$RS" run --stats --stats-json "$tmp/stats.json" > /dev/null 2> "$tmp/stats.txt")
rc=$?
[ $rc -eq 0 ] || fail "exit status $rc: $(head -5 "$tmp/stats.txt")"
total=$(sed -n 's/^ringscope stats: [0-9]* instructions, \([0-9]*\) cycles.*/\1/p' "$tmp/stats.txt")
[ -n "$total" ] || fail "no total line: $(cat "$tmp/stats.txt")"
sum=$(grep '^  cycles by CPL:' "$tmp/stats.txt" | grep -o 'ring [0-3] [0-9]*' | awk '{s += $3} END {print s}')
[ "$sum" = "$total" ] || fail "cycles by CPL add to $sum, total is $total"
for kind in syscall sysret sysenter sysexit soft_int iret cr3_write; do
    n=$(awk -v k="$kind" '$1 == k {print $2}' "$tmp/stats.txt")
    [ -n "$n" ] && [ "$n" -gt 0 ] || fail "no $kind transitions in: $(cat "$tmp/stats.txt")"
done
spaces=$(grep -c '^    0x' "$tmp/stats.txt")
[ "$spaces" -ge 8 ] || fail "only $spaces address spaces"
grep -q "\"cycles\": $total" "$tmp/stats.json" || fail "JSON total differs"
grep -q '"syscall"' "$tmp/stats.json" || fail "JSON lacks the syscall transitions"
# The timing model's charges (skylake-sp, docs/timing-model.md): every SYSCALL
# costs the profile's 37 cycles and every SYSENTER 35 (min = max = mean).
line=$(awk '$1 == "syscall"' "$tmp/stats.txt")
echo "$line" | grep -q 'mean 37.0  min 37  max 37' || fail "syscall charges: $line"
line=$(awk '$1 == "sysenter"' "$tmp/stats.txt")
echo "$line" | grep -q 'mean 35.0  min 35  max 35' || fail "sysenter charges: $line"
grep -q 'CPU model skylake-sp' "$tmp/stats.txt" || fail "the CPU model is not named"
grep -q '^  modelled TLBs: [1-9]' "$tmp/stats.txt" || fail "no modelled TLB misses"
python3 - "$tmp/stats.json" <<'PY' || fail "JSON figures"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["cpu_model"] == "skylake-sp", d["cpu_model"]
t = d["transitions"]["syscall"]
assert t["min"] == t["max"] == 37 and t["total"] == 37 * t["count"], t
assert d["tlb"]["model"]["stlb_misses"] > 0, d["tlb"]
assert d["tlb"]["hits"] > 10 * d["tlb"]["misses"] > 0, d["tlb"]   # every access counts
assert sum(d["cycles_by_cpl"].values()) == d["cycles"]
PY
# One cycle per instruction under one-cycle: cycles = instructions + idle time,
# and a SYSCALL costs 1.
(cd "$tmp" && "$RS" run --cpu-model one-cycle --stats > /dev/null 2> "$tmp/one.txt") ||
    fail "one-cycle run failed"
line=$(awk '$1 == "syscall"' "$tmp/one.txt")
echo "$line" | grep -q 'mean 1.0  min 1  max 1' || fail "one-cycle syscall charges: $line"
echo "stats: all checks passed"
