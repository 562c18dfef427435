#!/bin/bash
# `ringscope run --vga-dump`: a flat real-mode program writes "HI" into the
# VGA text buffer and exits through isa-debug-exit; the dump must show it in
# an 80x25 screen, and an unwritable path is one error line, not a crash.
set -u
RS="$1"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# mov ax,0xb800; mov ds,ax; mov word [0],0x0748; mov word [2],0x0749; mov al,0; out 0xf4,al
printf '\xb8\x00\xb8\x8e\xd8\xc7\x06\x00\x00\x48\x07\xc7\x06\x02\x00\x49\x07\xb0\x00\xe6\xf4' > "$tmp/hi.bin"
"$RS" run --flat "$tmp/hi.bin" --mode 16 --load 0x7c00 --vga-dump "$tmp/screen.txt" >/dev/null
rc=$?
[ $rc -eq 1 ] || fail "exit status $rc, expected 1 (debug-exit 0)"
[ "$(wc -l < "$tmp/screen.txt")" -eq 25 ] || fail "dump is not 25 lines"
head -1 "$tmp/screen.txt" | grep -q '^HI  ' || fail "first line: $(head -1 "$tmp/screen.txt")"
[ "$(head -1 "$tmp/screen.txt" | wc -c)" -eq 81 ] || fail "a line is not 80 characters"
out=$("$RS" run --flat "$tmp/hi.bin" --mode 16 --load 0x7c00 --vga-dump /nonexistent/dir/s.txt 2>&1 >/dev/null)
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 1 ] || fail "unwritable dump path: exit $rc"
[ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "vga-dump" || fail "error line: $out"
echo "vga dump: all checks passed"
