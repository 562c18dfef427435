#!/usr/bin/env python3
"""Hand-written vectors for the fast system calls and the FS/GS base
instructions (oracle: the Intel SDM).

SYSCALL, SYSRET, SYSENTER, SYSEXIT, SWAPGS, RDFSBASE/RDGSBASE/WRFSBASE/
WRGSBASE: every #UD and #GP case of their Vol. 2 pages, and for each
transfer the selectors and FIXED descriptor caches it loads (the Operation
sections: base 0, limit FFFFFH with G = 1 -> 0xffffffff, code type 11 or
data type 3, S = 1, P = 1, DPL 0 or 3, L/D per target mode, B = 1 for SS).
As attr (docs/test-vectors.md): 64-bit CPL-0 code a09b, 32-bit CPL-0 code
c09b, CPL-0 stack c093, 64-bit CPL-3 code a0fb, 32-bit CPL-3 code c0fb,
CPL-3 stack c0f3. Where the new RSP comes from: SYSCALL/SYSRET leave it,
SYSENTER loads IA32_SYSENTER_ESP, SYSEXIT loads RCX/ECX.

Choices, named in the vectors:
  * SYSCALL from compatibility mode is #UD (Intel; AMD enters via CSTAR);
  * SYSRET to a non-canonical RCX raises #GP(0) at CPL 0 (Intel);
  * RF is 0 in the R11 that SYSCALL writes and in RFLAGS after it: RF
    only suppresses the breakpoints of the instruction it is set for and
    is cleared as that instruction starts (Bochs and AMD's APM also save
    RFLAGS with RF clear);
  * no vector starts with TF = 1 (the single-step trap belongs to the
    interrupt-delivery tests);
  * SYSCALL's SS selector is STAR[47:32] + 8 without clearing its RPL (the
    SDM masks only CS).

Every expected value is a literal worked out by hand. Run it to regenerate
tests/vectors/{real,prot32,long64}/syscall.jsonl:

    python3 tests/vectors/handwritten/make_syscall_vectors.py
"""
from vectorlib import GP0, h, seg, vec, write

UD = {"vector": 6}

# Linux-like MSRs: STAR = (USER32_CS 23h << 48) | (KERNEL_CS 10h << 32).
STAR = 0xc0000081
LSTAR = 0xc0000082
FMASK = 0xc0000084
KGS = 0xc0000102
SEP_CS, SEP_ESP, SEP_EIP = 0x174, 0x175, 0x176
SYSCALL_MSRS = {STAR: 0x0023001000000000, LSTAR: 0xffffffff81000000, FMASK: 0x47700}

# Fixed caches (see the docstring).
K64 = lambda sel: seg(sel, 0, 0xffffffff, 0xa09b)
K32 = lambda sel: seg(sel, 0, 0xffffffff, 0xc09b)
KSS = lambda sel: seg(sel, 0, 0xffffffff, 0xc093)
U64 = lambda sel: seg(sel, 0, 0xffffffff, 0xa0fb)
U32 = lambda sel: seg(sel, 0, 0xffffffff, 0xc0fb)
USS = lambda sel: seg(sel, 0, 0xffffffff, 0xc0f3)

EFER_SCE = 0x501    # LME LMA SCE


def V(name, mode, code, regs, final, msrs=None, fmsrs=None, **kw):
    v = vec(name, mode, code, regs, final, **kw)
    if msrs:
        v["initial"]["msrs"] = {h(k): h(x) for k, x in msrs.items()}
    if fmsrs:
        v["final"]["msrs"] = {h(k): h(x) for k, x in fmsrs.items()}
    return v


def lv(name, code, regs, final, mode="long64", **kw):
    prefix = {"compat32": "compat32: ", "prot32": "", "real": "real: "}.get(mode, "")
    return V(prefix + name, mode, code, regs, final, **kw)


U = lambda **kw: dict({"rip": 0x401000}, **kw)
K = lambda **kw: dict({"rip": 0x1000}, **kw)

