#!/usr/bin/env python3
"""Hand-written vectors for segment-register loads (oracle: the Intel SDM).

MOV Sreg, r/m (8E), POP ES/SS/DS/FS/GS, LDS/LES/LSS/LFS/LGS in real mode,
32-bit protected mode, 64-bit mode and compatibility mode: the selector
and descriptor checks of the MOV, POP and LDS/LES/LFS/LGS/LSS Operation
sections, with their exact exception and error code (the selector with
EXT = IDT = 0, i.e. its low two bits cleared), the hidden cache each load
leaves (base, byte-granular limit, attr = descriptor byte 5 in bits 0-7 and
byte 6's high nibble in bits 12-15) and the accessed bit the processor
writes into a descriptor that had it clear.

Descriptors are literal 8-byte strings, little-endian, as they sit in the
table; every expected value (the loaded cache, the descriptor after its
accessed bit is set, registers, exceptions) is a literal worked out by hand
from the SDM, never computed by this script. Run it to regenerate
tests/vectors/{real,prot32,long64}/segload.jsonl:

    python3 tests/vectors/handwritten/make_segment_vectors.py
"""
from vectorlib import GP, NP, SS, h, seg, vec, write


UD = {"vector": 6}
NULLSEG = seg(0, 0, 0, 0)       # a null selector loads an unusable segment

# ------------------------------------------------------------ descriptors
# Byte order: limit 15:0, base 15:0, base 23:16, access (P DPL S type),
# G D/B L AVL + limit 19:16, base 31:24.
GDT_BASE = 0x8000
LDT_BASE = 0x9000

GDT32 = [
    "0000000000000000",  # 00 null
    "ffff0000009bcf00",  # 08 code32 ring 0, flat
    "ffff00000093cf00",  # 10 data ring 0 rw, accessed, flat          -> c093
    "ffff003412924000",  # 18 data ring 0 rw, A=0, base 123400 lim ffff B=1 -> 4093
    "452300000092c1ab",  # 20 data ring 0 rw, A=0, base ab000000 lim 12345 G=1 B=1 -> c093
    "ff0f005000904000",  # 28 data ring 0 read-only, A=0, base 5000 lim fff -> 4091
    "ffff00000098cf00",  # 30 code ring 0 execute-only
    "ffff0000009acf00",  # 38 code ring 0 execute/read, nonconforming, A=0 -> c09b
    "ffff000000f3cf00",  # 40 data ring 3 rw, accessed, flat          -> c0f3
    "ffff00000013cf00",  # 48 data ring 0 rw, not present
    "ffff0000009ecf00",  # 50 code ring 0 execute/read, conforming, A=0 -> c09f
    "1700009000820000",  # 58 LDT (system), base 9000 limit 17
    "ff0f006000964000",  # 60 data ring 0 rw expand-down, A=0, base 6000 lim fff -> 4097
    "ffff000000b3cf00",  # 68 data ring 1 rw, accessed, flat          -> c0b3
    "ffff000002f30000",  # 70 data ring 3 rw, accessed, base 20000 lim ffff B=0 G=0 -> 00f3
    "ffff000000fbcf00",  # 78 code ring 3 execute/read, accessed      -> c0fb
]
# The same descriptors after the processor set their accessed bit.
ACC32 = {
    3: "ffff003412934000",
    4: "452300000093c1ab",
    5: "ff0f005000914000",
    7: "ffff0000009bcf00",
    10: "ffff0000009fcf00",
    12: "ff0f006000974000",
}

LDT32 = [
    "ff0f005034f24000",  # 04 data ring 3 rw, A=0, base 345000 lim fff B=1 -> 40f3
    "ffff00000093cf00",  # 0c data ring 0 rw, accessed
    "ffff00000073cf00",  # 14 data ring 3 rw, not present
]
LDT32_ACC0 = "ff0f005034f34000"
LDTR = seg(0x58, LDT_BASE, 0x17, 0x82)


def table(entries, base, changed=None):
    """[(base, bytes)] for a descriptor table; `changed` replaces entries by
    index with literal expected bytes."""
    changed = changed or {}
    return [(base, "".join(changed.get(i, e) for i, e in enumerate(entries)))]


def gdt32(changed=None):
    return table(GDT32, GDT_BASE, changed)


GDTR32 = {"gdtr_base": GDT_BASE, "gdtr_limit": 0x7f}

