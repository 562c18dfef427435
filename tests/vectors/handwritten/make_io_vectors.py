#!/usr/bin/env python3
"""Hand-written vectors for port I/O (oracle: the Intel SDM).

IN, OUT (imm8 and DX forms), INS, OUTS and REP INS/OUTS in real mode,
32-bit protected mode, 64-bit mode and compatibility mode. The vector
runner installs no port handlers, so the bus is empty: IN reads all-ones
and OUT is ignored, which makes every result deterministic. What the
vectors check is the I/O protection of SDM Vol. 1 19.5 and the IN/OUT/
INS/OUTS Operation sections: with CPL > IOPL in protected mode, every bit
of the TSS I/O permission bitmap for the accessed bytes must be 0, else
#GP(0); the bitmap base is the word at TSS offset 66h; a TR that is not a
32-bit (or 64-bit) TSS, or a bitmap beyond the TSS limit, is #GP(0); and
the string forms' registers (rSI/rDI at the address size, DF, rCX).

The TSS used below (at 5000h, limit E8h, TR selector 28h):
  offset 66h: I/O map base = 68h
  bitmap bytes 68h..E7h (ports 0-3FFh), all FFh (denied) except
    byte 0Ch = 00h  ports 60h-67h allowed
    byte 10h = 01h  port 80h denied, 81h-87h allowed
    byte 1Ch = 00h  ports E0h-E7h allowed
    byte 7Fh = 7Fh  port 3FFh allowed, 3F8h-3FEh denied
  offset E8h: FFh, the byte the SDM requires after the bitmap.

Choice where the SDM is implicit: the processor reads the bitmap two bytes
at a time at (port / 8) even when the port's bits lie in one byte, so both
bytes must lie within the TSS limit (Intel; the reason for the trailing
FFh; Bochs does the same). The vector "limit at E7h" shows it. The check is
made as the instruction starts, so REP INS/OUTS with rCX = 0 still faults
on a denied port.

Every expected value is a literal worked out by hand. Run it to regenerate
tests/vectors/{real,prot32,long64}/io.jsonl:

    python3 tests/vectors/handwritten/make_io_vectors.py
"""
from vectorlib import GP0, seg, vec, write


TSS_BASE = 0x5000
# Bitmap bytes 0..7Fh; FFh unless listed.
BITMAP = {0x0c: "00", 0x10: "01", 0x1c: "00", 0x7f: "7f"}
TSS = "00" * 0x66 + "6800" + "".join(BITMAP.get(i, "ff") for i in range(0x80)) + "ff"
TSS_RAM = [(TSS_BASE, TSS)]
TR32 = seg(0x28, TSS_BASE, 0xe8, 0x8b)      # busy 32-bit TSS (64-bit TSS in IA-32e mode)


def tr(limit=0xe8, attr=0x8b):
    return seg(0x28, TSS_BASE, limit, attr)


P = lambda **kw: dict({"rip": 0x1000, "rflags": 0x2}, **kw)


def pv(name, code, regs, final, mode="prot32", cpl=3, sregs=None, ram=None, fram=None, **kw):
    """A vector with the TSS in memory and TR pointing at it (CPL 3, IOPL 0
    unless given)."""
    sregs = dict({"tr": TR32}, **(sregs or {}))
    ram = TSS_RAM + (ram or [])
    if fram is not None:
        fram = TSS_RAM + fram
    prefix = {"compat32": "compat32: ", "long64": ""}.get(mode, "")
    return vec(prefix + name, mode, code, regs, final, cpl=cpl, sregs=sregs, ram=ram, fram=fram, **kw)