# ------------------------------------------------------------ SYSCALL
syscall = [
    lv("syscall from 64-bit cpl 3", "0f05", U(rflags=0x246, rsp=0x7ffffffde000, rcx=5, r11=5),
       {"rcx": 0x401002, "r11": 0x246, "rflags": 0x46, "rip": 0xffffffff81000000},
       cpl=3, control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS, fsregs={"cs": K64(0x10), "ss": KSS(0x18)}),
    lv("syscall fmask clears df if iopl nt ac", "0f05", U(rflags=0x47ed7),
       {"rcx": 0x401002, "r11": 0x47ed7, "rflags": 0x8d7, "rip": 0xffffffff81000000},
       cpl=3, control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS, fsregs={"cs": K64(0x10), "ss": KSS(0x18)}),
    lv("syscall with rf set: r11 and rflags have rf clear", "0f05", U(rflags=0x10202),
       {"rcx": 0x401002, "r11": 0x202, "rflags": 0x2, "rip": 0xffffffff81000000},
       cpl=3, control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS, fsregs={"cs": K64(0x10), "ss": KSS(0x18)}),
    lv("syscall with fmask 0 keeps if", "0f05", U(rflags=0x202),
       {"rcx": 0x401002, "r11": 0x202, "rflags": 0x202, "rip": 0xffffffff81000000},
       cpl=3, control={"efer": EFER_SCE}, msrs={STAR: 0x0023001000000000, LSTAR: 0xffffffff81000000, FMASK: 0},
       fsregs={"cs": K64(0x10), "ss": KSS(0x18)}),
    lv("syscall cs rpl forced to 0, ss = star[47:32] + 8 keeps the rpl (sdm)", "0f05", U(rflags=0x2),
       {"rcx": 0x401002, "r11": 0x2, "rip": 0xffffffff81000000},
       cpl=3, control={"efer": EFER_SCE},
       msrs={STAR: 0x0023001300000000, LSTAR: 0xffffffff81000000, FMASK: 0},
       fsregs={"cs": K64(0x10), "ss": KSS(0x1b)}),
    lv("syscall at cpl 0", "0f05", K(rflags=0x2),
       {"rcx": 0x1002, "r11": 0x2, "rip": 0xffffffff81000000},
       control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS, fsregs={"cs": K64(0x10), "ss": KSS(0x18)}),
    lv("syscall saves all of rip in rcx and leaves rsp", "0f05", dict(rip=0x7f00001000, rsp=0x1234, rflags=0x2),
       {"rcx": 0x7f00001002, "r11": 0x2, "rip": 0xffffffff81000000},
       cpl=3, control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS, fsregs={"cs": K64(0x10), "ss": KSS(0x18)}),
    lv("syscall without efer.sce is #UD", "0f05", U(), {}, cpl=3, msrs=SYSCALL_MSRS, exc=UD),
    lv("syscall from compatibility mode is #UD (intel)", "0f05", K(), {}, mode="compat32", cpl=3,
       control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS, exc=UD),
    lv("syscall from protected mode is #UD", "0f05", K(), {}, mode="prot32", control={"efer": 0x1},
       msrs=SYSCALL_MSRS, exc=UD),
    lv("syscall from real mode is #UD", "0f05", dict(rip=0x100), {}, mode="real", control={"efer": 0x1},
       exc=UD),
]

# ------------------------------------------------------------- SYSRET
sysret = [
    lv("sysretq to 64-bit cpl 3", "480f07", K(rcx=0x401002, r11=0x246, rsp=0x7ffffffde000),
       {"rip": 0x401002, "rflags": 0x246}, control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS,
       fsregs={"cs": U64(0x33), "ss": USS(0x2b)}),
    lv("sysretq rflags := r11 & 3c7fd7h | 2 (rf vm and reserved bits clear)", "480f07",
       K(rcx=0x401002, r11=0xffffffffffffffff), {"rip": 0x401002, "rflags": 0x3c7fd7},
       control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS, fsregs={"cs": U64(0x33), "ss": USS(0x2b)}),
    lv("sysretq sets reserved bit 1 from r11 = 0", "480f07", K(rcx=0x401002, r11=0, rflags=0x246),
       {"rip": 0x401002, "rflags": 0x2}, control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS,
       fsregs={"cs": U64(0x33), "ss": USS(0x2b)}),
    lv("sysretl to compatibility mode: eip = ecx", "0f07", K(rcx=0xffffffff08049000, r11=0x202),
       {"rip": 0x08049000, "rflags": 0x202}, control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS,
       fsregs={"cs": U32(0x23), "ss": USS(0x2b)}),
    lv("sysretl ignores a non-canonical rcx (only ecx is used)", "0f07", K(rcx=0x8000000000001000, r11=0x2),
       {"rip": 0x1000}, control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS,
       fsregs={"cs": U32(0x23), "ss": USS(0x2b)}),
    lv("sysretq forces rpl 3 on cs and ss", "480f07", K(rcx=0x401002, r11=0x2),
       {"rip": 0x401002}, control={"efer": EFER_SCE},
       msrs={STAR: 0x0020001000000000, LSTAR: 0xffffffff81000000, FMASK: 0x47700},
       fsregs={"cs": U64(0x33), "ss": USS(0x2b)}),
    lv("sysretq to a non-canonical rcx is #GP(0) at cpl 0 (intel)", "480f07",
       K(rcx=0x0000800000000000, r11=0x202), {}, control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS, exc=GP0),
    lv("sysretq at cpl 3 is #GP", "480f07", U(rcx=0x401002), {}, cpl=3, control={"efer": EFER_SCE},
       msrs=SYSCALL_MSRS, exc=GP0),
    lv("sysret without efer.sce is #UD", "480f07", K(rcx=0x401002), {}, msrs=SYSCALL_MSRS, exc=UD),
    lv("sysret at cpl 3 without efer.sce is #UD (#UD first)", "480f07", U(rcx=0x401002), {}, cpl=3,
       msrs=SYSCALL_MSRS, exc=UD),
    lv("sysret from compatibility mode is #UD", "0f07", K(rcx=0x401002), {}, mode="compat32",
       control={"efer": EFER_SCE}, msrs=SYSCALL_MSRS, exc=UD),
    lv("sysret from protected mode is #UD", "0f07", K(rcx=0x401002), {}, mode="prot32",
       control={"efer": 0x1}, msrs=SYSCALL_MSRS, exc=UD),
]

