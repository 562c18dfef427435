#!/bin/bash
# Boot one test image and compare what it prints with the expected files.
#
#   run_boot.sh multiboot RINGSCOPE KERNEL EXP_COM1 EXP_E9 [RUN_OPTIONS...]
#   run_boot.sh qemu QEMU KERNEL EXP_COM1            (QEMU may be ""; exits 77 then)
#   run_boot.sh bios RINGSCOPE KERNEL EXP_COM1 EXP_E9 FIRMWARE_BIN
#   run_boot.sh input RINGSCOPE KERNEL EXP_COM1
#   run_boot.sh flat RINGSCOPE BINARY EXP_OUT BITS ADDR
#
# Multiboot kernels get the same command line and modules everywhere (from
# the test's directory, so the names in the transcript are relative), and
# must exit through isa-debug-exit with 0x10: status 33.
set -u
mode="$1" tool="$2" image="$3" expected="$4"
shift 4
here="$(cd "$(dirname "$0")" && pwd)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kernel=$(basename "$image")
cp "$image" "$tmp/$kernel"
cp "$here"/data/mod-alpha.txt "$here"/data/mod-beta.txt "$tmp/"
cd "$tmp"
APPEND="console=ttyS0 answer=42"
INITRD="mod-alpha.txt first module,mod-beta.txt"
BUDGET="--max-cycles 20G"
ok=1
fail() { echo "FAIL: $*"; ok=0; }

# compare WHAT EXPECTED ACTUAL
compare() {
    if ! diff -u "$2" "$3" >"$tmp/diff"; then
        fail "$1 differs from $(basename "$2"):"
        cat "$tmp/diff"
    fi
}

want_rc=33
e9_expected=""
case "$mode" in
multiboot)
    e9_expected="$1"; shift
    "$tool" run -m 256 --serial file:com1.txt --debugcon file:e9.txt $BUDGET "$@" \
        "$kernel" --append "$APPEND" --initrd "$INITRD" </dev/null >stdout.txt 2>stderr.txt
    rc=$?
    ;;
bios)
    e9_expected="$1"
    firmware="$2"
    "$tool" run --bios "$firmware" --serial file:com1.txt --debugcon file:e9.txt $BUDGET \
        "$kernel" --append "$APPEND" --initrd "$INITRD" </dev/null >stdout.txt 2>stderr.txt
    rc=$?
    # The same firmware padded to 128 KiB: its last 64 KiB are what runs.
    head -c 65536 /dev/zero >fw128.bin
    cat "$firmware" >>fw128.bin
    "$tool" run --bios fw128.bin --serial file:com1-128.txt --debugcon file:e9-128.txt $BUDGET \
        "$kernel" --append "$APPEND" --initrd "$INITRD" </dev/null >>stdout.txt 2>>stderr.txt
    rc128=$?
    [ "$rc128" -eq 33 ] || fail "128 KiB firmware: exit status $rc128, not 33"
    compare "COM1 (128 KiB firmware)" "$expected" com1-128.txt
    compare "port E9 (128 KiB firmware)" "$e9_expected" e9-128.txt
    ;;
input)
    # --input STRING with an escape, then standard input from a regular file.
    "$tool" run --serial file:com1.txt --debugcon none $BUDGET --input 'hello from --input\n' \
        "$kernel" --append "$APPEND echo" --initrd "$INITRD" </dev/null >stdout.txt 2>stderr.txt
    rc=$?
    printf 'hello from --input\n' >typed.txt
    "$tool" run --debugcon none $BUDGET "$kernel" --append "$APPEND echo" --initrd "$INITRD" \
        <typed.txt >com1-stdin.txt 2>>stderr.txt
    rc2=$?
    [ "$rc2" -eq 33 ] || fail "standard input from a file: exit status $rc2, not 33"
    compare "COM1 (standard input from a file)" "$expected" com1-stdin.txt
    ;;
flat)
    bits="$1" addr="$2"
    "$tool" run --flat "$kernel" --mode "$bits" --load "$addr" --serial file:com1.txt \
        --debugcon file:e9.txt $BUDGET </dev/null >stdout.txt 2>stderr.txt
    rc=$?
    e9_expected="$expected"        # the program prints the same line on both
    ;;
qemu)
    if [ -z "$tool" ] || [ ! -x "$tool" ]; then
        echo "SKIP: qemu-system-x86_64 is not installed"
        exit 77
    fi
    timeout 120 "$tool" -accel tcg -cpu max,vendor=GenuineIntel -m 256 -nodefaults \
        -display none -no-reboot -kernel "$kernel" -append "$APPEND" -initrd "$INITRD" \
        -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        </dev/null >com1.txt 2>stderr.txt
    rc=$?
    ;;
*)
    echo "usage: $0 multiboot|qemu|bios|input|flat TOOL IMAGE EXPECTED ..." >&2
    exit 2
    ;;
esac

compare "COM1" "$expected" com1.txt
[ -n "$e9_expected" ] && compare "port E9" "$e9_expected" e9.txt
if [ "$rc" -ne "$want_rc" ]; then
    case "$mode:$rc" in
    qemu:124) fail "QEMU timed out" ;;
    *:0)      fail "exit status 0 (no isa-debug-exit; QEMU: triple fault under -no-reboot?)" ;;
    *)        fail "exit status $rc, not $want_rc" ;;
    esac
fi
if [ -s stderr.txt ]; then
    echo "--- stderr:"
    cat stderr.txt
fi
[ "$ok" -eq 1 ] && echo "ok: $mode $kernel: $(wc -l <"$expected") lines of $(basename "$expected"), exit status $rc"
[ "$ok" -eq 1 ]
