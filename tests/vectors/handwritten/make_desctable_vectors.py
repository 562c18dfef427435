#!/usr/bin/env python3
"""Hand-written vectors for the descriptor-table instructions (oracle: the Intel SDM).

LGDT, LIDT, SGDT, SIDT, LLDT, LTR, SLDT, STR, LAR, LSL, VERR and VERW in
real mode, 32-bit protected mode, 64-bit mode and compatibility mode, from
the instructions' Operation and Exceptions sections: privilege checks
(CPL 0, UMIP), the selector and descriptor checks with their error codes,
the 16-byte system descriptors of IA-32e mode (upper type field, limit,
canonical base), the busy bit LTR writes into the GDT, the LDTR/TR caches,
the ZF results of LAR/LSL/VERR/VERW and their type tables.

Every expected value is a literal worked out by hand. Choices where the SDM
is silent or ambiguous:
- LAR with a 32/64-bit operand returns descriptor bits 19:16 (limit 19:16)
  too: the SDM masks with 00FxFF00H ("x" undefined); Intel silicon returns
  the limit bits (the vector "lar eax returns limit bits 19:16 (intel)").
- SGDT/SIDT with a 16-bit operand size store the full 32-bit base (the
  current SDM's Operation).
- LLDT with a null selector leaves LDTR with that selector and an all-zero
  (unusable) cache.
- LAR/LSL of an IA-32e system descriptor need all 16 bytes inside the table
  and the upper type field 0, else ZF = 0.
The vector runner cannot compare GDTR/IDTR in final state, so the values
LGDT/LIDT load are checked by tests/unit/test_far.c (LGDT then SGDT).
Run it to regenerate tests/vectors/{real,prot32,long64}/desctable.jsonl:

    python3 tests/vectors/handwritten/make_desctable_vectors.py
"""
from vectorlib import GP, NP, seg, vec, write


UD = {"vector": 6}
GDT_BASE = 0x8000
ZF = 0x42           # rflags with ZF set
NZ = 0x2            # rflags with ZF clear

# ------------------------------------------------------------ real mode
RS = {"cs": "0x1000", "ds": "0x2000", "ss": "0x3000"}
R = lambda **kw: dict({"rip": 0x100}, **kw)
real = [
    vec("real: lgdt [bx]", "real", "0f0117", R(rbx=0x10), {"rip": 0x103}, sregs=RS,
        ram=[(0x20010, "ff0000800000")]),
    vec("real: lgdt operand beyond the ds limit is #GP", "real", "0f0117", R(rbx=0xfffc), {}, sregs=RS,
        ram=[(0x2fffc, "ff000080")], exc={"vector": 13}),
    vec("real: sgdt [bx] stores limit and 32-bit base", "real", "0f0107", R(rbx=0x10), {"rip": 0x103}, sregs=RS,
        control={"gdtr_base": 0x12345678, "gdtr_limit": 0x1ff}, ram=[(0x20010, "ffffffffffff")],
        fram=[(0x20010, "ff0178563412")]),
    vec("real: sidt [bx]", "real", "0f010f", R(rbx=0x10), {"rip": 0x103}, sregs=RS,
        control={"idtr_base": 0xabcd0, "idtr_limit": 0x3ff}, ram=[(0x20010, "ffffffffffff")],
        fram=[(0x20010, "ff03d0bc0a00")]),
    vec("real: lldt is #UD", "real", "0f00d0", R(), {}, sregs=RS, exc=UD),
    vec("real: ltr is #UD", "real", "0f00d8", R(), {}, sregs=RS, exc=UD),
    vec("real: sldt is #UD", "real", "0f00c0", R(), {}, sregs=RS, exc=UD),
    vec("real: str is #UD", "real", "0f00c8", R(), {}, sregs=RS, exc=UD),
    vec("real: lar is #UD", "real", "0f02c3", R(), {}, sregs=RS, exc=UD),
    vec("real: lsl is #UD", "real", "0f03c3", R(), {}, sregs=RS, exc=UD),
    vec("real: verr is #UD", "real", "0f00e3", R(), {}, sregs=RS, exc=UD),
    vec("real: verw is #UD", "real", "0f00eb", R(), {}, sregs=RS, exc=UD),
]

