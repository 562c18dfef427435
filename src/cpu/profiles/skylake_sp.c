/*
 * Intel Xeon Scalable, first generation (Skylake-SP, 2017): the default
 * profile. Every number names its source; docs/timing-model.md discusses
 * them. "estimate" marks a number no published measurement gives: the
 * comment next to it says how it was chosen.
 */
#include "cpu/timing.h"

static const struct timing_source sources[] = {
    { "agner", "A. Fog, Instruction tables (2022), Skylake-X section: latency of the "
               "register form; https://www.agner.org/optimize/instruction_tables.pdf" },
    { "agner-ma", "A. Fog, The microarchitecture of Intel, AMD and VIA CPUs (2022), "
                  "section 11 (Skylake): branches, TLB; https://www.agner.org/optimize/" },
    { "intel-opt", "Intel 64 and IA-32 Architectures Optimization Reference Manual "
                   "(248966-046), section 2.2 (Skylake server microarchitecture): cache "
                   "and TLB parameters, PAUSE latency, fast strings (3.7.6)" },
    { "stecklina", "J. Stecklina, 1001 Ways of Implementing a System Call (2019), "
                   "https://x86.lol/generic/2019/07/04/kernel-entry.html and "
                   "github.com/blitz/kernel_entry_benchmark: hardware-only round trips on a "
                   "Skylake Xeon (SYSCALL+SYSRET 76, SYSENTER+SYSEXIT 73, INT+IRETQ through a "
                   "64-bit interrupt gate 614, far CALL+RET through a call gate 456)" },
    { "lpc", "Intel Low Pin Count Interface Specification 1.1: an I/O cycle takes 13 LPC "
             "clocks at 33 MHz (about 390 ns, about 800 cycles at 2 GHz)" },
    { "estimate", "no published figure: chosen as the comment in "
                  "src/cpu/profiles/skylake_sp.c and docs/timing-model.md explain" },
    { NULL, NULL },
};