# ----------------------------------------------------------- SYSENTER
SEP32 = {SEP_CS: 0x10, SEP_ESP: 0x8000f000, SEP_EIP: 0x80001000}
SEP64 = {SEP_CS: 0x10, SEP_ESP: 0xffff88800000f000, SEP_EIP: 0xffffffff81001000}
sysenter = [
    lv("sysenter from cpl 3: cs = sysenter_cs, ss = +8, esp eip from the msrs", "0f34",
       K(rflags=0x246, rsp=0xbffff000), {"rsp": 0x8000f000, "rip": 0x80001000, "rflags": 0x46},
       mode="prot32", cpl=3, msrs=SEP32, fsregs={"cs": K32(0x10), "ss": KSS(0x18)}),
    lv("sysenter clears if and rf, keeps df", "0f34", K(rflags=0x10602),
       {"rsp": 0x8000f000, "rip": 0x80001000, "rflags": 0x402},
       mode="prot32", cpl=3, msrs=SEP32, fsregs={"cs": K32(0x10), "ss": KSS(0x18)}),
    lv("sysenter forces rpl 0 on cs; ss = cs + 8", "0f34", K(rflags=0x2),
       {"rsp": 0x8000f000, "rip": 0x80001000},
       mode="prot32", cpl=3, msrs={SEP_CS: 0x13, SEP_ESP: 0x8000f000, SEP_EIP: 0x80001000},
       fsregs={"cs": K32(0x10), "ss": KSS(0x18)}),
    lv("sysenter outside ia-32e uses the low 32 bits of esp and eip", "0f34", K(rflags=0x2),
       {"rsp": 0x8000f000, "rip": 0x81001000},
       mode="prot32", cpl=3, msrs={SEP_CS: 0x10, SEP_ESP: 0xffffffff8000f000, SEP_EIP: 0xffffffff81001000},
       fsregs={"cs": K32(0x10), "ss": KSS(0x18)}),
    lv("sysenter at cpl 0", "0f34", K(rflags=0x2), {"rsp": 0x8000f000, "rip": 0x80001000},
       mode="prot32", msrs=SEP32, fsregs={"cs": K32(0x10), "ss": KSS(0x18)}),
    lv("sysenter with sysenter_cs = 0 is #GP", "0f34", K(), {}, mode="prot32", cpl=3,
       msrs={SEP_CS: 0, SEP_ESP: 0x8000f000, SEP_EIP: 0x80001000}, exc=GP0),
    lv("sysenter with sysenter_cs[15:2] = 0 (rpl only) is #GP", "0f34", K(), {}, mode="prot32", cpl=3,
       msrs={SEP_CS: 3, SEP_ESP: 0x8000f000, SEP_EIP: 0x80001000}, exc=GP0),
    lv("sysenter in real mode is #GP", "0f34", dict(rip=0x100), {}, mode="real", msrs=SEP32, exc=GP0),
    lv("sysenter from 64-bit user code enters 64-bit mode", "0f34", U(rflags=0x246, rsp=0x7ffffffde000),
       {"rsp": 0xffff88800000f000, "rip": 0xffffffff81001000, "rflags": 0x46},
       cpl=3, msrs=SEP64, fsregs={"cs": K64(0x10), "ss": KSS(0x18)}),
    lv("sysenter from compatibility mode enters 64-bit mode", "0f34", K(rflags=0x202, rsp=0xfffdd000),
       {"rsp": 0xffff88800000f000, "rip": 0xffffffff81001000, "rflags": 0x2},
       mode="compat32", cpl=3, msrs=SEP64, fsregs={"cs": K64(0x10), "ss": KSS(0x18)}),
    lv("sysenter in ia-32e mode with sysenter_cs = 0 is #GP", "0f34", U(), {}, cpl=3,
       msrs={SEP_CS: 0, SEP_ESP: 0xffff88800000f000, SEP_EIP: 0xffffffff81001000}, exc=GP0),
]

