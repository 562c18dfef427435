#!/usr/bin/env python3
"""Hand-written vectors for paging (oracle: the Intel SDM, Vol. 3A chapter 5).

4-level paging (64-bit and compatibility mode), 32-bit paging and PAE paging
(32-bit protected mode): walks through every level and page size, accessed
and dirty flags as the processor leaves them in the paging structures
(final.ram), every #PF error-code combination (P, W/R, U/S, RSVD, I/D) with
CR2 in final.control, reserved bits (MAXPHYADDR = 39), CR0.WP, NX with
EFER.NXE, SMEP, SMAP with RFLAGS.AC, implicit supervisor accesses (a
descriptor read by MOV DS), and the privilege checks of INVLPG, INVPCID,
CLAC and STAC.

Every vector sets control.cr3 and brings its own paging structures in `ram`
(with paging on, `ram` addresses are physical; instruction bytes go to the
physical address equal to CS.base + RIP, so code pages are identity-mapped).
Paging-structure entries are written as literal 64-bit (or 32-bit) values,
initial and final; le64/le32 only lay them out little-endian. Every expected
value is a literal worked out by hand from the SDM, never computed here.

Choices where the SDM is silent (docs/paging.md):
  * A/D flags are written only when the whole walk and the access-rights
    check succeed (what Intel processors do); a faulting access leaves
    every entry unchanged.
  * An access that crosses a page translates the first page, then the
    second; CR2 is the first byte of the page that faulted. The vectors
    give the first page's entries A and D already set, so they do not
    depend on whether a processor sets them before the second page faults.
  * INVPCID reads its descriptor (which may fault) before checking the
    type, as its Operation section is written.

Run it to regenerate tests/vectors/{long64,prot32,real}/paging.jsonl:

    python3 tests/vectors/handwritten/make_paging_vectors.py
"""
from vectorlib import GP0, PF, seg, vec, write


def le64(v):
    return v.to_bytes(8, "little").hex()


def le32(v):
    return v.to_bytes(4, "little").hex()


UD = {"vector": 6}


def pv(name, mode, code, regs, final, cr2=None, fcontrol=None, **kw):
    """vec() plus the expected CR2 (or other control registers) in final.control."""
    v = vec(name, mode, code, regs, final, **kw)
    fc = dict(fcontrol or {})
    if cr2 is not None:
        fc["cr2"] = cr2
    if fc:
        v["final"]["control"] = {k: hex(x) for k, x in fc.items()}
    return v


# ------------------------------------------------------------ 4-level paging
# Physical layout: PML4 0x1000; PDPT 0x2000; PD0 0x3000 -> PT0 0x4000 (code);
# PD1 0x5000 -> PT1 0x6000 (data).
#   code: linear 0x10000 = PML4[0] PDPT[0] PD0[0] PT0[0x10] -> phys 0x10000
#   data: linear 0x40020000 = PML4[0] PDPT[1] PD1[0] PT1[0x20] -> phys 0x30000
#   2 MiB: linear 0x40200000 = PDPT[1] PD1[1]; 1 GiB: linear 0x80000000 = PDPT[2]
# Entry bits: P 1, R/W 2, U/S 4, A 0x20, D 0x40, PS 0x80, XD bit 63.
DATA = 0x40020000


def T64(pdpte1=0x5007, pde1=0x6007, pte=0x30007, code_pte=0x10025, pml4e=0x2027,
        pdpte0=0x3027, pde0=0x4027, extra=()):
    return [(0x1000, le64(pml4e)), (0x2000, le64(pdpte0) + le64(pdpte1)), (0x3000, le64(pde0)),
            (0x4080, le64(code_pte)), (0x5000, le64(pde1)), (0x6100, le64(pte))] + list(extra)


C64 = {"cr3": 0x1000}
C64WP = {"cr3": 0x1000, "cr0": 0x80010011}
C64NX = {"cr3": 0x1000, "efer": 0xd00}
C64SMEP = {"cr3": 0x1000, "cr4": 0x100020}
C64SMAP = {"cr3": 0x1000, "cr4": 0x200020}
C64SMAPWP = {"cr3": 0x1000, "cr4": 0x200020, "cr0": 0x80010011}

R64 = lambda **kw: dict({"rip": 0x10000}, **kw)
Q = "8877665544332211"          # 0x1122334455667788 in memory
QV = 0x1122334455667788
READ = "488b03"                 # mov rax, [rbx]
WRITE = "488903"                # mov [rbx], rax
NOP = "90"

