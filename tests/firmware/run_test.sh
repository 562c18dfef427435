#!/bin/bash
# Run the firmware test program and compare its transcript with expected.txt.
#
#   run_test.sh ringscope RUN_FIRMWARE IMAGE EXPECTED
#   run_test.sh qemu QEMU_BINARY IMAGE EXPECTED     (QEMU_BINARY may be empty)
#
# Passes when the transcript matches exactly and the guest reported success
# (ringscope: run_firmware exits 0; QEMU: isa-debug-exit status 33, the guest's
# 0x10). Exits 77 (CTest SKIP_RETURN_CODE) when QEMU is not installed.
set -u
mode="$1" tool="$2" image="$3" expected="$4"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$mode" in
ringscope)
    "$tool" "$image" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    want=0
    ;;
qemu)
    if [ -z "$tool" ] || [ ! -x "$tool" ]; then
        echo "SKIP: qemu-system-x86_64 is not installed"
        exit 77
    fi
    timeout 120 "$tool" -accel tcg -cpu max,vendor=GenuineIntel -m 64 -nodefaults \
        -display none -no-reboot -bios "$image" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -debugcon stdio \
        </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    want=33                             # (0x10 << 1) | 1
    ;;
*)
    echo "usage: $0 ringscope|qemu TOOL IMAGE EXPECTED" >&2
    exit 2
    ;;
esac

ok=1
if ! diff -u "$expected" "$tmp/out" >"$tmp/diff"; then
    total=$(wc -l <"$expected")
    same=0
    while IFS= read -r -u 3 want_line && IFS= read -r -u 4 got_line; do
        [ "$want_line" == "$got_line" ] || break
        same=$((same + 1))
    done 3<"$expected" 4<"$tmp/out"
    echo "FAIL: the $mode transcript matches $same of $total expected lines; first difference at line $((same + 1)):"
    echo "  expected: $(sed -n "$((same + 1))p" "$expected")"
    echo "  got:      $(sed -n "$((same + 1))p" "$tmp/out")"
    echo "--- diff -u expected actual:"
    cat "$tmp/diff"
    ok=0
fi
if [ "$rc" -ne "$want" ]; then
    case "$mode:$rc" in
    qemu:124) why="QEMU timed out" ;;
    qemu:0)   why="QEMU exited without the debug-exit port (triple fault with -no-reboot?)" ;;
    qemu:*)   why="the guest wrote $(( (rc - 1) >> 1 )) to port 0xf4 (status $rc), not 16" ;;
    *)        why="run_firmware exited with $rc" ;;
    esac
    echo "FAIL: $why"
    ok=0
fi
if [ -s "$tmp/err" ]; then
    echo "--- stderr:"
    cat "$tmp/err"
fi
[ "$ok" -eq 1 ] && echo "ok: $mode transcript matches $(wc -l <"$expected") lines of $(basename "$expected")"
[ "$ok" -eq 1 ]
