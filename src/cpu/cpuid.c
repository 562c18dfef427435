/*
 * CPUID, RDTSC and RDTSCP.
 *
 * The CPU model is a table: every leaf reports exactly what ringscope
 * implements, so a guest that checks CPUID never reaches an instruction that
 * would #UD. docs/cpu-model.md lists each bit and why it is set.
 */
#include <string.h>

#include "cpu/operand.h"

struct cpuid_leaf {
    uint32_t leaf, subleaf;
    bool by_subleaf;            /* ECX selects a subleaf */
    uint32_t eax, ebx, ecx, edx;
};

/* Family 6, model 0x55, stepping 4: the Skylake-SP Xeon that the timing
 * profile's reference figures come from. */
#define CPUID_SIGNATURE 0x00050654u

/* Leaf 1 feature bits. */
#define C1_EDX_DE      (1u << 2)    /* CR4.DE: DR4/DR5 #UD */
#define C1_EDX_PSE     (1u << 3)
#define C1_EDX_TSC     (1u << 4)
#define C1_EDX_MSR     (1u << 5)    /* RDMSR/WRMSR */
#define C1_EDX_PAE     (1u << 6)
#define C1_EDX_MCE     (1u << 7)    /* CR4.MCE (no #MC is ever raised) */
#define C1_EDX_CX8     (1u << 8)
#define C1_EDX_APIC    (1u << 9)    /* on-chip local APIC (0 while IA32_APIC_BASE[11] = 0) */
#define C1_EDX_SEP     (1u << 11)   /* SYSENTER/SYSEXIT */
#define C1_EDX_MTRR    (1u << 12)   /* MTRR MSRs (stored; no caches modelled) */
#define C1_EDX_PGE     (1u << 13)
#define C1_EDX_MCA     (1u << 14)   /* MCG_CAP/MCG_STATUS, zero banks */
#define C1_EDX_CMOV    (1u << 15)
#define C1_EDX_PAT     (1u << 16)
#define C1_EDX_PSE36   (1u << 17)   /* 4 MiB pages above 4 GiB in 32-bit paging */
#define C1_ECX_CX16    (1u << 13)
#define C1_ECX_PCID    (1u << 17)
#define C1_ECX_MOVBE   (1u << 22)
#define C1_ECX_POPCNT  (1u << 23)
#define C1_ECX_TSC_DEADLINE (1u << 24)  /* LVT timer TSC-deadline mode, IA32_TSC_DEADLINE */
/* Leaf 6 EAX. */
#define C6_EAX_ARAT    (1u << 2)    /* the APIC timer runs in every C-state */
/* Leaf 7.0 EBX, ECX. */
#define C7_EBX_FSGSBASE (1u << 0)
#define C7_EBX_BMI1    (1u << 3)
#define C7_EBX_SMEP    (1u << 7)
#define C7_EBX_BMI2    (1u << 8)
#define C7_EBX_INVPCID (1u << 10)
#define C7_EBX_ADX     (1u << 19)
#define C7_EBX_SMAP    (1u << 20)
#define C7_ECX_UMIP    (1u << 2)
/* Leaf 80000001h. */
#define CX1_ECX_LAHF   (1u << 0)
#define CX1_ECX_ABM    (1u << 5)    /* LZCNT */
#define CX1_ECX_PREFETCHW (1u << 8)
#define CX1_EDX_SYSCALL (1u << 11)  /* reported in 64-bit mode only (op_cpuid) */
#define CX1_EDX_NX     (1u << 20)
#define CX1_EDX_1GB    (1u << 26)
#define CX1_EDX_RDTSCP (1u << 27)
#define CX1_EDX_LM     (1u << 29)

/* The core crystal clock reported in leaf 15h (Hz): 25 MHz, the nominal
 * crystal the SDM lists for signature 06_55H (Vol. 3B, "Determining the
 * Processor Base Frequency"); the local APIC timer counts it
 * (devices/lapic.h). */
#define CPUID_CRYSTAL_HZ 25000000u
/* The bus (reference) clock reported in leaf 16h ECX, MHz. */
#define CPUID_BUS_MHZ 100u

