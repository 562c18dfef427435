#!/usr/bin/env python3
"""Sanity checks over generated vectors: JSON validity, field order, unique names,
file sizes, per-form counts, exception statistics.
Usage: check.py DIR...   (each DIR holds one folder per mode, e.g. tests/vectors)"""
import json, sys, os, re, collections

LIMIT = 900 * 1024
ORDER = ["name", "mode", "cpl", "bytes", "initial", "final", "exception", "undefined", "oracle"]
bad = 0
for d in sys.argv[1:]:
    for mode in sorted(os.listdir(d)):
        md = os.path.join(d, mode)
        if not os.path.isdir(md):
            continue
        total = 0
        forms = collections.Counter()
        exc = collections.Counter()
        fams = collections.Counter()
        for fn in sorted(os.listdir(md)):
            if not fn.endswith(".jsonl"):
                continue
            p = os.path.join(md, fn)
            sz = os.path.getsize(p)
            if sz >= LIMIT:
                print(f"{p}: {sz} bytes >= 900 KiB"); bad += 1
            names = set()
            for ln, line in enumerate(open(p), 1):
                try:
                    v = json.loads(line)
                except Exception as e:
                    print(f"{p}:{ln}: bad JSON: {e}"); bad += 1; continue
                keys = list(v.keys())
                if keys != [k for k in ORDER if k in v]:
                    print(f"{p}:{ln}: field order {keys}"); bad += 1
                if v["name"] in names:
                    print(f"{p}:{ln}: duplicate name {v['name']}"); bad += 1
                names.add(v["name"])
                if v["mode"] != mode:
                    print(f"{p}:{ln}: mode {v['mode']}"); bad += 1
                fr = v["final"]["regs"]
                if "rip" not in fr or "rflags" not in fr:
                    print(f"{p}:{ln}: final without rip/rflags"); bad += 1
                ir = {r[0] for r in v["initial"].get("ram", [])}
                frr = {r[0] for r in v["final"].get("ram", [])}
                if ir != frr:
                    print(f"{p}:{ln}: ram ranges differ"); bad += 1
                form = re.sub(r" #\d+$", "", v["name"])
                form = re.split(r" (o(8|16|32|64)|a16|a32)\b", form)[0]
                forms[form] += 1
                fams[re.sub(r"-\d+$", "", fn[:-6])] += 1
                if "exception" in v:
                    exc[v["exception"]["vector"]] += 1
                total += 1
        print(f"{mode}: {total} vectors; exceptions {dict(sorted(exc.items()))}")
        print("  families: " + ", ".join(f"{k} {n}" for k, n in sorted(fams.items())))
        few = {k: n for k, n in forms.items() if n < 20}
        if few:
            print(f"  forms with < 20 vectors: {few}")
sys.exit(1 if bad else 0)
