#!/usr/bin/env python3
"""Hand-written vectors for the control and debug registers and MSRs (oracle:
the Intel SDM).

MOV to/from CR0/CR2/CR3/CR4/CR8, LMSW, SMSW, CLTS, INVD, WBINVD, RDMSR,
WRMSR and MOV to/from DRn in real mode, 32-bit protected mode, 64-bit mode
and compatibility mode (the compatibility cases are in long64/): every
check of SDM Vol. 2 "MOV—Move to/from Control Registers", "MOV—Move
to/from Debug Registers", LMSW, SMSW, CLTS, RDMSR, WRMSR with its exact
exception, and the mode switches MOV CR0 and LMSW make (real -> protected,
protected -> IA-32e (EFER.LMA), compatibility -> protected, protected ->
real), shown by final.control.

Every expected value is a literal worked out by hand from the SDM (and
docs/system.md for the model's choices), never computed by this script.
Choices where the SDM is silent, named in the vectors:
  * an encoding naming no register (CR1, CR5-7, CR9+, DR8+) is #UD before
    the CPL check (decode faults come first, Vol. 3A Table 6-2);
  * DR4/DR5 with CR4.DE is #UD after the CPL check (it depends on state);
  * SMSW r32/r64 stores all of CR0 (Intel; the SDM says "undefined");
  * CR0 bits 31:0 that are not implemented are ignored on write and ET
    reads 1 (P6 and later); bits 63:32 are #GP;
  * writes to the read-only bits of an MSR (APIC_BASE.BSP, EFER.LMA,
    MISC_ENABLE 7/11/12, SYSENTER_CS 63:32) are ignored, writes to its
    reserved bits are #GP(0) (WRMSR "reserved bits").
Debug-register contents have no vector field: only MOV from DRn's reset
values and the faults are here; tests/unit/test_system.c covers the rest
(round trips, DR7.GD).

Run it to regenerate tests/vectors/{real,prot32,long64}/system.jsonl:

    python3 tests/vectors/handwritten/make_system_vectors.py
"""
from vectorlib import GP0, h, seg, vec, write

UD = {"vector": 6}


def V(name, mode, code, regs, final, msrs=None, fcontrol=None, fmsrs=None, **kw):
    """vec() plus initial MSRs and the expected control registers / MSRs."""
    v = vec(name, mode, code, regs, final, **kw)
    if msrs:
        v["initial"]["msrs"] = {h(k): h(x) for k, x in msrs.items()}
    if fcontrol:
        v["final"]["control"] = {k: h(x) for k, x in fcontrol.items()}
    if fmsrs:
        v["final"]["msrs"] = {h(k): h(x) for k, x in fmsrs.items()}
    return v


# ---------------------------------------------------------------- real mode
# CR0 = 10h (ET) by default; CPL 0; code at CS:0100h with CS = 0.
R = lambda **kw: dict({"rip": 0x100}, **kw)


def rv(name, code, regs, final, **kw):
    return V("real: " + name, "real", code, regs, final, **kw)


real = [
    rv("mov eax,cr0", "0f20c0", R(rax=0xffffffffffffffff), {"rax": 0x10, "rip": 0x103}),
    rv("mov cr0,eax setting PE enters protected mode", "0f22c0", R(rax=0x11), {"rip": 0x103},
       fcontrol={"cr0": 0x11}),
    rv("mov cr0 ignores unimplemented bits 15:6 and forces ET", "0f22c0", R(rax=0xffe0), {"rip": 0x103},
       fcontrol={"cr0": 0x30}),
    rv("mov cr0 CD and NW", "0f22c0", R(rax=0x60000010), {"rip": 0x103}, fcontrol={"cr0": 0x60000010}),
    rv("mov cr0 PG without PE is #GP", "0f22c0", R(rax=0x80000010), {}, exc=GP0),
    rv("mov cr0 NW without CD is #GP", "0f22c0", R(rax=0x20000010), {}, exc=GP0),
    rv("mov cr4,eax PAE", "0f22e0", R(rax=0x20), {"rip": 0x103}, fcontrol={"cr4": 0x20}),
    rv("mov cr4 VME is #GP (not supported)", "0f22e0", R(rax=1), {}, exc=GP0),
    rv("mov cr3,eax stores 32 bits", "0f22d8", R(rax=0xffffffff00123018), {"rip": 0x103},
       fcontrol={"cr3": 0x123018}),
    rv("mov cr2,eax", "0f22d0", R(rax=0x12345678), {"rip": 0x103}, fcontrol={"cr2": 0x12345678}),
    rv("mov cr1 is #UD", "0f22c8", R(), {}, exc=UD),
    rv("lmsw ax sets PE MP EM TS", "0f01f0", R(rax=0xffff), {"rip": 0x103}, fcontrol={"cr0": 0x1f}),
    rv("lmsw [bx] reads a word", "0f0137", R(rbx=0x200), {"rip": 0x103}, ram=[(0x200, "0100")],
       fcontrol={"cr0": 0x11}),
    rv("smsw ax", "0f01e0", R(rax=0xffffffffffffffff), {"rax": 0xffffffffffff0010, "rip": 0x103}),
    rv("66 smsw eax stores all of cr0 (intel)", "660f01e0", R(rax=0xffffffffffffffff),
       {"rax": 0x60000010, "rip": 0x104}, control={"cr0": 0x60000010}),
    rv("smsw [bx] stores the low word", "0f0127", R(rbx=0x200), {"rip": 0x103}, control={"cr0": 0x60000018},
       ram=[(0x200, "aaaaaaaa")], fram=[(0x200, "1800aaaa")]),
    rv("clts clears TS", "0f06", R(), {"rip": 0x102}, control={"cr0": 0x18}, fcontrol={"cr0": 0x10}),
    rv("invd", "0f08", R(), {"rip": 0x102}),
    rv("wbinvd", "0f09", R(), {"rip": 0x102}),
    rv("rdmsr pat reset value", "0f32", R(rcx=0x277, rax=0xffffffffffffffff, rdx=0xffffffffffffffff),
       {"rax": 0x00070406, "rdx": 0x00070406, "rip": 0x102}),
    rv("wrmsr sysenter_cs", "0f30", R(rcx=0x174, rax=0x10), {"rip": 0x102}, fmsrs={0x174: 0x10}),
    rv("rdmsr unknown msr is #GP", "0f32", R(rcx=0x12345), {}, exc=GP0),
    rv("mov eax,dr6 reset value", "0f21f0", R(), {"rax": 0xffff0ff0, "rip": 0x103}),
    rv("mov eax,dr7 reset value", "0f21f8", R(), {"rax": 0x400, "rip": 0x103}),
    rv("mov dr0,eax", "0f23c0", R(rax=0x1234), {"rip": 0x103}),
]