static const struct cpuid_leaf cpuid_table[] = {
    /* Max basic leaf (16h: the clock leaves 15h/16h) and vendor
     * "GenuineIntel" (EBX, EDX, ECX). */
    { 0x0, 0, false, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69 },
    /* Signature; EBX: CLFLUSH line 8*8 bytes, 1 logical CPU, APIC ID 0. */
    { 0x1, 0, false, CPUID_SIGNATURE, 0x00010800,
      C1_ECX_CX16 | C1_ECX_PCID | C1_ECX_MOVBE | C1_ECX_POPCNT | C1_ECX_TSC_DEADLINE,
      C1_EDX_DE | C1_EDX_PSE | C1_EDX_TSC | C1_EDX_MSR | C1_EDX_PAE | C1_EDX_MCE | C1_EDX_CX8 |
      C1_EDX_APIC | C1_EDX_SEP | C1_EDX_MTRR | C1_EDX_PGE | C1_EDX_MCA | C1_EDX_CMOV |
      C1_EDX_PAT | C1_EDX_PSE36 },
    /* Thermal and power management: only ARAT (the APIC timer does not
     * stop in deep C-states: there are none). */
    { 0x6, 0, false, C6_EAX_ARAT, 0, 0, 0 },
    /* Structured extended features, subleaf 0 (EAX: max subleaf 0). */
    { 0x7, 0, true, 0,
      C7_EBX_FSGSBASE | C7_EBX_BMI1 | C7_EBX_SMEP | C7_EBX_BMI2 | C7_EBX_INVPCID | C7_EBX_ADX |
      C7_EBX_SMAP,
      C7_ECX_UMIP, 0 },
    { 0x80000000, 0, false, 0x80000008, 0, 0, 0 },
    { 0x80000001, 0, false, 0, 0, CX1_ECX_LAHF | CX1_ECX_ABM | CX1_ECX_PREFETCHW,
      CX1_EDX_SYSCALL | CX1_EDX_NX | CX1_EDX_1GB | CX1_EDX_RDTSCP | CX1_EDX_LM },
    /* Address sizes: 39 physical bits, 48 linear bits. */
    /* Invariant TSC (EDX[8]): the TSC is virtual time at a constant rate. */
    { 0x80000007, 0, false, 0, 0, 0, 1u << 8 },
    { 0x80000008, 0, false, 0x00003027, 0, 0, 0 },
};

static const char brand[48] = "ringscope virtual x86-64 CPU";

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Leaves 15h and 16h describe the configured clocks (cpu->tsc_hz,
 * cpu->cpu_hz), so a guest can calibrate without measuring.
 * 15h (SDM CPUID, "Time Stamp Counter and Nominal Core Crystal Clock"):
 * EAX/EBX = the TSC/crystal ratio, reduced; ECX = the crystal in Hz; TSC Hz
 * = ECX * EBX / EAX exactly (2 GHz: 80/1). A numerator that does not fit 32
 * bits (a TSC rate above 4.29 GHz with an awkward ratio) is halved with
 * the denominator until it does: then the ratio is approximate. 16h: EAX base and EBX maximum core MHz (no turbo: equal), ECX bus
 * MHz. Without clocks (cpuid_query alone) both read 0. */
static void clock_leaf(uint32_t leaf, uint64_t cpu_hz, uint64_t tsc_hz, uint32_t out[4])
{
    if (leaf == 0x15 && tsc_hz) {
        uint64_t num = tsc_hz, den = CPUID_CRYSTAL_HZ;
        uint64_t g = gcd64(num, den);
        num /= g;
        den /= g;
        while (num > UINT32_MAX) {      /* keep the ratio within 32 bits */
            num = (num + 1) / 2;
            den = (den + 1) / 2;
        }
        out[0] = (uint32_t)(den ? den : 1);
        out[1] = (uint32_t)num;
        out[2] = CPUID_CRYSTAL_HZ;
    } else if (leaf == 0x16 && cpu_hz) {
        uint64_t mhz = cpu_hz / 1000000;
        out[0] = out[1] = (uint32_t)(mhz > 0xffff ? 0xffff : mhz);
        out[2] = CPUID_BUS_MHZ;
    }
}

