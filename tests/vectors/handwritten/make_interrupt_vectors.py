#!/usr/bin/env python3
"""Hand-written vectors for interrupt and exception delivery and IRET
(oracle: the Intel SDM, Vol. 2 "INT n/INTO/INT3/INT1" and "IRET/IRETD/IRETQ"
Operation sections, Vol. 3A chapter 6).

Real mode (IVT), 32-bit protected mode (16- and 32-bit interrupt and trap
gates, the TSS stack switch and every check on the way with its exact
error code) and IA-32e mode (64-bit gates, RSP0 and IST stacks, 16-byte
alignment, the null SS of a privilege change), plus IRET in each mode.

Descriptors, gates and TSS fields are literal little-endian byte strings as
they sit in memory. Every expected value (frames in final.ram, registers,
segment caches, exceptions and error codes) is a literal worked out by hand
from the SDM, never computed here.

Vectors with "deliver": true let an exception the instruction raises go
through the IDT/IVT; `final` is then the state at the handler's first
instruction. INT n is an instruction, not an exception: it is delivered in
every vector; a fault during its delivery stops the machine (the vector
gives the exception) unless the vector delivers it too.

Choices where the SDM is ambiguous (docs/interrupts.md):
- task gates (IDT) are not implemented: #GP(vector*8+2+EXT);
- selectors pushed into 4-byte slots are zero-extended;
- the pushed RFLAGS of a fault-class exception has RF = 1;
- a 64-bit gate whose code segment is not 64-bit: #GP(selector);
- IRET to an outer level nulls DS/ES/FS/GS (selector 0, attr 0) but keeps
  their base and limit; a non-present return SS is #NP(selector).

Run it to regenerate tests/vectors/{real,prot32,long64}/interrupts.jsonl:

    python3 tests/vectors/handwritten/make_interrupt_vectors.py
"""
from vectorlib import GP, NP, SS, TS, seg, vec, write


def zeros(n):
    return "00" * n


def deliver(v):
    v["deliver"] = True
    return v


# ===================================================== 32-bit protected mode
GDT = 0x8000
IDT = 0xA000
TSS = 0xB000
# Byte order: limit 15:0, base 15:0, base 23:16, access, flags|limit 19:16, base 31:24.
GDT32 = [
    "0000000000000000",  # 00 null
    "ffff0000009bcf00",  # 08 code32 ring 0 flat, accessed          -> c09b
    "ffff00000093cf00",  # 10 data ring 0 flat, accessed            -> c093
    "ffff000000fbcf00",  # 18 code32 ring 3 flat                    -> c0fb
    "ffff000000f3cf00",  # 20 data ring 3 flat                      -> c0f3
    "670000b0008b0000",  # 28 busy 32-bit TSS, base b000, limit 67
    "ffff0000009b0000",  # 30 code16 ring 0, base 0, limit ffff     -> 009b
    "ffff00000013cf00",  # 38 data ring 0, not present
    "ffff0000001bcf00",  # 40 code ring 0, not present
    "ffff000000b3cf00",  # 48 data ring 1 flat
    "ffff0000009fcf00",  # 50 code32 ring 0 conforming              -> c09f
    "ff0f0000009b4000",  # 58 code32 ring 0, limit fff              -> 409b
    "ffff00000091cf00",  # 60 data ring 0 read-only
    "ffff0000009acf00",  # 68 code32 ring 0, A = 0                  -> c09b after
    "ffff000002930000",  # 70 data ring 0, base 20000, limit ffff, B = 0 -> 0093
    "2b0000b100830000",  # 78 busy 16-bit TSS, base b100, limit 2b
    "ff0f000000934000",  # 80 data ring 0, limit fff, B = 1
]
GDTR = {"gdtr_base": GDT, "gdtr_limit": 0x87, "idtr_base": IDT, "idtr_limit": 0x7ff}


def gdt(changed=None):
    changed = changed or {}
    return [(GDT, "".join(changed.get(i, e) for i, e in enumerate(GDT32)))]


# TSS (32-bit): link, ESP0 = 00070000, SS0 = 0010, ESP1, SS1, ESP2, SS2.
TSS32 = "00000000" "00000700" "10000000" "00000000" "00000000" "00000000" "00000000"
TR32 = seg(0x28, TSS, 0x67, 0x8b)
# 16-bit TSS at b100: link, SP0 = 6000, SS0 = 0010.
TSS16 = "0000" "0060" "1000" "0000" "0000" "0000" "0000"
TR16 = seg(0x78, TSS + 0x100, 0x2b, 0x83)

# Gates: offset 15:0, selector, 0, P|DPL|type, offset 31:16.
INT_DPL0 = "00200800008e0000"    # interrupt gate 08:00002000 DPL 0
INT_DPL3 = "0020080000ee0000"    # interrupt gate 08:00002000 DPL 3
TRAP_DPL3 = "0020080000ef0000"   # trap gate 08:00002000 DPL 3

CS0 = seg(0x08, 0, 0xffffffff, 0xc09b)
SS0 = seg(0x10, 0, 0xffffffff, 0xc093)
U = {"cs": "0x1b", "ss": "0x23", "ds": "0x23", "es": "0x23", "fs": "0x23", "gs": "0x23", "tr": TR32}
K = {"tr": TR32}


def idt(vector, gate):
    return (IDT + vector * 8, gate)


def pv(name, code, regs, final, ram=(), fram=None, gdt_final=None, tss=TSS32, **kw):
    """prot32 vector: GDT, TSS and the given IDT entries/stack in RAM."""
    base = gdt() + [(TSS, tss)]
    fbase = (gdt_final or gdt()) + [(TSS, tss)]
    r = base + list(ram)
    f = fbase + list(fram if fram is not None else ram)
    kw["control"] = dict(GDTR, **kw.get("control", {}))
    kw.setdefault("sregs", K)
    return vec(name, "prot32", code, dict({"rip": 0x1000}, **regs), final, ram=r, fram=f, **kw)