# ---------------------------------------------------------------- real mode
# CS = 0x1000, DS = 0x2000, SS = 0x3000, ES = 0x4000, FS = GS = 0x1110:
# caches hold base = selector << 4, limit ffff, attr 0093 (data rw accessed).
RS = {"cs": "0x1000", "ds": "0x2000", "ss": "0x3000", "es": "0x4000", "fs": "0x1110", "gs": "0x1110"}
R = lambda **kw: dict({"rip": 0x100}, **kw)
real = [
    vec("real: mov ds,ax base is selector<<4", "real", "8ed8", R(rax=0x1234), {"rip": 0x102}, sregs=RS,
        fsregs={"ds": seg(0x1234, 0x12340, 0xffff, 0x93)}),
    vec("real: mov ds,ax keeps a 4G limit and attributes", "real", "8ed8", R(rax=0x1234), {"rip": 0x102},
        sregs=dict(RS, ds=seg(0x2000, 0x20000, 0xffffffff, 0x8093)),
        fsregs={"ds": seg(0x1234, 0x12340, 0xffffffff, 0x8093)}),
    vec("real: mov es,[bx] reads a word", "real", "8e07", R(rbx=0x10), {"rip": 0x102}, sregs=RS,
        ram=[(0x20010, "cdab")], fsregs={"es": seg(0xabcd, 0xabcd0, 0xffff, 0x93)}),
    vec("real: mov ss,ax", "real", "8ed0", R(rax=0x5000), {"rip": 0x102}, sregs=RS,
        fsregs={"ss": seg(0x5000, 0x50000, 0xffff, 0x93)}),
    vec("real: mov ss,ax null selector keeps the B flag", "real", "8ed0", R(rax=0), {"rip": 0x102},
        sregs=dict(RS, ss=seg(0x3000, 0x30000, 0xffff, 0x4093)), fsregs={"ss": seg(0, 0, 0xffff, 0x4093)}),
    vec("real: mov fs,ax null selector is base 0", "real", "8ee0", R(rax=0), {"rip": 0x102}, sregs=RS,
        fsregs={"fs": seg(0, 0, 0xffff, 0x93)}),
    vec("real: mov gs,ax selector ffff", "real", "8ee8", R(rax=0xffff), {"rip": 0x102}, sregs=RS,
        fsregs={"gs": seg(0xffff, 0xffff0, 0xffff, 0x93)}),
    vec("real: 66 mov ds,eax uses the low word", "real", "668ed8", R(rax=0x12345678), {"rip": 0x103}, sregs=RS,
        fsregs={"ds": seg(0x5678, 0x56780, 0xffff, 0x93)}),
    vec("real: mov cs,ax is #UD", "real", "8ec8", R(rax=0x1234), {}, sregs=RS, exc=UD),
    vec("real: 8e /6 is #UD", "real", "8ef0", R(rax=0x1234), {}, sregs=RS, exc=UD),
    vec("real: 8e /7 is #UD", "real", "8ef8", R(rax=0x1234), {}, sregs=RS, exc=UD),
    vec("real: mov ds,[bx] beyond the limit is #GP", "real", "8e1f", R(rbx=0xffff), {}, sregs=RS,
        exc={"vector": 13}),
    vec("real: pop ds", "real", "1f", R(rsp=0x100), {"rsp": 0x102, "rip": 0x101}, sregs=RS,
        ram=[(0x30100, "3412")], fsregs={"ds": seg(0x1234, 0x12340, 0xffff, 0x93)}),
    vec("real: 66 pop es reads a dword", "real", "6607", R(rsp=0x100), {"rsp": 0x104, "rip": 0x102}, sregs=RS,
        ram=[(0x30100, "3412ffff")], fsregs={"es": seg(0x1234, 0x12340, 0xffff, 0x93)}),
    vec("real: pop ss", "real", "17", R(rsp=0x100), {"rsp": 0x102, "rip": 0x101}, sregs=RS,
        ram=[(0x30100, "0050")], fsregs={"ss": seg(0x5000, 0x50000, 0xffff, 0x93)}),
    vec("real: pop ss sp wraps to 0", "real", "17", R(rsp=0xfffe), {"rsp": 0, "rip": 0x101}, sregs=RS,
        ram=[(0x3fffe, "0050")], fsregs={"ss": seg(0x5000, 0x50000, 0xffff, 0x93)}),
    vec("real: pop fs", "real", "0fa1", R(rsp=0x100), {"rsp": 0x102, "rip": 0x102}, sregs=RS,
        ram=[(0x30100, "0060")], fsregs={"fs": seg(0x6000, 0x60000, 0xffff, 0x93)}),
    vec("real: pop gs", "real", "0fa9", R(rsp=0x100), {"rsp": 0x102, "rip": 0x102}, sregs=RS,
        ram=[(0x30100, "0070")], fsregs={"gs": seg(0x7000, 0x70000, 0xffff, 0x93)}),
    vec("real: pop ds at sp ffff is #SS and changes nothing", "real", "1f", R(rsp=0xffff), {}, sregs=RS,
        exc={"vector": 12}),
    vec("real: lds si,[bx]", "real", "c537", R(rbx=0x10, rsi=0xffff0000), {"rsi": 0xffff5678, "rip": 0x102},
        sregs=RS, ram=[(0x20010, "78563412")], fsregs={"ds": seg(0x1234, 0x12340, 0xffff, 0x93)}),
    vec("real: 66 les edi,[bx] m16:32", "real", "66c43f", R(rbx=0x10), {"rdi": 0x12345678, "rip": 0x103},
        sregs=RS, ram=[(0x20010, "78563412cdab")], fsregs={"es": seg(0xabcd, 0xabcd0, 0xffff, 0x93)}),
    vec("real: lss sp,[bx]", "real", "0fb227", R(rbx=0x10, rsp=0x1234), {"rsp": 0x100, "rip": 0x103},
        sregs=RS, ram=[(0x20010, "00010050")], fsregs={"ss": seg(0x5000, 0x50000, 0xffff, 0x93)}),
    vec("real: lfs ax,[bx]", "real", "0fb407", R(rbx=0x10), {"rax": 0xbeef, "rip": 0x103},
        sregs=RS, ram=[(0x20010, "efbe0060")], fsregs={"fs": seg(0x6000, 0x60000, 0xffff, 0x93)}),
    vec("real: lgs dx,[bx]", "real", "0fb517", R(rbx=0x10), {"rdx": 0xcafe, "rip": 0x103},
        sregs=RS, ram=[(0x20010, "feca0070")], fsregs={"gs": seg(0x7000, 0x70000, 0xffff, 0x93)}),
    vec("real: lds bx,[bx] reads before writing bx", "real", "c51f", R(rbx=0x10), {"rbx": 0x4321, "rip": 0x102},
        sregs=RS, ram=[(0x20010, "21430080")], fsregs={"ds": seg(0x8000, 0x80000, 0xffff, 0x93)}),
    vec("real: lds si,[bx] pointer past 0ffffh is #GP", "real", "c537", R(rbx=0xfffe), {}, sregs=RS,
        ram=[(0x2fffe, "7856"), (0x20000, "3412")], exc={"vector": 13}),
    vec("real: lds with a register operand is #UD (no VEX in real mode)", "real", "c5c0", R(), {}, sregs=RS,
        exc=UD),
    vec("real: les with a register operand is #UD", "real", "c4c0", R(), {}, sregs=RS, exc=UD),
]

