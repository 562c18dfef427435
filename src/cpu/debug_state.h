/*
 * Debug registers (MOV DRn in system.c; breakpoint matching in exec.c and
 * mmu/access.c). cpu_reset() zeroes this struct and then sets DR6/DR7.
 */
#ifndef RINGSCOPE_DEBUG_STATE_H
#define RINGSCOPE_DEBUG_STATE_H

#include <stdint.h>

struct debug_state {
    uint64_t dr[8];             /* DR0-DR3 addresses, DR6 status, DR7 control (4, 5 alias 6, 7) */
    uint8_t data_hits;          /* data breakpoints matched by the executing instruction (B0-B3) */
};

#endif