STACK0 = [(0x6ffe0, zeros(0x20))]       # the ring-0 stack below ESP0 = 70000
STACK3 = [(0x7ffe0, zeros(0x20))]       # a ring-3 stack below 7fff0

prot32 = [
    # ---- INT n through 32-bit gates, same privilege
    pv("int 80h cpl0 32-bit interrupt gate: EIP CS EFLAGS pushed, IF cleared", "cd80",
       {"rsp": 0x50000, "rflags": 0x202}, {"rip": 0x2000, "rsp": 0x4fff4, "rflags": 0x2},
       ram=[idt(0x80, INT_DPL0), (0x4fff0, zeros(16))],
       fram=[idt(0x80, INT_DPL0), (0x4fff0, "00000000" "02100000" "08000000" "02020000")],
       fsregs={"cs": CS0}),
    pv("int 80h cpl0 trap gate keeps IF, clears TF NT", "cd80",
       {"rsp": 0x50000, "rflags": 0x4302}, {"rip": 0x2000, "rsp": 0x4fff4, "rflags": 0x202},
       ram=[idt(0x80, TRAP_DPL3), (0x4fff0, zeros(16))],
       fram=[idt(0x80, TRAP_DPL3), (0x4fff0, "00000000" "02100000" "08000000" "02430000")]),
    pv("int 80h cpl0 sets the handler cs accessed bit", "cd80",
       {"rsp": 0x50000, "rflags": 0x2}, {"rip": 0x2000, "rsp": 0x4fff4, "rflags": 0x2},
       ram=[idt(0x80, "0020680000ee0000"), (0x4fff0, zeros(16))],
       fram=[idt(0x80, "0020680000ee0000"), (0x4fff0, "00000000" "02100000" "08000000" "02000000")],
       gdt_final=gdt({13: "ffff0000009bcf00"}), fsregs={"cs": seg(0x68, 0, 0xffffffff, 0xc09b)}),
    pv("int 80h 32-bit gate offset uses both halves", "cd80",
       {"rsp": 0x50000}, {"rip": 0x12345678, "rsp": 0x4fff4, "rflags": 0x2},
       ram=[idt(0x80, "7856080000ee3412"), (0x4fff0, zeros(16))],
       fram=[idt(0x80, "7856080000ee3412"), (0x4fff0, "00000000" "02100000" "08000000" "02000000")]),
    # ---- privilege change through the TSS
    pv("int 80h cpl3 to ring 0: SS0:ESP0 from the TSS, old SS:ESP pushed", "cd80",
       {"rsp": 0x7fff0, "rflags": 0x246}, {"rip": 0x2000, "rsp": 0x6ffec, "rflags": 0x46},
       ram=[idt(0x80, INT_DPL3)] + STACK0,
       fram=[idt(0x80, INT_DPL3), (0x6ffe0, zeros(12) + "02100000" "1b000000" "46020000" "f0ff0700" "23000000")],
       cpl=3, sregs=U, fsregs={"cs": CS0, "ss": SS0}),
    pv("int 80h cpl3 to ring 0 leaves ds es fs gs alone", "cd80",
       {"rsp": 0x7fff0, "rflags": 0x202}, {"rip": 0x2000, "rsp": 0x6ffec, "rflags": 0x2},
       ram=[idt(0x80, INT_DPL3)] + STACK0,
       fram=[idt(0x80, INT_DPL3), (0x6ffe0, zeros(12) + "02100000" "1b000000" "02020000" "f0ff0700" "23000000")],
       cpl=3, sregs=U, fsregs={"ds": seg(0x23, 0, 0xffffffff, 0xc0f3), "fs": seg(0x23, 0, 0xffffffff, 0xc0f3)}),
    pv("int 80h cpl3 to a conforming ring-0 segment stays at cpl 3 on the same stack", "cd80",
       {"rsp": 0x7fff0, "rflags": 0x202}, {"rip": 0x2000, "rsp": 0x7ffe4, "rflags": 0x2},
       ram=[idt(0x80, "0020500000ee0000")] + STACK3,
       fram=[idt(0x80, "0020500000ee0000"), (0x7ffe0, "00000000" "02100000" "1b000000" "02020000" + zeros(16))],
       cpl=3, sregs=U, fsregs={"cs": seg(0x53, 0, 0xffffffff, 0xc09f), "ss": seg(0x23, 0, 0xffffffff, 0xc0f3)}),
    pv("int 80h cpl3 with a 16-bit TSS: SS0:SP0 from offsets 4 and 2", "cd80",
       {"rsp": 0x7fff0, "rflags": 0x202}, {"rip": 0x2000, "rsp": 0x5fec, "rflags": 0x2},
       ram=[idt(0x80, INT_DPL3), (TSS + 0x100, TSS16), (0x5fe0, zeros(0x20))],
       fram=[idt(0x80, INT_DPL3), (TSS + 0x100, TSS16),
             (0x5fe0, zeros(12) + "02100000" "1b000000" "02020000" "f0ff0700" "23000000" + zeros(0))],
       cpl=3, sregs=dict(U, tr=TR16), fsregs={"ss": SS0}),
    # ---- 16-bit gates
    pv("int 80h cpl0 16-bit interrupt gate: FLAGS CS IP as words, to 16-bit code", "cd80",
       {"rsp": 0x50000, "rflags": 0x10202}, {"rip": 0x3456, "rsp": 0x4fffa, "rflags": 0x2},
       ram=[idt(0x80, "5634300000860012"), (0x4fff0, zeros(16))],
       fram=[idt(0x80, "5634300000860012"), (0x4fff0, zeros(10) + "0210" "0800" "0202")],
       fsregs={"cs": seg(0x30, 0, 0xffff, 0x9b)}),
    pv("int 80h cpl3 16-bit gate to ring 0: SS SP FLAGS CS IP as words", "cd80",
       {"rsp": 0x1237fff0, "rflags": 0x202}, {"rip": 0x2000, "rsp": 0x6fff6, "rflags": 0x2},
       ram=[idt(0x80, "0020080000e60000")] + STACK0,
       fram=[idt(0x80, "0020080000e60000"), (0x6ffe0, zeros(22) + "0210" "1b00" "0202" "f0ff" "2300")],
       cpl=3, sregs=U, fsregs={"ss": SS0}),
    # ---- faults of INT n itself (software interrupt: EXT = 0)
    pv("int 80h cpl3 gate DPL 0: #GP(vector*8+2)", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, INT_DPL0)], cpl=3, sregs=U, exc=GP(0x402)),
    pv("int 80h gate not present: #NP(vector*8+2)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "00200800006e0000")], exc=NP(0x402)),
    pv("int 80h beyond the IDT limit: #GP(vector*8+2)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, INT_DPL3)], control={"idtr_limit": 0x403}, exc=GP(0x402)),
    pv("int 80h last byte of the gate at the IDT limit is fine", "cd80", {"rsp": 0x50000},
       {"rip": 0x2000, "rsp": 0x4fff4},
       ram=[idt(0x80, INT_DPL3), (0x4fff0, zeros(16))],
       fram=[idt(0x80, INT_DPL3), (0x4fff0, "00000000" "02100000" "08000000" "02000000")],
       control={"idtr_limit": 0x407}),
    pv("int 80h call gate in the IDT: #GP(vector*8+2)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "0020080000ec0000")], exc=GP(0x402)),
    pv("int 80h code descriptor in the IDT (S=1): #GP(vector*8+2)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "ffff000000fbcf00")], exc=GP(0x402)),
    pv("int 80h task gate: #GP(vector*8+2) (task switches not implemented)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "0000280000e50000")], exc=GP(0x402)),
    pv("int 80h gate DPL checked before present", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, "00200800000e0000")], cpl=3, sregs=U, exc=GP(0x402)),
    pv("int 80h null code selector: #GP(0)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "0020000000ee0000")], exc=GP(0)),
    pv("int 80h code selector beyond the GDT limit: #GP(selector)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "0020880000ee0000")], exc=GP(0x88)),
    pv("int 80h gate selector names a data segment: #GP(selector)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "0020100000ee0000")], exc=GP(0x10)),
    pv("int 80h gate selector rpl ignored in the error code", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "0020130000ee0000")], exc=GP(0x10)),
    pv("int 80h cpl0 to a ring-3 code segment: #GP(selector)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "0020180000ee0000")], exc=GP(0x18)),
    pv("int 80h code segment not present: #NP(selector)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "0020400000ee0000")], exc=NP(0x40)),
    pv("int 80h entry point beyond the code limit: #GP(0)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt(0x80, "0020580000ee0000")], exc=GP(0)),
    pv("int 80h cpl0 stack overflow below the SS limit: #SS(0)", "cd80", {"rsp": 0x2008}, {},
       ram=[idt(0x80, INT_DPL3)], sregs=dict(K, ss=seg(0x10, 0, 0xfff, 0x4093)), exc=SS(0)),
    # ---- the new stack from the TSS: #TS / #SS with the selector
    pv("int 80h TSS SS0 null: #TS(0)", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, INT_DPL3)], tss="00000000" "00000700" "00000000",
       cpl=3, sregs=U, exc=TS(0)),
    pv("int 80h TSS SS0 rpl 3: #TS(selector)", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, INT_DPL3)], tss="00000000" "00000700" "13000000",
       cpl=3, sregs=U, exc=TS(0x10)),
    pv("int 80h TSS SS0 names a ring-1 data segment: #TS(selector)", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, INT_DPL3)], tss="00000000" "00000700" "48000000",
       cpl=3, sregs=U, exc=TS(0x48)),
    pv("int 80h TSS SS0 read-only data: #TS(selector)", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, INT_DPL3)], tss="00000000" "00000700" "60000000",
       cpl=3, sregs=U, exc=TS(0x60)),
    pv("int 80h TSS SS0 code segment: #TS(selector)", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, INT_DPL3)], tss="00000000" "00000700" "08000000",
       cpl=3, sregs=U, exc=TS(0x08)),
    pv("int 80h TSS SS0 beyond the GDT: #TS(selector)", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, INT_DPL3)], tss="00000000" "00000700" "88000000",
       cpl=3, sregs=U, exc=TS(0x88)),
    pv("int 80h TSS SS0 not present: #SS(selector)", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, INT_DPL3)], tss="00000000" "00000700" "38000000",
       cpl=3, sregs=U, exc=SS(0x38)),
    pv("int 80h TSS too short for SS0:ESP0: #TS(TR)", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, INT_DPL3)], cpl=3, sregs=dict(U, tr=seg(0x28, TSS, 0x8, 0x8b)), exc=TS(0x28)),
    pv("int 80h new stack below its limit: #SS(new SS selector)", "cd80", {"rsp": 0x7fff0}, {},
       ram=[idt(0x80, INT_DPL3)], tss="00000000" "00200000" "80000000",
       cpl=3, sregs=U, exc=SS(0x80)),
    # ---- exceptions delivered through the IDT
    deliver(pv("deliver #UD cpl0: faulting EIP pushed, RF set in the image, no error code", "0f0b",
               {"rsp": 0x50000, "rflags": 0x202}, {"rip": 0x2000, "rsp": 0x4fff4, "rflags": 0x2},
               ram=[idt(6, INT_DPL0), (0x4fff0, zeros(16))],
               fram=[idt(6, INT_DPL0), (0x4fff0, "00000000" "00100000" "08000000" "02020100")])),
    deliver(pv("deliver #GP(0) from cli at cpl3 to ring 0 with its error code", "fa",
               {"rsp": 0x7fff0, "rflags": 0x202}, {"rip": 0x2000, "rsp": 0x6ffe8, "rflags": 0x2},
               ram=[idt(13, INT_DPL0)] + STACK0,
               fram=[idt(13, INT_DPL0), (0x6ffe0, zeros(8) + "00000000" "00100000" "1b000000" "02020100"
                                                  "f0ff0700" "23000000")],
               cpl=3, sregs=U, fsregs={"cs": CS0, "ss": SS0})),
    deliver(pv("deliver #NP raised by int 80h: error code 402h, EIP of the int", "cd80",
               {"rsp": 0x50000, "rflags": 0x2}, {"rip": 0x2000, "rsp": 0x4fff0, "rflags": 0x2},
               ram=[idt(0x80, "00200800006e0000"), idt(11, INT_DPL0), (0x4fff0, zeros(16))],
               fram=[idt(0x80, "00200800006e0000"), idt(11, INT_DPL0),
                     (0x4fff0, "02040000" "00100000" "08000000" "02000100")])),
    deliver(pv("deliver #UD whose gate is missing: #NP(6*8+2+EXT) delivered (benign then contributory)", "0f0b",
               {"rsp": 0x50000, "rflags": 0x2}, {"rip": 0x2000, "rsp": 0x4fff0, "rflags": 0x2},
               ram=[idt(6, "00200800006e0000"), idt(11, INT_DPL0), (0x4fff0, zeros(16))],
               fram=[idt(6, "00200800006e0000"), idt(11, INT_DPL0),
                     (0x4fff0, "33000000" "00100000" "08000000" "02000100")])),
    deliver(pv("deliver #GP whose gate is missing: #NP during it makes #DF (error code 0)", "fa",
               {"rsp": 0x7fff0, "rflags": 0x2}, {"rip": 0x3000, "rsp": 0x6ffe8, "rflags": 0x2},
               ram=[idt(13, "00200800008e0000"[:10] + "0e" + "0000"), idt(8, "0030080000ee0000")] + STACK0,
               fram=[idt(13, "00200800000e0000"), idt(8, "0030080000ee0000"),
                     (0x6ffe0, zeros(8) + "00000000" "00100000" "1b000000" "02000000" "f0ff0700" "23000000")],
               cpl=3, sregs=U)),
    deliver(pv("deliver #UD at cpl3, SS0 bad: #TS(10h+EXT) via a conforming handler", "0f0b",
               {"rsp": 0x7fff0, "rflags": 0x202}, {"rip": 0x4000, "rsp": 0x7ffe0, "rflags": 0x2},
               ram=[idt(6, INT_DPL3), idt(10, "0040500000ee0000")] + STACK3,
               tss="00000000" "00000700" "13000000",
               fram=[idt(6, INT_DPL3), idt(10, "0040500000ee0000"),
                     (0x7ffe0, "11000000" "00100000" "1b000000" "02020100" + zeros(16))],
               cpl=3, sregs=U, fsregs={"cs": seg(0x53, 0, 0xffffffff, 0xc09f)})),
    deliver(pv("deliver #UD to a gate with a bad code selector: #GP(selector+EXT)", "0f0b",
               {"rsp": 0x50000, "rflags": 0x2}, {"rip": 0x2000, "rsp": 0x4fff0, "rflags": 0x2},
               ram=[idt(6, "0020100000ee0000"), idt(13, INT_DPL0), (0x4fff0, zeros(16))],
               fram=[idt(6, "0020100000ee0000"), idt(13, INT_DPL0),
                     (0x4fff0, "11000000" "00100000" "08000000" "02000100")])),
    # ---- IRET
    pv("iretd same privilege: EIP CS EFLAGS popped", "cf",
       {"rsp": 0x4fff4, "rflags": 0x2}, {"rip": 0x1234, "rsp": 0x50000, "rflags": 0x10ad7},
       ram=[(0x4fff0, "00000000" "34120000" "08000000" "d70a0100")]),
    pv("iretd cpl0 may set IOPL and IF", "cf",
       {"rsp": 0x4fff4, "rflags": 0x2}, {"rip": 0x1234, "rsp": 0x50000, "rflags": 0x3202},
       ram=[(0x4fff0, "00000000" "34120000" "08000000" "02320000")]),
    pv("iretd to ring 3: ESP SS popped, ring-0 data segments nulled", "cf",
       {"rsp": 0x6ffec, "rflags": 0x2}, {"rip": 0x401000, "rsp": 0x7fff0, "rflags": 0x202},
       ram=STACK0[:0] + [(0x6ffe0, zeros(12) + "00104000" "1b000000" "02020000" "f0ff0700" "23000000")],
       sregs={"tr": TR32, "ds": "0x10", "es": "0x10", "fs": "0x23", "gs": "0x0"},
       fsregs={"cs": seg(0x1b, 0, 0xffffffff, 0xc0fb), "ss": seg(0x23, 0, 0xffffffff, 0xc0f3),
               "ds": seg(0, 0, 0xffffffff, 0), "es": seg(0, 0, 0xffffffff, 0),
               "fs": seg(0x23, 0, 0xffffffff, 0xc0f3), "gs": seg(0, 0, 0xffffffff, 0)}),
    pv("iretd at cpl3 cannot change IF or IOPL", "cf",
       {"rsp": 0x7ffe4, "rflags": 0x2}, {"rip": 0x1234, "rsp": 0x7fff0, "rflags": 0x2},
       ram=[(0x7ffe0, "00000000" "34120000" "1b000000" "02320000")], cpl=3, sregs=U),
    pv("66 iret to 16-bit code: IP CS FLAGS as words", "66cf",
       {"rsp": 0x4fffa, "rflags": 0x2}, {"rip": 0x5678, "rsp": 0x50000, "rflags": 0x246},
       ram=[(0x4fff0, zeros(10) + "7856" "3000" "4602")], fsregs={"cs": seg(0x30, 0, 0xffff, 0x9b)}),
    pv("iretd with NT set: #GP(0) (task return not implemented)", "cf", {"rsp": 0x4fff4, "rflags": 0x4002}, {},
       ram=[(0x4fff0, "00000000" "34120000" "08000000" "02000000")], exc=GP(0)),
    pv("iretd null CS: #GP(0)", "cf", {"rsp": 0x4fff4}, {},
       ram=[(0x4fff0, "00000000" "34120000" "00000000" "02000000")], exc=GP(0)),
    pv("iretd CS rpl below cpl: #GP(selector)", "cf", {"rsp": 0x7ffe4}, {},
       ram=[(0x7ffe0, "00000000" "34120000" "08000000" "02000000")], cpl=3, sregs=U, exc=GP(0x08)),
    pv("iretd CS is a data segment: #GP(selector)", "cf", {"rsp": 0x4fff4}, {},
       ram=[(0x4fff0, "00000000" "34120000" "10000000" "02000000")], exc=GP(0x10)),
    pv("iretd nonconforming CS with DPL != RPL: #GP(selector)", "cf", {"rsp": 0x4fff4}, {},
       ram=[(0x4fff0, "00000000" "34120000" "0b000000" "02000000")], exc=GP(0x08)),
    pv("iretd CS not present: #NP(selector)", "cf", {"rsp": 0x4fff4}, {},
       ram=[(0x4fff0, "00000000" "34120000" "40000000" "02000000")], exc=NP(0x40)),
    pv("iretd EIP beyond the CS limit: #GP(0)", "cf", {"rsp": 0x4fff4}, {},
       ram=[(0x4fff0, "00000000" "00100000" "58000000" "02000000")], exc=GP(0)),
    pv("iretd to ring 3 with SS rpl != CS rpl: #GP(SS)", "cf", {"rsp": 0x6ffec}, {},
       ram=[(0x6ffe0, zeros(12) + "00104000" "1b000000" "02020000" "f0ff0700" "20000000")], exc=GP(0x20)),
    pv("iretd to ring 3 with a null SS: #GP(0)", "cf", {"rsp": 0x6ffec}, {},
       ram=[(0x6ffe0, zeros(12) + "00104000" "1b000000" "02020000" "f0ff0700" "03000000")], exc=GP(0)),
    pv("iretd to ring 3 with a ring-0 SS: #GP(SS)", "cf", {"rsp": 0x6ffec}, {},
       ram=[(0x6ffe0, zeros(12) + "00104000" "1b000000" "02020000" "f0ff0700" "13000000")], exc=GP(0x10)),
    pv("iretd frame beyond the SS limit: #SS(0)", "cf", {"rsp": 0xff8}, {},
       ram=[(0xff0, zeros(16))], sregs=dict(K, ss=seg(0x10, 0, 0xfff, 0x4093)), exc=SS(0)),
]