# -------------------------------------------------- 32-bit protected mode
# Flat defaults: CS = 08|CPL, SS/DS/ES/FS/GS = 10|CPL; code at 0x1000,
# data at 0x2000, stack at 0x3000.
P = lambda **kw: dict({"rip": 0x1000}, **kw)
G = gdt32()


def pv(name, code, regs, final, **kw):
    """A prot32 vector with the GDT in memory and GDTR pointing at it."""
    kw.setdefault("ram", [])
    kw["ram"] = G + kw["ram"]
    kw["control"] = dict(GDTR32, **kw.get("control", {}))
    return vec(name, "prot32", code, regs, final, **kw)


def with_ldt(extra=None):
    return dict({"ldtr": LDTR}, **(extra or {}))


LDT_RAM = table(LDT32, LDT_BASE)
prot32 = [
    # MOV DS/ES/FS/GS: successful loads
    pv("mov ds,ax loads the cache and sets the accessed bit", "8ed8", P(rax=0x18), {"rip": 0x1002},
       fram=gdt32({3: ACC32[3]}), fsregs={"ds": seg(0x18, 0x123400, 0xffff, 0x4093)}),
    pv("mov es,[ebx] G=1 scales the limit", "8e03", P(rbx=0x2000), {"rip": 0x1002},
       ram=[(0x2000, "2000")], fram=gdt32({4: ACC32[4]}) + [(0x2000, "2000")],
       fsregs={"es": seg(0x20, 0xab000000, 0x12345fff, 0xc093)}),
    pv("mov fs,ax already accessed: table unchanged", "8ee0", P(rax=0x10), {"rip": 0x1002},
       sregs={"fs": "0x0"}, fram=G, fsregs={"fs": seg(0x10, 0, 0xffffffff, 0xc093)}),
    pv("mov gs,ax readable code segment", "8ee8", P(rax=0x38), {"rip": 0x1002},
       fram=gdt32({7: ACC32[7]}), fsregs={"gs": seg(0x38, 0, 0xffffffff, 0xc09b)}),
    pv("mov ds,ax read-only data", "8ed8", P(rax=0x28), {"rip": 0x1002},
       fram=gdt32({5: ACC32[5]}), fsregs={"ds": seg(0x28, 0x5000, 0xfff, 0x4091)}),
    pv("mov ds,ax expand-down data", "8ed8", P(rax=0x60), {"rip": 0x1002},
       fram=gdt32({12: ACC32[12]}), fsregs={"ds": seg(0x60, 0x6000, 0xfff, 0x4097)}),
    pv("mov ds,ax null selector loads an unusable segment", "8ed8", P(rax=0), {"rip": 0x1002},
       fsregs={"ds": NULLSEG}),
    pv("mov es,ax null selector with rpl 3", "8ec0", P(rax=3), {"rip": 0x1002},
       fsregs={"es": seg(3, 0, 0, 0)}),
    pv("mov ds,ax ignores the upper bits of eax", "8ed8", P(rax=0xdead0018), {"rip": 0x1002},
       fram=gdt32({3: ACC32[3]}), fsregs={"ds": seg(0x18, 0x123400, 0xffff, 0x4093)}),
    pv("66 mov ds,ax", "668ed8", P(rax=0x18), {"rip": 0x1003},
       fram=gdt32({3: ACC32[3]}), fsregs={"ds": seg(0x18, 0x123400, 0xffff, 0x4093)}),
    pv("mov es,ax last descriptor inside the gdt limit", "8ec0", P(rax=0x78), {"rip": 0x1002},
       fsregs={"es": seg(0x78, 0, 0xffffffff, 0xc0fb)}),
    pv("mov ds,ax rpl 1 = dpl 1 at cpl 0", "8ed8", P(rax=0x69), {"rip": 0x1002},
       fsregs={"ds": seg(0x69, 0, 0xffffffff, 0xc0b3)}),
    pv("mov ds,ax conforming code dpl 0 at cpl 3", "8ed8", P(rax=0x53), {"rip": 0x1002}, cpl=3,
       fram=gdt32({10: ACC32[10]}), fsregs={"ds": seg(0x53, 0, 0xffffffff, 0xc09f)}),
    pv("mov ds,ax dpl 3 data at cpl 3", "8ed8", P(rax=0x43), {"rip": 0x1002}, cpl=3,
       fsregs={"ds": seg(0x43, 0, 0xffffffff, 0xc0f3)}),
    pv("mov ds,ax dpl 3 data at cpl 0 rpl 0", "8ed8", P(rax=0x40), {"rip": 0x1002},
       fsregs={"ds": seg(0x40, 0, 0xffffffff, 0xc0f3)}),
    # MOV DS/ES/FS/GS: faults
    pv("mov ds,ax execute-only code is #GP(sel)", "8ed8", P(rax=0x30), {}, exc=GP(0x30)),
    pv("mov ds,ax system descriptor is #GP(sel)", "8ed8", P(rax=0x58), {}, exc=GP(0x58)),
    pv("mov ds,ax not present is #NP(sel)", "8ed8", P(rax=0x48), {}, exc=NP(0x48)),
    pv("mov fs,ax not present is #NP(sel)", "8ee0", P(rax=0x48), {}, exc=NP(0x48)),
    pv("mov ds,ax beyond the gdt limit is #GP(sel)", "8ed8", P(rax=0x80), {}, exc=GP(0x80)),
    pv("mov ds,ax beyond the limit: rpl cleared in the error code", "8ed8", P(rax=0x83), {}, exc=GP(0x80)),
    pv("mov es,ax descriptor partly beyond the gdt limit is #GP(sel)", "8ec0", P(rax=0x78), {},
       control={"gdtr_limit": 0x7b}, exc=GP(0x78)),
    pv("mov ds,ax rpl 2 > dpl 1 is #GP(sel)", "8ed8", P(rax=0x6a), {}, exc=GP(0x68)),
    pv("mov ds,ax cpl 2 > dpl 1 is #GP(sel)", "8ed8", P(rax=0x69), {}, cpl=2, exc=GP(0x68)),
    pv("mov ds,ax dpl 0 data at cpl 3 rpl 0 is #GP(sel)", "8ed8", P(rax=0x10), {}, cpl=3, exc=GP(0x10)),
    pv("mov gs,ax dpl 0 data at cpl 3 rpl 3 is #GP(sel)", "8ee8", P(rax=0x13), {}, cpl=3, exc=GP(0x10)),
    pv("mov ds,ax nonconforming code dpl 0 at cpl 3 is #GP(sel)", "8ed8", P(rax=0x3b), {}, cpl=3,
       exc=GP(0x38)),
    pv("mov cs,ax is #UD", "8ec8", P(rax=0x08), {}, exc=UD),
    pv("8e /6 is #UD", "8ef0", P(rax=0x10), {}, exc=UD),
    pv("8e /7 is #UD", "8ef8", P(rax=0x10), {}, exc=UD),
    pv("mov ds,[ebx] operand beyond ds limit is #GP(0)", "8e1b", P(rbx=0xfff), {},
       sregs={"ds": seg(0x18, 0x2000, 0xfff, 0x4093)}, ram=[(0x2ffe, "0000")], exc=GP(0)),
    # MOV SS
    pv("mov ss,ax writable data", "8ed0", P(rax=0x18), {"rip": 0x1002},
       fram=gdt32({3: ACC32[3]}), fsregs={"ss": seg(0x18, 0x123400, 0xffff, 0x4093)}),
    pv("mov ss,ax expand-down writable data", "8ed0", P(rax=0x60), {"rip": 0x1002},
       fram=gdt32({12: ACC32[12]}), fsregs={"ss": seg(0x60, 0x6000, 0xfff, 0x4097)}),
    pv("mov ss,ax dpl 3 data at cpl 3", "8ed0", P(rax=0x43), {"rip": 0x1002}, cpl=3,
       fsregs={"ss": seg(0x43, 0, 0xffffffff, 0xc0f3)}),
    pv("mov ss,ax null is #GP(0)", "8ed0", P(rax=0), {}, exc=GP(0)),
    pv("mov ss,ax null rpl 3 at cpl 3 is #GP(0)", "8ed0", P(rax=3), {}, cpl=3, exc=GP(0)),
    pv("mov ss,ax rpl != cpl is #GP(sel)", "8ed0", P(rax=0x11), {}, exc=GP(0x10)),
    pv("mov ss,ax read-only data is #GP(sel)", "8ed0", P(rax=0x28), {}, exc=GP(0x28)),
    pv("mov ss,ax readable code is #GP(sel)", "8ed0", P(rax=0x38), {}, exc=GP(0x38)),
    pv("mov ss,ax dpl 3 at cpl 0 is #GP(sel)", "8ed0", P(rax=0x40), {}, exc=GP(0x40)),
    pv("mov ss,ax dpl 0 at cpl 3 is #GP(sel)", "8ed0", P(rax=0x13), {}, cpl=3, exc=GP(0x10)),
    pv("mov ss,ax system descriptor is #GP(sel)", "8ed0", P(rax=0x58), {}, exc=GP(0x58)),
    pv("mov ss,ax beyond the gdt limit is #GP(sel)", "8ed0", P(rax=0x80), {}, exc=GP(0x80)),
    pv("mov ss,ax not present is #SS(sel)", "8ed0", P(rax=0x48), {}, exc=SS(0x48)),
    pv("mov ss,ax not present with dpl != cpl is #GP(sel) first", "8ed0", P(rax=0x4b), {}, cpl=3,
       exc=GP(0x48)),
    pv("mov ss,ax ldt not present at cpl 3 is #SS(sel)", "8ed0", P(rax=0x17), {}, cpl=3,
       sregs=with_ldt(), ram=LDT_RAM, exc=SS(0x14)),
    # LDT
    pv("mov ds,ax ldt descriptor sets its accessed bit", "8ed8", P(rax=0x07), {"rip": 0x1002},
       sregs=with_ldt(), ram=LDT_RAM, fram=G + table(LDT32, LDT_BASE, {0: LDT32_ACC0}),
       fsregs={"ds": seg(0x07, 0x345000, 0xfff, 0x40f3)}),
    pv("mov es,ax ldt ring 0 data", "8ec0", P(rax=0x0c), {"rip": 0x1002},
       sregs=with_ldt(), ram=LDT_RAM, fsregs={"es": seg(0x0c, 0, 0xffffffff, 0xc093)}),
    pv("mov ds,ax beyond the ldt limit is #GP(sel)", "8ed8", P(rax=0x1c), {},
       sregs=with_ldt(), ram=LDT_RAM, exc=GP(0x1c)),
    pv("mov ds,ax with an unusable ldt is #GP(sel)", "8ed8", P(rax=0x04), {},
       sregs={"ldtr": seg(0, 0, 0, 0)}, ram=LDT_RAM, exc=GP(0x04)),
    pv("mov ds,ax ldt not present is #NP(sel)", "8ed8", P(rax=0x17), {},
       sregs=with_ldt(), ram=LDT_RAM, exc=NP(0x14)),
    pv("mov ds,ax ldt dpl 0 at cpl 3 is #GP(sel)", "8ed8", P(rax=0x0f), {}, cpl=3,
       sregs=with_ldt(), ram=LDT_RAM, exc=GP(0x0c)),
    # POP Sreg
    pv("pop ds", "1f", P(rsp=0x3000), {"rsp": 0x3004, "rip": 0x1001},
       ram=[(0x3000, "18000000")], fram=gdt32({3: ACC32[3]}) + [(0x3000, "18000000")],
       fsregs={"ds": seg(0x18, 0x123400, 0xffff, 0x4093)}),
    pv("pop es ignores the upper word of the slot", "07", P(rsp=0x3000), {"rsp": 0x3004, "rip": 0x1001},
       ram=[(0x3000, "2000ffff")], fram=gdt32({4: ACC32[4]}) + [(0x3000, "2000ffff")],
       fsregs={"es": seg(0x20, 0xab000000, 0x12345fff, 0xc093)}),
    pv("66 pop ds pops a word", "661f", P(rsp=0x3000), {"rsp": 0x3002, "rip": 0x1002},
       sregs={"ds": "0x0"}, ram=[(0x3000, "1000")], fsregs={"ds": seg(0x10, 0, 0xffffffff, 0xc093)}),
    pv("pop ss", "17", P(rsp=0x3000), {"rsp": 0x3004, "rip": 0x1001},
       ram=[(0x3000, "18000000")], fram=gdt32({3: ACC32[3]}) + [(0x3000, "18000000")],
       fsregs={"ss": seg(0x18, 0x123400, 0xffff, 0x4093)}),
    pv("pop ss to a B=0 stack steps esp at the old 32-bit size", "17", P(rsp=0x1fffc),
       {"rsp": 0x20000, "rip": 0x1001}, cpl=3, ram=[(0x1fffc, "73000000")],
       fsregs={"ss": seg(0x73, 0x20000, 0xffff, 0x00f3)}),
    pv("pop fs", "0fa1", P(rsp=0x3000), {"rsp": 0x3004, "rip": 0x1002},
       ram=[(0x3000, "28000000")], fram=gdt32({5: ACC32[5]}) + [(0x3000, "28000000")],
       fsregs={"fs": seg(0x28, 0x5000, 0xfff, 0x4091)}),
    pv("pop gs null selector", "0fa9", P(rsp=0x3000), {"rsp": 0x3004, "rip": 0x1002},
       ram=[(0x3000, "00000000")], fsregs={"gs": NULLSEG}),
    pv("pop ds faulting load leaves esp and ds", "1f", P(rsp=0x3000), {},
       ram=[(0x3000, "30000000")], exc=GP(0x30)),
    pv("pop ss not present is #SS(sel) and leaves esp", "17", P(rsp=0x3000), {},
       ram=[(0x3000, "48000000")], exc=SS(0x48)),
    pv("pop es not present is #NP(sel) and leaves esp", "07", P(rsp=0x3000), {},
       ram=[(0x3000, "48000000")], exc=NP(0x48)),
    pv("pop ds slot beyond the ss limit is #SS(0)", "1f", P(rsp=0x3000), {},
       sregs={"ss": seg(0x10, 0, 0x3001, 0x4093)}, ram=[(0x3000, "18000000")], exc=SS(0)),
    # LDS/LES/LSS/LFS/LGS
    pv("lds esi,[ebx]", "c533", P(rbx=0x2000), {"rsi": 0x12345678, "rip": 0x1002},
       ram=[(0x2000, "785634121800")], fram=gdt32({3: ACC32[3]}) + [(0x2000, "785634121800")],
       fsregs={"ds": seg(0x18, 0x123400, 0xffff, 0x4093)}),
    pv("66 les di,[ebx] m16:16 keeps the upper edi", "66c43b", P(rbx=0x2000, rdi=0xffffffff),
       {"rdi": 0xffff1234, "rip": 0x1003},
       ram=[(0x2000, "34122000")], fram=gdt32({4: ACC32[4]}) + [(0x2000, "34122000")],
       fsregs={"es": seg(0x20, 0xab000000, 0x12345fff, 0xc093)}),
    pv("lss esp,[ebx]", "0fb223", P(rbx=0x2000, rsp=0x3000), {"rsp": 0xf000, "rip": 0x1003},
       sregs={"ss": seg(0x18, 0x123400, 0xffff, 0x4093)},
       ram=[(0x2000, "00f000001000")], fsregs={"ss": seg(0x10, 0, 0xffffffff, 0xc093)}),
    pv("66 lss sp,[ebx] m16:16", "660fb223", P(rbx=0x2000, rsp=0x12343000), {"rsp": 0x1234f000, "rip": 0x1004},
       ram=[(0x2000, "00f01000")], fsregs={"ss": seg(0x10, 0, 0xffffffff, 0xc093)}),
    pv("lfs eax,[ebx]", "0fb403", P(rbx=0x2000), {"rax": 0xcafebabe, "rip": 0x1003},
       ram=[(0x2000, "bebafeca2800")], fram=gdt32({5: ACC32[5]}) + [(0x2000, "bebafeca2800")],
       fsregs={"fs": seg(0x28, 0x5000, 0xfff, 0x4091)}),
    pv("lgs ecx,[ebx] null selector", "0fb50b", P(rbx=0x2000), {"rcx": 0x11223344, "rip": 0x1003},
       ram=[(0x2000, "443322110000")], fsregs={"gs": NULLSEG}),
    pv("lds ebx,[ebx] reads both parts before writing ebx", "c51b", P(rbx=0x2000),
       {"rbx": 0x00400000, "rip": 0x1002},
       ram=[(0x2000, "000040001000")], fsregs={"ds": seg(0x10, 0, 0xffffffff, 0xc093)}),
    pv("les edi,[ebx] ldt descriptor", "c43b", P(rbx=0x2000), {"rdi": 0x100, "rip": 0x1002},
       sregs=with_ldt(), ram=LDT_RAM + [(0x2000, "000100000700")],
       fram=G + table(LDT32, LDT_BASE, {0: LDT32_ACC0}) + [(0x2000, "000100000700")],
       fsregs={"es": seg(0x07, 0x345000, 0xfff, 0x40f3)}),
    pv("lds esi,[ebx] not present is #NP(sel) and leaves esi", "c533", P(rbx=0x2000, rsi=0x55),
       {}, ram=[(0x2000, "785634124800")], exc=NP(0x48)),
    pv("lss esp,[ebx] null is #GP(0) and leaves esp", "0fb223", P(rbx=0x2000, rsp=0x3000),
       {}, ram=[(0x2000, "00f000000000")], exc=GP(0)),
    pv("lss esp,[ebx] rpl != cpl is #GP(sel)", "0fb223", P(rbx=0x2000, rsp=0x3000),
       {}, ram=[(0x2000, "00f000001300")], exc=GP(0x10)),
    pv("lfs eax,[ebx] execute-only code is #GP(sel)", "0fb403", P(rbx=0x2000, rax=7),
       {}, ram=[(0x2000, "bebafeca3000")], exc=GP(0x30)),
    pv("lds esi,[ebx] selector beyond the ds limit is #GP(0)", "c533", P(rbx=0xffc), {},
       sregs={"ds": seg(0x18, 0x2000, 0xfff, 0x4093)}, ram=[(0x2ffc, "78563412")], exc=GP(0)),
]

