#!/usr/bin/env python3
"""Hand-written vectors for far JMP, far CALL and far RET (oracle: the Intel SDM).

JMP ptr16:16/32 (EA), JMP m16:16/32/64 (FF /5), CALL ptr16:16/32 (9A),
CALL m16:16/32/64 (FF /3) and RET far (CB, CA imm16) in real mode, 32-bit
protected mode, 64-bit mode and compatibility mode, from the Operation
sections of JMP, CALL and RET and SDM Vol. 3A, 5.8: direct transfers to
conforming and nonconforming code, transfers through 16-, 32- and 64-bit
call gates (with the stack switch from the TSS and parameter copying),
returns to the same and to an outer level (with the nulling of data
segment registers), and every check with its exception and error code.

Descriptors, TSS contents and stack frames are literal little-endian byte
strings; every expected value (segment caches, the frame pushed in RAM,
RSP, the accessed bits) is a literal worked out by hand, never computed by
this script. Choices where the SDM is silent or ambiguous:
- TSS and task-gate selectors raise #GP(selector): task switches are not
  implemented (docs/segmentation.md).
- A selector pushed in a 32- or 64-bit slot is zero-extended ("padded").
- Real mode loads only CS's selector and base; limit and attributes stay.
- The data segment registers nulled by a return to an outer level get
  selector 0 and attr 0 (unusable) and keep base and limit.
Run it to regenerate tests/vectors/{real,prot32,long64}/far.jsonl:

    python3 tests/vectors/handwritten/make_far_vectors.py
"""
from vectorlib import GP, NP, SS, TS, seg, vec, write


GDT_BASE = 0x8000

# ------------------------------------------------------------ real mode
RS = {"cs": "0x1000", "ds": "0x2000", "ss": "0x3000", "es": "0x4000"}
R = lambda **kw: dict({"rip": 0x100}, **kw)
real = [
    vec("real: jmp far ptr16:16", "real", "ea34120020", R(), {"rip": 0x1234}, sregs=RS,
        fsregs={"cs": seg(0x2000, 0x20000, 0xffff, 0x9b)}),
    vec("real: jmp far keeps the cs limit and attributes", "real", "ea34120020", R(), {"rip": 0x1234},
        sregs=dict(RS, cs=seg(0x1000, 0x10000, 0xfffff, 0x409b)),
        fsregs={"cs": seg(0x2000, 0x20000, 0xfffff, 0x409b)}),
    vec("real: 66 jmp far ptr16:32 beyond the cs limit is #GP", "real", "66ea000001000020", R(), {}, sregs=RS,
        exc={"vector": 13}),
    vec("real: 66 jmp far ptr16:32 inside a 4G cs limit", "real", "66ea000001000020", R(), {"rip": 0x10000},
        sregs=dict(RS, cs=seg(0x1000, 0x10000, 0xffffffff, 0x809b)),
        fsregs={"cs": seg(0x2000, 0x20000, 0xffffffff, 0x809b)}),
    vec("real: call far ptr16:16 pushes cs and ip", "real", "9a34120020", R(rsp=0x100), {"rip": 0x1234, "rsp": 0xfc},
        sregs=RS, ram=[(0x300fc, "ffffffff")], fram=[(0x300fc, "05010010")],
        fsregs={"cs": seg(0x2000, 0x20000, 0xffff, 0x9b)}),
    vec("real: 66 call far ptr16:32 pushes dwords", "real", "669a340000000020", R(rsp=0x100),
        {"rip": 0x34, "rsp": 0xf8}, sregs=RS, ram=[(0x300f8, "ffffffffffffffff")],
        fram=[(0x300f8, "0801000000100000")], fsregs={"cs": seg(0x2000, 0x20000, 0xffff, 0x9b)}),
    vec("real: call far with sp 1 is #SS", "real", "9a34120020", R(rsp=1), {}, sregs=RS, exc={"vector": 12}),
    vec("real: call far with sp 0 wraps", "real", "9a34120020", R(rsp=0), {"rip": 0x1234, "rsp": 0xfffc},
        sregs=RS, ram=[(0x3fffc, "ffffffff")], fram=[(0x3fffc, "05010010")],
        fsregs={"cs": seg(0x2000, 0x20000, 0xffff, 0x9b)}),
    vec("real: call far [bx] m16:16", "real", "ff1f", R(rsp=0x100, rbx=0x10), {"rip": 0x1234, "rsp": 0xfc},
        sregs=RS, ram=[(0x20010, "34120020"), (0x300fc, "ffffffff")],
        fram=[(0x20010, "34120020"), (0x300fc, "02010010")], fsregs={"cs": seg(0x2000, 0x20000, 0xffff, 0x9b)}),
    vec("real: jmp far [bx] m16:16", "real", "ff2f", R(rbx=0x10), {"rip": 0x1234}, sregs=RS,
        ram=[(0x20010, "34120020")], fsregs={"cs": seg(0x2000, 0x20000, 0xffff, 0x9b)}),
    vec("real: retf", "real", "cb", R(rsp=0x100), {"rip": 0x1234, "rsp": 0x104}, sregs=RS,
        ram=[(0x30100, "34120020")], fsregs={"cs": seg(0x2000, 0x20000, 0xffff, 0x9b)}),
    vec("real: retf 4 releases four more bytes", "real", "ca0400", R(rsp=0x100), {"rip": 0x1234, "rsp": 0x108},
        sregs=RS, ram=[(0x30100, "34120020")], fsregs={"cs": seg(0x2000, 0x20000, 0xffff, 0x9b)}),
    vec("real: 66 retf pops dwords", "real", "66cb", R(rsp=0x100), {"rip": 0x1234, "rsp": 0x108}, sregs=RS,
        ram=[(0x30100, "3412000000200000")], fsregs={"cs": seg(0x2000, 0x20000, 0xffff, 0x9b)}),
    vec("real: 66 retf beyond the cs limit is #GP", "real", "66cb", R(rsp=0x100), {}, sregs=RS,
        ram=[(0x30100, "0000010000200000")], exc={"vector": 13}),
    vec("real: retf with the ip beyond the ss limit is #SS", "real", "cb", R(rsp=0xffff), {}, sregs=RS,
        ram=[(0x3ffff, "34")], exc={"vector": 12}),
]