prot32 = [
    # Bitmap checks at CPL 3, IOPL 0.
    pv("in al,60h allowed by the bitmap", "e460", P(rax=0x12345678), {"rax": 0x123456ff, "rip": 0x1002}),
    pv("in al,80h denied by the bitmap is #GP", "e480", P(), {}, exc=GP0),
    pv("in al,81h allowed", "e481", P(), {"rax": 0xff, "rip": 0x1002}),
    pv("66 in ax,86h: ports 86h and 87h allowed", "66e586", P(), {"rax": 0xffff, "rip": 0x1003}),
    pv("in eax,84h: ports 84h-87h allowed", "e584", P(), {"rax": 0xffffffff, "rip": 0x1002}),
    pv("in eax,80h: port 80h's bit denies the dword", "e580", P(), {}, exc=GP0),
    pv("in al,dx 67h allowed", "ec", P(rdx=0x67), {"rax": 0xff, "rip": 0x1001}),
    pv("66 in ax,dx 67h: port 68h in the next bitmap byte is denied", "66ed", P(rdx=0x67), {}, exc=GP0),
    pv("in al,0e4h: the imm8 port is zero-extended (e4h, not ffe4h)", "e4e4", P(), {"rax": 0xff, "rip": 0x1002}),
    pv("in al,dx ignores the upper edx", "ec", P(rdx=0xffff0060), {"rax": 0xff, "rip": 0x1001}),
    pv("in al,dx 3ffh: the bitmap word includes the trailing ffh", "ec", P(rdx=0x3ff),
       {"rax": 0xff, "rip": 0x1001}),
    pv("in al,dx 3ffh with the limit at e7h: the bitmap word crosses the limit (intel reads 2 bytes)", "ec",
       P(rdx=0x3ff), {}, sregs={"tr": tr(limit=0xe7)}, exc=GP0),
    pv("66 in ax,dx 3ffh: port 400h falls in the trailing ffh", "66ed", P(rdx=0x3ff), {}, exc=GP0),
    pv("in al,dx 400h: beyond the limit is #GP", "ec", P(rdx=0x400), {}, exc=GP0),
    pv("in al,dx ffffh: beyond the limit is #GP", "ec", P(rdx=0xffff), {}, exc=GP0),
    pv("in al,60h with tss limit 67h (no bitmap) is #GP", "e460", P(), {}, sregs={"tr": tr(limit=0x67)}, exc=GP0),
    pv("in al,60h with tss limit 66h (no map base) is #GP", "e460", P(), {}, sregs={"tr": tr(limit=0x66)},
       exc=GP0),
    pv("in al,60h with a 16-bit tss in tr is #GP", "e460", P(), {}, sregs={"tr": tr(limit=0x2b, attr=0x83)},
       exc=GP0),
    pv("in al,60h with an available (type 9) tss", "e460", P(), {"rax": 0xff, "rip": 0x1002},
       sregs={"tr": tr(attr=0x89)}),
    # IOPL
    pv("in al,80h at cpl 3 with iopl 3: no bitmap check", "e480", P(rflags=0x3002),
       {"rax": 0xff, "rip": 0x1002}, sregs={"tr": tr(limit=0x2b, attr=0x83)}),
    pv("in al,80h at cpl 1 with iopl 1: allowed", "e480", P(rflags=0x1002), {"rax": 0xff, "rip": 0x1002}, cpl=1),
    pv("in al,80h at cpl 2 with iopl 1: denied is #GP", "e480", P(rflags=0x1002), {}, cpl=2, exc=GP0),
    pv("in al,80h at cpl 0: no bitmap check", "e480", P(), {"rax": 0xff, "rip": 0x1002}, cpl=0,
       sregs={"tr": tr(limit=0x2b, attr=0x83)}),
    # OUT
    pv("out 80h,al denied is #GP", "e680", P(), {}, exc=GP0),
    pv("out 60h,al allowed", "e660", P(rax=0x41), {"rip": 0x1002}),
    pv("out dx,eax 84h allowed", "ef", P(rdx=0x84), {"rip": 0x1001}),
    pv("66 out dx,ax 87h: port 88h denied", "66ef", P(rdx=0x87), {}, exc=GP0),
    # INS / OUTS
    pv("outsb denied is #GP and leaves esi", "6e", P(rdx=0x80, rsi=0x2000), {}, ram=[(0x2000, "41")], exc=GP0),
    pv("outsb allowed advances esi", "6e", P(rdx=0x60, rsi=0x2000), {"rsi": 0x2001, "rip": 0x1001},
       ram=[(0x2000, "41")]),
    pv("insb denied writes nothing", "6c", P(rdx=0x80, rdi=0x3000), {}, ram=[(0x3000, "00")], exc=GP0),
    pv("insb allowed", "6c", P(rdx=0x60, rdi=0x3000), {"rdi": 0x3001, "rip": 0x1001}, ram=[(0x3000, "0000")],
       fram=[(0x3000, "ff00")]),
    pv("rep insd", "f36d", P(rdx=0x84, rdi=0x3000, rcx=2), {"rdi": 0x3008, "rcx": 0, "rip": 0x1002},
       ram=[(0x3000, "00" * 10)], fram=[(0x3000, "ff" * 8 + "0000")]),
    pv("rep insb with df = 1 goes down", "f36c", P(rdx=0x60, rdi=0x3003, rcx=3, rflags=0x402),
       {"rdi": 0x3000, "rcx": 0, "rip": 0x1002}, ram=[(0x3000, "00000000")], fram=[(0x3000, "00ffffff")]),
    pv("rep insb with ecx = 0 writes nothing", "f36c", P(rdx=0x60, rdi=0x3000, rcx=0),
       {"rip": 0x1002}, ram=[(0x3000, "00")]),
    pv("rep insb with ecx = 0 still checks the bitmap", "f36c", P(rdx=0x80, rdi=0x3000, rcx=0), {},
       ram=[(0x3000, "00")], exc=GP0),
    pv("rep outsb", "f36e", P(rdx=0x60, rsi=0x2000, rcx=4), {"rsi": 0x2004, "rcx": 0, "rip": 0x1002},
       ram=[(0x2000, "41424344")]),
    pv("repne outsb repeats too", "f26e", P(rdx=0x60, rsi=0x2000, rcx=2), {"rsi": 0x2002, "rcx": 0, "rip": 0x1002},
       ram=[(0x2000, "4142")]),
    pv("a16 rep outsw uses si and cx", "6766f36f", P(rdx=0x84, rsi=0x5fffe, rcx=0x12340001),
       {"rsi": 0x50000, "rcx": 0x12340000, "rip": 0x1004}, ram=[(0xfffe, "4142")]),
    pv("fs: outsb honours the override (fs limit ffh) #GP", "646e", P(rdx=0x60, rsi=0x100), {},
       sregs={"fs": seg(0x10, 0x10000, 0xff, 0x4093)}, exc=GP0),
    pv("fs: insb ignores the override: writes es:edi", "646c", P(rdx=0x60, rdi=0x3000),
       {"rdi": 0x3001, "rip": 0x1002}, sregs={"fs": seg(0x10, 0x10000, 0xffff, 0x4093)},
       ram=[(0x3000, "00"), (0x13000, "00")], fram=[(0x3000, "ff"), (0x13000, "00")]),
    pv("insw into a read-only es is #GP and writes nothing", "666d", P(rdx=0x60, rdi=0x3000),
       {}, cpl=0, sregs={"es": seg(0x10, 0, 0xffffffff, 0xc091)}, ram=[(0x3000, "0000")], exc=GP0),
    pv("insd crossing the es limit is #GP and writes nothing", "6d", P(rdx=0x60, rdi=0xffe), {}, cpl=0,
       sregs={"es": seg(0x10, 0x3000, 0xfff, 0x4093)}, ram=[(0x3ffc, "00000000")], exc=GP0),
]