# -------------------------------------------------- 32-bit protected mode
GDT32 = [
    "0000000000000000",  # 00 null
    "ffff0000009bcf00",  # 08 code32 ring 0
    "ffff00000093cf00",  # 10 data ring 0 rw
    "ffff000000fbcf00",  # 18 code32 ring 3
    "ffff000000f3cf00",  # 20 data ring 3 rw
    "1700009000820000",  # 28 LDT base 9000 limit 17
    "6700005000890000",  # 30 available 32-bit TSS base 5000 limit 67
    "67000050008b0000",  # 38 busy 32-bit TSS
    "2b00006000810000",  # 40 available 16-bit TSS base 6000 limit 2b
    "1700009000020000",  # 48 LDT, not present
    "6700005000090000",  # 50 available 32-bit TSS, not present
    "0010080000ec0000",  # 58 call gate32 dpl 3
    "ffff0000009ecf00",  # 60 conforming code ring 0
    "ffff00000013cf00",  # 68 data ring 0 rw, not present
    "ffff00000098cf00",  # 70 code ring 0 execute-only
    "ffff00000091cf00",  # 78 data ring 0 read-only
    "0010080000ee0000",  # 80 interrupt gate32 dpl 3
    "1700009000e20000",  # 88 LDT dpl 3
    "ffff000000930f00",  # 90 data ring 0 limit fffff G=0
]
BUSY32 = {6: "67000050008b0000", 8: "2b00006000830000"}


def gdt32(changed=None):
    changed = changed or {}
    return [(GDT_BASE, "".join(changed.get(i, e) for i, e in enumerate(GDT32)))]


G = gdt32()
GDTR32 = {"gdtr_base": GDT_BASE, "gdtr_limit": 0x97}


def pv(name, code, regs, final, **kw):
    kw["ram"] = G + kw.get("ram", [])
    if "fram" in kw:
        kw["fram"] = kw["fram"] + [r for r in kw["ram"] if r[0] != GDT_BASE and r[0] not in
                                    [f[0] for f in kw["fram"]]]
    kw["control"] = dict(GDTR32, **kw.get("control", {}))
    return vec(name, "prot32", code, regs, final, **kw)


P = lambda **kw: dict({"rip": 0x1000}, **kw)
LDTR = seg(0x28, 0x9000, 0x17, 0x82)
TR = seg(0x38, 0x5000, 0x67, 0x8b)
U3 = {"cs": "0x1b", "ss": "0x23"}
M = [(0x2000, "ffffffffffffffff")]

