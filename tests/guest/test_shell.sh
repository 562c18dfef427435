#!/bin/bash
# The bundled guest's serial shell (`--append init=shell`): it reads COM1 input
# through the receive interrupt, runs programs by name, reports unknown names,
# and powers off when told to exit.
set -u
RS="$1"
fail() { echo "FAIL: $*"; exit 1; }
out=$(cd "$(mktemp -d)" && "$RS" run --append init=shell --input 'hello64\nhello32-sysenter\nnosuch\nexit\n' 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "exit status $rc: $out"
for want in "hello64: hello from 64-bit user mode via SYSCALL" \
            "shell: hello64 (pid 2) exited 0" \
            "via SYSENTER (__kernel_vsyscall)" \
            "shell: nosuch: no such program" \
            "kernel: init exited with status 0; powering off"; do
    grep -qF "$want" <<< "$out" || fail "missing '$want' in: $out"
done
echo "guest shell: all checks passed"
