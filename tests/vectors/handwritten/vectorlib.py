"""Shared helpers for the hand-written vector scripts (docs/test-vectors.md).

They only shape JSON: every expected value is passed in literally by the
scripts, never computed here.
"""
import json
import os

OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def h(v):
    return hex(v)


def vec(name, mode, code, regs, final, ram=None, fram=None, sregs=None, fsregs=None, exc=None,
        cpl=None, control=None, undefined=None):
    """One vector. `final` lists changed registers (rip and rflags default to
    the initial values when not given); fram defaults to ram; fsregs are the
    segment registers expected to change."""
    regs = dict(regs)
    regs.setdefault("rflags", 0x2)
    fin = {"rip": regs["rip"], "rflags": regs["rflags"]}
    fin.update(final)
    v = {"name": name, "mode": mode}
    if cpl is not None:
        v["cpl"] = cpl
    v["bytes"] = code
    init = {"regs": {k: h(x) for k, x in regs.items()}}
    if sregs:
        init["sregs"] = sregs
    if control:
        init["control"] = {k: h(x) for k, x in control.items()}
    if ram:
        init["ram"] = [[h(a), b] for a, b in ram]
    v["initial"] = init
    f = {"regs": {k: h(x) for k, x in fin.items()}}
    if fsregs:
        f["sregs"] = fsregs
    fr = fram if fram is not None else ram
    if fr:
        f["ram"] = [[h(a), b] for a, b in fr]
    v["final"] = f
    if exc is not None:
        v["exception"] = exc
    if undefined:
        v["undefined"] = undefined
    v["oracle"] = "sdm"
    return v


def GP(code):
    """#GP with an error code (SDM Vol. 3A, 6.13)."""
    return {"vector": 13, "error_code": code}


def NP(code):
    return {"vector": 11, "error_code": code}


def SS(code):
    return {"vector": 12, "error_code": code}


def TS(code):
    return {"vector": 10, "error_code": code}


def PF(code):
    return {"vector": 14, "error_code": code}


GP0 = GP(0)


def seg(sel, base, limit, attr):
    """A segment register given with its exact hidden cache."""
    return {"sel": h(sel), "base": h(base), "limit": h(limit), "attr": h(attr)}


def write(path, vectors):
    """Write `vectors` to tests/vectors/`path` as JSON Lines."""
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        for v in vectors:
            f.write(json.dumps(v, separators=(",", ":")) + "\n")
    print(f"{path}: {len(vectors)} vectors")