# ------------------------------------------------------------ SYSEXIT
sysexit = [
    lv("sysexit to 32-bit cpl 3: cs = sysenter_cs + 16, ss = + 24, esp = ecx, eip = edx", "0f35",
       K(rcx=0xbffff000, rdx=0x08048000, rflags=0x246), {"rsp": 0xbffff000, "rip": 0x08048000},
       mode="prot32", msrs=SEP32, fsregs={"cs": U32(0x23), "ss": USS(0x2b)}),
    lv("sysexit keeps rflags", "0f35", K(rcx=0xbffff000, rdx=0x08048000, rflags=0x646),
       {"rsp": 0xbffff000, "rip": 0x08048000},
       mode="prot32", msrs=SEP32, fsregs={"cs": U32(0x23), "ss": USS(0x2b)}),
    lv("sysexit rpl forced to 3", "0f35", K(rcx=0xbffff000, rdx=0x08048000),
       {"rsp": 0xbffff000, "rip": 0x08048000},
       mode="prot32", msrs={SEP_CS: 0x13, SEP_ESP: 0, SEP_EIP: 0}, fsregs={"cs": U32(0x23), "ss": USS(0x2b)}),
    lv("sysexit at cpl 3 is #GP", "0f35", K(rcx=0xbffff000, rdx=0x08048000), {}, mode="prot32", cpl=3,
       msrs=SEP32, exc=GP0),
    lv("sysexit with sysenter_cs = 0 is #GP", "0f35", K(rcx=0xbffff000, rdx=0x08048000), {}, mode="prot32",
       msrs={SEP_CS: 0, SEP_ESP: 0, SEP_EIP: 0}, exc=GP0),
    lv("sysexit in real mode is #GP", "0f35", dict(rip=0x100), {}, mode="real", msrs=SEP32, exc=GP0),
    lv("rex.w sysexit to 64-bit: cs = sysenter_cs + 32, ss = + 40, rsp = rcx, rip = rdx", "480f35",
       K(rcx=0x7ffffffde000, rdx=0x401000, rflags=0x246), {"rsp": 0x7ffffffde000, "rip": 0x401000},
       msrs=SEP64, fsregs={"cs": U64(0x33), "ss": USS(0x3b)}),
    lv("sysexit without rex.w from 64-bit mode returns to compatibility mode", "0f35",
       K(rcx=0xffffffff0000f000, rdx=0xffffffff08048000, rsp=0x1234), {"rsp": 0xf000, "rip": 0x08048000},
       msrs=SEP64, fsregs={"cs": U32(0x23), "ss": USS(0x2b)}),
    lv("sysexit from compatibility mode", "0f35", K(rcx=0xfffdd000, rdx=0x08048000),
       {"rsp": 0xfffdd000, "rip": 0x08048000}, mode="compat32", msrs=SEP64,
       fsregs={"cs": U32(0x23), "ss": USS(0x2b)}),
    lv("rex.w sysexit with a non-canonical rdx is #GP", "480f35", K(rcx=0x7ffffffde000, rdx=0x0000800000000000),
       {}, msrs=SEP64, exc=GP0),
    lv("rex.w sysexit with a non-canonical rcx is #GP", "480f35", K(rcx=0xff00000000000000, rdx=0x401000),
       {}, msrs=SEP64, exc=GP0),
    lv("rex.w sysexit at cpl 3 is #GP", "480f35", U(rcx=0x7ffffffde000, rdx=0x401000), {}, cpl=3,
       msrs=SEP64, exc=GP0),
]