long64 = [
    # --- successful walks, accessed and dirty flags
    pv("4-level user read: A set in the PDPTE, PDE and PTE of the data walk", "long64", READ,
       R64(rbx=DATA + 8), {"rax": QV, "rip": 0x10003}, cpl=3, control=C64,
       ram=T64() + [(0x30008, Q)],
       fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30027) + [(0x30008, Q)]),
    pv("4-level user write: A at every level, D only in the PTE", "long64", WRITE,
       R64(rbx=DATA + 0x10, rax=0xdeadbeefcafebabe), {"rip": 0x10003}, cpl=3, control=C64,
       ram=T64() + [(0x30010, "0000000000000000")],
       fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30067) + [(0x30010, "bebafecaefbeadde")]),
    pv("4-level instruction fetch sets A in the PML4E, PDPTE, PDE and PTE", "long64", NOP,
       R64(), {"rip": 0x10001}, cpl=3, control=C64,
       ram=T64(pml4e=0x2007, pdpte0=0x3007, pde0=0x4007, code_pte=0x10005),
       fram=T64(pml4e=0x2027, pdpte0=0x3027, pde0=0x4027, code_pte=0x10025)),
    pv("4-level write with D already set changes no entry", "long64", WRITE,
       R64(rbx=DATA, rax=0x55), {"rip": 0x10003}, cpl=3, control=C64,
       ram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30067) + [(0x30000, "0000000000000000")],
       fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30067) + [(0x30000, "5500000000000000")]),
    pv("4-level ignored bits 62:52 and 11:9 of a PTE are not reserved", "long64", READ,
       R64(rbx=DATA + 8), {"rax": QV, "rip": 0x10003}, cpl=3, control=C64,
       ram=T64(pte=0x7ff0000000030e07) + [(0x30008, Q)],
       fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x7ff0000000030e27) + [(0x30008, Q)]),
    pv("4-level XD data page with EFER.NXE=1 is readable", "long64", READ,
       R64(rbx=DATA + 8), {"rax": QV, "rip": 0x10003}, cpl=3, control=C64NX,
       ram=T64(pte=0x8000000000030007) + [(0x30008, Q)],
       fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x8000000000030027) + [(0x30008, Q)]),
    pv("2 MiB page read: A in the PDE that maps it", "long64", READ,
       R64(rbx=0x40201008), {"rax": QV, "rip": 0x10003}, cpl=3, control=C64,
       ram=T64(extra=[(0x5008, le64(0x200087)), (0x201008, Q)]),
       fram=T64(pdpte1=0x5027, extra=[(0x5008, le64(0x2000a7)), (0x201008, Q)])),
    pv("2 MiB page write: A and D in the PDE that maps it", "long64", WRITE,
       R64(rbx=0x40201008, rax=QV), {"rip": 0x10003}, cpl=3, control=C64,
       ram=T64(extra=[(0x5008, le64(0x200087)), (0x201008, "0000000000000000")]),
       fram=T64(pdpte1=0x5027, extra=[(0x5008, le64(0x2000e7)), (0x201008, Q)])),
    pv("1 GiB page read: A in the PDPTE that maps it", "long64", READ,
       R64(rbx=0x80003010), {"rax": QV, "rip": 0x10003}, cpl=3, control=C64,
       ram=T64(extra=[(0x2010, le64(0x40000087)), (0x40003010, Q)]),
       fram=T64(extra=[(0x2010, le64(0x400000a7)), (0x40003010, Q)])),
    pv("1 GiB page write: A and D in the PDPTE that maps it", "long64", WRITE,
       R64(rbx=0x80003010, rax=QV), {"rip": 0x10003}, cpl=3, control=C64,
       ram=T64(extra=[(0x2010, le64(0x40000087)), (0x40003010, "0000000000000000")]),
       fram=T64(extra=[(0x2010, le64(0x400000e7)), (0x40003010, Q)])),

    # --- not present (P = 0 in the error code); a faulting access writes no A/D
    pv("4-level user read, PTE not present: #PF(U) and no A flag written", "long64", READ,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pte=0x30006) + [(0x30008, Q)],
       exc=PF(0x04), cr2=DATA + 8),
    pv("4-level user write, PTE not present: #PF(W U)", "long64", WRITE,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pte=0x30006), exc=PF(0x06), cr2=DATA + 8),
    pv("4-level user read, PDE not present: #PF(U)", "long64", READ,
       R64(rbx=DATA + 0x123), {}, cpl=3, control=C64, ram=T64(pde1=0x6006), exc=PF(0x04), cr2=DATA + 0x123),
    pv("4-level user read, PDPTE not present: #PF(U)", "long64", READ,
       R64(rbx=DATA), {}, cpl=3, control=C64, ram=T64(pdpte1=0), exc=PF(0x04), cr2=DATA),
    pv("4-level user read, PML4E not present: #PF(U)", "long64", READ,
       R64(rbx=0x8000000000), {}, cpl=3, control=C64, ram=T64(), exc=PF(0x04), cr2=0x8000000000),
    pv("4-level supervisor read, PTE not present: #PF with error code 0", "long64", READ,
       R64(rbx=DATA + 8), {}, cpl=0, control=C64, ram=T64(pte=0), exc=PF(0x00), cr2=DATA + 8),
    pv("4-level supervisor write, PTE not present: #PF(W)", "long64", WRITE,
       R64(rbx=DATA + 8), {}, cpl=0, control=C64, ram=T64(pte=0), exc=PF(0x02), cr2=DATA + 8),
    pv("4-level high-half address: PML4 index 256 not present", "long64", READ,
       R64(rbx=0xffff800000001000), {}, cpl=0, control=C64, ram=T64(), exc=PF(0x00),
       cr2=0xffff800000001000),

    # --- protection (P = 1)
    pv("4-level user read of a supervisor PTE: #PF(P U)", "long64", READ,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pte=0x30003), exc=PF(0x05), cr2=DATA + 8),
    pv("4-level user read, U/S=0 only in the PDE: #PF(P U)", "long64", READ,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pde1=0x6003), exc=PF(0x05), cr2=DATA + 8),
    pv("4-level user write to a read-only PTE, CR0.WP=1: #PF(P W U)", "long64", WRITE,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64WP, ram=T64(pte=0x30005), exc=PF(0x07), cr2=DATA + 8),
    pv("4-level user write to a read-only PTE, CR0.WP=0: still #PF(P W U)", "long64", WRITE,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pte=0x30005), exc=PF(0x07), cr2=DATA + 8),
    pv("4-level user write, R/W=0 only in the PDPTE: #PF(P W U)", "long64", WRITE,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pdpte1=0x5005), exc=PF(0x07), cr2=DATA + 8),
    pv("4-level supervisor read of a user page, SMAP off", "long64", READ,
       R64(rbx=DATA + 8), {"rax": QV, "rip": 0x10003}, cpl=0, control=C64,
       ram=T64() + [(0x30008, Q)], fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30027) + [(0x30008, Q)]),
    pv("4-level supervisor write to a read-only page, CR0.WP=0: allowed, D set", "long64", WRITE,
       R64(rbx=DATA + 8, rax=QV), {"rip": 0x10003}, cpl=0, control=C64,
       ram=T64(pte=0x30005) + [(0x30008, "0000000000000000")],
       fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30065) + [(0x30008, Q)]),
    pv("4-level supervisor write to a read-only page, CR0.WP=1: #PF(P W)", "long64", WRITE,
       R64(rbx=DATA + 8), {}, cpl=0, control=C64WP, ram=T64(pte=0x30005), exc=PF(0x03), cr2=DATA + 8),
    pv("4-level supervisor write, R/W=0 only in the PDE, CR0.WP=1: #PF(P W)", "long64", WRITE,
       R64(rbx=DATA + 8), {}, cpl=0, control=C64WP, ram=T64(pde1=0x6005), exc=PF(0x03), cr2=DATA + 8),

    # --- reserved bits (RSVD = 1, P = 1)
    pv("4-level PTE bit 45 (51:39 reserved, MAXPHYADDR 39): #PF(P U RSVD)", "long64", READ,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pte=0x0000200000030007), exc=PF(0x0d), cr2=DATA + 8),
    pv("4-level reserved PTE bit on a write: #PF(P W U RSVD)", "long64", WRITE,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pte=0x0000200000030007), exc=PF(0x0f), cr2=DATA + 8),
    pv("4-level PDE bit 39 is reserved: #PF(P U RSVD)", "long64", READ,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pde1=0x0000008000006007), exc=PF(0x0d), cr2=DATA + 8),
    pv("4-level supervisor read, reserved bit: #PF(P RSVD)", "long64", READ,
       R64(rbx=DATA + 8), {}, cpl=0, control=C64, ram=T64(pdpte1=0x0008000000005007), exc=PF(0x09), cr2=DATA + 8),
    pv("4-level XD set with EFER.NXE=0 is reserved: #PF(P U RSVD)", "long64", READ,
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pte=0x8000000000030007), exc=PF(0x0d), cr2=DATA + 8),
    pv("4-level PS=1 in a PML4E is reserved: #PF(P U RSVD)", "long64", READ,
       R64(rbx=0x8000000000), {}, cpl=3, control=C64, ram=T64(extra=[(0x1008, le64(0x7087))]),
       exc=PF(0x0d), cr2=0x8000000000),
    pv("2 MiB page: PDE bit 13 (20:13 reserved) set: #PF(P U RSVD)", "long64", READ,
       R64(rbx=0x40201008), {}, cpl=3, control=C64, ram=T64(extra=[(0x5008, le64(0x202087))]),
       exc=PF(0x0d), cr2=0x40201008),
    pv("1 GiB page: PDPTE bit 13 (29:13 reserved) set: #PF(P U RSVD)", "long64", READ,
       R64(rbx=0x80003010), {}, cpl=3, control=C64, ram=T64(extra=[(0x2010, le64(0x40002087))]),
       exc=PF(0x0d), cr2=0x80003010),

    # --- page-crossing accesses: CR2 is the first byte of the faulting page
    pv("4-level read crossing into a not-present page: CR2 is that page", "long64", READ,
       R64(rbx=DATA + 0xffc), {}, cpl=3, control=C64,
       ram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30067) + [(0x30ffc, "11223344")],
       exc=PF(0x04), cr2=DATA + 0x1000),
    pv("4-level write crossing into a read-only page: #PF(P W U), nothing written", "long64", WRITE,
       R64(rbx=DATA + 0xffc, rax=QV), {}, cpl=3, control=C64,
       ram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30067, extra=[(0x6108, le64(0x31025))]) +
       [(0x30ffc, "00000000"), (0x31000, "00000000")],
       exc=PF(0x07), cr2=DATA + 0x1000),

    # --- instruction fetch: NX, U/S, I/D
    pv("4-level user fetch from a supervisor page, NXE=0: #PF(P U), no I/D", "long64", NOP,
       R64(), {}, cpl=3, control=C64, ram=T64(code_pte=0x10021), exc=PF(0x05), cr2=0x10000),
    pv("4-level user fetch from a supervisor page, NXE=1: #PF(P U I/D)", "long64", NOP,
       R64(), {}, cpl=3, control=C64NX, ram=T64(code_pte=0x10021), exc=PF(0x15), cr2=0x10000),
    pv("4-level fetch from an XD page, NXE=1: #PF(P U I/D)", "long64", NOP,
       R64(), {}, cpl=3, control=C64NX, ram=T64(code_pte=0x8000000000010025), exc=PF(0x15), cr2=0x10000),
    pv("4-level fetch, XD only in the PDE, NXE=1: #PF(P U I/D)", "long64", NOP,
       R64(), {}, cpl=3, control=C64NX, ram=T64(pde0=0x8000000000004027), exc=PF(0x15), cr2=0x10000),
    pv("4-level supervisor fetch from an XD page, NXE=1: #PF(P I/D)", "long64", NOP,
       R64(), {}, cpl=0, control=C64NX, ram=T64(code_pte=0x8000000000010021), exc=PF(0x11), cr2=0x10000),
    pv("4-level fetch from an XD page with NXE=0: reserved, #PF(P U RSVD) without I/D", "long64", NOP,
       R64(), {}, cpl=3, control=C64, ram=T64(code_pte=0x8000000000010025), exc=PF(0x0d), cr2=0x10000),
    pv("4-level fetch from a not-present page, NXE=1: #PF(U I/D)", "long64", NOP,
       R64(), {}, cpl=3, control=C64NX, ram=T64(code_pte=0x10024), exc=PF(0x14), cr2=0x10000),
    pv("4-level fetch from a not-present page, NXE=0 and SMEP=0: #PF(U), no I/D", "long64", NOP,
       R64(), {}, cpl=3, control=C64, ram=T64(code_pte=0x10024), exc=PF(0x04), cr2=0x10000),
    pv("4-level instruction crossing into a not-present page: CR2 is that page", "long64", READ,
       R64(rip=0x10ffe, rbx=DATA), {}, cpl=3, control=C64, ram=T64(), exc=PF(0x04), cr2=0x11000),

    # --- SMEP
    pv("SMEP: supervisor fetch from a user page: #PF(P I/D)", "long64", NOP,
       R64(), {}, cpl=0, control=C64SMEP, ram=T64(), exc=PF(0x11), cr2=0x10000),
    pv("SMEP: supervisor fetch from a supervisor page runs", "long64", NOP,
       R64(), {"rip": 0x10001}, cpl=0, control=C64SMEP, ram=T64(code_pte=0x10021)),
    pv("SMEP: U/S=0 in the PDE makes a supervisor address, the fetch runs", "long64", NOP,
       R64(), {"rip": 0x10001}, cpl=0, control=C64SMEP, ram=T64(pde0=0x4023)),
    pv("SMEP: supervisor fetch from a not-present page: #PF(I/D)", "long64", NOP,
       R64(), {}, cpl=0, control=C64SMEP, ram=T64(code_pte=0x10020), exc=PF(0x10), cr2=0x10000),
    pv("SMEP does not apply to user fetches", "long64", NOP,
       R64(), {"rip": 0x10001}, cpl=3, control=C64SMEP, ram=T64()),

    # --- SMAP and RFLAGS.AC
    pv("SMAP: supervisor read of a user page with AC=0: #PF(P)", "long64", READ,
       R64(rbx=DATA + 8), {}, cpl=0, control=C64SMAP, ram=T64(), exc=PF(0x01), cr2=DATA + 8),
    pv("SMAP: supervisor read of a user page with AC=1 is allowed", "long64", READ,
       R64(rbx=DATA + 8, rflags=0x40202), {"rax": QV, "rip": 0x10003}, cpl=0, control=C64SMAP,
       ram=T64() + [(0x30008, Q)], fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30027) + [(0x30008, Q)]),
    pv("SMAP: supervisor write to a user page with AC=0: #PF(P W)", "long64", WRITE,
       R64(rbx=DATA + 8), {}, cpl=0, control=C64SMAP, ram=T64(), exc=PF(0x03), cr2=DATA + 8),
    pv("SMAP: supervisor write to a user page with AC=1 is allowed, D set", "long64", WRITE,
       R64(rbx=DATA + 8, rax=QV, rflags=0x40202), {"rip": 0x10003}, cpl=0, control=C64SMAP,
       ram=T64() + [(0x30008, "0000000000000000")],
       fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30067) + [(0x30008, Q)]),
    pv("SMAP: AC=1 with CR0.WP=1 and a read-only user page: #PF(P W)", "long64", WRITE,
       R64(rbx=DATA + 8, rflags=0x40202), {}, cpl=0, control=C64SMAPWP, ram=T64(pte=0x30005),
       exc=PF(0x03), cr2=DATA + 8),
    pv("SMAP: supervisor read of a supervisor page with AC=0 is allowed", "long64", READ,
       R64(rbx=DATA + 8), {"rax": QV, "rip": 0x10003}, cpl=0, control=C64SMAP,
       ram=T64(pte=0x30003) + [(0x30008, Q)],
       fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30023) + [(0x30008, Q)]),
    pv("SMAP does not apply to user accesses", "long64", READ,
       R64(rbx=DATA + 8), {"rax": QV, "rip": 0x10003}, cpl=3, control=C64SMAP,
       ram=T64() + [(0x30008, Q)], fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30027) + [(0x30008, Q)]),
    pv("SMAP: U/S=0 in the PDPTE makes a supervisor address: AC=0 read allowed", "long64", READ,
       R64(rbx=DATA + 8), {"rax": QV, "rip": 0x10003}, cpl=0, control=C64SMAP,
       ram=T64(pdpte1=0x5003) + [(0x30008, Q)],
       fram=T64(pdpte1=0x5023, pde1=0x6027, pte=0x30027) + [(0x30008, Q)]),
]