prot32 = [
    # LGDT / LIDT
    pv("lgdt [ebx] at cpl 0", "0f0113", P(rbx=0x2000), {"rip": 0x1003}, ram=[(0x2000, "970000800000")]),
    pv("lgdt at cpl 3 is #GP(0)", "0f0113", P(rbx=0x2000), {}, cpl=3, sregs=U3,
       ram=[(0x2000, "970000800000")], exc=GP(0)),
    pv("lidt at cpl 1 is #GP(0)", "0f011b", P(rbx=0x2000), {}, cpl=1, ram=[(0x2000, "ff0700000100")], exc=GP(0)),
    pv("lidt operand beyond the ds limit is #GP(0)", "0f011b", P(rbx=0x2000), {},
       sregs={"ds": seg(0x10, 0, 0x2003, 0x4093)}, ram=[(0x2000, "ff0700000100")], exc=GP(0)),
    # SGDT / SIDT
    pv("sgdt [ebx]", "0f0103", P(rbx=0x2000), {"rip": 0x1003}, ram=M, fram=G + [(0x2000, "97000080" "0000ffff")]),
    pv("66 sgdt [ebx] stores the full 32-bit base", "660f0103", P(rbx=0x2000), {"rip": 0x1004},
       control={"gdtr_base": 0x12345678}, ram=M, fram=G + [(0x2000, "97007856" "3412ffff")]),
    pv("sidt [ebx]", "0f010b", P(rbx=0x2000), {"rip": 0x1003},
       control={"idtr_base": 0xabcd0000, "idtr_limit": 0x7ff}, ram=M, fram=G + [(0x2000, "ff070000" "cdabffff")]),
    pv("sgdt at cpl 3 without umip", "0f0103", P(rbx=0x2000), {"rip": 0x1003}, cpl=3, sregs=U3, ram=M,
       fram=G + [(0x2000, "97000080" "0000ffff")]),
    pv("sgdt at cpl 3 with cr4.umip is #GP(0)", "0f0103", P(rbx=0x2000), {}, cpl=3, sregs=U3,
       control={"cr4": 0x800}, ram=M, exc=GP(0)),
    pv("sidt at cpl 0 with cr4.umip", "0f010b", P(rbx=0x2000), {"rip": 0x1003},
       control={"cr4": 0x800, "idtr_base": 0x1000, "idtr_limit": 0xff}, ram=M,
       fram=G + [(0x2000, "ff000010" "0000ffff")]),
    pv("sgdt partly beyond the ds limit is #GP(0) and writes nothing", "0f0103", P(rbx=0x2000), {},
       sregs={"ds": seg(0x10, 0, 0x2004, 0x4093)}, ram=M, exc=GP(0)),
    # LLDT
    pv("lldt ax loads the ldtr cache", "0f00d0", P(rax=0x28), {"rip": 0x1003}, fsregs={"ldtr": LDTR}),
    pv("lldt [ebx] reads a word", "0f0013", P(rbx=0x2000), {"rip": 0x1003}, ram=[(0x2000, "2800ffff")],
       fsregs={"ldtr": LDTR}),
    pv("lldt with a dpl 3 ldt descriptor (dpl not checked)", "0f00d0", P(rax=0x88), {"rip": 0x1003},
       fsregs={"ldtr": seg(0x88, 0x9000, 0x17, 0xe2)}),
    pv("lldt null leaves ldtr unusable", "0f00d0", P(rax=0), {"rip": 0x1003}, sregs={"ldtr": LDTR},
       fsregs={"ldtr": seg(0, 0, 0, 0)}),
    pv("lldt null with rpl 3", "0f00d0", P(rax=3), {"rip": 0x1003}, sregs={"ldtr": LDTR},
       fsregs={"ldtr": seg(3, 0, 0, 0)}),
    pv("lldt ldt-table selector is #GP(sel)", "0f00d0", P(rax=0x2c), {}, exc=GP(0x2c)),
    pv("lldt ti=1 index 0 is #GP(sel)", "0f00d0", P(rax=0x4), {}, exc=GP(0x4)),
    pv("lldt beyond the gdt limit is #GP(sel)", "0f00d0", P(rax=0x98), {}, exc=GP(0x98)),
    pv("lldt tss descriptor is #GP(sel)", "0f00d0", P(rax=0x30), {}, exc=GP(0x30)),
    pv("lldt data descriptor is #GP(sel)", "0f00d0", P(rax=0x10), {}, exc=GP(0x10)),
    pv("lldt not present is #NP(sel)", "0f00d0", P(rax=0x4b), {}, exc=NP(0x48)),
    pv("lldt at cpl 3 is #GP(0)", "0f00d0", P(rax=0x28), {}, cpl=3, sregs=U3, exc=GP(0)),
    # LTR
    pv("ltr ax loads tr and marks the tss busy", "0f00d8", P(rax=0x30), {"rip": 0x1003},
       fram=gdt32({6: BUSY32[6]}), fsregs={"tr": seg(0x30, 0x5000, 0x67, 0x8b)}),
    pv("ltr 16-bit tss becomes busy (type 3)", "0f00d8", P(rax=0x40), {"rip": 0x1003},
       fram=gdt32({8: BUSY32[8]}), fsregs={"tr": seg(0x40, 0x6000, 0x2b, 0x83)}),
    pv("ltr [ebx]", "0f001b", P(rbx=0x2000), {"rip": 0x1003}, ram=[(0x2000, "3000")],
       fram=gdt32({6: BUSY32[6]}), fsregs={"tr": seg(0x30, 0x5000, 0x67, 0x8b)}),
    pv("ltr busy tss is #GP(sel)", "0f00d8", P(rax=0x38), {}, exc=GP(0x38)),
    pv("ltr null is #GP(0)", "0f00d8", P(rax=3), {}, exc=GP(0)),
    pv("ltr ldt-table selector is #GP(sel)", "0f00d8", P(rax=0x34), {}, exc=GP(0x34)),
    pv("ltr ldt descriptor is #GP(sel)", "0f00d8", P(rax=0x28), {}, exc=GP(0x28)),
    pv("ltr call gate is #GP(sel)", "0f00d8", P(rax=0x58), {}, exc=GP(0x58)),
    pv("ltr beyond the gdt limit is #GP(sel)", "0f00d8", P(rax=0xa0), {}, exc=GP(0xa0)),
    pv("ltr not present is #NP(sel)", "0f00d8", P(rax=0x50), {}, exc=NP(0x50)),
    pv("ltr at cpl 3 is #GP(0)", "0f00d8", P(rax=0x30), {}, cpl=3, sregs=U3, exc=GP(0)),
    # SLDT / STR
    pv("sldt eax zero-extends", "0f00c0", P(rax=0xffffffffffffffff), {"rax": 0x28, "rip": 0x1003},
       sregs={"ldtr": LDTR}),
    pv("66 sldt ax writes the low word", "660f00c0", P(rax=0xffffffff), {"rax": 0xffff0028, "rip": 0x1004},
       sregs={"ldtr": LDTR}),
    pv("sldt [ebx] writes a word", "0f0003", P(rbx=0x2000), {"rip": 0x1003}, sregs={"ldtr": LDTR},
       ram=[(0x2000, "ffffffff")], fram=G + [(0x2000, "2800ffff")]),
    pv("str eax", "0f00c8", P(rax=0xffffffff), {"rax": 0x38, "rip": 0x1003}, sregs={"tr": TR}),
    pv("str [ebx] writes a word", "0f000b", P(rbx=0x2000), {"rip": 0x1003}, sregs={"tr": TR},
       ram=[(0x2000, "ffffffff")], fram=G + [(0x2000, "3800ffff")]),
    pv("str at cpl 3 without umip", "0f00c8", P(), {"rax": 0x38, "rip": 0x1003}, cpl=3,
       sregs=dict(U3, tr=TR)),
    pv("str at cpl 3 with cr4.umip is #GP(0)", "0f00c8", P(), {}, cpl=3, sregs=dict(U3, tr=TR),
       control={"cr4": 0x800}, exc=GP(0)),
    pv("sldt at cpl 3 with cr4.umip is #GP(0)", "0f00c0", P(), {}, cpl=3, sregs=dict(U3, ldtr=LDTR),
       control={"cr4": 0x800}, exc=GP(0)),
    # LAR
    pv("lar eax,ebx ring 3 code", "0f02c3", P(rbx=0x18), {"rax": 0x00cffb00, "rip": 0x1003, "rflags": ZF}),
    pv("66 lar ax,bx keeps the upper bits", "660f02c3", P(rbx=0x18, rax=0xffffffff),
       {"rax": 0xfffffb00, "rip": 0x1004, "rflags": ZF}),
    pv("lar eax returns limit bits 19:16 (intel)", "0f02c3", P(rbx=0x90), {"rax": 0x000f9300, "rip": 0x1003,
                                                                          "rflags": ZF}),
    pv("lar null selector clears zf and keeps eax", "0f02c3", P(rbx=0, rax=5, rflags=ZF), {"rip": 0x1003,
                                                                                          "rflags": NZ}),
    pv("lar beyond the gdt limit clears zf", "0f02c3", P(rbx=0x98, rax=5, rflags=ZF), {"rip": 0x1003,
                                                                                      "rflags": NZ}),
    pv("lar call gate", "0f02c3", P(rbx=0x58), {"rax": 0x0000ec00, "rip": 0x1003, "rflags": ZF}),
    pv("lar 32-bit tss", "0f02c3", P(rbx=0x30), {"rax": 0x00008900, "rip": 0x1003, "rflags": ZF}),
    pv("lar interrupt gate clears zf", "0f02c3", P(rbx=0x80, rax=5, rflags=ZF), {"rip": 0x1003, "rflags": NZ}),
    pv("lar not-present data (present not checked)", "0f02c3", P(rbx=0x68), {"rax": 0x00cf1300, "rip": 0x1003,
                                                                            "rflags": ZF}),
    pv("lar dpl 0 data at cpl 3 clears zf", "0f02c3", P(rbx=0x13, rax=5), {"rip": 0x1003, "rflags": NZ}, cpl=3,
       sregs=U3),
    pv("lar rpl 3 > dpl 0 clears zf", "0f02c3", P(rbx=0x13, rax=5), {"rip": 0x1003, "rflags": NZ}),
    pv("lar conforming code dpl 0 at cpl 3", "0f02c3", P(rbx=0x63), {"rax": 0x00cf9e00, "rip": 0x1003,
                                                                    "rflags": ZF}, cpl=3, sregs=U3),
    pv("lar eax,[ebx] reads a word", "0f0203", P(rbx=0x2000), {"rax": 0x00cff300, "rip": 0x1003, "rflags": ZF},
       ram=[(0x2000, "2000ffff")]),
    # LSL
    pv("lsl eax byte-granular limit", "0f03c3", P(rbx=0x90), {"rax": 0xfffff, "rip": 0x1003, "rflags": ZF}),
    pv("lsl eax page-granular limit", "0f03c3", P(rbx=0x10), {"rax": 0xffffffff, "rip": 0x1003, "rflags": ZF}),
    pv("66 lsl ax truncates the limit", "660f03c3", P(rbx=0x10, rax=0x12345678),
       {"rax": 0x1234ffff, "rip": 0x1004, "rflags": ZF}),
    pv("lsl tss", "0f03c3", P(rbx=0x30), {"rax": 0x67, "rip": 0x1003, "rflags": ZF}),
    pv("lsl ldt", "0f03c3", P(rbx=0x28), {"rax": 0x17, "rip": 0x1003, "rflags": ZF}),
    pv("lsl call gate clears zf", "0f03c3", P(rbx=0x58, rax=5, rflags=ZF), {"rip": 0x1003, "rflags": NZ}),
    pv("lsl dpl 0 data at cpl 3 clears zf", "0f03c3", P(rbx=0x13, rax=5), {"rip": 0x1003, "rflags": NZ}, cpl=3,
       sregs=U3),
    # VERR / VERW
    pv("verr data", "0f00e3", P(rbx=0x10), {"rip": 0x1003, "rflags": ZF}),
    pv("verr readable code", "0f00e3", P(rbx=0x08), {"rip": 0x1003, "rflags": ZF}),
    pv("verr execute-only code clears zf", "0f00e3", P(rbx=0x70, rflags=ZF), {"rip": 0x1003, "rflags": NZ}),
    pv("verr system descriptor clears zf", "0f00e3", P(rbx=0x28, rflags=ZF), {"rip": 0x1003, "rflags": NZ}),
    pv("verr null clears zf", "0f00e3", P(rbx=0, rflags=ZF), {"rip": 0x1003, "rflags": NZ}),
    pv("verr dpl 0 data at cpl 3 clears zf", "0f00e3", P(rbx=0x13, rflags=ZF), {"rip": 0x1003, "rflags": NZ},
       cpl=3, sregs=U3),
    pv("verr conforming code at cpl 3", "0f00e3", P(rbx=0x63), {"rip": 0x1003, "rflags": ZF}, cpl=3, sregs=U3),
    pv("verw writable data", "0f00eb", P(rbx=0x10), {"rip": 0x1003, "rflags": ZF}),
    pv("verw not-present data (present not checked)", "0f00eb", P(rbx=0x68), {"rip": 0x1003, "rflags": ZF}),
    pv("verw read-only data clears zf", "0f00eb", P(rbx=0x78, rflags=ZF), {"rip": 0x1003, "rflags": NZ}),
    pv("verw code clears zf", "0f00eb", P(rbx=0x08, rflags=ZF), {"rip": 0x1003, "rflags": NZ}),
    pv("verw ring 3 data at cpl 3", "0f00eb", P(rbx=0x23), {"rip": 0x1003, "rflags": ZF}, cpl=3, sregs=U3),
]