# -------------------------------------------------- 32-bit protected mode
GDT32 = [
    "0000000000000000",  # 00 null
    "ffff0000009bcf00",  # 08 code32 ring 0, accessed                  c09b
    "ffff00000093cf00",  # 10 data ring 0 rw, accessed                 c093
    "ffff000000fbcf00",  # 18 code32 ring 3                            c0fb
    "ffff000000f3cf00",  # 20 data ring 3 rw                           c0f3
    "ffff0000009acf00",  # 28 code32 ring 0, A=0                       -> c09b
    "ffff0000019a0000",  # 30 code16 ring 0 base 10000 lim ffff, A=0   -> 009b
    "ffff0000009ecf00",  # 38 conforming code ring 0, A=0              -> c09f
    "ffff000000bbcf00",  # 40 code32 ring 1                            c0bb
    "ffff000000b3cf00",  # 48 data ring 1 rw                           c0b3
    "0020080000ec4000",  # 50 call gate32 dpl 3 -> 08:00402000, 0 params
    "0020080002ec4000",  # 58 call gate32 dpl 3 -> 08:00402000, 2 params
    "67000050008b0000",  # 60 busy 32-bit TSS base 5000 limit 67
    "ffff0000001bcf00",  # 68 code32 ring 0, not present
    "0030080000e40000",  # 70 call gate16 dpl 3 -> 08:3000, 0 params
    "0030080002e40000",  # 78 call gate16 dpl 3 -> 08:3000, 2 params
    "00200800006c4000",  # 80 call gate32 dpl 3, not present
    "0020080000cc4000",  # 88 call gate32 dpl 2 -> 08:00402000
    "0020000000ec4000",  # 90 call gate32 dpl 3 -> null selector
    "0020100000ec4000",  # 98 call gate32 dpl 3 -> 10 (data)
    "0020680000ec4000",  # a0 call gate32 dpl 3 -> 68 (not present)
    "0020380000ec4000",  # a8 call gate32 dpl 3 -> 38:00402000 (conforming ring 0)
    "0020400002ec4000",  # b0 call gate32 dpl 3 -> 40:00402000 (ring 1), 2 params
    "0000300000ec0100",  # b8 call gate32 dpl 3 -> 30:00010000 (beyond the limit)
    "0000600000e50000",  # c0 task gate dpl 3 -> 60
    "6700006000890000",  # c8 available 32-bit TSS base 6000 limit 67
    "ffff00000091cf00",  # d0 data ring 0 read-only
    "ffff00000013cf00",  # d8 data ring 0 rw, not present
    "ffff000002930000",  # e0 data ring 0 rw base 20000 lim ffff B=0  0093
    "ff0f000000934000",  # e8 data ring 0 rw lim fff B=1              4093
    "ffff000000ffcf00",  # f0 conforming code ring 3                  c0ff
    "ffff00000073cf00",  # f8 data ring 3 rw, not present
]
ACC32 = {5: "ffff0000009bcf00", 6: "ffff0000019b0000", 7: "ffff0000009fcf00"}


def gdt32(changed=None):
    changed = changed or {}
    return [(GDT_BASE, "".join(changed.get(i, e) for i, e in enumerate(GDT32)))]


G = gdt32()
GDTR32 = {"gdtr_base": GDT_BASE, "gdtr_limit": 0xff}
TR32 = seg(0x60, 0x5000, 0x67, 0x8b)
# TSS: ESP0 4000, SS0 10, ESP1 4800, SS1 49.
TSS32 = (0x5004, "00400000" "10000000" "00480000" "49000000")
U3 = {"cs": "0x1b", "ss": "0x23", "tr": TR32}   # ring 3 caller


def pv(name, code, regs, final, **kw):
    kw["ram"] = G + kw.get("ram", [])
    if "fram" in kw:
        kw["fram"] = kw["fram"] + [r for r in kw["ram"] if r[0] != GDT_BASE and r[0] not in
                                    [f[0] for f in kw["fram"]]]
    kw["control"] = dict(GDTR32, **kw.get("control", {}))
    return vec(name, "prot32", code, regs, final, **kw)


def acc(i):
    return gdt32({i: ACC32[i]})


P = lambda **kw: dict({"rip": 0x1000}, **kw)
CS28 = seg(0x28, 0, 0xffffffff, 0xc09b)
CS30 = seg(0x30, 0x10000, 0xffff, 0x009b)
CS08 = seg(0x08, 0, 0xffffffff, 0xc09b)
SS10 = seg(0x10, 0, 0xffffffff, 0xc093)
STK = [(0x2ff0, "ffffffffffffffffffffffffffffffff")]


def stk(b):
    return [(0x2ff0, b)]