/* Fill eax..edx for `leaf`/`subleaf`, with the clock leaves from cpu_hz and
 * tsc_hz. Leaves below the maximum that the table does not list (2-5,
 * 8-14h) are reserved and read as zero; a leaf above the maximum basic or
 * extended leaf returns the highest basic leaf, as Intel processors do
 * (SDM CPUID, "INPUT EAX = 0: Returns CPUID's Highest Value..."). */
static void cpuid_lookup(uint32_t leaf, uint32_t subleaf, uint64_t cpu_hz, uint64_t tsc_hz,
                         uint32_t out[4])
{
    uint32_t max_basic = cpuid_table[0].eax, max_ext = 0x80000008;
    if ((leaf < 0x80000000 && leaf > max_basic) || leaf > max_ext ||
        (leaf >= 0x40000000 && leaf < 0x80000000))
        leaf = max_basic;
    if (leaf >= 0x80000002 && leaf <= 0x80000004) {
        memcpy(out, brand + 16 * (leaf - 0x80000002), 16);
        return;
    }
    memset(out, 0, 4 * sizeof(uint32_t));
    if (leaf == 0x15 || leaf == 0x16) {
        clock_leaf(leaf, cpu_hz, tsc_hz, out);
        return;
    }
    for (size_t i = 0; i < sizeof(cpuid_table) / sizeof(cpuid_table[0]); i++) {
        const struct cpuid_leaf *l = &cpuid_table[i];
        if (l->leaf == leaf && (!l->by_subleaf || l->subleaf == subleaf)) {
            out[0] = l->eax;
            out[1] = l->ebx;
            out[2] = l->ecx;
            out[3] = l->edx;
            return;
        }
    }
}

/* The model without a CPU's clocks: leaves 15h and 16h read 0. */
void cpuid_query(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    cpuid_lookup(leaf, subleaf, 0, 0, out);
}

/* CPUID (0F A2). Intel processors report SYSCALL/SYSRET (80000001h
 * EDX[11]) only when CPUID executes in 64-bit mode, the only mode where
 * they exist on Intel (SDM CPUID: "SYSCALL/SYSRET available in 64-bit
 * mode"); elsewhere the bit reads 0. With the local APIC globally disabled
 * (IA32_APIC_BASE[11] = 0) leaf 1 reports no APIC (SDM Vol. 3A 11.4.3). */
void op_cpuid(struct cpu *cpu, const struct insn *in)
{
    uint32_t r[4], leaf = (uint32_t)cpu->gpr[R_AX];
    cpuid_lookup(leaf, (uint32_t)cpu->gpr[R_CX], cpu->cpu_hz, cpu->tsc_hz, r);
    if (leaf == 0x80000001 && cpu->mode != MODE_LONG64)
        r[3] &= ~CX1_EDX_SYSCALL;
    if (leaf == 1 && !(cpu->msr.apic_base & (1u << 11)))
        r[3] &= ~C1_EDX_APIC;
    reg_write(cpu, R_AX, 4, r[0]);
    reg_write(cpu, R_BX, 4, r[1]);
    reg_write(cpu, R_CX, 4, r[2]);
    reg_write(cpu, R_DX, 4, r[3]);
}

/* The time-stamp counter is virtual time (see docs/architecture.md): until
 * the timing model exists, one cycle per retired instruction. */
static uint64_t read_tsc(const struct cpu *cpu)
{
    return cpu_tsc(cpu);
}

/* RDTSC/RDTSCP: #GP(0) when CR4.TSD is set and CPL > 0. */
void op_rdtsc(struct cpu *cpu, const struct insn *in)
{
    if ((cpu->cr4 & CR4_TSD) && cpu->cpl > 0 && cpu->mode != MODE_REAL)
        raise_gp0(cpu);
    uint64_t tsc = read_tsc(cpu);
    reg_write(cpu, R_AX, 4, tsc & 0xffffffffu);
    reg_write(cpu, R_DX, 4, tsc >> 32);
}

void op_rdtscp(struct cpu *cpu, const struct insn *in)
{
    op_rdtsc(cpu, in);
    reg_write(cpu, R_CX, 4, cpu->msr.tsc_aux & 0xffffffffu);
}
