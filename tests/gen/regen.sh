#!/bin/sh
# Regenerates tests/vectors/{long64,prot32,prot16}/*.jsonl from silicon.  See tests/gen/README.md.
# Usage: tests/gen/regen.sh [SUBSTRING]   (SUBSTRING limits the run to the forms whose
# "family mnemonic shape" contains it; output then goes to ${TMPDIR:-/tmp}/vecgen-out and
# the checked-in vectors are left alone)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vec="$here/../vectors"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CFLAGS="-O2 -Wall -Wextra -Werror -std=gnu11 -static"
src="$here/vecgen.c $here/gen.c $here/gen2.c $here/forms.c"
gcc -m64 $CFLAGS -o "$tmp/vecgen64" $src
gcc -m32 $CFLAGS -o "$tmp/vecgen32" $src
out="$tmp/out"
[ $# -gt 0 ] && out="${TMPDIR:-/tmp}/vecgen-out"
mkdir -p "$out"
"$tmp/vecgen64" "$out" "$@"
"$tmp/vecgen32" "$out" "$@"
"$tmp/vecgen32" -16 "$out" "$@"
if [ $# -gt 0 ]; then
    echo "filtered run: output in $out was not installed" >&2
    ls -l "$out"/* >&2
    exit 0
fi
# replace only silicon-generated files (first line carries a CPU vendor as oracle);
# hand-written vectors ("oracle":"sdm") in the same folders are left alone
for m in long64 prot32 prot16; do
    mkdir -p "$vec/$m"
    for f in "$vec/$m"/*.jsonl; do
        [ -f "$f" ] || continue
        if head -n 1 "$f" | grep -q '"oracle":"\(AuthenticAMD\|GenuineIntel\|HygonGenuine\)'; then
            rm -f "$f"
        fi
    done
    cp "$out/$m"/*.jsonl "$vec/$m/"
done
echo "vectors written to $vec" >&2