L = lambda **kw: dict({"rip": 0x1000, "rflags": 0x2}, **kw)
long64 = [
    pv("in eax,dx zero-extends rax", "ed", L(rax=0xffffffffffffffff, rdx=0x84), {"rax": 0xffffffff, "rip": 0x1001},
       mode="long64"),
    pv("rex.w in eax,dx is still 32-bit", "48ed", L(rax=0x1234567812345678, rdx=0x84),
       {"rax": 0xffffffff, "rip": 0x1002}, mode="long64"),
    pv("in al,80h denied through the 64-bit tss bitmap", "e480", L(), {}, mode="long64", exc=GP0),
    pv("in al,60h allowed through the 64-bit tss bitmap", "e460", L(), {"rax": 0xff, "rip": 0x1002},
       mode="long64"),
    pv("in al,80h with iopl 3", "e480", L(rflags=0x3002), {"rax": 0xff, "rip": 0x1002}, mode="long64"),
    pv("rep insb with rdi and rcx", "f36c", L(rdx=0x60, rdi=0x3000, rcx=2),
       {"rdi": 0x3002, "rcx": 0, "rip": 0x1002}, mode="long64", ram=[(0x3000, "000000")],
       fram=[(0x3000, "ffff00")]),
    pv("a32 insd uses edi (zero-extended update)", "676d", L(rdx=0x84, rdi=0xffffffff00003000),
       {"rdi": 0x3004, "rip": 0x1002}, mode="long64", ram=[(0x3000, "0000000000")],
       fram=[(0x3000, "ffffffff00")]),
    pv("insb to a non-canonical rdi is #GP", "6c", L(rdx=0x60, rdi=0x0000800000000000), {}, mode="long64",
       cpl=0, exc=GP0),
    pv("outsb from a non-canonical rsi is #GP", "6e", L(rdx=0x60, rsi=0xffff000000000000), {}, mode="long64",
       cpl=0, exc=GP0),
    pv("in al,60h allowed through the tss in compatibility mode", "e460", L(), {"rax": 0xff, "rip": 0x1002},
       mode="compat32"),
    pv("out 80h,al denied in compatibility mode", "e680", L(), {}, mode="compat32", exc=GP0),
]

