#!/usr/bin/env python3
"""Hand-written instruction vectors (oracle: the Intel SDM).

Silicon can only run what a Linux process can run, so real mode, 16-bit
protected mode with unusual segments, privilege checks and the CPU model's
CPUID leaves are written here by hand. Every expected value below is a
literal worked out from the SDM's Operation sections, never computed by
this script. Run it to regenerate tests/vectors/{real,prot16,long64}/*.jsonl:

    python3 tests/vectors/handwritten/make_vectors.py
"""
from vectorlib import h, seg, vec, write


# ---------------------------------------------------------------- real mode
# CS = 0x1000 (base 0x10000), DS = 0x2000, SS = 0x3000, ES = 0x4000.
RS = {"cs": "0x1000", "ds": "0x2000", "ss": "0x3000", "es": "0x4000"}
real = []
R = lambda **kw: dict({"rip": 0x100}, **kw)

real += [
    vec("mov ax,[bx+si+5] ds base", "real", "8b4005", R(rbx=0x1000, rsi=0x0234), {"rax": 0x1234, "rip": 0x103},
        ram=[(0x21239, "3412")], sregs=RS),
    vec("mov ax,[bx+si] offset wraps at 64K", "real", "8b00", R(rbx=0xfffe, rsi=0x4), {"rax": 0xbeef, "rip": 0x102},
        ram=[(0x20002, "efbe")], sregs=RS),
    vec("mov ax,[bp+di] defaults to ss", "real", "8b03", R(rbp=0x10, rdi=0x20), {"rax": 0x5aa5, "rip": 0x102},
        ram=[(0x30030, "a55a")], sregs=RS),
    vec("mov ax,[bp+2] disp8 ss", "real", "8b4602", R(rbp=0xfffe), {"rax": 0x0102, "rip": 0x103},
        ram=[(0x30000, "0201")], sregs=RS),
    vec("mov bx,[0x1234] disp16", "real", "8b1e3412", R(rbx=0xffff0000ffff), {"rbx": 0xffff00007788, "rip": 0x104},
        ram=[(0x21234, "8877")], sregs=RS),
    vec("mov ax,es:[bx] override", "real", "268b07", R(rbx=0x10), {"rax": 0x4444, "rip": 0x103},
        ram=[(0x40010, "4444"), (0x20010, "2222")], sregs=RS),
    vec("mov ax,ds:[bp] override beats ss default", "real", "3e8b4600", R(rbp=0x8), {"rax": 0x2020, "rip": 0x104},
        ram=[(0x20008, "2020"), (0x30008, "3030")], sregs=RS),
    vec("push ax sp wraps from 0", "real", "50", R(rax=0xabcd, rsp=0), {"rsp": 0xfffe, "rip": 0x101},
        ram=[(0x3fffe, "0000")], fram=[(0x3fffe, "cdab")], sregs=RS),
    vec("pop ax sp wraps to 0", "real", "58", R(rsp=0xfffe), {"rax": 0x1357, "rsp": 0, "rip": 0x101},
        ram=[(0x3fffe, "5713")], sregs=RS),
    vec("push eax 66 in real mode", "real", "6650", R(rax=0x11223344, rsp=0x100), {"rsp": 0xfc, "rip": 0x102},
        ram=[(0x300fc, "00000000")], fram=[(0x300fc, "44332211")], sregs=RS),
    vec("mov eax,imm32 66 prefix", "real", "66b878563412", R(rax=0xffffffffffffffff), {"rax": 0x12345678, "rip": 0x106}, sregs=RS),
    vec("mov ax,imm16 keeps upper eax", "real", "b83412", R(rax=0xdead0000), {"rax": 0xdead1234, "rip": 0x103}, sregs=RS),
    vec("mov ax,[eax+ebx] 67 prefix", "real", "678b0418", R(rax=0x10, rbx=0x20), {"rax": 0x9999, "rip": 0x104},
        ram=[(0x20030, "9999")], sregs=RS),
    vec("67 offset beyond limit is #GP", "real", "678b03", R(rbx=0x10000), {},
        sregs=RS, exc={"vector": 13}),
    vec("word access at limit edge is #GP", "real", "8b07", R(rbx=0xffff), {},
        sregs=RS, exc={"vector": 13}),
    vec("stack access beyond limit is #SS", "real", "678b0424", R(rsp=0x10000), {},
        sregs=RS, exc={"vector": 12}),
    vec("jmp short target wraps to 0", "real", "eb00", R(rip=0xfffe), {"rip": 0x0000}, sregs=RS),
    vec("jmp near rel16", "real", "e90001", R(), {"rip": 0x203}, sregs=RS),
    vec("call near pushes ip", "real", "e80010", R(rsp=0x200), {"rsp": 0x1fe, "rip": 0x1103},
        ram=[(0x301fe, "0000")], fram=[(0x301fe, "0301")], sregs=RS),
    vec("ret pops ip", "real", "c3", R(rsp=0x1fe), {"rsp": 0x200, "rip": 0x0456},
        ram=[(0x301fe, "5604")], sregs=RS),
    vec("ret imm16 releases bytes", "real", "c20600", R(rsp=0x1fe), {"rsp": 0x206, "rip": 0x0456},
        ram=[(0x301fe, "5604")], sregs=RS),
    vec("call [bx] indirect", "real", "ff17", R(rbx=0x40, rsp=0x100), {"rsp": 0xfe, "rip": 0x0789},
        ram=[(0x20040, "8907"), (0x300fe, "0000")], fram=[(0x20040, "8907"), (0x300fe, "0201")], sregs=RS),
    vec("loop cx 1 falls through", "real", "e2fe", R(rcx=0x10001), {"rcx": 0x10000, "rip": 0x102}, sregs=RS),
    vec("loop cx 5 branches", "real", "e2fe", R(rcx=5), {"rcx": 4, "rip": 0x100}, sregs=RS),
    vec("loop uses cx not ecx", "real", "e2fe", R(rcx=0x10000), {"rcx": 0x1ffff, "rip": 0x100}, sregs=RS),
    vec("jcxz taken", "real", "e310", R(rcx=0xffff0000), {"rip": 0x112}, sregs=RS),
    vec("rep movsb ds:si to es:di", "real", "f3a4", R(rcx=3, rsi=0x10, rdi=0x20),
        {"rcx": 0, "rsi": 0x13, "rdi": 0x23, "rip": 0x102},
        ram=[(0x20010, "616263"), (0x40020, "000000")], fram=[(0x20010, "616263"), (0x40020, "616263")], sregs=RS),
    vec("rep movsb si wraps at 64K", "real", "f3a4", R(rcx=2, rsi=0xffff, rdi=0x20),
        {"rcx": 0, "rsi": 0x0001, "rdi": 0x22, "rip": 0x102},
        ram=[(0x2ffff, "11"), (0x20000, "22"), (0x40020, "0000")],
        fram=[(0x2ffff, "11"), (0x20000, "22"), (0x40020, "1122")], sregs=RS),
    vec("std; stosw goes down", "real", "ab", R(rax=0xcafe, rdi=0x10, rflags=0x402), {"rdi": 0x0e, "rip": 0x101},
        ram=[(0x40010, "0000")], fram=[(0x40010, "feca")], sregs=RS),
    vec("lodsb with es override", "real", "26ac", R(rsi=0x5), {"rax": 0x77, "rsi": 0x6, "rip": 0x102},
        ram=[(0x40005, "77")], sregs=RS),
    vec("xlat ds:[bx+al]", "real", "d7", R(rax=0x1203, rbx=0x100), {"rax": 0x1242, "rip": 0x101},
        ram=[(0x20103, "42")], sregs=RS),
    vec("cbw", "real", "98", R(rax=0x12345680), {"rax": 0x1234ff80, "rip": 0x101}, sregs=RS),
    vec("cwde with 66", "real", "6698", R(rax=0x8000), {"rax": 0xffff8000, "rip": 0x102}, sregs=RS),
    vec("cwd", "real", "99", R(rax=0x8000, rdx=0x12340000), {"rdx": 0x1234ffff, "rip": 0x101}, sregs=RS),
    vec("div bx 16-bit", "real", "f7f3", R(rax=0x0005, rdx=0x0001, rbx=0x0010),
        {"rax": 0x1000, "rdx": 0x0005, "rip": 0x102}, sregs=RS,
        undefined=["cf", "pf", "af", "zf", "sf", "of"]),
    vec("div bx quotient overflow is #DE", "real", "f7f3", R(rax=0, rdx=0x10, rbx=0x10), {}, sregs=RS,
        exc={"vector": 0}),
    vec("mul bl 8-bit", "real", "f6e3", R(rax=0x80, rbx=0x4), {"rax": 0x0200, "rip": 0x102, "rflags": 0x803},
        sregs=RS, undefined=["pf", "af", "zf", "sf"]),
    vec("pusha then sp", "real", "60", R(rax=1, rcx=2, rdx=3, rbx=4, rsp=0x100, rbp=6, rsi=7, rdi=8),
        {"rsp": 0xf0, "rip": 0x101},
        ram=[(0x300f0, "00" * 16)], fram=[(0x300f0, "0800070006000001040003000200" + "0100")], sregs=RS),
    vec("popa skips sp", "real", "61", R(rsp=0xf0), {"rax": 1, "rcx": 2, "rdx": 3, "rbx": 4, "rbp": 6, "rsi": 7, "rdi": 8,
                                                   "rsp": 0x100, "rip": 0x101},
        ram=[(0x300f0, "08000700060099990400030002000100")], sregs=RS),
    vec("enter 4,0 16-bit", "real", "c8040000", R(rsp=0x100, rbp=0x1234), {"rsp": 0xfa, "rbp": 0xfe, "rip": 0x104},
        ram=[(0x300fe, "0000")], fram=[(0x300fe, "3412")], sregs=RS),
    vec("leave 16-bit", "real", "c9", R(rsp=0x10, rbp=0xfe), {"rsp": 0x100, "rbp": 0x1234, "rip": 0x101},
        ram=[(0x300fe, "3412")], sregs=RS),
    vec("pushf 16-bit", "real", "9c", R(rsp=0x100, rflags=0x8d7), {"rsp": 0xfe, "rip": 0x101},
        ram=[(0x300fe, "0000")], fram=[(0x300fe, "d708")], sregs=RS),
    vec("popf sets iopl and nt in real mode", "real", "9d", R(rsp=0xfe), {"rsp": 0x100, "rip": 0x101, "rflags": 0x72d7},
        ram=[(0x300fe, "d572")], sregs=RS),
    vec("cli in real mode", "real", "fa", R(rflags=0x202), {"rflags": 0x2, "rip": 0x101}, sregs=RS),
    vec("instruction crossing cs limit is #GP", "real", "89c0", R(rip=0xffff), {}, sregs=RS, exc={"vector": 13}),
    vec("hlt in real mode", "real", "f4", R(), {"rip": 0x101}, sregs=RS),
    vec("aaa after add", "real", "37", R(rax=0x000b, rflags=0x2), {"rax": 0x0101, "rip": 0x101, "rflags": 0x13},
        sregs=RS, undefined=["of", "sf", "zf", "pf"]),
    vec("daa", "real", "27", R(rax=0x2f), {"rax": 0x35, "rip": 0x101, "rflags": 0x16}, sregs=RS, undefined=["of"]),
    vec("mov r/m16,ss", "real", "8cd0", R(rax=0xffff0000), {"rax": 0xffff3000, "rip": 0x102}, sregs=RS),
    vec("mov [bx],ds writes a word", "real", "8c1f", R(rbx=0x10), {"rip": 0x102},
        ram=[(0x20010, "ffffffff")], fram=[(0x20010, "0020ffff")], sregs=RS),
]