# ================================================================ real mode
RS = {"cs": "0x1000", "ss": "0x3000", "ds": "0x2000", "es": "0x2000", "fs": "0x2000", "gs": "0x2000"}


def rv(name, code, regs, final, **kw):
    kw.setdefault("sregs", RS)
    return vec(name, "real", code, dict({"rip": 0x100}, **regs), final, **kw)


real = [
    rv("real int 21h: FLAGS CS IP pushed, CS:IP from the IVT, IF TF AC cleared", "cd21",
       {"rsp": 0x100, "rflags": 0x40302}, {"rip": 0x5678, "rsp": 0xfa, "rflags": 0x2},
       ram=[(0x84, "78563412"), (0x300f0, zeros(16))],
       fram=[(0x84, "78563412"), (0x300f0, zeros(10) + "0201" "0010" "0203")],
       fsregs={"cs": seg(0x1234, 0x12340, 0xffff, 0x9b)}),
    rv("real int 21h with sp 0 wraps to ffffa", "cd21",
       {"rsp": 0, "rflags": 0x2}, {"rip": 0x5678, "rsp": 0xfffa, "rflags": 0x2},
       ram=[(0x84, "78563412"), (0x3fff0, zeros(16))],
       fram=[(0x84, "78563412"), (0x3fff0, zeros(10) + "0201" "0010" "0200")]),
    rv("real int 21h uses the IDTR base", "cd21",
       {"rsp": 0x100, "rflags": 0x2}, {"rip": 0x1111, "rsp": 0xfa, "rflags": 0x2},
       ram=[(0x5084, "11112222"), (0x300f0, zeros(16))],
       fram=[(0x5084, "11112222"), (0x300f0, zeros(10) + "0201" "0010" "0200")],
       control={"idtr_base": 0x5000, "idtr_limit": 0x3ff}, fsregs={"cs": seg(0x2222, 0x22220, 0xffff, 0x9b)}),
    rv("real int 21h beyond the IVT limit: #GP", "cd21", {"rsp": 0x100}, {},
       control={"idtr_base": 0, "idtr_limit": 0x86}, exc={"vector": 13}),
    rv("real int 21h with sp 1: #SS", "cd21", {"rsp": 1}, {}, ram=[(0x84, "78563412")], exc={"vector": 12}),
    deliver(rv("real deliver #UD: IP of the ud2, no error code", "0f0b",
               {"rsp": 0x100, "rflags": 0x202}, {"rip": 0x4444, "rsp": 0xfa, "rflags": 0x2},
               ram=[(0x18, "44443333"), (0x300f0, zeros(16))],
               fram=[(0x18, "44443333"), (0x300f0, zeros(10) + "0001" "0010" "0202")],
               fsregs={"cs": seg(0x3333, 0x33330, 0xffff, 0x9b)})),
    deliver(rv("real deliver #DE: error-code-free frame", "f6f3",
               {"rsp": 0x100, "rax": 0x10, "rbx": 0, "rflags": 0x2}, {"rip": 0x0, "rsp": 0xfa},
               ram=[(0x0, "00000010"), (0x300f0, zeros(16))],
               fram=[(0x0, "00000010"), (0x300f0, zeros(10) + "0001" "0010" "0200")])),
    rv("real iret: IP CS FLAGS popped", "cf",
       {"rsp": 0xfa, "rflags": 0x2}, {"rip": 0x5678, "rsp": 0x100, "rflags": 0x7fd7},
       ram=[(0x300fa, "7856" "3412" "ffff")], fsregs={"cs": seg(0x1234, 0x12340, 0xffff, 0x9b)}),
    rv("real 66 iretd: flags through 257fd5h, VM VIF VIP kept", "66cf",
       {"rsp": 0xf4, "rflags": 0x2}, {"rip": 0x5678, "rsp": 0x100, "rflags": 0x257fd7},
       ram=[(0x300f4, "78560000" "34120000" "ffffffff")], fsregs={"cs": seg(0x1234, 0x12340, 0xffff, 0x9b)}),
    rv("real 66 iretd EIP beyond the CS limit: #GP", "66cf", {"rsp": 0xf4}, {},
       ram=[(0x300f4, "00000100" "34120000" "02000000")], exc={"vector": 13}),
    rv("real iret with sp ffff: the word straddles the limit, #SS", "cf", {"rsp": 0xffff}, {},
       ram=[(0x3fff0, zeros(16))], exc={"vector": 12}),
]

