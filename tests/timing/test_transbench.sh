#!/bin/bash
# The bundled guest's transbench (src/guest/user/transbench.c) under the default
# profile: its round trips' ratios to the SYSCALL round trip must agree with the
# reference ratios within 25% (docs/timing-model.md, "Validation"). The
# references: Linux user space on this project's CI host CPU (null system call via
# SYSCALL 310 cycles, via SYSENTER 400, a process context switch 2,800, a minor
# page fault 1,900); INT 0x80 from the Skylake hardware figures (SYSCALL's 310
# with SYSCALL+SYSRET's 76 replaced by INT+IRETQ's 614: 848). The emulated
# figures are deterministic, so this is not a timed test: a second run must
# print the same numbers.
set -u
rs=$1
fail() { echo "FAIL: $*"; exit 1; }

run() { "$rs" run 2>&1 | grep '^transbench:'; }
out=$(run) || fail "no transbench output"
echo "$out"
[ "$(run)" = "$out" ] || fail "a second run printed different figures"

fig() { echo "$out" | grep -F "$1" | sed -E 's/.*median ([0-9]+) cycles.*/\1/' | head -1; }
syscall=$(fig "via SYSCALL")
sysenter=$(fig "via SYSENTER")
int80=$(fig "via INT 0x80")
pf=$(fig "page fault")
switch=$(echo "$out" | grep -F "pipe round trip" | sed -E 's/.*, ([0-9]+) per switch.*/\1/')
for v in "$syscall" "$sysenter" "$int80" "$pf" "$switch"; do
    [[ "$v" =~ ^[0-9]+$ ]] || fail "could not read every figure"
done

printf '%-28s %10s %10s %10s %10s\n' "round trip" cycles ratio reference "ref ratio"
check() {   # NAME CYCLES REFERENCE
    awk -v n="$1" -v c="$2" -v r="$3" -v s="$syscall" 'BEGIN {
        ratio = c / s; ref = r / 310; d = (ratio - ref) / ref
        printf "%-28s %10d %10.2f %10d %10.2f  %+.0f%%\n", n, c, ratio, r, ref, 100 * d
        exit !(d <= 0.25 && d >= -0.25) }' || fail "$1: ratio more than 25% from the reference"
}
check "null syscall via SYSCALL" "$syscall" 310
check "null syscall via SYSENTER" "$sysenter" 400
check "null syscall via INT 0x80" "$int80" 848
check "context switch" "$switch" 2800
check "minor page fault" "$pf" 1900
echo "ok: every ratio within 25%"