# --- implicit supervisor accesses: MOV DS reads the GDT (SDM 5.6: supervisor
# whatever the CPL, and never allowed to user pages under SMAP, whatever AC).
# GDT at linear 0x40020000 (phys 0x30000); selector 0x2b = index 5, RPL 3:
# a ring-3 data descriptor with A already set, so the load writes nothing.
GDT5 = (0x30028, "ffff000000f3cf00")
GDTR = {"gdtr_base": DATA, "gdtr_limit": 0x2f}
DS3 = seg(0x2b, 0, 0xffffffff, 0xc0f3)
MOVDS = "8ed8"
long64 += [
    pv("implicit: CPL 3 MOV DS reads a GDT in a supervisor page", "long64", MOVDS,
       R64(rax=0x2b), {"rip": 0x10002}, cpl=3, control=dict(C64, **GDTR),
       ram=T64(pte=0x30003) + [GDT5], fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30023) + [GDT5],
       fsregs={"ds": DS3}),
    pv("implicit: CPL 3 MOV DS, GDT page not present: #PF with U/S=0 (error code 0)", "long64", MOVDS,
       R64(rax=0x2b), {}, cpl=3, control=dict(C64, **GDTR), ram=T64(pte=0x30002),
       exc=PF(0x00), cr2=DATA + 0x28),
    pv("implicit + SMAP: GDT in a user page is refused even with AC=1: #PF(P)", "long64", MOVDS,
       R64(rax=0x2b, rflags=0x40202), {}, cpl=0, control=dict(C64SMAP, **GDTR),
       ram=T64() + [GDT5], exc=PF(0x01), cr2=DATA + 0x28),
    pv("implicit + SMAP: GDT in a supervisor page is read", "long64", MOVDS,
       R64(rax=0x2b), {"rip": 0x10002}, cpl=0, control=dict(C64SMAP, **GDTR),
       ram=T64(pte=0x30003) + [GDT5], fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30023) + [GDT5],
       fsregs={"ds": DS3}),
]