prot32 = [
    # ---- direct JMP
    pv("jmp far ptr16:32 sets the accessed bit", "ea002000002800", P(), {"rip": 0x2000},
       fram=acc(5), fsregs={"cs": CS28}),
    pv("jmp far to a 16-bit code segment", "ea341200003000", P(), {"rip": 0x1234},
       fram=acc(6), fsregs={"cs": CS30}),
    pv("66 jmp far ptr16:16", "66ea34123000", P(), {"rip": 0x1234}, fram=acc(6), fsregs={"cs": CS30}),
    pv("jmp far offset beyond the cs limit is #GP(0)", "ea000001003000", P(), {}, exc=GP(0)),
    pv("jmp far null selector is #GP(0)", "ea002000000000", P(), {}, exc=GP(0)),
    pv("jmp far null selector rpl 3 is #GP(0)", "ea002000000300", P(), {}, exc=GP(0)),
    pv("jmp far to data is #GP(sel)", "ea002000001000", P(), {}, exc=GP(0x10)),
    pv("jmp far beyond the gdt limit is #GP(sel)", "ea002000000301", P(), {}, exc=GP(0x100)),
    pv("jmp far nonconforming rpl 3 > cpl 0 is #GP(sel)", "ea002000002b00", P(), {}, exc=GP(0x28)),
    pv("jmp far nonconforming dpl 0 at cpl 3 is #GP(sel)", "ea002000000800", P(), {}, cpl=3, sregs=U3,
       exc=GP(0x08)),
    pv("jmp far nonconforming dpl 3 at cpl 0 is #GP(sel)", "ea002000001800", P(), {}, exc=GP(0x18)),
    pv("jmp far conforming dpl 0 at cpl 3 keeps cpl (rpl 3)", "ea002000003800", P(), {"rip": 0x2000}, cpl=3,
       sregs=U3, fram=acc(7), fsregs={"cs": seg(0x3b, 0, 0xffffffff, 0xc09f)}),
    pv("jmp far conforming dpl 3 at cpl 0 is #GP(sel)", "ea00200000f000", P(), {}, exc=GP(0xf0)),
    pv("jmp far not present is #NP(sel)", "ea002000006800", P(), {}, exc=NP(0x68)),
    pv("jmp far to an available tss is #GP(sel) (no task switch)", "ea00200000c800", P(), {}, exc=GP(0xc8)),
    pv("jmp far to a busy tss is #GP(sel)", "ea002000006000", P(), {}, exc=GP(0x60)),
    pv("jmp far to a task gate is #GP(sel) (no task switch)", "ea00200000c000", P(), {}, exc=GP(0xc0)),
    pv("jmp far [ebx] m16:32", "ff2b", P(rbx=0x2000), {"rip": 0x2000}, ram=[(0x2000, "002000002800")],
       fram=acc(5), fsregs={"cs": CS28}),
    pv("66 jmp far [ebx] m16:16", "66ff2b", P(rbx=0x2000), {"rip": 0x1234}, ram=[(0x2000, "34123000")],
       fram=acc(6), fsregs={"cs": CS30}),
    pv("jmp far [ebx] selector beyond the ds limit is #GP(0)", "ff2b", P(rbx=0x2000), {},
       sregs={"ds": seg(0x10, 0, 0x2003, 0x4093)}, ram=[(0x2000, "002000002800")], exc=GP(0)),
    # ---- JMP through call gates
    pv("jmp far through a call gate", "ea000000005000", P(), {"rip": 0x402000}, fsregs={"cs": CS08}),
    pv("jmp far through a 16-bit call gate", "ea000000007000", P(), {"rip": 0x3000}, fsregs={"cs": CS08}),
    pv("jmp far through a gate to dpl 0 nonconforming at cpl 3 is #GP(code sel)", "ea000000005300", P(), {},
       cpl=3, sregs=U3, exc=GP(0x08)),
    pv("jmp far through a gate to conforming code at cpl 3", "ea00000000ab00", P(), {"rip": 0x402000}, cpl=3,
       sregs=U3, fram=acc(7), fsregs={"cs": seg(0x3b, 0, 0xffffffff, 0xc09f)}),
    pv("jmp far gate dpl 2 < cpl 3 is #GP(gate sel)", "ea000000008b00", P(), {}, cpl=3, sregs=U3,
       exc=GP(0x88)),
    pv("jmp far gate dpl 2 < rpl 3 is #GP(gate sel)", "ea000000008b00", P(), {}, exc=GP(0x88)),
    pv("jmp far gate not present is #NP(gate sel)", "ea000000008000", P(), {}, exc=NP(0x80)),
    pv("jmp far gate with a null code selector is #GP(0)", "ea000000009000", P(), {}, exc=GP(0)),
    pv("jmp far gate to data is #GP(code sel)", "ea000000009800", P(), {}, exc=GP(0x10)),
    pv("jmp far gate to not-present code is #NP(code sel)", "ea00000000a000", P(), {}, exc=NP(0x68)),
    pv("jmp far gate offset beyond the code limit is #GP(0)", "ea00000000b800", P(), {}, exc=GP(0)),
    # ---- direct CALL
    pv("call far ptr16:32 pushes cs (zero-padded) and eip", "9a002000002800", P(rsp=0x3000),
       {"rip": 0x2000, "rsp": 0x2ff8}, ram=STK, fram=acc(5) + stk("ffffffffffffffff0710000008000000"),
       fsregs={"cs": CS28}),
    pv("66 call far ptr16:16 pushes words", "669a34123000", P(rsp=0x3000), {"rip": 0x1234, "rsp": 0x2ffc},
       ram=STK, fram=acc(6) + stk("ffffffffffffffffffffffff06100800"), fsregs={"cs": CS30}),
    pv("call far [ebx] m16:32", "ff1b", P(rsp=0x3000, rbx=0x2000), {"rip": 0x2000, "rsp": 0x2ff8},
       ram=STK + [(0x2000, "002000002800")],
       fram=acc(5) + stk("ffffffffffffffff0210000008000000"), fsregs={"cs": CS28}),
    pv("call far without room on the stack is #SS(0)", "9a002000002800", P(rsp=0x3000), {},
       sregs={"ss": seg(0x10, 0, 0xfff, 0x4093)}, exc=SS(0)),
    pv("call far offset beyond the cs limit is #GP(0)", "9a000001003000", P(rsp=0x3000), {}, ram=STK,
       exc=GP(0)),
    pv("call far stack check comes before the target limit check", "9a000001003000", P(rsp=0x3000), {},
       sregs={"ss": seg(0x10, 0, 0xfff, 0x4093)}, exc=SS(0)),
    pv("call far null selector is #GP(0)", "9a002000000000", P(rsp=0x3000), {}, exc=GP(0)),
    pv("call far to conforming code at cpl 3", "9a002000003800", P(rsp=0x3000), {"rip": 0x2000, "rsp": 0x2ff8},
       cpl=3, sregs=U3, ram=STK, fram=acc(7) + stk("ffffffffffffffff071000001b000000"),
       fsregs={"cs": seg(0x3b, 0, 0xffffffff, 0xc09f)}),
    pv("call far to a task gate is #GP(sel)", "9a00000000c000", P(rsp=0x3000), {}, exc=GP(0xc0)),
    pv("call far to a tss is #GP(sel)", "9a00000000c800", P(rsp=0x3000), {}, exc=GP(0xc8)),
    # ---- CALL through call gates, same privilege
    pv("call far through a gate at the same level", "9a000000005000", P(rsp=0x3000),
       {"rip": 0x402000, "rsp": 0x2ff8}, ram=STK, fram=G + stk("ffffffffffffffff0710000008000000"),
       fsregs={"cs": CS08}),
    pv("call far through a 16-bit gate pushes words", "9a000000007000", P(rsp=0x3000),
       {"rip": 0x3000, "rsp": 0x2ffc}, ram=STK, fram=G + stk("ffffffffffffffffffffffff07100800"),
       fsregs={"cs": CS08}),
    pv("call far through a gate to conforming code stays at cpl 3", "9a00000000ab00", P(rsp=0x3000),
       {"rip": 0x402000, "rsp": 0x2ff8}, cpl=3, sregs=U3, ram=STK,
       fram=acc(7) + stk("ffffffffffffffff071000001b000000"), fsregs={"cs": seg(0x3b, 0, 0xffffffff, 0xc09f)}),
    # ---- CALL through call gates, more privilege (stack from the TSS)
    pv("call gate cpl 3 -> 0: ss0:esp0 from the tss, frame on the new stack", "9a000000005300",
       P(rsp=0x3000), {"rip": 0x402000, "rsp": 0x3ff0}, cpl=3, sregs=U3,
       ram=[TSS32, (0x3ff0, "ffffffffffffffffffffffffffffffff")],
       fram=G + [(0x3ff0, "071000001b0000000030000023000000")], fsregs={"cs": CS08, "ss": SS10}),
    pv("call gate cpl 3 -> 0 copies 2 dword parameters", "9a000000005b00",
       P(rsp=0x3000), {"rip": 0x402000, "rsp": 0x3fe8}, cpl=3, sregs=U3,
       ram=[TSS32, (0x3000, "1111111122222222"), (0x3fe8, "ff" * 24)],
       fram=G + [(0x3fe8, "071000001b00000011111111222222220030000023000000")],
       fsregs={"cs": CS08, "ss": SS10}),
    pv("16-bit call gate cpl 3 -> 0 copies 2 word parameters", "9a000000007b00",
       P(rsp=0x3000), {"rip": 0x3000, "rsp": 0x3ff4}, cpl=3, sregs=U3,
       ram=[TSS32, (0x3000, "11112222"), (0x3ff4, "ff" * 12)],
       fram=G + [(0x3ff4, "07101b00111122220030" "2300")], fsregs={"cs": CS08, "ss": SS10}),
    pv("call gate cpl 3 -> 1 uses ss1:esp1", "9a00000000b300",
       P(rsp=0x3000), {"rip": 0x402000, "rsp": 0x47e8}, cpl=3, sregs=U3,
       ram=[TSS32, (0x3000, "1111111122222222"), (0x47e8, "ff" * 24)],
       fram=G + [(0x47e8, "071000001b00000011111111222222220030000023000000")],
       fsregs={"cs": seg(0x41, 0, 0xffffffff, 0xc0bb), "ss": seg(0x49, 0, 0xffffffff, 0xc0b3)}),
    pv("call gate to a 16-bit stack wraps sp", "9a000000005300",
       P(rsp=0x3000), {"rip": 0x402000, "rsp": 0xfff8}, cpl=3, sregs=U3,
       ram=[(0x5004, "08000000e0000000"), (0x20000, "ffffffffffffffff"), (0x2fff8, "ffffffffffffffff")],
       fram=G + [(0x20000, "0030000023000000"), (0x2fff8, "071000001b000000")],
       fsregs={"cs": CS08, "ss": seg(0xe0, 0x20000, 0xffff, 0x0093)}),
    pv("call gate with a 16-bit tss takes sp0 and ss0 from it", "9a000000005300",
       P(rsp=0x3000), {"rip": 0x402000, "rsp": 0x3ff0}, cpl=3,
       sregs={"cs": "0x1b", "ss": "0x23", "tr": seg(0x60, 0x5000, 0x2b, 0x83)},
       ram=[(0x5002, "00401000"), (0x3ff0, "ff" * 16)],
       fram=G + [(0x3ff0, "071000001b0000000030000023000000")], fsregs={"cs": CS08, "ss": SS10}),
    pv("call gate new ss null is #TS(0)", "9a000000005300", P(rsp=0x3000), {}, cpl=3, sregs=U3,
       ram=[(0x5004, "0040000000000000")], exc=TS(0)),
    pv("call gate new ss rpl != dpl is #TS(ss)", "9a000000005300", P(rsp=0x3000), {}, cpl=3, sregs=U3,
       ram=[(0x5004, "0040000011000000")], exc=TS(0x10)),
    pv("call gate new ss dpl != code dpl is #TS(ss)", "9a000000005300", P(rsp=0x3000), {}, cpl=3, sregs=U3,
       ram=[(0x5004, "0040000048000000")], exc=TS(0x48)),
    pv("call gate new ss read-only is #TS(ss)", "9a000000005300", P(rsp=0x3000), {}, cpl=3, sregs=U3,
       ram=[(0x5004, "00400000d0000000")], exc=TS(0xd0)),
    pv("call gate new ss code is #TS(ss)", "9a000000005300", P(rsp=0x3000), {}, cpl=3, sregs=U3,
       ram=[(0x5004, "0040000008000000")], exc=TS(0x08)),
    pv("call gate new ss beyond the gdt limit is #TS(ss)", "9a000000005300", P(rsp=0x3000), {}, cpl=3,
       sregs=U3, ram=[(0x5004, "00400000f0010000")], exc=TS(0x1f0)),
    pv("call gate new ss not present is #SS(ss)", "9a000000005300", P(rsp=0x3000), {}, cpl=3, sregs=U3,
       ram=[(0x5004, "00400000d8000000")], exc=SS(0xd8)),
    pv("call gate no room on the new stack is #SS(ss)", "9a000000005300", P(rsp=0x3000), {}, cpl=3,
       sregs=U3, ram=[(0x5004, "00400000e8000000")], exc=SS(0xe8)),
    pv("call gate esp0 beyond the tss limit is #TS(tr)", "9a000000005300", P(rsp=0x3000), {}, cpl=3,
       sregs={"cs": "0x1b", "ss": "0x23", "tr": seg(0x60, 0x5000, 0x7, 0x8b)}, ram=[TSS32], exc=TS(0x60)),
    pv("call gate to a more privileged level: offset beyond the limit is #GP(0)", "9a00000000bb00",
       P(rsp=0x3000), {}, cpl=3, sregs=U3, ram=[TSS32], exc=GP(0)),
    pv("call gate parameters beyond the old ss limit is #SS(0)", "9a000000005b00", P(rsp=0x3000), {}, cpl=3,
       sregs={"cs": "0x1b", "ss": seg(0x23, 0, 0x3003, 0x40f3), "tr": TR32}, ram=[TSS32], exc=SS(0)),
    # ---- RET far, same level
    pv("retf to the same level", "cb", P(rsp=0x3000), {"rip": 0x2000, "rsp": 0x3008},
       ram=[(0x3000, "0020000028000000")], fram=acc(5), fsregs={"cs": CS28}),
    pv("retf 8 releases the parameters", "ca0800", P(rsp=0x3000), {"rip": 0x2000, "rsp": 0x3010},
       ram=[(0x3000, "0020000028000000")], fram=acc(5), fsregs={"cs": CS28}),
    pv("66 retf pops words into 16-bit code", "66cb", P(rsp=0x3000), {"rip": 0x1234, "rsp": 0x3004},
       ram=[(0x3000, "34123000")], fram=acc(6), fsregs={"cs": CS30}),
    # ---- RET far to an outer level
    pv("retf to ring 3 pops ss:esp and nulls ds (dpl 0)", "cb", P(rsp=0x3000), {"rip": 0x2000, "rsp": 0x5000},
       sregs={"ds": "0x10", "es": "0x23", "fs": seg(0x38, 0, 0xffffffff, 0xc09f), "gs": "0x0"},
       ram=[(0x3000, "002000001b0000000050000023000000")],
       fsregs={"cs": seg(0x1b, 0, 0xffffffff, 0xc0fb), "ss": seg(0x23, 0, 0xffffffff, 0xc0f3),
               "ds": seg(0, 0, 0xffffffff, 0)}),
    pv("retf 8 to ring 3 releases parameters on both stacks", "ca0800", P(rsp=0x3000),
       {"rip": 0x2000, "rsp": 0x5008}, sregs={"ds": "0x23", "es": "0x23", "fs": "0x23", "gs": "0x23"},
       ram=[(0x3000, "002000001b000000aaaaaaaabbbbbbbb0050000023000000")],
       fsregs={"cs": seg(0x1b, 0, 0xffffffff, 0xc0fb), "ss": seg(0x23, 0, 0xffffffff, 0xc0f3)}),
    pv("66 retf to ring 3 pops words", "66cb", P(rsp=0x3000), {"rip": 0x2000, "rsp": 0x5000},
       sregs={"ds": "0x23", "es": "0x23", "fs": "0x23", "gs": "0x23"},
       ram=[(0x3000, "00201b0000502300")],
       fsregs={"cs": seg(0x1b, 0, 0xffffffff, 0xc0fb), "ss": seg(0x23, 0, 0xffffffff, 0xc0f3)}),
    pv("retf to ring 1 nulls dpl 0 data but not dpl 1 data", "cb", P(rsp=0x3000), {"rip": 0x2000, "rsp": 0x5000},
       sregs={"ds": "0x10", "es": "0x49", "fs": "0x23", "gs": seg(0x08, 0, 0xffffffff, 0xc09b)},
       ram=[(0x3000, "00200000410000000050000049000000")],
       fsregs={"cs": seg(0x41, 0, 0xffffffff, 0xc0bb), "ss": seg(0x49, 0, 0xffffffff, 0xc0b3),
               "ds": seg(0, 0, 0xffffffff, 0), "gs": seg(0, 0, 0xffffffff, 0)}),
    pv("retf null cs is #GP(0)", "cb", P(rsp=0x3000), {}, ram=[(0x3000, "0020000000000000")], exc=GP(0)),
    pv("retf rpl 0 < cpl 3 is #GP(sel)", "cb", P(rsp=0x3000), {}, cpl=3, sregs=U3,
       ram=[(0x3000, "0020000008000000")], exc=GP(0x08)),
    pv("retf nonconforming dpl 0 != rpl 3 is #GP(sel)", "cb", P(rsp=0x3000), {},
       ram=[(0x3000, "002000000b000000")], exc=GP(0x08)),
    pv("retf conforming dpl 3 > rpl 0 is #GP(sel)", "cb", P(rsp=0x3000), {},
       ram=[(0x3000, "00200000f0000000")], exc=GP(0xf0)),
    pv("retf to data is #GP(sel)", "cb", P(rsp=0x3000), {}, ram=[(0x3000, "0020000010000000")], exc=GP(0x10)),
    pv("retf to not-present code is #NP(sel)", "cb", P(rsp=0x3000), {}, ram=[(0x3000, "0020000068000000")],
       exc=NP(0x68)),
    pv("retf beyond the gdt limit is #GP(sel)", "cb", P(rsp=0x3000), {}, ram=[(0x3000, "0020000000010000")],
       exc=GP(0x100)),
    pv("retf eip beyond the cs limit is #GP(0)", "cb", P(rsp=0x3000), {}, ram=[(0x3000, "0000010030000000")],
       exc=GP(0)),
    pv("retf outer null ss is #GP(0)", "cb", P(rsp=0x3000), {},
       ram=[(0x3000, "002000001b0000000050000000000000")], exc=GP(0)),
    pv("retf outer ss rpl != cs rpl is #GP(ss)", "cb", P(rsp=0x3000), {},
       ram=[(0x3000, "002000001b0000000050000020000000")], exc=GP(0x20)),
    pv("retf outer ss dpl 0 != rpl 3 is #GP(ss)", "cb", P(rsp=0x3000), {},
       ram=[(0x3000, "002000001b0000000050000013000000")], exc=GP(0x10)),
    pv("retf outer ss code is #GP(ss)", "cb", P(rsp=0x3000), {},
       ram=[(0x3000, "002000001b000000005000001b000000")], exc=GP(0x18)),
    pv("retf outer ss not present is #SS(ss)", "cb", P(rsp=0x3000), {},
       ram=[(0x3000, "002000001b00000000500000fb000000")], exc=SS(0xf8)),
    pv("retf outer ss:esp beyond the ss limit is #SS(0)", "cb", P(rsp=0x3000), {},
       sregs={"ss": seg(0x10, 0, 0x300b, 0x4093)},
       ram=[(0x3000, "002000001b0000000050000023000000")], exc=SS(0)),
]