# ------------------------------------------------ 64-bit and compatibility
# CS = 08|CPL (64-bit code), SS/DS/... = 10|CPL; GDT at 0x8000.
GDT64 = [
    "0000000000000000",  # 00 null
    "ffff0000009baf00",  # 08 code64 ring 0
    "ffff00000093cf00",  # 10 data ring 0 rw, accessed, flat          -> c093
    "ffff003412925000",  # 18 data ring 0 rw, A=0, base 123400 lim ffff B=1 AVL=1 -> 5093
    "452300000092c1ab",  # 20 data ring 0 rw, A=0, base ab000000 lim 12345 G=1 B=1 -> c093
    "ffff0000dcf3cffe",  # 28 data ring 3 rw, accessed, base fedc0000 flat -> c0f3
    "ffff000000fbaf00",  # 30 code64 ring 3
    "ffff00000013cf00",  # 38 data ring 0 rw, not present
    "ffff000000f1cf00",  # 40 data ring 3 read-only, accessed
    "ffff000000b3cf00",  # 48 data ring 1 rw, accessed               -> c0b3
]
ACC64 = {
    3: "ffff003412935000",
    4: "452300000093c1ab",
}


def gdt64(changed=None):
    return table(GDT64, GDT_BASE, changed)


G64 = gdt64()
GDTR64 = {"gdtr_base": GDT_BASE, "gdtr_limit": 0x4f}
FS_MSR_BASE = seg(0, 0xffff800000001000, 0xffffffff, 0xc093)


