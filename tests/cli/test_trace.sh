#!/bin/bash
# `ringscope run --trace` (docs/trace-format.md) on the bundled guest and on
# tiny flat programs: every JSON Lines record parses and the counts agree
# with --stats-json of the same run; kernel entry points are symbolized
# (checked against nm); the Chrome file has named threads, user and kernel
# spans that tile the run and add up per CPL to --stats-json's figures, and
# one instant per kept event; the filters keep exactly the right events;
# the ring buffer is written on a triple fault and a guest panic and not
# otherwise; bad values are one line and exit status 2.
#
#   test_trace.sh RINGSCOPE
set -u
RS="$1"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# ---- The whole demo, once per format --------------------------------------
"$RS" run --trace t.jsonl --stats-json stats.json >console.txt 2>err.txt
rc=$?; [ $rc -eq 0 ] || fail "jsonl run: exit status $rc: $(head -3 err.txt)"
"$RS" run --trace t.json --trace-format chrome --trace-events syscall \
    --stats-json cstats.json >/dev/null 2>err.txt
rc=$?; [ $rc -eq 0 ] || fail "chrome run: exit status $rc: $(head -3 err.txt)"
# The same slice of the demo twice: everything, and from the cycle of its
# middle event on, syscalls only (an instruction budget, so that the slice
# does not depend on what the timing model charges).
"$RS" run --max-insns 40M --trace part.jsonl >/dev/null 2>err.txt
rc=$?; [ $rc -eq 6 ] || fail "partial run: exit status $rc: $(head -3 err.txt)"
FROM=$(python3 -c 'import json, sys; l = open(sys.argv[1]).readlines(); print(json.loads(l[len(l) // 2])["cycle"])' part.jsonl) ||
    fail "part.jsonl: $(head -c 300 part.jsonl)"
"$RS" run --max-insns 40M --trace filtered.jsonl --trace-from-cycle "$FROM" \
    --trace-events syscall >/dev/null 2>err.txt
rc=$?; [ $rc -eq 6 ] || fail "filtered run: exit status $rc: $(head -3 err.txt)"

python3 - "$FROM" <<'EOF' || exit 1
import collections, json, subprocess, sys

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

def jsonl(path):
    records = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            try:
                records.append(json.loads(line))
            except ValueError as e:
                fail("%s line %d is not JSON (%s): %.200s" % (path, n, e, line))
    if not records:
        fail(path + " is empty")
    return records[0], records[1:]

# JSON Lines: the header, every field, the counts of --stats-json.
head, ev = jsonl("t.jsonl")
if head.get("format") != "ringscope-trace-jsonl" or head.get("version") != 1:
    fail("header: %s" % head)
stats = json.load(open("stats.json"))
if head["cpu_hz"] != stats["cpu_hz"]:
    fail("header cpu_hz %s, stats %s" % (head["cpu_hz"], stats["cpu_hz"]))
fields = ("cycle kind kind_name vector has_error_code error_code cpl_before cpl_after "
          "mode_before mode_before_name mode_after mode_after_name cs_before cs_after "
          "ss_before ss_after rip_before rip_before_sym rip_after rip_after_sym rsp_before "
          "rsp_after cr3_before cr3_after rflags_before rflags_after stack_source "
          "stack_source_name stack_index cycles").split()
for e in ev:
    missing = [k for k in fields if k not in e]
    if missing:
        fail("event lacks %s: %s" % (missing, e))
    if not all(e[k].startswith("0x") for k in fields if k.startswith(("rip_", "rsp_", "cr3_", "rflags_")) and not k.endswith("_sym")):
        fail("addresses are not 0x strings: %s" % e)
cycles = [e["cycle"] for e in ev]
if cycles != sorted(cycles):
    fail("cycles go backwards")
counts = collections.Counter(e["kind_name"] for e in ev)
want = {k: v["count"] for k, v in stats["transitions"].items()}
if counts != want:
    fail("event counts %s, --stats-json says %s" % (dict(counts), want))
if counts["syscall"] < 1000 or counts["sysenter"] < 1 or counts["exception"] < 1:
    fail("too few events: %s" % dict(counts))
