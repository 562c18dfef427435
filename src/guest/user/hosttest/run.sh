#!/bin/sh
# Host test only (not part of the guest): build the 64-bit user programs as
# Linux processes (crt0_linux64.S + sys_linux64.c instead of the guest's
# crt0/sys64) and the 32-bit ones unchanged (INT 0x80 write/getpid/exit have
# Linux's numbers), then run init in DIR. Checks the programs' logic only:
# SYSENTER through the vDSO page and the guest kernel's faults are not
# exercised (hello32-sysenter / transbench32 crash on Linux, faulty-priv is
# reported as #PF).   usage: run.sh DIR [init args]
set -e
here=$(cd "$(dirname "$0")" && pwd)
user=$here/..
out=$1; shift
mkdir -p "$out"
flags="-std=gnu11 -O2 -ffreestanding -nostdlib -static -fno-pic -fno-pie -no-pie
  -fno-stack-protector -fno-stack-clash-protection -fcf-protection=none
  -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns
  -mgeneral-regs-only -mno-red-zone -Wall -Wextra -Wno-unused-parameter
  -I$user/lib -I$user/../include"
for p in init hello64 pingpong spinner faulty-ptr faulty-priv transbench shell; do
  gcc -m64 $flags -o "$out/$p" "$here/crt0_linux64.S" "$here/sys_linux64.c" \
      "$user/lib/libc.c" "$user/$p.c"
done
l32="-m32 -march=i686 -Wl,--build-id=none -Wl,-T,$user/user.ld -Wl,--defsym=USER_LOAD=0x08048000 -Wl,--no-warn-rwx-segments"
gcc $flags $l32 -o "$out/hello32-int80" "$user/lib/crt0_32.S" "$user/lib/sys32.c" "$user/lib/libc.c" "$user/hello32.c"
gcc $flags $l32 -DVIA_SYSENTER -o "$out/hello32-sysenter" "$user/lib/crt0_32.S" "$user/lib/sys32.c" "$user/lib/libc.c" "$user/hello32.c"
gcc $flags $l32 -o "$out/transbench32" "$user/lib/crt0_32.S" "$user/lib/sys32.c" "$user/lib/libc.c" "$user/transbench32.c"
cd "$out" && exec ./init "$@"