# --- compatibility mode: 4-level paging, 32-bit code
long64 += [
    pv("compat32: user read through 4-level paging", "compat32", "8b03",
       R64(rbx=DATA + 8), {"rax": 0x55667788, "rip": 0x10002}, cpl=3, control=C64,
       ram=T64() + [(0x30008, Q)], fram=T64(pdpte1=0x5027, pde1=0x6027, pte=0x30027) + [(0x30008, Q)]),
    pv("compat32: fetch from an XD page, NXE=1: #PF(P U I/D)", "compat32", NOP,
       R64(), {}, cpl=3, control=C64NX, ram=T64(code_pte=0x8000000000010025), exc=PF(0x15), cr2=0x10000),
    pv("compat32: user write to a read-only page: #PF(P W U)", "compat32", "8903",
       R64(rbx=DATA + 8), {}, cpl=3, control=C64, ram=T64(pte=0x30005), exc=PF(0x07), cr2=DATA + 8),
]

# --- INVLPG, INVPCID, CLAC, STAC (the runner's identity tables; descriptors
# for INVPCID at 0x20000)
INVLPG = "0f0138"                # invlpg [rax]
INVPCID = "660f388203"           # invpcid rax, [rbx]
L = lambda **kw: dict({"rip": 0x1000}, **kw)
DESC = lambda lo, hi: [(0x20000, le64(lo) + le64(hi))]
long64 += [
    vec("invlpg at CPL 0", "long64", INVLPG, L(rax=0x20000), {"rip": 0x1003}),
    vec("invlpg at CPL 3: #GP(0)", "long64", INVLPG, L(rax=0x20000), {}, cpl=3, exc=GP0),
    vec("invlpg of a non-canonical address is a NOP", "long64", INVLPG,
        L(rax=0x8000000000000000), {"rip": 0x1003}),
    vec("invpcid type 2 at CPL 0", "long64", INVPCID, L(rax=2, rbx=0x20000), {"rip": 0x1005},
        ram=DESC(0, 0)),
    vec("invpcid type 3 ignores the PCID with CR4.PCIDE=0", "long64", INVPCID, L(rax=3, rbx=0x20000),
        {"rip": 0x1005}, ram=DESC(5, 0)),
    vec("invpcid type 1, PCID 0, CR4.PCIDE=0", "long64", INVPCID, L(rax=1, rbx=0x20000), {"rip": 0x1005},
        ram=DESC(0, 0)),
    vec("invpcid type 0, PCID 7, CR4.PCIDE=1", "long64", INVPCID, L(rax=0, rbx=0x20000), {"rip": 0x1005},
        ram=DESC(7, 0x00007fffffffe000), control={"cr4": 0x20020}),
    vec("invpcid at CPL 3: #GP(0)", "long64", INVPCID, L(rax=2, rbx=0x20000), {}, cpl=3,
        ram=DESC(0, 0), exc=GP0),
    vec("invpcid type 4: #GP(0)", "long64", INVPCID, L(rax=4, rbx=0x20000), {}, ram=DESC(0, 0), exc=GP0),
    vec("invpcid type 1<<32 (64-bit register): #GP(0)", "long64", INVPCID, L(rax=0x100000001, rbx=0x20000),
        {}, ram=DESC(0, 0), exc=GP0),
    vec("invpcid descriptor bits 63:12 set: #GP(0)", "long64", INVPCID, L(rax=2, rbx=0x20000), {},
        ram=DESC(0x1000, 0), exc=GP0),
    vec("invpcid type 0 with PCID 1 and CR4.PCIDE=0: #GP(0)", "long64", INVPCID, L(rax=0, rbx=0x20000),
        {}, ram=DESC(1, 0x1000), exc=GP0),
    vec("invpcid type 1 with PCID 1 and CR4.PCIDE=0: #GP(0)", "long64", INVPCID, L(rax=1, rbx=0x20000),
        {}, ram=DESC(1, 0), exc=GP0),
    vec("invpcid type 0, non-canonical address: #GP(0)", "long64", INVPCID, L(rax=0, rbx=0x20000),
        {}, ram=DESC(0, 0x0000800000000000), exc=GP0),
    vec("invpcid type 2 ignores a non-canonical address", "long64", INVPCID, L(rax=2, rbx=0x20000),
        {"rip": 0x1005}, ram=DESC(0, 0x0000800000000000)),
    pv("invpcid reads the descriptor before checking the type: #PF first", "long64", INVPCID,
       L(rax=4, rbx=0x30000), {}, exc=PF(0x00), cr2=0x30000),
    vec("stac at CPL 0 sets AC", "long64", "0f01cb", L(), {"rip": 0x1003, "rflags": 0x40002}),
    vec("clac at CPL 0 clears AC", "long64", "0f01ca", L(rflags=0x40246), {"rip": 0x1003, "rflags": 0x246}),
    vec("stac at CPL 3: #UD", "long64", "0f01cb", L(), {}, cpl=3, exc=UD),
    vec("clac at CPL 3: #UD", "long64", "0f01ca", L(rflags=0x40202), {}, cpl=3, exc=UD),
    vec("compat32: clac at CPL 3: #UD", "compat32", "0f01ca", L(), {}, cpl=3, exc=UD),
]