# ------------------------------------------------ 64-bit and compatibility
GDT64 = [
    "0000000000000000",  # 00 null
    "ffff0000009baf00",  # 08 code64 ring 0
    "ffff00000093cf00",  # 10 data ring 0 rw
    "1700009045820023",  # 18 LDT base 0000000123459000 limit 17
    "0100000000000000",  #    (upper half)
    "6700005000890000",  # 28 available 64-bit TSS base 0000000200005000 limit 67
    "0200000000000000",  #    (upper half)
    "6700005000890000",  # 38 available 64-bit TSS, upper type field 1
    "0000000000010000",  #    (upper half)
    "2b00006000810000",  # 48 16-bit TSS (invalid in IA-32e mode)
    "0000000000000000",
    "1700009000820000",  # 58 LDT with a non-canonical base 0000800000009000
    "0080000000000000",  #    (upper half)
    "67000050008b0000",  # 68 busy 64-bit TSS
    "0000000000000000",  #    (upper half)
    "1700009000820000",  # 78 LDT (upper half beyond a 7f limit)
    "0000000000000000",  #    (upper half)
    "00100800008c0000",  # 88 64-bit call gate dpl 0
    "0000000000000000",  #    (upper half)
    "0010080000840000",  # 98 16-bit call gate (invalid in IA-32e mode)
]