def lv(name, code, regs, final, mode="long64", **kw):
    kw.setdefault("ram", [])
    kw["ram"] = G64 + kw["ram"]
    kw["control"] = dict(GDTR64, **kw.get("control", {}))
    return vec(name, mode, code, regs, final, **kw)


L = lambda **kw: dict({"rip": 0x1000}, **kw)
long64 = [
    lv("mov ds,ax loads the cache (avl in attr bit 12)", "8ed8", L(rax=0x18), {"rip": 0x1002},
       fram=gdt64({3: ACC64[3]}), fsregs={"ds": seg(0x18, 0x123400, 0xffff, 0x5093)}),
    lv("mov es,[rbx]", "8e03", L(rbx=0x2000), {"rip": 0x1002},
       ram=[(0x2000, "2000")], fram=gdt64({4: ACC64[4]}) + [(0x2000, "2000")],
       fsregs={"es": seg(0x20, 0xab000000, 0x12345fff, 0xc093)}),
    lv("mov fs,ax base from the descriptor, zero-extended", "8ee0", L(rax=0x2b), {"rip": 0x1002},
       sregs={"fs": FS_MSR_BASE}, fsregs={"fs": seg(0x2b, 0xfedc0000, 0xffffffff, 0xc0f3)}),
    lv("rex.w mov gs,[rbx] reads a word", "488e2b", L(rbx=0x2000), {"rip": 0x1003},
       ram=[(0x2000, "2800ffff")], fsregs={"gs": seg(0x28, 0xfedc0000, 0xffffffff, 0xc0f3)}),
    lv("mov ds,ax null selector", "8ed8", L(rax=0), {"rip": 0x1002}, fsregs={"ds": NULLSEG}),
    lv("mov fs,ax null selector clears the base (intel)", "8ee0", L(rax=0), {"rip": 0x1002},
       sregs={"fs": FS_MSR_BASE}, fsregs={"fs": NULLSEG}),
    lv("mov ss,ax null at cpl 0 is allowed", "8ed0", L(rax=0), {"rip": 0x1002}, fsregs={"ss": NULLSEG}),
    lv("mov ss,ax null rpl 1 at cpl 1 is allowed (dpl stays cpl)", "8ed0", L(rax=1), {"rip": 0x1002}, cpl=1,
       fsregs={"ss": seg(1, 0, 0, 0x20)}),
    lv("mov ss,ax null rpl 2 at cpl 1 is #GP(0)", "8ed0", L(rax=2), {}, cpl=1, exc=GP(0)),
    lv("mov ss,ax null rpl 3 at cpl 3 is #GP(0)", "8ed0", L(rax=3), {}, cpl=3, exc=GP(0)),
    lv("mov ss,ax null rpl 0 at cpl 3 is #GP(0)", "8ed0", L(rax=0), {}, cpl=3, exc=GP(0)),
    lv("mov ss,ax writable data", "8ed0", L(rax=0x18), {"rip": 0x1002},
       fram=gdt64({3: ACC64[3]}), fsregs={"ss": seg(0x18, 0x123400, 0xffff, 0x5093)}),
    lv("mov ss,ax ring 1 data at cpl 1", "8ed0", L(rax=0x49), {"rip": 0x1002}, cpl=1,
       fsregs={"ss": seg(0x49, 0, 0xffffffff, 0xc0b3)}),
    lv("mov ss,ax ring 1 data rpl 1 at cpl 0 is #GP(sel)", "8ed0", L(rax=0x49), {}, exc=GP(0x48)),
    lv("mov ss,ax code is #GP(sel)", "8ed0", L(rax=0x33), {}, cpl=3, exc=GP(0x30)),
    lv("mov ss,ax read-only data is #GP(sel)", "8ed0", L(rax=0x43), {}, cpl=3, exc=GP(0x40)),
    lv("mov ss,ax not present is #SS(sel)", "8ed0", L(rax=0x38), {}, exc=SS(0x38)),
    lv("mov ds,ax not present is #NP(sel)", "8ed8", L(rax=0x38), {}, exc=NP(0x38)),
    lv("mov ds,ax dpl 0 data at cpl 3 is #GP(sel)", "8ed8", L(rax=0x13), {}, cpl=3, exc=GP(0x10)),
    lv("mov ds,ax beyond the gdt limit is #GP(sel)", "8ed8", L(rax=0x50), {}, exc=GP(0x50)),
    lv("mov ds,ax non-canonical descriptor address is #GP(sel)", "8ed8", L(rax=0x08), {},
       control={"gdtr_base": 0x7ffffffffff8, "gdtr_limit": 0xffff}, exc=GP(0x08)),
    lv("mov cs,ax is #UD", "8ec8", L(rax=0x08), {}, exc=UD),
    lv("pop fs pops 8 bytes", "0fa1", L(rsp=0x3000), {"rsp": 0x3008, "rip": 0x1002},
       ram=[(0x3000, "2000ffffffffffff")], fram=gdt64({4: ACC64[4]}) + [(0x3000, "2000ffffffffffff")],
       fsregs={"fs": seg(0x20, 0xab000000, 0x12345fff, 0xc093)}),
    lv("66 pop gs pops a word", "660fa9", L(rsp=0x3000), {"rsp": 0x3002, "rip": 0x1003},
       ram=[(0x3000, "2b00")], fsregs={"gs": seg(0x2b, 0xfedc0000, 0xffffffff, 0xc0f3)}),
    lv("pop fs not present is #NP(sel) and leaves rsp", "0fa1", L(rsp=0x3000), {},
       ram=[(0x3000, "3800000000000000")], exc=NP(0x38)),
    lv("pop ds is #UD in 64-bit mode", "1f", L(rsp=0x3000), {}, ram=[(0x3000, "1000000000000000")], exc=UD),
    lv("rex.w lss rsp,[rbx] m16:64", "480fb223", L(rbx=0x2000, rsp=0x3000),
       {"rsp": 0x0123456789abcdef, "rip": 0x1004},
       ram=[(0x2000, "efcdab89674523011800")], fram=gdt64({3: ACC64[3]}) + [(0x2000, "efcdab89674523011800")],
       fsregs={"ss": seg(0x18, 0x123400, 0xffff, 0x5093)}),
    lv("lfs eax,[rbx] m16:32 zero-extends", "0fb403", L(rbx=0x2000, rax=0xffffffffffffffff),
       {"rax": 0x12345678, "rip": 0x1003},
       ram=[(0x2000, "785634122000")], fram=gdt64({4: ACC64[4]}) + [(0x2000, "785634122000")],
       fsregs={"fs": seg(0x20, 0xab000000, 0x12345fff, 0xc093)}),
    lv("66 lgs cx,[rbx] m16:16", "660fb50b", L(rbx=0x2000, rcx=0xffffffffffffffff),
       {"rcx": 0xffffffffffff1234, "rip": 0x1004},
       ram=[(0x2000, "34122b00")], fsregs={"gs": seg(0x2b, 0xfedc0000, 0xffffffff, 0xc0f3)}),
    lv("rex.r lfs r8d,[rbx]", "440fb403", L(rbx=0x2000, r8=0xffffffffffffffff), {"r8": 0x87654321, "rip": 0x1004},
       ram=[(0x2000, "214365871000")], fsregs={"fs": seg(0x10, 0, 0xffffffff, 0xc093)}),
    lv("lss esp,[rbx] null at cpl 0 is allowed", "0fb223", L(rbx=0x2000, rsp=0xffffffff00003000),
       {"rsp": 0x2000, "rip": 0x1003}, ram=[(0x2000, "002000000000")], fsregs={"ss": NULLSEG}),
    lv("lss esp,[rbx] null at cpl 3 is #GP(0)", "0fb223", L(rbx=0x2000, rsp=0x3000), {}, cpl=3,
       ram=[(0x2000, "002000000300")], exc=GP(0)),
    lv("lgs eax,[rbx] not present is #NP(sel) and leaves eax", "0fb503", L(rbx=0x2000, rax=5), {},
       ram=[(0x2000, "785634123800")], exc=NP(0x38)),
    # Compatibility mode follows the protected-mode rules.
    lv("compat32: mov ss,ax null is #GP(0)", "8ed0", L(rax=0), {}, mode="compat32", exc=GP(0)),
    lv("compat32: mov fs,ax loads the descriptor base", "8ee0", L(rax=0x20), {"rip": 0x1002}, mode="compat32",
       fram=gdt64({4: ACC64[4]}), fsregs={"fs": seg(0x20, 0xab000000, 0x12345fff, 0xc093)}),
    lv("compat32: pop ds", "1f", L(rsp=0x3000), {"rsp": 0x3004, "rip": 0x1001}, mode="compat32",
       ram=[(0x3000, "18000000")], fram=gdt64({3: ACC64[3]}) + [(0x3000, "18000000")],
       fsregs={"ds": seg(0x18, 0x123400, 0xffff, 0x5093)}),
    lv("compat32: c5 with a memory modrm is lds", "c533", L(rbx=0x2000), {"rsi": 0x12345678, "rip": 0x1002},
       mode="compat32", ram=[(0x2000, "785634121000")], fsregs={"ds": seg(0x10, 0, 0xffffffff, 0xc093)}),
    lv("compat32: pop ss not present is #SS(sel)", "17", L(rsp=0x3000), {}, mode="compat32",
       ram=[(0x3000, "38000000")], exc=SS(0x38)),
]

for path, vs in (("real/segload.jsonl", real), ("prot32/segload.jsonl", prot32),
                 ("long64/segload.jsonl", long64)):
    names = [v["name"] for v in vs]
    assert len(names) == len(set(names)), "duplicate vector names in " + path
    write(path, vs)