# ------------------------------------------------------------ 32-bit paging
# PD 0x1000: PD[0] -> PT0 0x2000 (code), PD[1] -> PT1 0x3000 (data), PD[2]: 4 MiB pages.
#   code: linear 0x10000 = PD[0] PT0[0x10] -> phys 0x10000
#   data: linear 0x420000 = PD[1] PT1[0x20] -> phys 0x30000
# 4-byte entries.
DATA32 = 0x420000


def T32(pde1=0x3007, pte=0x30007, code_pte=0x10025, pde0=0x2027, extra=()):
    return [(0x1000, le32(pde0) + le32(pde1)), (0x2040, le32(code_pte)), (0x3080, le32(pte))] + list(extra)


C32 = {"cr0": 0x80000011, "cr3": 0x1000}
C32PSE = {"cr0": 0x80000011, "cr3": 0x1000, "cr4": 0x10}
C32WP = {"cr0": 0x80010011, "cr3": 0x1000}
C32SMEP = {"cr0": 0x80000011, "cr3": 0x1000, "cr4": 0x100000}
R32 = lambda **kw: dict({"rip": 0x10000}, **kw)
READ32 = "8b03"                 # mov eax, [ebx]
WRITE32 = "8903"                # mov [ebx], eax

prot32 = [
    pv("32-bit paging user read: A in the PDE and PTE", "prot32", READ32,
       R32(rbx=DATA32 + 8), {"rax": 0x55667788, "rip": 0x10002}, cpl=3, control=C32,
       ram=T32() + [(0x30008, Q)], fram=T32(pde1=0x3027, pte=0x30027) + [(0x30008, Q)]),
    pv("32-bit paging user write: D in the PTE only", "prot32", WRITE32,
       R32(rbx=DATA32 + 8, rax=0xcafebabe), {"rip": 0x10002}, cpl=3, control=C32,
       ram=T32() + [(0x30008, "00000000")],
       fram=T32(pde1=0x3027, pte=0x30067) + [(0x30008, "bebafeca")]),
    pv("32-bit paging fetch sets A in the PDE and PTE", "prot32", NOP,
       R32(), {"rip": 0x10001}, cpl=3, control=C32,
       ram=T32(pde0=0x2007, code_pte=0x10005), fram=T32(pde0=0x2027, code_pte=0x10025)),
    pv("32-bit paging supervisor read, not present: #PF(0)", "prot32", READ32,
       R32(rbx=DATA32 + 8), {}, cpl=0, control=C32, ram=T32(pte=0x30006), exc=PF(0x00), cr2=DATA32 + 8),
    pv("32-bit paging user write, PDE not present: #PF(W U)", "prot32", WRITE32,
       R32(rbx=DATA32 + 8), {}, cpl=3, control=C32, ram=T32(pde1=0x3006), exc=PF(0x06), cr2=DATA32 + 8),
    pv("32-bit paging user read of a supervisor page: #PF(P U)", "prot32", READ32,
       R32(rbx=DATA32 + 8), {}, cpl=3, control=C32, ram=T32(pte=0x30003), exc=PF(0x05), cr2=DATA32 + 8),
    pv("32-bit paging user write, R/W=0 in the PDE: #PF(P W U)", "prot32", WRITE32,
       R32(rbx=DATA32 + 8), {}, cpl=3, control=C32, ram=T32(pde1=0x3005), exc=PF(0x07), cr2=DATA32 + 8),
    pv("32-bit paging supervisor write to read-only, WP=1: #PF(P W)", "prot32", WRITE32,
       R32(rbx=DATA32 + 8), {}, cpl=0, control=C32WP, ram=T32(pte=0x30005), exc=PF(0x03), cr2=DATA32 + 8),
    pv("32-bit paging has no reserved bits in a PTE (bit 7 is PAT)", "prot32", READ32,
       R32(rbx=DATA32 + 8), {"rax": 0x55667788, "rip": 0x10002}, cpl=3, control=C32,
       ram=T32(pte=0x30f87) + [(0x30008, Q)], fram=T32(pde1=0x3027, pte=0x30fa7) + [(0x30008, Q)]),
    pv("32-bit paging 4 MiB page read (CR4.PSE=1): A in the PDE", "prot32", READ32,
       R32(rbx=0x801008), {"rax": 0x55667788, "rip": 0x10002}, cpl=3, control=C32PSE,
       ram=T32(extra=[(0x1008, le32(0x800087)), (0x801008, Q)]),
       fram=T32(extra=[(0x1008, le32(0x8000a7)), (0x801008, Q)])),
    pv("32-bit paging 4 MiB page write: A and D in the PDE", "prot32", WRITE32,
       R32(rbx=0x801008, rax=0x55667788), {"rip": 0x10002}, cpl=3, control=C32PSE,
       ram=T32(extra=[(0x1008, le32(0x800087)), (0x801008, "00000000")]),
       fram=T32(extra=[(0x1008, le32(0x8000e7)), (0x801008, "88776655")])),
    pv("32-bit paging 4 MiB page with PSE-36: PDE bits 19:13 are address bits 38:32", "prot32", READ32,
       R32(rbx=0x801008), {"rax": 0x55667788, "rip": 0x10002}, cpl=3, control=C32PSE,
       ram=T32(extra=[(0x1008, le32(0xc02087)), (0x100c01008, Q)]),
       fram=T32(extra=[(0x1008, le32(0xc020a7)), (0x100c01008, Q)])),
    pv("32-bit paging 4 MiB page, bit 21 reserved: #PF(P U RSVD)", "prot32", READ32,
       R32(rbx=0x801008), {}, cpl=3, control=C32PSE, ram=T32(extra=[(0x1008, le32(0xa00087))]),
       exc=PF(0x0d), cr2=0x801008),
    pv("32-bit paging 4 MiB page, bit 20 reserved (MAXPHYADDR 39): #PF(P U RSVD)", "prot32", READ32,
       R32(rbx=0x801008), {}, cpl=3, control=C32PSE, ram=T32(extra=[(0x1008, le32(0x900087))]),
       exc=PF(0x0d), cr2=0x801008),
    pv("32-bit paging with CR4.PSE=0 ignores PS: the PDE points to a page table", "prot32", READ32,
       R32(rbx=0x801008), {"rax": 0x55667788, "rip": 0x10002}, cpl=3, control=C32,
       ram=T32(extra=[(0x1008, le32(0x4087)), (0x4004, le32(0x31007)), (0x31008, Q)]),
       fram=T32(extra=[(0x1008, le32(0x40a7)), (0x4004, le32(0x31027)), (0x31008, Q)])),
    pv("32-bit paging fetch from a not-present page: no I/D without SMEP", "prot32", NOP,
       R32(), {}, cpl=3, control=C32, ram=T32(code_pte=0x10024), exc=PF(0x04), cr2=0x10000),
    pv("32-bit paging with SMEP: supervisor fetch from a user page: #PF(P I/D)", "prot32", NOP,
       R32(), {}, cpl=0, control=C32SMEP, ram=T32(), exc=PF(0x11), cr2=0x10000),
    pv("32-bit paging with SMEP: not-present fetch has I/D", "prot32", NOP,
       R32(), {}, cpl=3, control=C32SMEP, ram=T32(code_pte=0x10024), exc=PF(0x14), cr2=0x10000),
]