# -------------------------------------------------- 32-bit protected mode
# CR0 = 11h (PE, ET); flat segments; code at 1000h.
P = lambda **kw: dict({"rip": 0x1000}, **kw)


def pv(name, code, regs, final, **kw):
    return V(name, "prot32", code, regs, final, **kw)


# A 16-bit busy TSS in TR (type 3).
TR16 = seg(0x28, 0x5000, 0x2b, 0x83)

prot32 = [
    # MOV from CRn
    pv("mov eax,cr0", "0f20c0", P(rax=0xffffffffffffffff), {"rax": 0x11, "rip": 0x1003}),
    pv("mov eax,cr0 mod bits ignored (0f 20 00)", "0f2000", P(), {"rax": 0x11, "rip": 0x1003}),
    pv("66 mov eax,cr0 ignores the operand-size prefix", "660f20c0", P(rax=0xffffffffffffffff),
       {"rax": 0x11, "rip": 0x1004}),
    pv("mov ebx,cr4", "0f20e3", P(), {"rbx": 0x310efc, "rip": 0x1003}, control={"cr4": 0x310efc}),
    pv("mov edi,cr2", "0f20d7", P(), {"rdi": 0xdeadbeef, "rip": 0x1003}, control={"cr2": 0xdeadbeef}),
    pv("mov eax,cr0 at cpl 3 is #GP", "0f20c0", P(), {}, cpl=3, exc=GP0),
    pv("mov eax,cr1 is #UD", "0f20c8", P(), {}, exc=UD),
    pv("mov eax,cr5 is #UD", "0f20e8", P(), {}, exc=UD),
    pv("mov eax,cr6 is #UD", "0f20f0", P(), {}, exc=UD),
    pv("mov eax,cr7 is #UD", "0f20f8", P(), {}, exc=UD),
    pv("mov eax,cr1 at cpl 3 is #UD (decode fault before the cpl check)", "0f20c8", P(), {}, cpl=3, exc=UD),
    pv("lock mov eax,cr0 is #UD (intel: no cr8 alias)", "f00f20c0", P(), {}, exc=UD),
    # MOV to CR0
    pv("mov cr0,eax clearing PE goes to real mode", "0f22c0", P(rax=0x10), {"rip": 0x1003},
       fcontrol={"cr0": 0x10}),
    pv("mov cr0,eax enables 32-bit paging", "0f22c0", P(rax=0x80000011), {"rip": 0x1003},
       fcontrol={"cr0": 0x80000011}),
    pv("mov cr0 sets MP EM TS NE WP AM", "0f22c0", P(rax=0x5003f), {"rip": 0x1003},
       fcontrol={"cr0": 0x5003f}),
    pv("mov cr0 with ET clear still reads ET", "0f22c0", P(rax=0x1), {"rip": 0x1003}, fcontrol={"cr0": 0x11}),
    pv("mov cr0 PG without PE is #GP", "0f22c0", P(rax=0x80000010), {}, exc=GP0),
    pv("mov cr0 NW without CD is #GP", "0f22c0", P(rax=0x20000011), {}, exc=GP0),
    pv("mov cr0 at cpl 3 is #GP", "0f22c0", P(rax=0x11), {}, cpl=3, exc=GP0),
    pv("mov cr0 activates ia-32e mode: efer.lma set, compatibility mode", "0f22c0", P(rax=0x80000011),
       {"rip": 0x1003}, control={"cr4": 0x20, "efer": 0x100},
       fcontrol={"cr0": 0x80000011, "efer": 0x500}),
    pv("mov cr0 activating ia-32e with nxe and sce keeps them", "0f22c0", P(rax=0x80000011),
       {"rip": 0x1003}, control={"cr4": 0x20, "efer": 0x901},
       fcontrol={"cr0": 0x80000011, "efer": 0xd01}),
    pv("mov cr0 activating ia-32e without cr4.pae is #GP", "0f22c0", P(rax=0x80000011), {},
       control={"efer": 0x100}, exc=GP0),
    pv("mov cr0 activating ia-32e with cs.l = 1 is #GP", "0f22c0", P(rax=0x80000011), {},
       control={"cr4": 0x20, "efer": 0x100}, sregs={"cs": seg(0x08, 0, 0xffffffff, 0xa09b)}, exc=GP0),
    pv("mov cr0 activating ia-32e with a 16-bit tss in tr is #GP", "0f22c0", P(rax=0x80000011), {},
       control={"cr4": 0x20, "efer": 0x100}, sregs={"tr": TR16}, exc=GP0),
    pv("mov cr0 activating ia-32e from 16-bit code enters compatibility mode", "0f22c0", P(rax=0x80000011),
       {"rip": 0x1003}, control={"cr4": 0x20, "efer": 0x100},
       sregs={"cs": seg(0x08, 0, 0xffff, 0x009b)}, fcontrol={"cr0": 0x80000011, "efer": 0x500}),
    # Legacy PAE paging: MOV CR0/CR4 load the four PDPTEs from CR3[31:5] (Vol. 3A 5.4.1);
    # a present one with a reserved bit (63:39, 8:5, 2:1) is #GP(0), nothing changed.
    pv("mov cr0 enabling pae paging loads valid pdptes", "0f22c0", P(rax=0x80000011), {"rip": 0x1003},
       control={"cr4": 0x20, "cr3": 0x3000}, ram=[(0x3000, "0140000000000000" + "00" * 24)],
       fcontrol={"cr0": 0x80000011}),
    pv("mov cr0 enabling pae paging with a reserved bit (r/w) in pdpte 0 is #GP", "0f22c0", P(rax=0x80000011), {},
       control={"cr4": 0x20, "cr3": 0x3000}, ram=[(0x3000, "0340000000000000" + "00" * 24)], exc=GP0),
    pv("mov cr0 enabling pae paging with bit 39 set in pdpte 3 is #GP", "0f22c0", P(rax=0x80000011), {},
       control={"cr4": 0x20, "cr3": 0x3000}, ram=[(0x3000, "00" * 24 + "0140000080000000")], exc=GP0),
    pv("mov cr0 enabling pae paging: a non-present pdpte is not checked", "0f22c0", P(rax=0x80000011),
       {"rip": 0x1003}, control={"cr4": 0x20, "cr3": 0x3000}, ram=[(0x3000, "feffffffffffffff" + "00" * 24)],
       fcontrol={"cr0": 0x80000011}),
    # 32-bit paging with a 4 MiB identity page (PDE 0 = a7h: P R/W U/S A PS) -> PAE: the PDE
    # read as PDPTE 0 has PS (bit 7) and R/W (bit 1) set, both reserved.
    pv("mov cr4 switching 32-bit paging to pae loads the pdptes: reserved bits are #GP", "0f22e0", P(rax=0x30),
       {}, control={"cr0": 0x80000011, "cr4": 0x10, "cr3": 0x3000}, ram=[(0x3000, "a7000000" + "00" * 28)],
       exc=GP0),
    # MOV to CR4
    pv("mov cr4 accepts every supported bit but pcide", "0f22e0", P(rax=0x310efc), {"rip": 0x1003},
       fcontrol={"cr4": 0x310efc}),
    pv("mov cr4 pcide outside ia-32e is #GP", "0f22e0", P(rax=0x20020), {}, exc=GP0),
    pv("mov cr4 vme is #GP", "0f22e0", P(rax=0x1), {}, exc=GP0),
    pv("mov cr4 pvi is #GP", "0f22e0", P(rax=0x2), {}, exc=GP0),
    pv("mov cr4 pce is #GP (rdpmc not modelled)", "0f22e0", P(rax=0x100), {}, exc=GP0),
    pv("mov cr4 la57 is #GP", "0f22e0", P(rax=0x1000), {}, exc=GP0),
    pv("mov cr4 vmxe is #GP", "0f22e0", P(rax=0x2000), {}, exc=GP0),
    pv("mov cr4 smxe is #GP", "0f22e0", P(rax=0x4000), {}, exc=GP0),
    pv("mov cr4 osxsave is #GP", "0f22e0", P(rax=0x40000), {}, exc=GP0),
    pv("mov cr4 pke is #GP", "0f22e0", P(rax=0x400000), {}, exc=GP0),
    pv("mov cr4 cet is #GP", "0f22e0", P(rax=0x800000), {}, exc=GP0),
    pv("mov cr4 clearing pae outside ia-32e", "0f22e0", P(rax=0x0), {"rip": 0x1003}, control={"cr4": 0x20},
       fcontrol={"cr4": 0}),
    pv("mov cr4 at cpl 3 is #GP", "0f22e0", P(), {}, cpl=3, exc=GP0),
    # CR2, CR3
    pv("mov cr2,eax", "0f22d0", P(rax=0xcafe0000), {"rip": 0x1003}, fcontrol={"cr2": 0xcafe0000}),
    pv("mov cr3,eax", "0f22d8", P(rax=0x7654301f), {"rip": 0x1003}, fcontrol={"cr3": 0x7654301f}),
    pv("mov cr3,eax at cpl 3 is #GP", "0f22d8", P(rax=0x1000), {}, cpl=3, exc=GP0),
    # LMSW, SMSW, CLTS, INVD, WBINVD
    pv("lmsw cannot clear PE", "0f01f0", P(rax=0), {"rip": 0x1003}, control={"cr0": 0x1b},
       fcontrol={"cr0": 0x11}),
    pv("lmsw loads bits 3:0 only", "0f01f0", P(rax=0xfffe), {"rip": 0x1003}, fcontrol={"cr0": 0x1f}),
    pv("lmsw [ebx]", "0f0133", P(rbx=0x2000), {"rip": 0x1003}, ram=[(0x2000, "0600")],
       fcontrol={"cr0": 0x17}),
    pv("lmsw leaves PG CD NW alone", "0f01f0", P(rax=0x8), {"rip": 0x1003}, control={"cr0": 0x60000013},
       fcontrol={"cr0": 0x60000019}),
    pv("lmsw at cpl 3 is #GP", "0f01f0", P(rax=1), {}, cpl=3, exc=GP0),
    pv("smsw eax at cpl 3 without umip", "0f01e0", P(), {"rax": 0x11, "rip": 0x1003}, cpl=3),
    pv("smsw eax at cpl 3 with cr4.umip is #GP", "0f01e0", P(), {}, cpl=3, control={"cr4": 0x800}, exc=GP0),
    pv("smsw [ebx] at cpl 3 with cr4.umip is #GP", "0f0123", P(rbx=0x2000), {}, cpl=3, control={"cr4": 0x800},
       ram=[(0x2000, "0000")], exc=GP0),
    pv("smsw eax at cpl 0 with cr4.umip", "0f01e0", P(), {"rax": 0x11, "rip": 0x1003}, control={"cr4": 0x800}),
    pv("smsw [ebx] stores 16 bits", "0f0123", P(rbx=0x2000), {"rip": 0x1003}, control={"cr0": 0x60000031},
       ram=[(0x2000, "aaaaaaaa")], fram=[(0x2000, "3100aaaa")]),
    pv("66 smsw ax keeps the upper eax", "660f01e0", P(rax=0xffffffff), {"rax": 0xffff0011, "rip": 0x1004}),
    pv("smsw [ebx] beyond the ds limit is #GP", "0f0123", P(rbx=0xffff), {},
       sregs={"ds": seg(0x10, 0, 0xffff, 0x4093)}, exc=GP0),
    pv("clts", "0f06", P(), {"rip": 0x1002}, control={"cr0": 0x19}, fcontrol={"cr0": 0x11}),
    pv("clts at cpl 3 is #GP", "0f06", P(), {}, cpl=3, control={"cr0": 0x19}, exc=GP0),
    pv("invd at cpl 3 is #GP", "0f08", P(), {}, cpl=3, exc=GP0),
    pv("wbinvd at cpl 3 is #GP", "0f09", P(), {}, cpl=3, exc=GP0),
    pv("wbinvd at cpl 0", "0f09", P(), {"rip": 0x1002}),
    # RDMSR
    pv("rdmsr at cpl 3 is #GP", "0f32", P(rcx=0x10), {}, cpl=3, exc=GP0),
    pv("rdmsr unknown msr is #GP", "0f32", P(rcx=0x12345678), {}, exc=GP0),
    pv("rdmsr c0000104 is #GP", "0f32", P(rcx=0xc0000104), {}, exc=GP0),
    pv("rdmsr spec_ctrl is #GP (not reported)", "0f32", P(rcx=0x48), {}, exc=GP0),
    pv("rdmsr tsc_deadline reads 0 outside tsc-deadline mode", "0f32", P(rcx=0x6e0, rax=5, rdx=5), {"rax": 0, "rdx": 0, "rip": 0x1002}),
    pv("rdmsr mcg_ctl is #GP (mcg_cap.ctl_p = 0)", "0f32", P(rcx=0x17b), {}, exc=GP0),
    pv("rdmsr mtrr_physbase8 is #GP (vcnt = 8)", "0f32", P(rcx=0x210), {}, exc=GP0),
    pv("rdmsr tsc is virtual time 0", "0f32", P(rcx=0x10, rax=5, rdx=5), {"rax": 0, "rdx": 0, "rip": 0x1002}),
    pv("rdmsr platform_id", "0f32", P(rcx=0x17, rax=5, rdx=5), {"rax": 0, "rdx": 0, "rip": 0x1002}),
    pv("rdmsr apic_base: bsp, enabled, fee00000", "0f32", P(rcx=0x1b), {"rax": 0xfee00900, "rip": 0x1002}),
    pv("rdmsr feature_control unlocked at reset", "0f32", P(rcx=0x3a, rax=5), {"rax": 0, "rip": 0x1002}),
    pv("rdmsr bios_sign_id: microcode revision 0x2000065", "0f32", P(rcx=0x8b, rax=5), {"rax": 0, "rdx": 0x2000065, "rip": 0x1002}),
    pv("rdmsr mtrrcap: 8 variable, fixed, wc", "0f32", P(rcx=0xfe), {"rax": 0x508, "rip": 0x1002}),
    pv("rdmsr mcg_cap: no banks", "0f32", P(rcx=0x179, rax=5), {"rax": 0, "rip": 0x1002}),
    pv("rdmsr misc_enable: fast strings, bts and pebs unavailable", "0f32", P(rcx=0x1a0),
       {"rax": 0x1801, "rip": 0x1002}),
    pv("rdmsr mtrr_def_type at reset", "0f32", P(rcx=0x2ff, rax=5), {"rax": 0, "rip": 0x1002}),
    pv("rdmsr efer", "0f32", P(rcx=0xc0000080, rax=5), {"rax": 0x901, "rip": 0x1002}, control={"efer": 0x901}),
    pv("rdmsr star", "0f32", P(rcx=0xc0000081), {"rax": 0x9abcdef0, "rdx": 0x00230010, "rip": 0x1002},
       msrs={0xc0000081: 0x002300109abcdef0}),
    pv("rdmsr uses ecx only", "0f32", P(rcx=0xffffffff00000277), {"rax": 0x00070406, "rdx": 0x00070406,
                                                                  "rip": 0x1002}),
    # WRMSR: read-only and reserved bits
    pv("wrmsr at cpl 3 is #GP", "0f30", P(rcx=0x174), {}, cpl=3, exc=GP0),
    pv("wrmsr unknown msr is #GP", "0f30", P(rcx=0x1234), {}, exc=GP0),
    pv("wrmsr mtrrcap is #GP (read-only)", "0f30", P(rcx=0xfe, rax=0x508), {}, exc=GP0),
    pv("wrmsr platform_id is #GP (read-only)", "0f30", P(rcx=0x17), {}, exc=GP0),
    pv("wrmsr mcg_cap is #GP (read-only)", "0f30", P(rcx=0x179), {}, exc=GP0),
    pv("wrmsr bios_sign_id 0 is accepted and ignored", "0f30", P(rcx=0x8b), {"rip": 0x1002},
       fmsrs={0x8b: 0x0200006500000000}),
    pv("wrmsr tsc sets the counter (1 more after the instruction retires)", "0f30", P(rcx=0x10, rax=0x1000, rdx=2),
       {"rip": 0x1002}, fmsrs={0x10: 0x200001001}),
    pv("wrmsr apic_base moves the base; bsp is read-only", "0f30", P(rcx=0x1b, rax=0xfec00800),
       {"rip": 0x1002}, fmsrs={0x1b: 0xfec00900}),
    pv("wrmsr apic_base global disable", "0f30", P(rcx=0x1b, rax=0xfee00100), {"rip": 0x1002},
       fmsrs={0x1b: 0xfee00100}),
    pv("wrmsr apic_base x2apic enable is #GP (x2apic not reported)", "0f30", P(rcx=0x1b, rax=0xfee00d00), {},
       exc=GP0),
    pv("wrmsr apic_base above maxphyaddr is #GP", "0f30", P(rcx=0x1b, rax=0xfee00900, rdx=0x80), {}, exc=GP0),
    pv("wrmsr apic_base reserved bit 0 is #GP", "0f30", P(rcx=0x1b, rax=0xfee00901), {}, exc=GP0),
    pv("wrmsr feature_control lock", "0f30", P(rcx=0x3a, rax=1), {"rip": 0x1002}, fmsrs={0x3a: 1}),
    pv("wrmsr feature_control vmx bits are reserved (vmx not reported)", "0f30", P(rcx=0x3a, rax=5), {},
       exc=GP0),
    pv("wrmsr feature_control when locked is #GP", "0f30", P(rcx=0x3a, rax=1), {}, msrs={0x3a: 1}, exc=GP0),
    pv("wrmsr sysenter_cs: 31:16 kept, 63:32 ignored", "0f30", P(rcx=0x174, rax=0x12345678, rdx=0xffffffff),
       {"rip": 0x1002}, fmsrs={0x174: 0x12345678}),
    pv("wrmsr sysenter_esp non-canonical is #GP", "0f30", P(rcx=0x175, rdx=0x8000), {}, exc=GP0),
    pv("wrmsr sysenter_eip non-canonical is #GP", "0f30", P(rcx=0x176, rdx=0x7fff8000), {}, exc=GP0),
    pv("wrmsr sysenter_eip canonical high half", "0f30", P(rcx=0x176, rax=0x81000000, rdx=0xffffffff),
       {"rip": 0x1002}, fmsrs={0x176: 0xffffffff81000000}),
    pv("wrmsr mcg_status ripv eipv mcip", "0f30", P(rcx=0x17a, rax=7), {"rip": 0x1002}, fmsrs={0x17a: 7}),
    pv("wrmsr mcg_status bit 3 is #GP (no lmce)", "0f30", P(rcx=0x17a, rax=8), {}, exc=GP0),
    pv("wrmsr misc_enable clears fast strings; bits 11 and 12 stay", "0f30", P(rcx=0x1a0, rax=0),
       {"rip": 0x1002}, fmsrs={0x1a0: 0x1800}),
    pv("wrmsr misc_enable writes to read-only bits 7 11 12 are ignored", "0f30", P(rcx=0x1a0, rax=0x89),
       {"rip": 0x1002}, fmsrs={0x1a0: 0x1809}),
    pv("wrmsr misc_enable xd disable is #GP (reserved in this model)", "0f30", P(rcx=0x1a0, rax=0x1801, rdx=4),
       {}, exc=GP0),
    pv("wrmsr misc_enable limit cpuid (bit 22) is #GP", "0f30", P(rcx=0x1a0, rax=0x401801), {}, exc=GP0),
    # WRMSR: memory types
    pv("wrmsr pat", "0f30", P(rcx=0x277, rax=0x00070406, rdx=0x00070106), {"rip": 0x1002},
       fmsrs={0x277: 0x0007010600070406}),
    pv("wrmsr pat uc- (7) is valid", "0f30", P(rcx=0x277, rax=0x07070707, rdx=0x07070707), {"rip": 0x1002},
       fmsrs={0x277: 0x0707070707070707}),
    pv("wrmsr pat type 2 is #GP", "0f30", P(rcx=0x277, rax=0x00070402, rdx=0x00070406), {}, exc=GP0),
    pv("wrmsr pat type 3 in pa7 is #GP", "0f30", P(rcx=0x277, rax=0x00070406, rdx=0x03070406), {}, exc=GP0),
    pv("wrmsr pat reserved bit 3 of a byte is #GP", "0f30", P(rcx=0x277, rax=0x0007040e, rdx=0x00070406), {},
       exc=GP0),
    pv("wrmsr mtrr_def_type enabled wb", "0f30", P(rcx=0x2ff, rax=0xc06), {"rip": 0x1002},
       fmsrs={0x2ff: 0xc06}),
    pv("wrmsr mtrr_def_type type 2 is #GP", "0f30", P(rcx=0x2ff, rax=0x802), {}, exc=GP0),
    pv("wrmsr mtrr_def_type type 7 (uc- is pat-only) is #GP", "0f30", P(rcx=0x2ff, rax=0x807), {}, exc=GP0),
    pv("wrmsr mtrr_def_type reserved bit 9 is #GP", "0f30", P(rcx=0x2ff, rax=0x206), {}, exc=GP0),
    pv("wrmsr mtrr_physbase0 wb at 1 MiB", "0f30", P(rcx=0x200, rax=0x100006), {"rip": 0x1002},
       fmsrs={0x200: 0x100006}),
    pv("wrmsr mtrr_physbase0 up to maxphyaddr", "0f30", P(rcx=0x200, rax=0xfffff005, rdx=0x7f), {"rip": 0x1002},
       fmsrs={0x200: 0x7ffffff005}),
    pv("wrmsr mtrr_physbase0 type 3 is #GP", "0f30", P(rcx=0x200, rax=0x100003), {}, exc=GP0),
    pv("wrmsr mtrr_physbase0 reserved bit 8 is #GP", "0f30", P(rcx=0x200, rax=0x100106), {}, exc=GP0),
    pv("wrmsr mtrr_physbase0 above maxphyaddr is #GP", "0f30", P(rcx=0x200, rax=0x6, rdx=0x80), {}, exc=GP0),
    pv("wrmsr mtrr_physmask7", "0f30", P(rcx=0x20f, rax=0xfff00800, rdx=0x7f), {"rip": 0x1002},
       fmsrs={0x20f: 0x7ffff00800}),
    pv("wrmsr mtrr_physmask7 reserved bit 10 is #GP", "0f30", P(rcx=0x20f, rax=0xfff00c00, rdx=0x7f), {},
       exc=GP0),
    pv("wrmsr mtrr_fix64k_00000 all wb", "0f30", P(rcx=0x250, rax=0x06060606, rdx=0x06060606), {"rip": 0x1002},
       fmsrs={0x250: 0x0606060606060606}),
    pv("wrmsr mtrr_fix16k_a0000 uc and wc", "0f30", P(rcx=0x259, rax=0x01010000, rdx=0x05040100), {"rip": 0x1002},
       fmsrs={0x259: 0x0504010001010000}),
    pv("wrmsr mtrr_fix4k_f8000 a type 2 byte is #GP", "0f30", P(rcx=0x26f, rax=0x06060606, rdx=0x06020606), {},
       exc=GP0),
    pv("wrmsr mtrr_fix4k_c0000 a type 7 byte is #GP", "0f30", P(rcx=0x268, rax=0x07060606, rdx=0x06060606), {},
       exc=GP0),
    # WRMSR: EFER and the SYSCALL MSRs
    pv("wrmsr efer sce nxe", "0f30", P(rcx=0xc0000080, rax=0x801), {"rip": 0x1002}, fcontrol={"efer": 0x801}),
    pv("wrmsr efer lme with paging off", "0f30", P(rcx=0xc0000080, rax=0x100), {"rip": 0x1002},
       fcontrol={"efer": 0x100}),
    pv("wrmsr efer lma is read-only: a written 1 is ignored", "0f30", P(rcx=0xc0000080, rax=0x401),
       {"rip": 0x1002}, fcontrol={"efer": 0x1}),
    pv("wrmsr efer reserved bit 1 is #GP", "0f30", P(rcx=0xc0000080, rax=0x2), {}, exc=GP0),
    pv("wrmsr efer svme (amd) is #GP", "0f30", P(rcx=0xc0000080, rax=0x1000), {}, exc=GP0),
    pv("wrmsr efer ffxsr (amd) is #GP", "0f30", P(rcx=0xc0000080, rax=0x4000), {}, exc=GP0),
    pv("wrmsr efer upper half is #GP", "0f30", P(rcx=0xc0000080, rdx=1), {}, exc=GP0),
    pv("wrmsr star", "0f30", P(rcx=0xc0000081, rax=0, rdx=0x00230010), {"rip": 0x1002},
       fmsrs={0xc0000081: 0x0023001000000000}),
    pv("wrmsr lstar non-canonical is #GP", "0f30", P(rcx=0xc0000082, rdx=0x00008000), {}, exc=GP0),
    pv("wrmsr lstar canonical high half", "0f30", P(rcx=0xc0000082, rax=0x81000000, rdx=0xffffffff),
       {"rip": 0x1002}, fmsrs={0xc0000082: 0xffffffff81000000}),
    pv("wrmsr cstar non-canonical is #GP", "0f30", P(rcx=0xc0000083, rdx=0xffff0000), {}, exc=GP0),
    pv("wrmsr fmask", "0f30", P(rcx=0xc0000084, rax=0x47700), {"rip": 0x1002}, fmsrs={0xc0000084: 0x47700}),
    pv("wrmsr fmask upper half is #GP", "0f30", P(rcx=0xc0000084, rax=0x47700, rdx=1), {}, exc=GP0),
    pv("wrmsr fs_base non-canonical is #GP", "0f30", P(rcx=0xc0000100, rdx=0x00800000), {}, exc=GP0),
    pv("wrmsr gs_base sets the gs cache base", "0f30", P(rcx=0xc0000101, rax=0x12345000), {"rip": 0x1002},
       fsregs={"gs": seg(0x10, 0x12345000, 0xffffffff, 0xc093)}, fmsrs={0xc0000101: 0x12345000}),
    pv("wrmsr kernel_gs_base non-canonical is #GP", "0f30", P(rcx=0xc0000102, rdx=0x80000000), {}, exc=GP0),
    pv("wrmsr tsc_aux", "0f30", P(rcx=0xc0000103, rax=0x12345678), {"rip": 0x1002},
       fmsrs={0xc0000103: 0x12345678}),
    pv("wrmsr tsc_aux upper half is #GP", "0f30", P(rcx=0xc0000103, rdx=1), {}, exc=GP0),
    # MOV DRn
    pv("mov eax,dr7", "0f21f8", P(), {"rax": 0x400, "rip": 0x1003}),
    pv("mov eax,dr4 aliases dr6", "0f21e0", P(), {"rax": 0xffff0ff0, "rip": 0x1003}),
    pv("mov eax,dr5 aliases dr7", "0f21e8", P(), {"rax": 0x400, "rip": 0x1003}),
    pv("mov eax,dr4 with cr4.de is #UD", "0f21e0", P(), {}, control={"cr4": 0x8}, exc=UD),
    pv("mov dr5,eax with cr4.de is #UD", "0f23e8", P(), {}, control={"cr4": 0x8}, exc=UD),
    pv("mov eax,dr6 with cr4.de", "0f21f0", P(), {"rax": 0xffff0ff0, "rip": 0x1003}, control={"cr4": 0x8}),
    pv("mov eax,dr7 at cpl 3 is #GP", "0f21f8", P(), {}, cpl=3, exc=GP0),
    pv("mov dr4,eax at cpl 3 with cr4.de is #GP (cpl checked before de)", "0f23e0", P(), {}, cpl=3,
       control={"cr4": 0x8}, exc=GP0),
    pv("mov dr7,eax", "0f23f8", P(rax=0xffffffff), {"rip": 0x1003}),
    pv("mov dr0,eax at cpl 3 is #GP", "0f23c0", P(), {}, cpl=3, exc=GP0),
]

