#!/bin/sh
# check-elf.sh ELF BITS LOAD [OBJDUMP]: a built user program must be a static
# ELF executable of the right class, entered at LOAD (crt0's _start comes
# first), with only page-aligned PT_LOAD segments at or above LOAD, no
# undefined symbols, and no SSE / x87 / MMX instruction or register anywhere
# (ringscope implements none of them). Exits non-zero with a message otherwise.
set -e
elf=$1 bits=$2 load=$3 objdump=${4:-objdump}
fail() { echo "check-elf: $elf: $*" >&2; exit 1; }
hdr=$(LC_ALL=C readelf -hW "$elf")
echo "$hdr" | grep -q "Class: *ELF$bits" || fail "not an ELF$bits file"
echo "$hdr" | grep -q "Type: *EXEC" || fail "not an executable (ET_EXEC)"
entry=$(echo "$hdr" | awk '/Entry point/{print $NF}')
[ $((entry)) -eq $((load)) ] || fail "entry point $entry, expected $load"
phdrs=$(LC_ALL=C readelf -lW "$elf")
echo "$phdrs" | grep -Eq '^ *(INTERP|DYNAMIC) ' && fail "dynamic program headers"
nload=0
for va in $(echo "$phdrs" | awk '$1 == "LOAD" { print $3 }'); do
  nload=$((nload + 1))
  [ $((va)) -ge $((load)) ] && [ $((va % 4096)) -eq 0 ] || fail "PT_LOAD at $va"
done
[ $nload -gt 0 ] || fail "no PT_LOAD segment"
[ -z "$(nm -u "$elf")" ] || fail "undefined symbols: $(nm -u "$elf" | tr '\n' ' ')"
bad=$("$objdump" -d --no-show-raw-insn "$elf" | awk -F'\t' 'NF >= 2 {
  split($2, w, " "); m = w[1]
  if (m ~ /^(rep|repz|repnz|lock|data16|cs|ds|notrack|bnd)$/) m = w[2]
  if (m ~ /^f/ || m ~ /^(emms|ldmxcsr|stmxcsr|lfence|sfence|mfence|pause)$/ ||
      $2 ~ /%(x|y|z)mm|%mm[0-7]|%st/ ||
      m ~ /^(movs[sd]|movap|movup|movdq|movq2|pxor|por|pand|padd|psub|cvt|movd$|movq$)/)
    print $0 }' | head -5)
[ -z "$bad" ] || fail "SSE / x87 instructions:
$bad"
exit 0