# ------------------------------------------------------------ PAE paging
# CR3 0x1000: the PDPT (4 entries); PDPTE[0] -> PD 0x2000.
#   PD[0] -> PT0 0x3000 (code: linear 0x10000 = PT0[0x10])
#   PD[2] -> PT1 0x4000 (data: linear 0x420000 = PT1[0x20] -> phys 0x30000)
#   PD[3]: 2 MiB page at linear 0x600000
DATAPAE = 0x420000


def TP(pdpte0=0x2001, pde2=0x4007, pte=0x30007, code_pte=0x10025, pde0=0x3027, extra=()):
    return [(0x1000, le64(pdpte0)), (0x2000, le64(pde0)), (0x2010, le64(pde2)), (0x3080, le64(code_pte)),
            (0x4100, le64(pte))] + list(extra)


CP = {"cr0": 0x80000011, "cr3": 0x1000, "cr4": 0x20}
CPNX = {"cr0": 0x80000011, "cr3": 0x1000, "cr4": 0x20, "efer": 0x800}

prot32 += [
    pv("PAE user read: A in the PDE and PTE, none in the PDPTE (a register)", "prot32", READ32,
       R32(rbx=DATAPAE + 8), {"rax": 0x55667788, "rip": 0x10002}, cpl=3, control=CP,
       ram=TP() + [(0x30008, Q)], fram=TP(pde2=0x4027, pte=0x30027) + [(0x30008, Q)]),
    pv("PAE user write: D in the PTE", "prot32", WRITE32,
       R32(rbx=DATAPAE + 8, rax=0x11223344), {"rip": 0x10002}, cpl=3, control=CP,
       ram=TP() + [(0x30008, "00000000")], fram=TP(pde2=0x4027, pte=0x30067) + [(0x30008, "44332211")]),
    pv("PAE 2 MiB page read: A in the PDE", "prot32", READ32,
       R32(rbx=0x601008), {"rax": 0x55667788, "rip": 0x10002}, cpl=3, control=CP,
       ram=TP(extra=[(0x2018, le64(0x200087)), (0x201008, Q)]),
       fram=TP(extra=[(0x2018, le64(0x2000a7)), (0x201008, Q)])),
    pv("PAE PDPTE not present: #PF(U)", "prot32", READ32,
       R32(rbx=0x40000000), {}, cpl=3, control=CP, ram=TP(), exc=PF(0x04), cr2=0x40000000),
    pv("PAE PTE bit 62 is reserved (62:39): #PF(P U RSVD)", "prot32", READ32,
       R32(rbx=DATAPAE + 8), {}, cpl=3, control=CP, ram=TP(pte=0x4000000000030007),
       exc=PF(0x0d), cr2=DATAPAE + 8),
    pv("PAE XD with NXE=0 is reserved: #PF(P U RSVD)", "prot32", READ32,
       R32(rbx=DATAPAE + 8), {}, cpl=3, control=CP, ram=TP(pte=0x8000000000030007),
       exc=PF(0x0d), cr2=DATAPAE + 8),
    pv("PAE 2 MiB page, bit 13 reserved: #PF(P U RSVD)", "prot32", READ32,
       R32(rbx=0x601008), {}, cpl=3, control=CP, ram=TP(extra=[(0x2018, le64(0x202087))]),
       exc=PF(0x0d), cr2=0x601008),
    pv("PAE fetch from an XD page, NXE=1: #PF(P U I/D)", "prot32", NOP,
       R32(), {}, cpl=3, control=CPNX, ram=TP(code_pte=0x8000000000010025), exc=PF(0x15), cr2=0x10000),
    pv("PAE fetch from a not-present page, NXE=1: #PF(U I/D)", "prot32", NOP,
       R32(), {}, cpl=3, control=CPNX, ram=TP(code_pte=0x10024), exc=PF(0x14), cr2=0x10000),
    pv("PAE fetch from a not-present page, NXE=0: #PF(U)", "prot32", NOP,
       R32(), {}, cpl=3, control=CP, ram=TP(code_pte=0x10024), exc=PF(0x04), cr2=0x10000),
    # MOV to CR3 with PAE paging loads the PDPTEs (5.4.1).
    pv("PAE: mov cr3 loads PDPTEs; a reserved bit (bit 1) is #GP(0), CR3 unchanged", "prot32", "0f22d8",
       R32(rax=0x5000), {}, cpl=0, control=CP, ram=TP() + [(0x5000, le64(0x2003))], exc=GP0),
    pv("PAE: mov cr3 with a reserved bit in a not-present PDPTE is fine", "prot32", "0f22d8",
       R32(rax=0x5000), {"rip": 0x10003}, cpl=0, control=CP, ram=TP() + [(0x5000, le64(0x2001) + le64(0x6))],
       fcontrol={"cr3": 0x5000}),
    pv("PAE: mov cr3 with PDPTE bit 39 set: #GP(0)", "prot32", "0f22d8",
       R32(rax=0x5000), {}, cpl=0, control=CP, ram=TP() + [(0x5000, le64(0x2001) + le64(0x8000003001))],
       exc=GP0),
]