# ------------------------------------------------------ 16-bit protected mode
# Flat 4 GiB segments unless a test says otherwise; code at 0x1000.
P = lambda **kw: dict({"rip": 0x1000}, **kw)
CODE16 = seg(0x08, 0, 0xffffffff, 0x809b)       # 16-bit code, G=1, D=0
STACK16 = seg(0x10, 0, 0xffff, 0x0093)          # 16-bit stack (B=0), 64 KiB
FLAT16 = {"cs": CODE16, "ss": STACK16, "ds": seg(0x18, 0, 0xffffffff, 0xc093), "es": seg(0x18, 0, 0xffffffff, 0xc093)}
prot16 = []


def with_ds(ds):
    s = dict(FLAT16)
    s["ds"] = ds
    return s


prot16 += [
    vec("mov ax,[bx+si] 16-bit addressing", "prot16", "8b00", P(rbx=0x2000, rsi=0x10), {"rax": 0x6655, "rip": 0x1002},
        ram=[(0x2010, "5566")], sregs=FLAT16),
    vec("mov eax,[bx] 66 operand size", "prot16", "668b07", P(rbx=0x2000), {"rax": 0x44332211, "rip": 0x1003},
        ram=[(0x2000, "11223344")], sregs=FLAT16),
    vec("push ax uses sp when ss.b=0", "prot16", "50", P(rax=0x1234, rsp=0x12340000), {"rsp": 0x1234fffe, "rip": 0x1001},
        ram=[(0xfffe, "0000")], fram=[(0xfffe, "3412")], sregs=FLAT16),
    vec("ds limit exceeded is #GP(0)", "prot16", "8b07", P(rbx=0x0fff),
        {}, sregs=with_ds(seg(0x18, 0x2000, 0x0fff, 0x0093)), ram=[(0x2ffe, "0000")], exc={"vector": 13, "error_code": 0}),
    vec("ds limit last byte ok", "prot16", "8a07", P(rbx=0x0fff, rax=0),
        {"rax": 0x5a, "rip": 0x1002}, sregs=with_ds(seg(0x18, 0x2000, 0x0fff, 0x0093)), ram=[(0x2fff, "5a")]),
    vec("ss limit exceeded is #SS(0)", "prot16", "8b4600", P(rbp=0x1000),
        {}, sregs=dict(FLAT16, ss=seg(0x10, 0x3000, 0x0fff, 0x0093)), exc={"vector": 12, "error_code": 0}),
    vec("expand-down below limit is #GP", "prot16", "8b07", P(rbx=0x0800),
        {}, sregs=with_ds(seg(0x18, 0x4000, 0x0fff, 0x0097)), exc={"vector": 13, "error_code": 0}),
    vec("expand-down above limit ok", "prot16", "8b07", P(rbx=0x1000), {"rax": 0x7788, "rip": 0x1002},
        sregs=with_ds(seg(0x18, 0x4000, 0x0fff, 0x0097)), ram=[(0x5000, "8877")]),
    vec("expand-down 16-bit top is 0xffff", "prot16", "668b07", P(rbx=0xfffd),
        {}, sregs=with_ds(seg(0x18, 0x4000, 0x0fff, 0x0097)), exc={"vector": 13, "error_code": 0}),
    vec("write to read-only data is #GP", "prot16", "8907", P(rbx=0x10),
        {}, sregs=with_ds(seg(0x18, 0x2000, 0xffff, 0x0091)), exc={"vector": 13, "error_code": 0}),
    vec("read through read-only data ok", "prot16", "8b07", P(rbx=0x10), {"rax": 0x0bad, "rip": 0x1002},
        sregs=with_ds(seg(0x18, 0x2000, 0xffff, 0x0091)), ram=[(0x2010, "ad0b")]),
    vec("null ds is #GP(0)", "prot16", "8b07", P(rbx=0x10), {}, sregs=with_ds("0x0"), exc={"vector": 13, "error_code": 0}),
    vec("write via cs override is #GP", "prot16", "2e8907", P(rbx=0x10), {}, sregs=FLAT16, exc={"vector": 13, "error_code": 0}),
    vec("read via cs override of readable code", "prot16", "2e8b07", P(rbx=0x2000), {"rax": 0x3412, "rip": 0x1003},
        sregs=FLAT16, ram=[(0x2000, "1234")]),
    vec("execute-only code read is #GP", "prot16", "2e8b07", P(rbx=0x2000), {},
        sregs=dict(FLAT16, cs=seg(0x08, 0, 0xffffffff, 0x8099)), ram=[(0x2000, "1234")], exc={"vector": 13, "error_code": 0}),
    vec("jmp beyond cs limit is #GP", "prot16", "e90010", P(), {},
        sregs=dict(FLAT16, cs=seg(0x08, 0, 0x1fff, 0x009b)), exc={"vector": 13, "error_code": 0}),
    vec("jmp short target truncated to 16 bits", "prot16", "eb10", P(rip=0xfff0), {"rip": 0x0002}, sregs=FLAT16,
        ram=[(0xfff0, "eb10")]),
    vec("jmp rel32 with 66 keeps 32 bits", "prot16", "66e900000100", P(), {"rip": 0x11006}, sregs=FLAT16),
    vec("ret with 66 pops eip", "prot16", "66c3", P(rsp=0x100), {"rsp": 0x104, "rip": 0x12345},
        ram=[(0x100, "45230100")], sregs=FLAT16),
    vec("lea with 16-bit address wrap", "prot16", "8d4001", P(rbx=0xffff, rsi=0, rax=0xaaaa0000), {"rax": 0xaaaa0000, "rip": 0x1003},
        sregs=FLAT16),
    vec("lea eax with 67 32-bit address", "prot16", "66678d0418", P(rax=0x10000, rbx=0x1), {"rax": 0x10001, "rip": 0x1005},
        sregs=FLAT16),
    vec("cli at cpl3 iopl0 is #GP", "prot16", "fa", P(rflags=0x202), {}, cpl=3,
        sregs={"cs": seg(0x0b, 0, 0xffffffff, 0x80fb), "ss": seg(0x13, 0, 0xffff, 0x00f3)}, exc={"vector": 13, "error_code": 0}),
    vec("cli at cpl3 iopl3 ok", "prot16", "fa", P(rflags=0x3202), {"rflags": 0x3002, "rip": 0x1001}, cpl=3,
        sregs={"cs": seg(0x0b, 0, 0xffffffff, 0x80fb), "ss": seg(0x13, 0, 0xffff, 0x00f3)}),
    vec("popf at cpl3 keeps iopl and if", "prot16", "9d", P(rsp=0x100, rflags=0x202), {"rsp": 0x102, "rip": 0x1001, "rflags": 0x2d7},
        ram=[(0x100, "d730")], cpl=3,
        sregs={"cs": seg(0x0b, 0, 0xffffffff, 0x80fb), "ss": seg(0x13, 0, 0xffff, 0x00f3)}),
    vec("hlt at cpl3 is #GP", "prot16", "f4", P(), {}, cpl=3,
        sregs={"cs": seg(0x0b, 0, 0xffffffff, 0x80fb), "ss": seg(0x13, 0, 0xffff, 0x00f3)}, exc={"vector": 13, "error_code": 0}),
]