# Real mode: CPL 0, no protection; CS = 0, DS = 2000h, ES = 1000h.
RS = {"cs": "0x0", "ds": "0x2000", "es": "0x1000"}
R = lambda **kw: dict({"rip": 0x100}, **kw)


def rv(name, code, regs, final, **kw):
    sregs = dict(RS, **kw.pop("sregs", {}))
    return vec("real: " + name, "real", code, regs, final, sregs=sregs, **kw)


real = [
    rv("in al,60h on the empty bus reads ffh", "e460", R(rax=0x12345678), {"rax": 0x123456ff, "rip": 0x102}),
    rv("in ax,dx", "ed", R(rdx=0x1f0), {"rax": 0xffff, "rip": 0x101}),
    rv("66 in eax,dx", "66ed", R(rdx=0x1f0), {"rax": 0xffffffff, "rip": 0x102}),
    rv("out 80h,al", "e680", R(rax=0x55), {"rip": 0x102}),
    rv("out dx,ax", "ef", R(rdx=0x3f8, rax=0x55), {"rip": 0x101}),
    rv("rep insb es:di", "f36c", R(rdx=0x60, rdi=0x100, rcx=3), {"rdi": 0x103, "rcx": 0, "rip": 0x102},
       ram=[(0x10100, "00000000")], fram=[(0x10100, "ffffff00")]),
    rv("insw with df = 1", "6d", R(rdx=0x60, rdi=0x100, rflags=0x402), {"rdi": 0xfe, "rip": 0x101},
       ram=[(0x10100, "0000")], fram=[(0x10100, "ffff")]),
    rv("rep outsb ds:si", "f36e", R(rdx=0x60, rsi=0x100, rcx=4), {"rsi": 0x104, "rcx": 0, "rip": 0x102},
       ram=[(0x20100, "41424344")]),
    rv("insw at di ffffh crosses the es limit: #GP, nothing written", "6d", R(rdx=0x60, rdi=0xffff), {},
       ram=[(0x1fffe, "00")], exc=GP0),
    rv("rep insb with cx = 0 does nothing", "f36c", R(rdx=0x60, rdi=0x100, rcx=0), {"rip": 0x102},
       ram=[(0x10100, "00")]),
    rv("rep insb counts cx only (a16)", "f36c", R(rdx=0x60, rdi=0x100, rcx=0xffff0001),
       {"rdi": 0x101, "rcx": 0xffff0000, "rip": 0x102}, ram=[(0x10100, "0000")], fram=[(0x10100, "ff00")]),
]

for path, vs in (("real/io.jsonl", real), ("prot32/io.jsonl", prot32), ("long64/io.jsonl", long64)):
    write(path, vs)