# ------------------------------------------------ 64-bit and compatibility
GDT64 = [
    "0000000000000000",  # 00 null
    "ffff0000009baf00",  # 08 code64 ring 0                            a09b
    "ffff00000093cf00",  # 10 data ring 0 rw                           c093
    "ffff000000fbcf00",  # 18 code32 (compat) ring 3                   c0fb
    "ffff000000f3cf00",  # 20 data ring 3 rw                           c0f3
    "ffff000000fbaf00",  # 28 code64 ring 3                            a0fb
    "ffff0000009aaf00",  # 30 code64 ring 0, A=0                       -> a09b
    "ffff0000009acf00",  # 38 code32 (compat) ring 0, A=0              -> c09b
    "ffff0000009bef00",  # 40 code ring 0 with L=1 and D=1
    "0020080000ec0000",  # 48 64-bit call gate dpl 3 -> 08:0000000100002000
    "0100000000000000",  #    (upper half)
    "0020380000ec0000",  # 58 64-bit call gate dpl 3 -> 38 (compat code)
    "0000000000000000",  #    (upper half)
    "67000050008b0000",  # 68 busy 64-bit TSS base 5000 limit 67
    "0000000000000000",  #    (upper half)
    "0020080000ec0000",  # 78 64-bit call gate dpl 3, upper type field 0ch
    "00000000000c0000",  #    (upper half)
    "0030080000e40000",  # 88 16-bit call gate (invalid in IA-32e mode)
    "ffff000000bbaf00",  # 90 code64 ring 1                            a0bb
    "ffff000000b3cf00",  # 98 data ring 1 rw                           c0b3
    "0030900000ec0000",  # a0 64-bit call gate dpl 3 -> 90:3000 (ring 1)
    "0000000000000000",  #    (upper half)
    "00200800008c0000",  # b0 64-bit call gate dpl 0 -> 08:0000000100002000
    "0100000000000000",  #    (upper half)
    "0020280000ec0000",  # c0 64-bit call gate dpl 3 -> 28:2000 (ring 3)
    "0000000000000000",  #    (upper half)
    "0020080000ec0000",  # d0 64-bit call gate dpl 3 (upper half beyond a d7 limit)
    "0100000000000000",  #    (upper half)
    "ffff0000001baf00",  # e0 code64 ring 0, not present
]
ACC64 = {6: "ffff0000009baf00", 7: "ffff0000009bcf00"}