def gdt64(changed=None):
    changed = changed or {}
    return [(GDT_BASE, "".join(changed.get(i, e) for i, e in enumerate(GDT64)))]


G64 = gdt64()
GDTR64 = {"gdtr_base": GDT_BASE, "gdtr_limit": 0x9f}


def lv(name, code, regs, final, mode="long64", **kw):
    kw["ram"] = G64 + kw.get("ram", [])
    if "fram" in kw:
        kw["fram"] = kw["fram"] + [r for r in kw["ram"] if r[0] != GDT_BASE and r[0] not in
                                    [f[0] for f in kw["fram"]]]
    kw["control"] = dict(GDTR64, **kw.get("control", {}))
    return vec(name, mode, code, regs, final, **kw)


L = lambda **kw: dict({"rip": 0x1000}, **kw)
TR64 = seg(0x28, 0x200005000, 0x67, 0x8b)
long64 = [
    lv("lgdt [rbx] m16&64", "0f0113", L(rbx=0x2000), {"rip": 0x1003}, ram=[(0x2000, "9f00008000000080ffff")]),
    lv("lgdt non-canonical base is #GP(0)", "0f0113", L(rbx=0x2000), {},
       ram=[(0x2000, "9f000080000000800000")], exc=GP(0)),
    lv("lidt at cpl 3 is #GP(0)", "0f011b", L(rbx=0x2000), {}, cpl=3, ram=[(0x2000, "ff0f0000000000000000")],
       exc=GP(0)),
    lv("sgdt [rbx] stores 10 bytes", "0f0103", L(rbx=0x2000), {"rip": 0x1003},
       control={"gdtr_base": 0xffff800000001000}, ram=[(0x2000, "ff" * 12)],
       fram=G64 + [(0x2000, "9f00001000000080ffffffff")]),
    lv("66 sidt [rbx] stores 10 bytes too", "660f010b", L(rbx=0x2000), {"rip": 0x1004},
       control={"idtr_base": 0x123456789a, "idtr_limit": 0xfff}, ram=[(0x2000, "ff" * 12)],
       fram=G64 + [(0x2000, "ff0f9a78563412000000ffff")]),
    lv("lldt ax loads a 16-byte ldt descriptor (64-bit base)", "0f00d0", L(rax=0x18), {"rip": 0x1003},
       fsregs={"ldtr": seg(0x18, 0x123459000, 0x17, 0x82)}),
    lv("lldt upper half beyond the gdt limit is #GP(sel)", "0f00d0", L(rax=0x78), {},
       control={"gdtr_limit": 0x7f}, exc=GP(0x78)),
    lv("lldt non-canonical base is #GP(sel)", "0f00d0", L(rax=0x58), {}, exc=GP(0x58)),
    lv("ltr ax loads a 16-byte tss descriptor and marks it busy", "0f00d8", L(rax=0x28), {"rip": 0x1003},
       fram=gdt64({5: "67000050008b0000"}), fsregs={"tr": TR64}),
    lv("ltr upper type field != 0 is #GP(sel)", "0f00d8", L(rax=0x38), {}, exc=GP(0x38)),
    lv("ltr 16-bit tss in IA-32e mode is #GP(sel)", "0f00d8", L(rax=0x48), {}, exc=GP(0x48)),
    lv("ltr busy tss is #GP(sel)", "0f00d8", L(rax=0x68), {}, exc=GP(0x68)),
    lv("compat32: ltr uses the 16-byte descriptor", "0f00d8", L(rax=0x28), {"rip": 0x1003}, mode="compat32",
       fram=gdt64({5: "67000050008b0000"}), fsregs={"tr": TR64}),
    lv("rex.w str rax zero-extends", "480f00c8", L(rax=0xffffffffffffffff), {"rax": 0x28, "rip": 0x1004},
       sregs={"tr": TR64}),
    lv("str eax zero-extends", "0f00c8", L(rax=0xffffffffffffffff), {"rax": 0x28, "rip": 0x1003},
       sregs={"tr": TR64}),
    lv("66 str ax writes the low word", "660f00c8", L(rax=0xffffffffffffffff),
       {"rax": 0xffffffffffff0028, "rip": 0x1004}, sregs={"tr": TR64}),
    lv("lar rax 64-bit call gate", "480f02c3", L(rbx=0x88, rax=0xffffffffffffffff),
       {"rax": 0x8c00, "rip": 0x1004, "rflags": ZF}),
    lv("lar eax 64-bit tss", "0f02c3", L(rbx=0x28), {"rax": 0x8900, "rip": 0x1003, "rflags": ZF}),
    lv("lar 16-bit tss in IA-32e mode clears zf", "0f02c3", L(rbx=0x48, rax=5, rflags=ZF),
       {"rip": 0x1003, "rflags": NZ}),
    lv("lar 16-bit call gate in IA-32e mode clears zf", "0f02c3", L(rbx=0x98, rax=5, rflags=ZF),
       {"rip": 0x1003, "rflags": NZ}),
    lv("lar system descriptor whose upper half is beyond the limit clears zf", "0f02c3",
       L(rbx=0x78, rax=5, rflags=ZF), {"rip": 0x1003, "rflags": NZ}, control={"gdtr_limit": 0x7f}),
    lv("lar system descriptor with upper type != 0 clears zf", "0f02c3", L(rbx=0x38, rax=5, rflags=ZF),
       {"rip": 0x1003, "rflags": NZ}),
    lv("lsl eax 64-bit tss", "0f03c3", L(rbx=0x28), {"rax": 0x67, "rip": 0x1003, "rflags": ZF}),
    lv("lsl 64-bit call gate clears zf", "0f03c3", L(rbx=0x88, rax=5, rflags=ZF), {"rip": 0x1003, "rflags": NZ}),
    lv("verr 64-bit code", "0f00e3", L(rbx=0x08), {"rip": 0x1003, "rflags": ZF}),
]

for path, vs in (("real/desctable.jsonl", real), ("prot32/desctable.jsonl", prot32),
                 ("long64/desctable.jsonl", long64)):
    names = [v["name"] for v in vs]
    assert len(names) == len(set(names)), "duplicate vector names in " + path
    write(path, vs)