# INVLPG, INVPCID, CLAC, STAC outside 64-bit mode (no paging)
prot32 += [
    vec("prot32: invlpg at CPL 0", "prot32", "0f0138", {"rip": 0x1000, "rax": 0x5000}, {"rip": 0x1003}),
    vec("prot32: invlpg at CPL 3: #GP(0)", "prot32", "0f0138", {"rip": 0x1000, "rax": 0x5000}, {}, cpl=3,
        exc=GP0),
    vec("prot32: invpcid type 3 with a 32-bit register", "prot32", "660f388203",
        {"rip": 0x1000, "rax": 3, "rbx": 0x20000}, {"rip": 0x1005}, ram=DESC(0, 0)),
    vec("prot32: invpcid type 0 checks the 64-bit address for canonical form", "prot32", "660f388203",
        {"rip": 0x1000, "rax": 0, "rbx": 0x20000}, {}, ram=DESC(0, 0x0001000000000000), exc=GP0),
    vec("prot32: invpcid at CPL 3: #GP(0)", "prot32", "660f388203",
        {"rip": 0x1000, "rax": 3, "rbx": 0x20000}, {}, cpl=3, ram=DESC(0, 0), exc=GP0),
    vec("prot32: stac at CPL 0", "prot32", "0f01cb", {"rip": 0x1000}, {"rip": 0x1003, "rflags": 0x40002}),
    vec("prot32: clac at CPL 3: #UD", "prot32", "0f01ca", {"rip": 0x1000}, {}, cpl=3, exc=UD),
]