# ============================================================== IA-32e mode
GDT64 = [
    "0000000000000000",  # 00 null
    "ffff0000009baf00",  # 08 code64 ring 0                          -> a09b
    "ffff00000093cf00",  # 10 data ring 0                            -> c093
    "ffff000000fbcf00",  # 18 code32 ring 3 (compatibility)          -> c0fb
    "ffff000000f3cf00",  # 20 data ring 3                            -> c0f3
    "ffff000000fbaf00",  # 28 code64 ring 3                          -> a0fb
    "670000b0008b0000",  # 30 busy 64-bit TSS, base b000, limit 67 ...
    "0000000000000000",  # 38 ... upper half
    "ffff0000009bcf00",  # 40 code32 ring 0 (not 64-bit)
    "ffff0000009bef00",  # 48 code ring 0 with L = D = 1
    "ffff0000001baf00",  # 50 code64 ring 0 not present
]
GDTR64 = {"gdtr_base": GDT, "gdtr_limit": 0x57, "idtr_base": IDT, "idtr_limit": 0xfff}
# 64-bit TSS: reserved, RSP0 = 70008, RSP1, RSP2, reserved, IST1 = 90000, IST2 = 80008, ...
TSS64 = ("00000000" "0800070000000000" "0000000000000000" "0000000000000000" "0000000000000000"
         "0000090000000000" "0800080000000000")