const struct timing_profile timing_profile_skylake_sp = {
    .name = "skylake-sp",
    .description = "Intel Xeon Scalable (Skylake-SP) at about 2 GHz",
    /* ITLB 128 entries 8-way, DTLB 64 entries 4-way, STLB 1536 entries 12-way. */
    .itlb = { 128, 8 }, .dtlb = { 64, 4 }, .stlb = { 1536, 12 },
    .tlb_source = "intel-opt",
    .sources = sources,
    .cost = {
        [T_ALU]             = { 1, "agner" },       /* ADD r,r latency 1 */
        [T_IMUL]            = { 3, "agner" },       /* IMUL r64,r64 latency 3 */
        [T_DIV8]            = { 23, "agner" },      /* DIV r8 latency 23 */
        [T_DIV16]           = { 23, "agner" },      /* DIV r16 latency 23 */
        [T_DIV32]           = { 26, "agner" },      /* DIV r32 latency 26 */
        [T_DIV64]           = { 35, "agner" },      /* DIV r64 35-88 by value: the low end */
        [T_MICROCODED]      = { 10, "estimate" },   /* 4-20 uops from the microcode ROM */
        [T_LOAD]            = { 1, "agner" },       /* 2 loads per cycle; OoO hides the 4-5 latency */
        [T_STORE]           = { 1, "agner" },       /* one store per cycle into the store buffer */
        [T_LOCKED]          = { 18, "agner" },      /* LOCK ADD m,r / XCHG m,r latency ~18 */
        [T_BRANCH]          = { 1, "agner" },       /* Jcc not taken: 1-2 per cycle */
        [T_BRANCH_TAKEN]    = { 1, "agner-ma" },    /* taken branches: one per 1-2 cycles */
        [T_BRANCH_INDIRECT] = { 2, "agner" },       /* JMP r / RET reciprocal throughput 2 */
        [T_STRING_STARTUP]  = { 35, "intel-opt" },  /* REP MOVS/STOS start-up, 3.7.6 */
        [T_STRING_BYTES]    = { 32, "intel-opt" },  /* fast strings: 32 bytes per cycle in L1 */
        /* A page or more: one core's DRAM bandwidth, ~12 GB/s at 2 GHz. */
        [T_STRING_STREAM_BYTES] = { 6, "estimate" },
        [T_STRING_ITER]     = { 2, "agner" },       /* REP LODS/CMPS/SCAS: ~2 per element */
        [T_PORT_IO]         = { 800, "lpc" },       /* an LPC I/O cycle */
        [T_CPUID]           = { 100, "agner" },     /* CPUID 100-250: the low end */
        [T_RDMSR]           = { 100, "estimate" },  /* serialising microcode, like CPUID */
        [T_WRMSR]           = { 150, "estimate" },  /* serialising; more than RDMSR */
        [T_RDTSC]           = { 25, "agner" },      /* RDTSC reciprocal throughput 25 */
        [T_RDTSCP]          = { 32, "agner" },      /* RDTSCP 32 */
        [T_PAUSE]           = { 140, "intel-opt" }, /* PAUSE latency ~140 from Skylake on */
        [T_MOV_CR]          = { 30, "estimate" },   /* serialising: pipeline drain ~ 20-40 */
        [T_MOV_FROM_CR]     = { 2, "estimate" },    /* not serialising */
        [T_MOV_DR]          = { 20, "estimate" },   /* MOV to DR is serialising */
        [T_DESC_TABLE]      = { 30, "estimate" },   /* serialising, like MOV to CR0 */
        [T_SEG_LOAD]        = { 20, "agner" },      /* MOV sreg,r ~20 in protected mode */
        [T_FLAGS_SYSTEM]    = { 9, "estimate" },    /* POPF/CLI/STI microcode sequences */
        [T_INVLPG]          = { 120, "estimate" },  /* plus refilling the page */
        [T_CACHE_FLUSH]     = { 2000, "estimate" }, /* WBINVD: writes back dirty lines */
        [T_SWAPGS]          = { 10, "estimate" },   /* two MSR-like register moves */
        /* SYSCALL+SYSRETQ is 76 with the loop's DEC+JNZ (3 here): 73, split evenly. */
        [T_SYSCALL]         = { 37, "stecklina" },
        [T_SYSRET]          = { 36, "stecklina" },
        /* SYSENTER+SYSEXITQ 73 with the loop: 70, split evenly. */
        [T_SYSENTER]        = { 35, "stecklina" },
        [T_SYSEXIT]         = { 35, "stecklina" },
        /* INT n+IRETQ 614 with the loop: 611, split evenly. */
        [T_INT_PRIV]        = { 306, "stecklina" },
        [T_IRET_OUTER]      = { 305, "stecklina" },
        /* Without the privilege change the CPU reads no TSS and loads no SS:
         * about a third less (estimate). */
        [T_INT_SAME]        = { 200, "estimate" },
        [T_IRET_SAME]       = { 200, "estimate" },
        [T_INT_REAL]        = { 40, "estimate" },   /* IVT: two loads, three pushes */
        [T_INTR_ACK]        = { 100, "estimate" },  /* APIC vector fetch, on top of delivery */
        [T_FAR_BRANCH]      = { 50, "estimate" },   /* a descriptor load plus a branch */
        /* Far CALL+RET through a call gate 456 with the loop: 453, split evenly. */
        [T_CALL_GATE]       = { 227, "stecklina" },
        [T_FAR_RET_OUTER]   = { 226, "stecklina" },
        [T_CR3_FLUSH]       = { 200, "estimate" },  /* on top of MOV_CR: flush + serialise */
        [T_CR3_NOFLUSH]     = { 60, "estimate" },   /* PCID, bit 63: no flush */
        [T_MODE_SWITCH]     = { 50, "estimate" },
        [T_STLB_HIT]        = { 9, "agner-ma" },    /* L1 DTLB miss, STLB hit: ~9 */
        [T_WALK_LEVEL]      = { 6, "estimate" },    /* an entry from L1/L2 with the PDE caches */
    },
};
