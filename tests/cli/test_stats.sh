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
echo "stats: all checks passed"