# Real mode: CPL 0, so INVLPG, INVPCID, CLAC and STAC run; INVPCID keeps its
# descriptor and type checks (#GP).
RS = {"cs": "0x0", "ds": "0x0", "ss": "0x0", "es": "0x0", "fs": "0x0", "gs": "0x0"}
real = [
    vec("real: invlpg [bx]", "real", "0f013f", {"rip": 0x100, "rbx": 0x2000}, {"rip": 0x103}, sregs=RS),
    vec("real: stac sets AC", "real", "0f01cb", {"rip": 0x100}, {"rip": 0x103, "rflags": 0x40002}, sregs=RS),
    vec("real: clac clears AC", "real", "0f01ca", {"rip": 0x100, "rflags": 0x40002}, {"rip": 0x103, "rflags": 0x2},
        sregs=RS),
    vec("real: invpcid eax,[bx] type 2", "real", "660f388207", {"rip": 0x100, "rax": 2, "rbx": 0x2000},
        {"rip": 0x105}, sregs=RS, ram=[(0x2000, le64(0) + le64(0))]),
    vec("real: invpcid type 4: #GP", "real", "660f388207", {"rip": 0x100, "rax": 4, "rbx": 0x2000},
        {}, sregs=RS, ram=[(0x2000, le64(0) + le64(0))], exc=GP0),
]

if __name__ == "__main__":
    write("long64/paging.jsonl", long64)
    write("prot32/paging.jsonl", prot32)
    write("real/paging.jsonl", real)
