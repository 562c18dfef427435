#!/bin/bash
# The bundled guest: `ringscope run` (no IMAGE) must run the demo, print the
# expected transcript and exit 0. Cycle figures are masked (they belong to the
# timing model); everything else, including how the timer interleaves the
# spinner copies, must match exactly, since ringscope is deterministic.
# With a third argument "qemu", the same kernel runs under QEMU TCG instead
# and must print the same transcript, except that the spinner copies' lines
# may interleave differently (QEMU's timer follows host time), so they are
# compared as a sorted set.
set -u
RS="$1"; EXPECTED="$2"; WHERE="${3:-ringscope}"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

mask() {
    tr -d '\r' | sed -E 's/[0-9]+ cycles/N cycles/g; s/median [0-9]+/median N/g;
        s/\(a touch of a mapped page: [0-9]+\)/(a touch of a mapped page: N)/;
        s/empty RDTSC pair \([0-9]+\)/empty RDTSC pair (N)/; s/, [0-9]+ per switch/, N per switch/'
}
# Sort the spinner copies' lines in place (before "spinner: all copies done").
sort_spinners() {
    awk '/^spinner [ABC] \(/ { print | "sort"; next }
         /^spinner: all copies done/ { close("sort") }
         { print }'
}

if [ "$WHERE" = qemu ]; then
    command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86_64 not installed: skipped"; exit 77; }
    kernel="$(dirname "$RS")/ringscope-guest.elf"
    [ -f "$kernel" ] || fail "no guest kernel at $kernel"
    timeout 300 qemu-system-x86_64 -accel tcg -cpu max,vendor=GenuineIntel -m 256 -nodefaults \
        -display none -no-reboot -kernel "$kernel" -serial stdio \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null > "$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 0 ] || fail "QEMU exit status $rc (expected 0: ACPI power-off): $(head -c 300 "$tmp/err")"
    mask < "$tmp/out" | sort_spinners > "$tmp/got"
    sort_spinners < "$EXPECTED" > "$tmp/want"
else
    (cd "$tmp" && "$RS" run </dev/null > "$tmp/out" 2>"$tmp/err")
    rc=$?
    [ $rc -eq 0 ] || fail "exit status $rc (expected 0): $(head -c 300 "$tmp/err")"
    mask < "$tmp/out" > "$tmp/got"
    cp "$EXPECTED" "$tmp/want"
fi
if ! diff -u "$tmp/want" "$tmp/got" > "$tmp/diff"; then
    head -40 "$tmp/diff"
    fail "the $WHERE transcript differs from $EXPECTED"
fi
grep -q 'programs ended as expected: PASS' "$tmp/got" || fail "init did not report PASS"
echo "guest demo ($WHERE): transcript matches, exit 0"
