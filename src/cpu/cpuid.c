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

static const struct cpuid_leaf cpuid_table[] = {
    /* Max basic leaf and vendor "GenuineIntel" (EBX, EDX, ECX). */
    { 0x0, 0, false, 0x7, 0x756e6547, 0x6c65746e, 0x49656e69 },
    /* Signature; EBX: CLFLUSH line 8*8 bytes, 1 logical CPU, APIC ID 0. */
    { 0x1, 0, false, CPUID_SIGNATURE, 0x00010800,
      C1_ECX_CX16 | C1_ECX_PCID | C1_ECX_MOVBE | C1_ECX_POPCNT,
      C1_EDX_DE | C1_EDX_PSE | C1_EDX_TSC | C1_EDX_MSR | C1_EDX_PAE | C1_EDX_MCE | C1_EDX_CX8 |
      C1_EDX_SEP | C1_EDX_MTRR | C1_EDX_PGE | C1_EDX_MCA | C1_EDX_CMOV | C1_EDX_PAT | C1_EDX_PSE36 },
    /* Structured extended features, subleaf 0 (EAX: max subleaf 0). */
    { 0x7, 0, true, 0,
      C7_EBX_FSGSBASE | C7_EBX_BMI1 | C7_EBX_SMEP | C7_EBX_BMI2 | C7_EBX_INVPCID | C7_EBX_ADX |
      C7_EBX_SMAP,
      C7_ECX_UMIP, 0 },
    { 0x80000000, 0, false, 0x80000008, 0, 0, 0 },
    { 0x80000001, 0, false, 0, 0, CX1_ECX_LAHF | CX1_ECX_ABM | CX1_ECX_PREFETCHW,
      CX1_EDX_SYSCALL | CX1_EDX_NX | CX1_EDX_1GB | CX1_EDX_RDTSCP | CX1_EDX_LM },
    /* Address sizes: 39 physical bits, 48 linear bits. */
    { 0x80000008, 0, false, 0x00003027, 0, 0, 0 },
};

static const char brand[48] = "ringscope virtual x86-64 CPU";

/* Fill eax..edx for `leaf`/`subleaf`. Leaves below the maximum that the table
 * does not list are reserved and read as zero; a leaf above the maximum basic
 * or extended leaf returns the highest basic leaf, as Intel processors do
 * (SDM CPUID, "INPUT EAX = 0: Returns CPUID's Highest Value..."). */
void cpuid_query(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
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

/* CPUID (0F A2). Intel processors report SYSCALL/SYSRET (80000001h
 * EDX[11]) only when CPUID executes in 64-bit mode, the only mode where
 * they exist on Intel (SDM CPUID: "SYSCALL/SYSRET available in 64-bit
 * mode"); elsewhere the bit reads 0. */
void op_cpuid(struct cpu *cpu, const struct insn *in)
{
    uint32_t r[4], leaf = (uint32_t)cpu->gpr[R_AX];
    cpuid_query(leaf, (uint32_t)cpu->gpr[R_CX], r);
    if (leaf == 0x80000001 && cpu->mode != MODE_LONG64)
        r[3] &= ~CX1_EDX_SYSCALL;
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