# ------------------------------------------------- SWAPGS and FSGSBASE
GS = lambda base: seg(0, base, 0, 0)
swapgs = [
    lv("swapgs exchanges gs.base and kernel_gs_base", "0f01f8", K(), {"rip": 0x1003},
       sregs={"gs": GS(0x7fff00001000)}, msrs={KGS: 0xffff888000000000},
       fsregs={"gs": GS(0xffff888000000000)}, fmsrs={KGS: 0x7fff00001000}),
    lv("swapgs at cpl 3 is #GP", "0f01f8", U(), {}, cpl=3, exc=GP0),
    lv("swapgs in compatibility mode is #UD", "0f01f8", K(), {}, mode="compat32", exc=UD),
    lv("swapgs in protected mode is #UD", "0f01f8", K(), {}, mode="prot32", exc=UD),
    lv("swapgs in real mode is #UD", "0f01f8", dict(rip=0x100), {}, mode="real", exc=UD),
]

FS0 = seg(0, 0x7fff12345000, 0, 0)
GS0 = seg(0, 0xffff888000001000, 0, 0)
FSGS = {"cr4": 0x10020}
fsgsbase = [
    lv("rdfsbase rax", "f3480faec0", U(), {"rax": 0x7fff12345000, "rip": 0x401005}, cpl=3,
       control=FSGS, sregs={"fs": FS0, "gs": GS0}),
    lv("rdfsbase eax zero-extends the low half", "f30faec0", U(rax=0xffffffffffffffff),
       {"rax": 0x12345000, "rip": 0x401004}, cpl=3, control=FSGS, sregs={"fs": FS0, "gs": GS0}),
    lv("rdgsbase rcx", "f3480faec9", U(), {"rcx": 0xffff888000001000, "rip": 0x401005}, cpl=3,
       control=FSGS, sregs={"fs": FS0, "gs": GS0}),
    lv("rdfsbase r8 (rex.b)", "f3490faec0", U(), {"r8": 0x7fff12345000, "rip": 0x401005}, cpl=3,
       control=FSGS, sregs={"fs": FS0, "gs": GS0}),
    lv("wrfsbase rdx", "f3480faed2", U(rdx=0xffff800000000000), {"rip": 0x401005}, cpl=3,
       control=FSGS, sregs={"fs": FS0, "gs": GS0}, fsregs={"fs": seg(0, 0xffff800000000000, 0, 0)}),
    lv("wrgsbase rbx", "f3480faedb", U(rbx=0x1000), {"rip": 0x401005}, cpl=3,
       control=FSGS, sregs={"fs": FS0, "gs": GS0}, fsregs={"gs": seg(0, 0x1000, 0, 0)}),
    lv("wrgsbase eax zero-extends", "f30faed8", U(rax=0xffffffff80000000), {"rip": 0x401004}, cpl=3,
       control=FSGS, sregs={"fs": FS0, "gs": GS0}, fsregs={"gs": seg(0, 0x80000000, 0, 0)}),
    lv("wrfsbase non-canonical is #GP", "f3480faed0", U(rax=0x0000800000000000), {}, cpl=3,
       control=FSGS, sregs={"fs": FS0, "gs": GS0}, exc=GP0),
    lv("wrgsbase non-canonical is #GP", "f3480faed8", U(rax=0x8000000000000000), {}, cpl=3,
       control=FSGS, sregs={"fs": FS0, "gs": GS0}, exc=GP0),
    lv("rdfsbase without cr4.fsgsbase is #UD", "f3480faec0", U(), {}, cpl=3, exc=UD),
    lv("wrgsbase without cr4.fsgsbase is #UD", "f3480faed8", U(), {}, exc=UD),
    lv("rdfsbase in compatibility mode is #UD", "f30faec0", K(), {}, mode="compat32", control=FSGS, exc=UD),
]

long64 = [v for v in syscall + sysret + sysenter + sysexit + swapgs + fsgsbase
          if v["mode"] in ("long64", "compat32")]
prot32 = [v for v in syscall + sysret + sysenter + sysexit + swapgs + fsgsbase if v["mode"] == "prot32"]
real = [v for v in syscall + sysret + sysenter + sysexit + swapgs + fsgsbase if v["mode"] == "real"]

for path, vs in (("real/syscall.jsonl", real), ("prot32/syscall.jsonl", prot32),
                 ("long64/syscall.jsonl", long64)):
    write(path, vs)
