#!/bin/bash
# CLI behaviour of `ringscope test-insn`: exit codes, one-line errors,
# --shard partitions the input, --filter selects by name, and a failing
# vector prints a readable diff (registers, flags by name, memory).
set -u
RS="$1"
VEC="$2"                       # a directory of vector files
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Missing file: one line naming it, exit status 2.
out=$("$RS" test-insn /nonexistent.jsonl 2>&1); rc=$?
[ $rc -eq 2 ] || fail "missing file exit $rc"
[ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q nonexistent || fail "missing file message: $out"

# Bad options.
"$RS" test-insn --shard 3/2 x 2>/dev/null; [ $? -eq 2 ] || fail "bad shard accepted"
"$RS" test-insn --bogus x 2>/dev/null; [ $? -eq 2 ] || fail "unknown option accepted"
"$RS" frobnicate 2>/dev/null; [ $? -eq 2 ] || fail "unknown command accepted"

# Shards partition the input: counts add up to the whole.
files=$(ls "$VEC"/*.jsonl | head -3)
total=$("$RS" test-insn $files | tail -1 | awk '{print $1}')
sum=0
for i in 1 2 3; do
  n=$("$RS" test-insn --shard $i/3 $files | tail -1 | awk '{print $1}')
  sum=$((sum + n))
done
[ "$sum" -eq "$total" ] && [ "$total" -gt 0 ] || fail "shards add to $sum, whole is $total"

# Filter: only names containing the text.
n=$("$RS" test-insn --filter '#1 ' --verbose $files | grep -c '^ok ')
m=$("$RS" test-insn --filter '#1 ' $files | tail -1 | awk '{print $1}')
[ "$n" -eq "$m" ] || fail "filter verbose count $n != summary $m"

# A wrong expectation produces a diff naming the register, the flags and memory.
cat > "$tmp/bad.jsonl" <<'V'
{"name":"deliberately wrong","mode":"long64","bytes":"4801d8","initial":{"regs":{"rax":"0x1","rbx":"0x2","rip":"0x1000","rflags":"0x2"},"ram":[["0x2000","00"]]},"final":{"regs":{"rax":"0x4","rip":"0x1003","rflags":"0x46"},"ram":[["0x2000","ff"]]}}
V
out=$("$RS" test-insn "$tmp/bad.jsonl"); rc=$?
[ $rc -eq 1 ] || fail "failing vector exit $rc"
echo "$out" | grep -q 'rax: expected 0x4 got 0x3' || fail "no register diff: $out"
echo "$out" | grep -q 'flags: expected PF ZF, got PF' || fail "no flag diff: $out"
echo "$out" | grep -q 'ram 0x2000: expected ff got 00' || fail "no memory diff: $out"
echo "$out" | tail -1 | grep -qx '0 passed, 1 failed' || fail "summary: $out"

# Malformed JSON is a failure with a message, not a crash.
echo '{"name":' > "$tmp/broken.jsonl"
out=$("$RS" test-insn "$tmp/broken.jsonl"); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q 'not a JSON object' || fail "broken json: rc=$rc $out"
echo "cli: all checks passed"