def gdt64(changed=None):
    changed = changed or {}
    return [(GDT_BASE, "".join(changed.get(i, e) for i, e in enumerate(GDT64)))]


G64 = gdt64()
GDTR64 = {"gdtr_base": GDT_BASE, "gdtr_limit": 0xe7}
TR64 = seg(0x68, 0x5000, 0x67, 0x8b)
TSS64 = (0x5004, "0040000000000000" "0048000000000000")   # RSP0 4000, RSP1 4800


def lv(name, code, regs, final, mode="long64", **kw):
    kw["ram"] = G64 + kw.get("ram", [])
    if "fram" in kw:
        kw["fram"] = kw["fram"] + [r for r in kw["ram"] if r[0] != GDT_BASE and r[0] not in
                                    [f[0] for f in kw["fram"]]]
    kw["control"] = dict(GDTR64, **kw.get("control", {}))
    return vec(name, mode, code, regs, final, **kw)


def acc64(i):
    return gdt64({i: ACC64[i]})


L = lambda **kw: dict({"rip": 0x1000}, **kw)
C30 = seg(0x30, 0, 0xffffffff, 0xa09b)
C38 = seg(0x38, 0, 0xffffffff, 0xc09b)
C08 = seg(0x08, 0, 0xffffffff, 0xa09b)
U64 = {"cs": "0x2b", "ss": "0x23", "tr": TR64}
UC = {"cs": "0x1b", "ss": "0x23", "tr": TR64}
NULLSS0 = seg(0, 0, 0, 0)
D3 = {"ds": "0x23", "es": "0x23", "fs": "0x23", "gs": "0x23"}

