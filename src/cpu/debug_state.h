/*
 * Debug registers and the system-instruction workstream's MSR storage
 * (owned by system.c / msr.c: MOV DRn, RDMSR/WRMSR).
 *
 * The MTRR, machine-check and feature-control MSRs have no field in
 * struct msrs (cpu.h); they live here until that struct grows them.
 * cpu_reset() zeroes this struct and then sets DR6/DR7: zero is the
 * architectural reset value of every MSR field below (SDM Vol. 3A,
 * 12.11.2.1 MTRRdefType, 17.3.1 MCG_STATUS; Vol. 4, IA32_FEATURE_CONTROL).
 */
#ifndef RINGSCOPE_DEBUG_STATE_H
#define RINGSCOPE_DEBUG_STATE_H

#include <stdint.h>

#define MTRR_VAR_COUNT 8        /* IA32_MTRRCAP.VCNT */
#define MTRR_FIXED_COUNT 11     /* 64K_00000, 16K_80000/A0000, 4K_C0000..F8000 */

struct debug_state {
    uint64_t dr[8];             /* DR0-DR3 addresses, DR6 status, DR7 control (4, 5 alias 6, 7) */

    /* MSR storage (msr.c). */
    uint64_t mtrr_var[2 * MTRR_VAR_COUNT];  /* PHYSBASE0, PHYSMASK0, PHYSBASE1, ... */
    uint64_t mtrr_fixed[MTRR_FIXED_COUNT];
    uint64_t mtrr_def_type;
    uint64_t mcg_status;
    uint64_t feature_control;
};

#endif
