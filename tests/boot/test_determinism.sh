#!/bin/bash
# Determinism: the same kernel booted twice (firmware path, so the timer
# interrupt and the real -> protected -> long mode transitions are in the
# stream) gives byte-identical COM1 and port E9 output and the same event
# stream, compared through `ringscope run --event-digest` (an FNV-1a digest
# of every field of every transition event, plus the instruction and cycle
# counts, on stderr at exit).
#
#   test_determinism.sh RINGSCOPE KERNEL...
set -u
rs="$1"
shift
here="$(cd "$(dirname "$0")" && pwd)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here"/data/mod-alpha.txt "$here"/data/mod-beta.txt "$tmp/"
cd "$tmp"
ok=1
for image in "$@"; do
    kernel=$(basename "$image")
    cp "$image" "$kernel"
    for run in 1 2; do
        "$rs" run --event-digest --max-cycles 20G "$kernel" --append "console=ttyS0 answer=42" \
            --initrd "mod-alpha.txt first module,mod-beta.txt" </dev/null \
            >"out$run.txt" 2>"err$run.txt"
        echo $? >"rc$run.txt"
    done
    digest=$(grep 'event digest' err1.txt)
    if [ -z "$digest" ]; then
        echo "FAIL: $kernel: no event digest line on stderr:"; cat err1.txt; ok=0; continue
    fi
    for f in out err rc; do
        if ! cmp -s "${f}1.txt" "${f}2.txt"; then
            echo "FAIL: $kernel: the two runs differ in $f:"
            diff "${f}1.txt" "${f}2.txt" | head -20
            ok=0
        fi
    done
    events=$(echo "$digest" | sed -n 's/.* over \([0-9]*\) events.*/\1/p')
    if [ "${events:-0}" -eq 0 ]; then
        echo "FAIL: $kernel: the event stream is empty: $digest"; ok=0
    fi
    echo "$kernel: $(wc -l <out1.txt) lines, exit status $(cat rc1.txt), $digest"
done
[ "$ok" -eq 1 ] && echo "ok: every kernel ran identically twice"
[ "$ok" -eq 1 ]