TR64 = seg(0x30, TSS, 0x67, 0x8b)
# 64-bit gates: offset 15:0, selector, IST, P|DPL|type, offset 31:16, offset 63:32, reserved.
G64_DPL0 = "00200800008e0000" "0000000000000000"   # 08:2000, interrupt, DPL 0
G64_DPL3 = "0020080000ee0000" "0000000000000000"   # 08:2000, interrupt, DPL 3
K64 = {"tr": TR64}
U64 = {"cs": "0x2b", "ss": "0x23", "ds": "0x23", "es": "0x23", "fs": "0x0", "gs": "0x0", "tr": TR64}
CS64 = seg(0x08, 0, 0xffffffff, 0xa09b)
NULLSS0 = seg(0, 0, 0, 0)


def idt64(vector, gate):
    return (IDT + vector * 16, gate)


def lv(name, code, regs, final, ram=(), fram=None, mode="long64", tss=TSS64, **kw):
    base = [(GDT, "".join(GDT64)), (TSS, tss)]
    r = base + list(ram)
    f = base + list(fram if fram is not None else ram)
    kw["control"] = dict(GDTR64, **kw.get("control", {}))
    kw.setdefault("sregs", K64)
    return vec(name, mode, code, dict({"rip": 0x1000}, **regs), final, ram=r, fram=f, **kw)