# ------------------------------------------------ 64-bit and compatibility
# CR0 = 80000011h, CR4 = 20h (PAE), EFER = 500h (LME, LMA). CR3 is left to
# the runner (page tables), so no vector here reads or presets it.
L = lambda **kw: dict({"rip": 0x1000}, **kw)


def lv(name, code, regs, final, mode="long64", **kw):
    prefix = "compat32: " if mode == "compat32" else ""
    return V(prefix + name, mode, code, regs, final, **kw)


long64 = [
    lv("mov rax,cr0", "0f20c0", L(), {"rax": 0x80000011, "rip": 0x1003}),
    lv("mov r8,cr4 (rex.b)", "410f20e0", L(), {"r8": 0x20, "rip": 0x1004}),
    lv("mov rax,cr0 with 66 is still 64-bit", "660f20c0", L(rax=0xffffffffffffffff),
       {"rax": 0x80000011, "rip": 0x1004}),
    lv("mov rax,cr2 reads 64 bits", "0f20d0", L(), {"rax": 0xffff800012345678, "rip": 0x1003},
       control={"cr2": 0xffff800012345678}),
    lv("mov rax,cr8", "440f20c0", L(), {"rax": 5, "rip": 0x1004}, control={"cr8": 5}),
    lv("mov cr8,rax", "440f22c0", L(rax=0xf), {"rip": 0x1004}, fcontrol={"cr8": 0xf}),
    lv("mov cr8 bit 4 is #GP", "440f22c0", L(rax=0x10), {}, exc=GP0),
    lv("mov cr8 at cpl 3 is #GP", "440f22c0", L(rax=1), {}, cpl=3, exc=GP0),
    lv("mov cr9 is #UD", "440f22c8", L(), {}, exc=UD),
    lv("mov rax,cr15 is #UD", "440f20f8", L(), {}, exc=UD),
    lv("mov cr0 bit 32 is #GP", "0f22c0", L(rax=0x180000011), {}, exc=GP0),
    lv("mov cr0 clearing PG in 64-bit mode is #GP", "0f22c0", L(rax=0x11), {}, exc=GP0),
    lv("mov cr0 CD NW in 64-bit mode", "0f22c0", L(rax=0xe0000011), {"rip": 0x1003},
       fcontrol={"cr0": 0xe0000011}),
    lv("mov cr0 WP", "0f22c0", L(rax=0x80010011), {"rip": 0x1003}, fcontrol={"cr0": 0x80010011}),
    lv("mov cr4 clearing PAE in ia-32e mode is #GP", "0f22e0", L(rax=0), {}, exc=GP0),
    lv("mov cr4 bit 32 is #GP", "0f22e0", L(rax=0x100000020), {}, exc=GP0),
    lv("mov cr4 pcide with cr3[11:0] = 0", "0f22e0", L(rax=0x20020), {"rip": 0x1003}, fcontrol={"cr4": 0x20020}),
    lv("mov cr4 fsgsbase smep smap pge", "0f22e0", L(rax=0x3100a0), {"rip": 0x1003},
       fcontrol={"cr4": 0x3100a0}),
    lv("mov cr4 la57 is #GP", "0f22e0", L(rax=0x1020), {}, exc=GP0),
    lv("mov cr3 bit 39 (above maxphyaddr) is #GP", "0f22d8", L(rax=0x8000000000), {}, exc=GP0),
    lv("mov cr3 bit 63 without pcide is #GP", "0f22d8", L(rax=0x8000000000001000), {}, exc=GP0),
    lv("mov cr3 bit 62 with pcide is #GP", "0f22d8", L(rax=0x4000000000001000), {}, control={"cr4": 0x20020},
       exc=GP0),
    lv("mov cr3 with pcide: bit 63 is the no-flush hint, not stored", "0f22d8", L(rax=0x8000000000005001),
       {"rip": 0x1003}, control={"cr4": 0x20020}, fcontrol={"cr3": 0x5001}),
    lv("mov cr3 highest address below maxphyaddr", "0f22d8", L(rax=0x7ffffff000), {"rip": 0x1003},
       fcontrol={"cr3": 0x7ffffff000}),
    lv("smsw rax stores cr0", "480f01e0", L(rax=0xffffffffffffffff), {"rax": 0x80000011, "rip": 0x1004}),
    lv("smsw eax zero-extends", "0f01e0", L(rax=0xffffffffffffffff), {"rax": 0x80000011, "rip": 0x1003}),
    lv("66 smsw ax", "660f01e0", L(rax=0xffffffffffffffff), {"rax": 0xffffffffffff0011, "rip": 0x1004}),
    lv("lmsw ax in 64-bit mode", "0f01f0", L(rax=0xa), {"rip": 0x1003}, fcontrol={"cr0": 0x8000001b}),
    lv("rdmsr clears the upper halves of rax and rdx", "0f32",
       L(rcx=0xc0000102, rax=0xffffffffffffffff, rdx=0xffffffffffffffff),
       {"rax": 0x80000000, "rdx": 0xffff8880, "rip": 0x1002}, msrs={0xc0000102: 0xffff888080000000}),
    lv("rdmsr fs_base reads the fs cache base", "0f32", L(rcx=0xc0000100), {"rax": 0x12345000, "rdx": 0x7fff,
                                                                          "rip": 0x1002},
       sregs={"fs": seg(0, 0x7fff12345000, 0, 0)}),
    lv("rdmsr efer in long mode", "0f32", L(rcx=0xc0000080), {"rax": 0x500, "rip": 0x1002}),
    lv("wrmsr uses eax and edx only", "0f30", L(rcx=0xc0000102, rax=0xdeadbeef00001000, rdx=0xdeadbeefffff8000),
       {"rip": 0x1002}, fmsrs={0xc0000102: 0xffff800000001000}),
    lv("wrmsr fs_base loads the fs cache base", "0f30", L(rcx=0xc0000100, rax=0x1000, rdx=0x7fff),
       {"rip": 0x1002}, sregs={"fs": seg(0, 0, 0, 0)}, fsregs={"fs": seg(0, 0x7fff00001000, 0, 0)}),
    lv("wrmsr efer nxe in long mode keeps lme and lma", "0f30", L(rcx=0xc0000080, rax=0xd01), {"rip": 0x1002},
       fcontrol={"efer": 0xd01}),
    lv("wrmsr efer writing lma = 0 is ignored", "0f30", L(rcx=0xc0000080, rax=0x101), {"rip": 0x1002},
       fcontrol={"efer": 0x501}),
    lv("wrmsr efer clearing lme with paging on is #GP", "0f30", L(rcx=0xc0000080, rax=0x400), {}, exc=GP0),
    lv("mov rax,dr6", "0f21f0", L(), {"rax": 0xffff0ff0, "rip": 0x1003}),
    lv("mov rax,dr5 aliases dr7", "0f21e8", L(), {"rax": 0x400, "rip": 0x1003}),
    lv("mov rax,dr8 is #UD", "440f21c0", L(), {}, exc=UD),
    lv("mov dr8,rax at cpl 3 is #UD (no such register)", "440f23c0", L(), {}, cpl=3, exc=UD),
    lv("mov dr7,rax bit 32 is #GP", "0f23f8", L(rax=0x100000400), {}, exc=GP0),
    lv("mov dr6,rax bit 63 is #GP", "0f23f0", L(rax=0x80000000ffff0ff0), {}, exc=GP0),
    lv("mov dr4,rax (dr6) bit 32 is #GP", "0f23e0", L(rax=0x1ffff0ff0), {}, exc=GP0),
    lv("mov dr0,rax non-canonical is accepted", "0f23c0", L(rax=0x8000000000000000), {"rip": 0x1003}),
    lv("mov dr3,r15", "410f23df", L(r15=0xffff800000001000), {"rip": 0x1004}),
    # Compatibility mode: 32-bit operands, and leaving IA-32e mode.
    lv("mov eax,cr0 zero-extends", "0f20c0", L(rax=0xffffffffffffffff), {"rax": 0x80000011, "rip": 0x1003},
       mode="compat32"),
    lv("mov cr3,eax ignores the upper rax", "0f22d8", L(rax=0xffffffff00002000), {"rip": 0x1003},
       mode="compat32", fcontrol={"cr3": 0x2000}),
    lv("mov cr0 clearing PG leaves ia-32e mode (efer.lma = 0)", "0f22c0", L(rax=0x11), {"rip": 0x1003},
       mode="compat32", fcontrol={"cr0": 0x11, "efer": 0x100}),
    lv("mov cr0 clearing PG and PE at once goes to real mode", "0f22c0", L(rax=0x10), {"rip": 0x1003},
       mode="compat32", fcontrol={"cr0": 0x10, "efer": 0x100}),
    lv("mov cr0 clearing PG with cr4.pcide is #GP", "0f22c0", L(rax=0x11), {}, mode="compat32",
       control={"cr4": 0x20020}, exc=GP0),
    lv("mov cr0 clearing PE alone is #GP (PG without PE)", "0f22c0", L(rax=0x80000010), {}, mode="compat32",
       exc=GP0),
    lv("mov cr4 clearing PAE is #GP", "0f22e0", L(rax=0), {}, mode="compat32", exc=GP0),
    lv("lock mov cr0,eax (amd's cr8 alias) is #UD on intel", "f00f22c0", L(rax=1), {}, mode="compat32",
       exc=UD),
    lv("wrmsr lstar", "0f30", L(rcx=0xc0000082, rax=0x81000000, rdx=0xffffffff), {"rip": 0x1002},
       mode="compat32", fmsrs={0xc0000082: 0xffffffff81000000}),
]

for path, vs in (("real/system.jsonl", real), ("prot32/system.jsonl", prot32),
                 ("long64/system.jsonl", long64)):
    write(path, vs)