print("ok: %d events, counts equal --stats-json (%d syscalls)" % (len(ev), counts["syscall"]))

# Symbols, checked against nm: every name plus offset is the address, no
# absolute symbol (a constant such as `vec`, type A) names an address, and
# each entry lands on its entry point.
nm, absolute = {}, set()
for line in subprocess.run(["nm", head["image"]], capture_output=True, text=True,
                           check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3:
        nm[parts[2]] = int(parts[0], 16)
        if parts[1] in "aA":
            absolute.add(parts[2])
named = 0
for e in ev:
    for side in ("before", "after"):
        sym, addr = e["rip_%s_sym" % side], int(e["rip_" + side], 16)
        if sym.startswith("0x"):
            if int(sym, 16) != addr:
                fail("hex form %s of %x" % (sym, addr))
            continue
        name, _, off = sym.partition("+")
        if name not in nm or name in absolute or nm[name] + int(off or "0", 16) != addr:
            fail("%x symbolized as %s (nm: %s at %x)" % (addr, sym, name, nm.get(name, -1)))
        named += 1
if not absolute:
    fail("the guest has no absolute symbol to check (nm: %d symbols)" % len(nm))
entries = {("syscall", -1): "entry_SYSCALL_64", ("sysenter", -1): "entry_SYSENTER_compat",
           ("soft_int", 0x80): "entry_INT80_compat"}
for (kind, vector), sym in entries.items():
    got = [e for e in ev if e["kind_name"] == kind and (vector < 0 or e["vector"] == vector)]
    if not got:
        fail("no %s events" % kind)
    for e in got:
        if e["rip_after_sym"] != sym:
            fail("%s entered at %s (%s), nm says %s is %x" % (kind, e["rip_after"],
                 e["rip_after_sym"], sym, nm[sym]))
    print("ok: %d %s events enter at %s" % (len(got), kind, sym))
pf = [e for e in ev if e["kind_name"] == "exception" and e["vector"] == 14]
if not pf or any(e.get("vector_name") != "#PF" or not e["rip_after_sym"].startswith("idt_stubs+")
                 or not e["has_error_code"] for e in pf):
    fail("page faults: %s" % pf[:1])
# User addresses (the programs are not in the kernel's ELF) and real-mode
# offsets stay hex.
for e in ev:
    for side in ("before", "after"):
        sym, mode = e["rip_%s_sym" % side], e["mode_%s_name" % side]
        if (mode == "real" or e["cpl_%s" % side] == 3) and sym != e["rip_" + side]:
            fail("%s address symbolized as %s: %s" % (mode, sym, e))
print("ok: %d addresses symbolized as nm says (none by %s), user and real-mode ones stay hex, "
      "%d page faults at idt_stubs" % (named, "/".join(sorted(absolute)), len(pf)))

# The filters: exactly the unfiltered run's syscall events from FROM on.
start = int(sys.argv[1])
_, part = jsonl("part.jsonl")
fhead, filt = jsonl("filtered.jsonl")
if fhead["events"] != ["syscall"] or fhead["from_cycle"] != start:
    fail("filtered header: %s" % fhead)
expect = [e for e in part if e["kind_name"] == "syscall" and e["cycle"] >= start]
if filt != expect or len(filt) < 100 or part[0]["cycle"] >= start:
    fail("--trace-events syscall --trace-from-cycle %d kept %d events, want %d" %
         (start, len(filt), len(expect)))
print("ok: --trace-events syscall --trace-from-cycle kept the %d expected events" % len(filt))

# Chrome: threads, spans, instants.
doc = json.load(open("t.json"))
cstats = json.load(open("cstats.json"))
if doc.get("displayTimeUnit") != "ns" or doc["otherData"]["events"] != ["syscall"]:
    fail("chrome header: %s" % {k: v for k, v in doc.items() if k != "traceEvents"})
te = doc["traceEvents"]
threads = {e["tid"]: e["args"]["name"] for e in te if e["ph"] == "M" and e["name"] == "thread_name"}
spans = [e for e in te if e["ph"] == "X"]
inst = [e for e in te if e["ph"] == "i"]
if len(threads) < 8 or not all(n.startswith("cr3 0x") for n in threads.values()):
    fail("thread names: %s" % threads)
if any(e["tid"] not in threads for e in spans + inst):
    fail("an event on a thread without a name")
if len(inst) != cstats["transitions"]["syscall"]["count"] or any(e["name"] != "syscall" for e in inst):
    fail("%d instants (%s), want one per syscall (%d)" % (len(inst),
         set(e["name"] for e in inst), cstats["transitions"]["syscall"]["count"]))
names = collections.Counter(e["name"] for e in spans)
user = [e for e in spans if e["args"]["cpl"] == 3]
if not user or any(e["name"] != "user" for e in user):
    fail("CPL 3 spans: %s" % names)
for name in ("entry_SYSCALL_64 \u2192 entry_SYSCALL_64 (sysret)",
             "entry_SYSENTER_compat \u2192 entry_SYSENTER_compat (sysexit)",
             "entry_INT80_compat (int 0x80) \u2192 swapgs_restore_regs_and_return_to_usermode (iret)",
             "idt_stubs (#PF) \u2192 swapgs_restore_regs_and_return_to_usermode (iret)"):
    if names[name] < 1:
        fail("no kernel span '%s' in %s" % (name, names.most_common(12)))
# One span at a time: they tile the run from power-on to the end, and their
# cycles per CPL are the --stats-json figures.
spans.sort(key=lambda e: e["ts"])
ns = lambda us: round(us * 1000)
for a, b in zip(spans, spans[1:]):
    if ns(a["ts"]) + ns(a["dur"]) != ns(b["ts"]):
        fail("spans do not tile: %s then %s" % (a, b))
by_cpl = collections.Counter()
for e in spans:
    by_cpl[str(e["args"]["cpl"])] += e["args"]["cycles"]
want = {k: v for k, v in cstats["cycles_by_cpl"].items() if v}
if dict(by_cpl) != want or sum(by_cpl.values()) != cstats["cycles"]:
    fail("span cycles by CPL %s, --stats-json %s" % (dict(by_cpl), want))
end = ns(spans[-1]["ts"]) + ns(spans[-1]["dur"])
# ts and dur are rounded to whole nanoseconds each: the end may be 1 ns off.
if spans[0]["ts"] != 0 or abs(end - cstats["cycles"] * 1e9 / cstats["cpu_hz"]) > 1:
    fail("spans cover %s..%d ns" % (spans[0]["ts"], end))
print("ok: chrome: %d threads, %d spans tiling %d cycles (by CPL as --stats-json), %d instants"
      % (len(threads), len(spans), cstats["cycles"], len(inst)))
EOF

# ---- The ring buffer -------------------------------------------------------
# Five MOV CR3 then INT3 with no IDT: a triple fault (64-bit flat program).
printf '\x0f\x20\xd8\x0f\x22\xd8\x0f\x22\xd8\x0f\x22\xd8\x0f\x22\xd8\x0f\x22\xd8\xcc' >tf.bin
printf '\xb0\x05\xe6\xf4\xeb\xfe' >exit5.bin            # mov al,5; out 0xf4,al: status 11
"$RS" run --flat tf.bin --mode 64 --trace ring.jsonl --trace-ring 3 >/dev/null 2>err.txt
rc=$?; [ $rc -eq 4 ] || fail "triple fault run: exit status $rc"
"$RS" run --flat tf.bin --mode 64 --trace ring.json --trace-format chrome --trace-ring 3 \
    >/dev/null 2>err.txt
rc=$?; [ $rc -eq 4 ] || fail "triple fault run (chrome): exit status $rc"
"$RS" run --append init=nosuch --trace panic.jsonl --trace-ring 7 >console.txt 2>err.txt
rc=$?; [ $rc -eq 255 ] || fail "guest panic run: exit status $rc, want 255"
grep -q "kernel panic" console.txt || fail "the guest did not panic: $(cat console.txt)"
echo stale >quiet.jsonl
"$RS" run --flat exit5.bin --mode 32 --trace quiet.jsonl --trace-ring 3 >/dev/null 2>err.txt
rc=$?; [ $rc -eq 11 ] || fail "normal ring run: exit status $rc"
[ -f quiet.jsonl ] && [ ! -s quiet.jsonl ] || fail "a run that ended normally left a trace: $(head -c 300 quiet.jsonl)"
echo "ok: a run that ends normally leaves the --trace-ring file empty"

python3 - <<'EOF' || exit 1
import json, sys

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

lines = [json.loads(l) for l in open("ring.jsonl")]
head, ev = lines[0], lines[1:]
kinds = [e["kind_name"] for e in ev]
if kinds != ["cr3_write", "cr3_write", "triple_fault"] or head["ring"] != {
        "capacity": 3, "kept": 3, "dropped": 3, "reason": "triple_fault"}:
    fail("ring after a triple fault: %s, %s" % (head, kinds))
if ev[-1]["vector_name"] != "#GP" or [e["cycle"] for e in ev] != sorted(e["cycle"] for e in ev):
    fail("the triple fault record: %s" % ev[-1])
doc = json.load(open("ring.json"))
inst = [e["name"] for e in doc["traceEvents"] if e["ph"] == "i"]
if inst != ["cr3_write", "cr3_write", "triple_fault"]:
    fail("chrome ring after a triple fault: %s" % inst)
lines = [json.loads(l) for l in open("panic.jsonl")]
if len(lines) != 8 or lines[0]["ring"]["reason"] != "panic" or lines[0]["ring"]["kept"] != 7:
    fail("ring after a guest panic: %s" % lines[0])
print("ok: the ring holds the last 3 events up to the triple fault, the last 7 before a panic")
EOF

# ---- Errors: one line, exit status 2, before the run -------------------------
error() {
    local word="$1"
    shift
    "$RS" run "$@" </dev/null >out.txt 2>err.txt
    local rc=$? lines
    lines=$(wc -l <err.txt)
    if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qF -- "$word" err.txt || [ -s out.txt ]; then
        fail "run $*: exit $rc, $lines stderr lines (want 2, 1 line naming '$word'): $(cat err.txt out.txt)"
    fi
    echo "ok: run $* -> $(cat err.txt)"
}
error "'bogus' (valid: syscall, sysret," --flat exit5.bin --mode 32 --trace t1 --trace-events syscall,bogus
error "an empty event kind" --flat exit5.bin --mode 32 --trace t1 --trace-events syscall,
error "/nonexistent/dir/t.jsonl" --flat exit5.bin --mode 32 --trace /nonexistent/dir/t.jsonl
error "/nonexistent/dir/t.jsonl" --flat exit5.bin --mode 32 --trace /nonexistent/dir/t.jsonl --trace-ring 5
error "--trace-format" --flat exit5.bin --mode 32 --trace t1 --trace-format xml
error "--trace-ring" --flat exit5.bin --mode 32 --trace t1 --trace-ring 0
error "--trace-from-cycle" --flat exit5.bin --mode 32 --trace t1 --trace-from-cycle soon
error "apply to --trace FILE" --flat exit5.bin --mode 32 --trace-events syscall
error "COM1" --flat exit5.bin --mode 32 --trace -
printf 'just some text\n' >notes.txt
error "not an ELF file and no multiboot header" --trace t1 notes.txt
[ ! -e t1 ] || fail "a failed start created the trace file"
# A write error (a full disk) is one line naming the file.
if [ -w /dev/full ]; then
    "$RS" run --flat exit5.bin --mode 32 --trace /dev/full >/dev/null 2>err.txt; rc=$?
    [ "$rc" -eq 2 ] || fail "writing to /dev/full: exit $rc, want 2"
    grep -q "^ringscope: --trace: cannot write '/dev/full': No space left on device$" err.txt ||
        fail "writing to /dev/full: $(cat err.txt)"
    echo "ok: $(cat err.txt)"
fi
echo "trace: all checks passed"
