/*
 * One cycle per instruction, for comparison (and what ringscope did before
 * it had a timing model): every instruction, delivery and transition costs
 * one cycle, memory and branches nothing extra, no TLB model.
 */
#include "cpu/timing.h"

static const struct timing_source sources[] = {
    { "definition", "one cycle per retired instruction or delivered event, by definition" },
    { NULL, NULL },
};

#define ONE { 1, "definition" }
#define NONE { 0, "definition" }

const struct timing_profile timing_profile_one_cycle = {
    .name = "one-cycle",
    .description = "one cycle per instruction or delivery (no memory, branch or TLB costs)",
    .tlb_source = "definition",
    .sources = sources,
    .cost = {
        [T_ALU] = ONE, [T_IMUL] = ONE, [T_DIV8] = ONE, [T_DIV16] = ONE, [T_DIV32] = ONE,
        [T_DIV64] = ONE, [T_MICROCODED] = ONE, [T_LOAD] = NONE, [T_STORE] = NONE,
        [T_LOCKED] = NONE, [T_BRANCH] = ONE, [T_BRANCH_TAKEN] = NONE, [T_BRANCH_INDIRECT] = NONE,
        [T_STRING_STARTUP] = ONE, [T_STRING_BYTES] = NONE, [T_STRING_STREAM_BYTES] = NONE, [T_STRING_ITER] = NONE,
        [T_PORT_IO] = ONE, [T_CPUID] = ONE, [T_RDMSR] = ONE, [T_WRMSR] = ONE, [T_RDTSC] = ONE,
        [T_RDTSCP] = ONE, [T_PAUSE] = ONE, [T_MOV_CR] = ONE, [T_MOV_FROM_CR] = ONE,
        [T_MOV_DR] = ONE, [T_DESC_TABLE] = ONE, [T_SEG_LOAD] = ONE, [T_FLAGS_SYSTEM] = ONE,
        [T_INVLPG] = ONE, [T_CACHE_FLUSH] = ONE, [T_SWAPGS] = ONE,
        [T_SYSCALL] = ONE, [T_SYSRET] = ONE, [T_SYSENTER] = ONE, [T_SYSEXIT] = ONE,
        [T_INT_SAME] = ONE, [T_INT_PRIV] = ONE, [T_INT_REAL] = ONE, [T_INTR_ACK] = NONE,
        [T_IRET_SAME] = ONE, [T_IRET_OUTER] = ONE, [T_FAR_BRANCH] = ONE, [T_CALL_GATE] = ONE,
        [T_FAR_RET_OUTER] = ONE, [T_CR3_FLUSH] = NONE, [T_CR3_NOFLUSH] = NONE,
        [T_MODE_SWITCH] = NONE, [T_STLB_HIT] = NONE, [T_WALK_LEVEL] = NONE,
    },
};