long64 = [
    lv("int 80h cpl0: RSP aligned to 16, SS RSP RFLAGS CS RIP pushed as qwords", "cd80",
       {"rsp": 0x50008, "rflags": 0x202}, {"rip": 0x2000, "rsp": 0x4ffd8, "rflags": 0x2},
       ram=[idt64(0x80, G64_DPL0), (0x4ffd0, zeros(0x40))],
       fram=[idt64(0x80, G64_DPL0), (0x4ffd0, zeros(8) + "0210000000000000" "0800000000000000"
                                      "0202000000000000" "0800050000000000" "1000000000000000" + zeros(16))],
       fsregs={"cs": CS64, "ss": seg(0x10, 0, 0xffffffff, 0xc093)}),
    lv("int 80h cpl3 to ring 0: RSP0, SS = null selector with rpl 0", "cd80",
       {"rsp": 0x7fff8, "rflags": 0x246}, {"rip": 0x2000, "rsp": 0x6ffd8, "rflags": 0x46},
       ram=[idt64(0x80, G64_DPL3), (0x6ffd0, zeros(0x30))],
       fram=[idt64(0x80, G64_DPL3), (0x6ffd0, zeros(8) + "0210000000000000" "2b00000000000000"
                                      "4602000000000000" "f8ff070000000000" "2300000000000000")],
       cpl=3, sregs=U64, fsregs={"cs": CS64, "ss": NULLSS0}),
    lv("int 80h cpl0 with IST 2: stack from IST2, aligned", "cd80",
       {"rsp": 0x50000, "rflags": 0x2}, {"rip": 0x2000, "rsp": 0x7ffd8, "rflags": 0x2},
       ram=[idt64(0x80, "0020080002ee0000" "0000000000000000"), (0x7ffd0, zeros(0x30))],
       fram=[idt64(0x80, "0020080002ee0000" "0000000000000000"),
             (0x7ffd0, zeros(8) + "0210000000000000" "0800000000000000" "0200000000000000"
                                  "0000050000000000" "1000000000000000")]),
    lv("int 80h cpl3 with IST 1 overrides RSP0", "cd80",
       {"rsp": 0x7fff8, "rflags": 0x2}, {"rip": 0x2000, "rsp": 0x8ffd8, "rflags": 0x2},
       ram=[idt64(0x80, "0020080001ee0000" "0000000000000000"), (0x8ffd0, zeros(0x30))],
       fram=[idt64(0x80, "0020080001ee0000" "0000000000000000"),
             (0x8ffd0, zeros(8) + "0210000000000000" "2b00000000000000" "0200000000000000"
                                  "f8ff070000000000" "2300000000000000")],
       cpl=3, sregs=U64, fsregs={"ss": NULLSS0}),
    lv("int 80h trap gate, 64-bit offset from all three parts", "cd80",
       {"rsp": 0x50000, "rflags": 0x302}, {"rip": 0xffff800012345678, "rsp": 0x4ffd8, "rflags": 0x202},
       ram=[idt64(0x80, "7856080000ef3412" "0080ffff00000000"), (0x4ffd0, zeros(0x30))],
       fram=[idt64(0x80, "7856080000ef3412" "0080ffff00000000"),
             (0x4ffd0, zeros(8) + "0210000000000000" "0800000000000000" "0203000000000000"
                                  "0000050000000000" "1000000000000000")]),
    lv("int 80h from compatibility mode cpl3 to a 64-bit handler", "cd80",
       {"rsp": 0x7fff4, "rflags": 0x202}, {"rip": 0x2000, "rsp": 0x6ffd8, "rflags": 0x2},
       ram=[idt64(0x80, G64_DPL3), (0x6ffd0, zeros(0x30))],
       fram=[idt64(0x80, G64_DPL3), (0x6ffd0, zeros(8) + "0210000000000000" "1b00000000000000"
                                      "0202000000000000" "f4ff070000000000" "2300000000000000")],
       mode="compat32", cpl=3, sregs=dict(U64, cs="0x1b"), fsregs={"cs": CS64, "ss": NULLSS0}),
    lv("int 80h cpl3 gate DPL 0: #GP(402h)", "cd80", {"rsp": 0x7fff8}, {},
       ram=[idt64(0x80, G64_DPL0)], cpl=3, sregs=U64, exc=GP(0x402)),
    lv("int 80h gate not present: #NP(402h)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt64(0x80, "00200800006e0000" + zeros(8))], exc=NP(0x402)),
    lv("int 80h beyond the IDT limit (16-byte gates): #GP(402h)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt64(0x80, G64_DPL3)], control={"idtr_limit": 0x80e}, exc=GP(0x402)),
    lv("int 80h 16-bit interrupt gate type in IA-32e mode: #GP(402h)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt64(0x80, "0020080000e60000" + zeros(8))], exc=GP(0x402)),
    lv("int 80h task gate in IA-32e mode: #GP(402h)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt64(0x80, "0000300000e50000" + zeros(8))], exc=GP(0x402)),
    lv("int 80h call gate type in the IDT: #GP(402h)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt64(0x80, "0020080000ec0000" + zeros(8))], exc=GP(0x402)),
    lv("int 80h handler in a 32-bit code segment: #GP(selector)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt64(0x80, "0020400000ee0000" + zeros(8))], exc=GP(0x40)),
    lv("int 80h handler segment with L = D = 1: #GP(selector)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt64(0x80, "0020480000ee0000" + zeros(8))], exc=GP(0x48)),
    lv("int 80h handler segment not present: #NP(selector)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt64(0x80, "0020500000ee0000" + zeros(8))], exc=NP(0x50)),
    lv("int 80h non-canonical handler RIP: #GP(0)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt64(0x80, "0020080000ee0000" "0000008000000000")], exc=GP(0)),
    lv("int 80h TSS too short for IST1: #TS(TR)", "cd80", {"rsp": 0x50000}, {},
       ram=[idt64(0x80, "0020080001ee0000" + zeros(8))], sregs={"tr": seg(0x30, TSS, 0x2a, 0x8b)},
       exc=TS(0x30)),
    lv("int 80h TSS limit 2b still holds IST1", "cd80", {"rsp": 0x50000}, {"rip": 0x2000, "rsp": 0x8ffd8},
       ram=[idt64(0x80, "0020080001ee0000" + zeros(8)), (0x8ffd0, zeros(0x30))],
       fram=[idt64(0x80, "0020080001ee0000" + zeros(8)),
             (0x8ffd0, zeros(8) + "0210000000000000" "0800000000000000" "0200000000000000"
                                  "0000050000000000" "1000000000000000")],
       sregs={"tr": seg(0x30, TSS, 0x2b, 0x8b)}),
    lv("int 80h non-canonical RSP0: #SS(0)", "cd80", {"rsp": 0x7fff8}, {},
       ram=[idt64(0x80, G64_DPL3)], tss="00000000" "0000000000800000", cpl=3, sregs=U64, exc=SS(0)),
    deliver(lv("deliver #GP(0) from cli at cpl3: error code qword, RF in the image", "fa",
               {"rsp": 0x7fff8, "rflags": 0x202}, {"rip": 0x2000, "rsp": 0x6ffd0, "rflags": 0x2},
               ram=[idt64(13, G64_DPL0), (0x6ffd0, zeros(0x30))],
               fram=[idt64(13, G64_DPL0), (0x6ffd0, "0000000000000000" "0010000000000000" "2b00000000000000"
                                            "0202010000000000" "f8ff070000000000" "2300000000000000")],
               cpl=3, sregs=U64, fsregs={"cs": CS64, "ss": NULLSS0})),
    deliver(lv("deliver #UD cpl0 on the same stack, aligned", "0f0b",
               {"rsp": 0x50004, "rflags": 0x2}, {"rip": 0x2000, "rsp": 0x4ffd8, "rflags": 0x2},
               ram=[idt64(6, G64_DPL0), (0x4ffd0, zeros(0x30))],
               fram=[idt64(6, G64_DPL0), (0x4ffd0, zeros(8) + "0010000000000000" "0800000000000000"
                                          "0200010000000000" "0400050000000000" "1000000000000000")])),
    deliver(lv("deliver #GP with its gate missing: #DF through IST1 with error code 0", "fa",
               {"rsp": 0x7fff8, "rflags": 0x2}, {"rip": 0x3000, "rsp": 0x8ffd0, "rflags": 0x2},
               ram=[idt64(13, "00200800000e0000" + zeros(8)), idt64(8, "0030080001ee0000" + zeros(8)),
                    (0x8ffd0, zeros(0x30))],
               fram=[idt64(13, "00200800000e0000" + zeros(8)), idt64(8, "0030080001ee0000" + zeros(8)),
                     (0x8ffd0, "0000000000000000" "0010000000000000" "2b00000000000000" "0200000000000000"
                               "f8ff070000000000" "2300000000000000")],
               cpl=3, sregs=U64)),
    # ---- IRETQ / IRETD in IA-32e mode
    lv("iretq cpl0 to 64-bit ring 3: SS:RSP popped, ring-0 data segments nulled", "48cf",
       {"rsp": 0x6ffd8, "rflags": 0x2}, {"rip": 0x401000, "rsp": 0x7fff8, "rflags": 0x246},
       ram=[(0x6ffd8, "0010400000000000" "2b00000000000000" "4602000000000000" "f8ff070000000000"
                      "2300000000000000")],
       sregs={"tr": TR64, "ds": "0x10", "es": "0x0", "fs": "0x0", "gs": "0x0"},
       fsregs={"cs": seg(0x2b, 0, 0xffffffff, 0xa0fb), "ss": seg(0x23, 0, 0xffffffff, 0xc0f3),
               "ds": seg(0, 0, 0xffffffff, 0)}),
    lv("iretq cpl0 to cpl0 pops SS:RSP too (null SS allowed below ring 3)", "48cf",
       {"rsp": 0x4ffd8, "rflags": 0x2}, {"rip": 0x1234, "rsp": 0x50008, "rflags": 0x202},
       ram=[(0x4ffd8, "3412000000000000" "0800000000000000" "0202000000000000" "0800050000000000"
                      "0000000000000000")],
       fsregs={"ss": NULLSS0}),
    lv("iretq to compatibility mode ring 3", "48cf",
       {"rsp": 0x6ffd8, "rflags": 0x2}, {"rip": 0x8000, "rsp": 0x7fff0, "rflags": 0x202},
       ram=[(0x6ffd8, "0080000000000000" "1b00000000000000" "0202000000000000" "f0ff070000000000"
                      "2300000000000000")],
       fsregs={"cs": seg(0x1b, 0, 0xffffffff, 0xc0fb), "ss": seg(0x23, 0, 0xffffffff, 0xc0f3)}),
    lv("iretd in 64-bit mode pops dwords, SS:ESP included", "cf",
       {"rsp": 0x4ffec, "rflags": 0x2}, {"rip": 0x1234, "rsp": 0x50000, "rflags": 0x2},
       ram=[(0x4ffec, "34120000" "08000000" "02000000" "00000500" "10000000")]),
    lv("iretq with NT set: #GP(0)", "48cf", {"rsp": 0x4ffd8, "rflags": 0x4002}, {},
       ram=[(0x4ffd8, zeros(40))], exc=GP(0)),
    lv("iretq to ring 3 with a null SS: #GP(0)", "48cf", {"rsp": 0x6ffd8}, {},
       ram=[(0x6ffd8, "0010400000000000" "2b00000000000000" "0202000000000000" "f8ff070000000000"
                      "0300000000000000")], exc=GP(0)),
    lv("iretq to 64-bit ring 3 with a non-canonical RIP: #GP(0)", "48cf", {"rsp": 0x6ffd8}, {},
       ram=[(0x6ffd8, "0000000000800000" "2b00000000000000" "0202000000000000" "f8ff070000000000"
                      "2300000000000000")], exc=GP(0)),
    lv("iretq CS with L = D = 1: #GP(selector)", "48cf", {"rsp": 0x6ffd8}, {},
       ram=[(0x6ffd8, "0010000000000000" "4800000000000000" "0202000000000000" "f8ff070000000000"
                      "1000000000000000")], exc=GP(0x48)),
    lv("iretq CS not present: #NP(selector)", "48cf", {"rsp": 0x6ffd8}, {},
       ram=[(0x6ffd8, "0010000000000000" "5000000000000000" "0202000000000000" "f8ff070000000000"
                      "1000000000000000")], exc=NP(0x50)),
    lv("iretq at cpl3 to ring 0: #GP(selector)", "48cf", {"rsp": 0x7ffd8}, {},
       ram=[(0x7ffd8, "0010000000000000" "0800000000000000" "0202000000000000" "f8ff070000000000"
                      "1000000000000000")], cpl=3, sregs=U64, exc=GP(0x08)),
    lv("iretq SS DPL != CS RPL: #GP(SS)", "48cf", {"rsp": 0x6ffd8}, {},
       ram=[(0x6ffd8, "0010400000000000" "2b00000000000000" "0202000000000000" "f8ff070000000000"
                      "1300000000000000")], exc=GP(0x10)),
]

write("prot32/interrupts.jsonl", prot32)
write("real/interrupts.jsonl", real)
write("long64/interrupts.jsonl", long64)