# ----------------------------------------------- 64-bit: the CPU model itself
L = lambda **kw: dict({"rip": 0x1000}, **kw)
model = [
    # highest basic leaf 16h: the clock leaves 15h/16h
    vec("cpuid leaf 0 vendor", "long64", "0fa2", L(rax=0), {"rax": 0x16, "rbx": 0x756e6547, "rdx": 0x49656e69, "rcx": 0x6c65746e, "rip": 0x1002}),
    # leaf 1 ECX: CX16 PCID MOVBE POPCNT TSC-DEADLINE; EDX: DE PSE TSC MSR PAE MCE CX8 APIC SEP MTRR PGE MCA CMOV PAT PSE36
    vec("cpuid leaf 1 signature and features", "long64", "0fa2", L(rax=1, rcx=0xffffffffffffffff),
        {"rax": 0x50654, "rbx": 0x10800, "rcx": 0x1c22000, "rdx": 0x3fbfc, "rip": 0x1002}),
    # leaf 6 EAX: ARAT (the APIC timer runs in every C-state)
    vec("cpuid leaf 6 arat", "long64", "0fa2", L(rax=6), {"rax": 4, "rbx": 0, "rcx": 0, "rdx": 0, "rip": 0x1002}),
    vec("cpuid reserved leaf 0bh reads zero", "long64", "0fa2", L(rax=0xb, rcx=0, rbx=1, rdx=1), {"rax": 0, "rbx": 0, "rcx": 0, "rdx": 0, "rip": 0x1002}),
    vec("cpuid reserved leaf 14h reads zero", "long64", "0fa2", L(rax=0x14, rcx=0), {"rax": 0, "rbx": 0, "rcx": 0, "rdx": 0, "rip": 0x1002}),
    # leaf 15h at the default 2 GHz TSC: 25 MHz crystal, ratio 80/1 (TSC = ECX * EBX / EAX)
    vec("cpuid leaf 15h tsc/crystal ratio", "long64", "0fa2", L(rax=0x15), {"rax": 1, "rbx": 80, "rcx": 25000000, "rdx": 0, "rip": 0x1002}),
    # leaf 16h at the default 2 GHz core: base 2000 MHz, max 2000 MHz, bus 100 MHz
    vec("cpuid leaf 16h core and bus mhz", "long64", "0fa2", L(rax=0x16), {"rax": 2000, "rbx": 2000, "rcx": 100, "rdx": 0, "rip": 0x1002}),
    # leaf 7.0 EBX: FSGSBASE BMI1 SMEP BMI2 INVPCID ADX SMAP; ECX: UMIP
    vec("cpuid leaf 7 fsgsbase bmi1 smep bmi2 invpcid adx smap umip", "long64", "0fa2", L(rax=7, rcx=0),
        {"rax": 0, "rbx": 0x180589, "rcx": 4, "rdx": 0, "rip": 0x1002}),
    vec("cpuid leaf 7 subleaf 1 is zero", "long64", "0fa2", L(rax=7, rcx=1, rbx=5), {"rax": 0, "rbx": 0, "rcx": 0, "rdx": 0, "rip": 0x1002}),
    # EDX: SYSCALL NX 1GB-pages RDTSCP LM
    vec("cpuid 80000001 syscall nx 1g rdtscp lm lahf lzcnt", "long64", "0fa2", L(rax=0x80000001),
        {"rax": 0, "rbx": 0, "rcx": 0x121, "rdx": 0x2c100800, "rip": 0x1002}),
    # Intel reports SYSCALL/SYSRET only when CPUID runs in 64-bit mode (where they exist).
    vec("cpuid 80000001 in compatibility mode has no syscall bit (intel)", "compat32", "0fa2", L(rax=0x80000001),
        {"rax": 0, "rbx": 0, "rcx": 0x121, "rdx": 0x2c100000, "rip": 0x1002}),
    vec("cpuid 80000008 address sizes", "long64", "0fa2", L(rax=0x80000008), {"rax": 0x3027, "rbx": 0, "rcx": 0, "rdx": 0, "rip": 0x1002}),
    vec("cpuid beyond max returns highest basic leaf", "long64", "0fa2", L(rax=0x1234, rcx=0),
        {"rax": 2000, "rbx": 2000, "rcx": 100, "rdx": 0, "rip": 0x1002}),
    vec("cpuid reserved leaf 2 reads zero", "long64", "0fa2", L(rax=2, rbx=1, rcx=1, rdx=1), {"rax": 0, "rbx": 0, "rcx": 0, "rdx": 0, "rip": 0x1002}),
    vec("cpuid clears upper halves", "long64", "0fa2", L(rax=0xffffffff00000000, rbx=0xffffffffffffffff),
        {"rax": 0x16, "rbx": 0x756e6547, "rdx": 0x49656e69, "rcx": 0x6c65746e, "rip": 0x1002}),
    vec("rdtsc at reset is virtual time 0", "long64", "0f31", L(rax=0xffffffffffffffff, rdx=0xffffffffffffffff),
        {"rax": 0, "rdx": 0, "rip": 0x1002}),
    vec("rdtsc with cr4.tsd at cpl3 is #GP", "long64", "0f31", L(), {}, cpl=3, control={"cr4": 0x24},
        exc={"vector": 13, "error_code": 0}),
    vec("rdtsc with cr4.tsd at cpl0 ok", "long64", "0f31", L(), {"rip": 0x1002}, control={"cr4": 0x24}),
    vec("rdtscp reads tsc_aux", "long64", "0f01f9", L(rcx=0xffffffffffffffff), {"rax": 0, "rdx": 0, "rcx": 0, "rip": 0x1003}),
    vec("hlt at cpl3 is #GP", "long64", "f4", L(), {}, cpl=3, exc={"vector": 13, "error_code": 0}),
    vec("cli at cpl3 iopl0 is #GP", "long64", "fa", L(rflags=0x202), {}, cpl=3, exc={"vector": 13, "error_code": 0}),
    vec("sti at cpl0", "long64", "fb", L(rflags=0x2), {"rflags": 0x202, "rip": 0x1001}),
    vec("int3 is a trap after the instruction", "long64", "cc", L(), {"rip": 0x1001}, exc={"vector": 3}),
    vec("x87 is #UD (not reported in cpuid)", "long64", "d9e8", L(), {}, exc={"vector": 6}),
    vec("sse is #UD (not reported in cpuid)", "long64", "0f28c1", L(), {}, exc={"vector": 6}),
    vec("avx is #UD (not reported in cpuid)", "long64", "c5f877", L(), {}, exc={"vector": 6}),
    vec("rex before vex is #UD", "long64", "40c4e278f2c0", L(), {}, exc={"vector": 6}),
    vec("bmi vex.l=1 is #UD", "long64", "c4e27cf2c0", L(), {}, exc={"vector": 6}),
    vec("lock nop is #UD", "long64", "f090", L(), {}, exc={"vector": 6}),
    vec("8f /1 (xop on amd) is #UD on intel", "long64", "8fc8", L(), {}, exc={"vector": 6}),
    vec("jmp near with 66 ignores it on intel (rel32 follows)", "long64", "66e900010000", L(), {"rip": 0x1000 + 6 + 0x100}),
    vec("call near with 66 pushes 8 bytes on intel", "long64", "66e800000000", L(rsp=0x2000), {"rsp": 0x1ff8, "rip": 0x1006},
        ram=[(0x1ff8, "00" * 8)], fram=[(0x1ff8, "0610000000000000")]),
    vec("ret with 66 pops 8 bytes on intel", "long64", "66c3", L(rsp=0x2000), {"rsp": 0x2008, "rip": 0x123456789a},
        ram=[(0x2000, "9a78563412000000")]),
]

for path, vs in (("real/handwritten.jsonl", real), ("prot16/handwritten.jsonl", prot16),
                 ("long64/cpu-model.jsonl", model)):
    write(path, vs)