long64 = [
    lv("rex.w jmp far m16:64 to 64-bit code", "48ff2b", L(rbx=0x2000), {"rip": 0x456789abcdef},
       ram=[(0x2000, "efcdab89674500003000")], fram=acc64(6), fsregs={"cs": C30}),
    lv("jmp far m16:32 to compatibility code", "ff2b", L(rbx=0x2000), {"rip": 0x2000},
       ram=[(0x2000, "002000003800")], fram=acc64(7), fsregs={"cs": C38}),
    lv("rex.w jmp far m16:64 non-canonical to 64-bit code is #GP(0)", "48ff2b", L(rbx=0x2000), {},
       ram=[(0x2000, "00000000008000003000")], exc=GP(0)),
    lv("jmp far to code with L=1 and D=1 is #GP(sel)", "ff2b", L(rbx=0x2000), {},
       ram=[(0x2000, "002000004000")], exc=GP(0x40)),
    lv("jmp far to a 64-bit tss is #GP(sel)", "ff2b", L(rbx=0x2000), {},
       ram=[(0x2000, "002000006800")], exc=GP(0x68)),
    lv("jmp far to a 16-bit call gate in IA-32e mode is #GP(sel)", "ff2b", L(rbx=0x2000), {},
       ram=[(0x2000, "002000008800")], exc=GP(0x88)),
    lv("rex.w call far m16:64 pushes 8-byte cs and rip", "48ff1b", L(rbx=0x2000, rsp=0x3000),
       {"rip": 0x2000, "rsp": 0x2ff0}, ram=[(0x2000, "00200000000000003000"), (0x2ff0, "ff" * 16)],
       fram=acc64(6) + [(0x2ff0, "03100000000000000800000000000000")], fsregs={"cs": C30}),
    lv("call far m16:32 in 64-bit mode pushes dwords", "ff1b", L(rbx=0x2000, rsp=0x3000),
       {"rip": 0x2000, "rsp": 0x2ff8}, ram=[(0x2000, "002000003000"), (0x2ff0, "ff" * 16)],
       fram=acc64(6) + [(0x2ff0, "ffffffffffffffff0210000008000000")], fsregs={"cs": C30}),
    lv("66 call far m16:16 in 64-bit mode pushes words", "66ff1b", L(rbx=0x2000, rsp=0x3000),
       {"rip": 0x2000, "rsp": 0x2ffc}, ram=[(0x2000, "00203000"), (0x2ff0, "ff" * 16)],
       fram=acc64(6) + [(0x2ff0, "ffffffffffffffffffffffff03100800")], fsregs={"cs": C30}),
    lv("call far m16:32 to compatibility code", "ff1b", L(rbx=0x2000, rsp=0x3000),
       {"rip": 0x2000, "rsp": 0x2ff8}, ram=[(0x2000, "002000003800"), (0x2ff0, "ff" * 16)],
       fram=acc64(7) + [(0x2ff0, "ffffffffffffffff0210000008000000")], fsregs={"cs": C38}),
    lv("rex.w call far with a non-canonical stack is #SS(0)", "48ff1b", L(rbx=0x2000, rsp=0x800000000008), {},
       ram=[(0x2000, "00200000000000003000")], exc=SS(0)),
    # 64-bit call gates
    lv("64-bit call gate cpl 3 -> 0: rsp0 from the tss, null ss, 8-byte frame", "ff1b",
       L(rbx=0x2000, rsp=0x3000), {"rip": 0x100002000, "rsp": 0x3fe0}, cpl=3, sregs=U64,
       ram=[TSS64, (0x2000, "000000004b00"), (0x3fe0, "ff" * 32)],
       fram=G64 + [(0x3fe0, "02100000000000002b0000000000000000300000000000002300000000000000")],
       fsregs={"cs": C08, "ss": NULLSS0}),
    lv("compat32: call far ptr through a 64-bit gate enters 64-bit mode at ring 0", "9a000000004b00",
       L(rsp=0x3000), {"rip": 0x100002000, "rsp": 0x3fe0}, mode="compat32", cpl=3, sregs=UC,
       ram=[TSS64, (0x3fe0, "ff" * 32)],
       fram=G64 + [(0x3fe0, "07100000000000001b0000000000000000300000000000002300000000000000")],
       fsregs={"cs": C08, "ss": NULLSS0}),
    lv("64-bit call gate cpl 3 -> 1: rsp1, null ss with rpl 1", "ff1b",
       L(rbx=0x2000, rsp=0x3000), {"rip": 0x3000, "rsp": 0x47e0}, cpl=3, sregs=U64,
       ram=[TSS64, (0x2000, "00000000a300"), (0x47e0, "ff" * 32)],
       fram=G64 + [(0x47e0, "02100000000000002b0000000000000000300000000000002300000000000000")],
       fsregs={"cs": seg(0x91, 0, 0xffffffff, 0xa0bb), "ss": seg(1, 0, 0, 0x20)}),
    lv("64-bit call gate at the same level pushes 16 bytes", "ff1b", L(rbx=0x2000, rsp=0x3000),
       {"rip": 0x100002000, "rsp": 0x2ff0}, ram=[(0x2000, "00000000b000"), (0x2ff0, "ff" * 16)],
       fram=G64 + [(0x2ff0, "02100000000000000800000000000000")], fsregs={"cs": C08}),
    lv("compat32: 64-bit call gate at the same level pushes in 64-bit mode", "ff1b",
       L(rbx=0x2000, rsp=0x3000), {"rip": 0x2000, "rsp": 0x2ff0}, mode="compat32", cpl=3, sregs=UC,
       ram=[(0x2000, "00000000c300"), (0x2ff0, "ff" * 16)],
       fram=G64 + [(0x2ff0, "02100000000000001b00000000000000")],
       fsregs={"cs": seg(0x2b, 0, 0xffffffff, 0xa0fb)}),
    lv("jmp far through a 64-bit call gate", "ff2b", L(rbx=0x2000), {"rip": 0x100002000},
       ram=[(0x2000, "000000004b00")], fsregs={"cs": C08}),
    lv("64-bit call gate with a non-zero upper type is #GP(gate sel)", "ff1b", L(rbx=0x2000, rsp=0x3000), {},
       cpl=3, sregs=U64, ram=[TSS64, (0x2000, "000000007b00")], exc=GP(0x78)),
    lv("64-bit call gate upper half beyond the gdt limit is #GP(gate sel)", "ff1b", L(rbx=0x2000, rsp=0x3000),
       {}, cpl=3, sregs=U64, control={"gdtr_limit": 0xd7}, ram=[TSS64, (0x2000, "00000000d300")],
       exc=GP(0xd0)),
    lv("64-bit call gate to compatibility code is #GP(code sel)", "ff1b", L(rbx=0x2000, rsp=0x3000), {},
       cpl=3, sregs=U64, ram=[TSS64, (0x2000, "000000005b00")], exc=GP(0x38)),
    lv("64-bit call gate rsp0 beyond the tss limit is #TS(tr)", "ff1b", L(rbx=0x2000, rsp=0x3000), {},
       cpl=3, sregs={"cs": "0x2b", "ss": "0x23", "tr": seg(0x68, 0x5000, 0xa, 0x8b)},
       ram=[TSS64, (0x2000, "000000004b00")], exc=TS(0x68)),
    lv("64-bit call gate with a non-canonical rsp0 is #SS(0)", "ff1b", L(rbx=0x2000, rsp=0x3000), {},
       cpl=3, sregs=U64, ram=[(0x5004, "1000000000800000"), (0x2000, "000000004b00")], exc=SS(0)),
    # RET far
    lv("rex.w retf to the same level", "48cb", L(rsp=0x3000), {"rip": 0x100002000, "rsp": 0x3010},
       ram=[(0x3000, "00200000010000003000000000000000")], fram=acc64(6), fsregs={"cs": C30}),
    lv("rex.w retf 16 releases the parameters", "48ca1000", L(rsp=0x3000), {"rip": 0x100002000, "rsp": 0x3020},
       ram=[(0x3000, "00200000010000003000000000000000")], fram=acc64(6), fsregs={"cs": C30}),
    lv("retf (32-bit) to compatibility code", "cb", L(rsp=0x3000), {"rip": 0x2000, "rsp": 0x3008},
       ram=[(0x3000, "0020000038000000")], fram=acc64(7), fsregs={"cs": C38}),
    lv("rex.w retf to ring 3 nulls dpl 0 data registers (bases kept)", "48cb", L(rsp=0x3000),
       {"rip": 0x2000, "rsp": 0x5000},
       sregs={"ds": "0x10", "es": "0x23", "fs": seg(0x10, 0x12345000, 0xffffffff, 0xc093), "gs": "0x0"},
       ram=[(0x3000, "00200000000000002b00000000000000" "00500000000000002300000000000000")],
       fsregs={"cs": seg(0x2b, 0, 0xffffffff, 0xa0fb), "ss": seg(0x23, 0, 0xffffffff, 0xc0f3),
               "ds": seg(0, 0, 0xffffffff, 0), "fs": seg(0, 0x12345000, 0xffffffff, 0),
               "gs": seg(0, 0, 0xffffffff, 0)}),
    lv("retf (32-bit) to ring 3 compatibility code", "cb", L(rsp=0x3000), {"rip": 0x2000, "rsp": 0x5000},
       sregs=D3, ram=[(0x3000, "002000001b0000000050000023000000")],
       fsregs={"cs": seg(0x1b, 0, 0xffffffff, 0xc0fb), "ss": seg(0x23, 0, 0xffffffff, 0xc0f3)}),
    lv("rex.w retf to ring 1 64-bit code with a null ss (rpl 1)", "48cb", L(rsp=0x3000),
       {"rip": 0x2000, "rsp": 0x5000}, sregs=D3,
       ram=[(0x3000, "00200000000000009100000000000000" "00500000000000000100000000000000")],
       fsregs={"cs": seg(0x91, 0, 0xffffffff, 0xa0bb), "ss": seg(1, 0, 0, 0x20)}),
    lv("rex.w retf to ring 3 with a null ss is #GP(0)", "48cb", L(rsp=0x3000), {},
       ram=[(0x3000, "00200000000000002b00000000000000" "00500000000000000300000000000000")], exc=GP(0)),
    lv("retf to ring 3 compatibility code with a null ss is #GP(0)", "cb", L(rsp=0x3000), {},
       ram=[(0x3000, "002000001b0000000050000003000000")], exc=GP(0)),
    lv("retf to code with L=1 and D=1 is #GP(sel)", "cb", L(rsp=0x3000), {},
       ram=[(0x3000, "0020000040000000")], exc=GP(0x40)),
    lv("rex.w retf to a non-canonical rip is #GP(0)", "48cb", L(rsp=0x3000), {},
       ram=[(0x3000, "00000000008000000800000000000000")], exc=GP(0)),
    lv("rex.w retf to not-present code is #NP(sel)", "48cb", L(rsp=0x3000), {},
       ram=[(0x3000, "0020000000000000e000000000000000")], exc=NP(0xe0)),
]

for path, vs in (("real/far.jsonl", real), ("prot32/far.jsonl", prot32), ("long64/far.jsonl", long64)):
    names = [v["name"] for v in vs]
    assert len(names) == len(set(names)), "duplicate vector names in " + path
    write(path, vs)
