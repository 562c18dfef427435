/*
 * Interrupt-related CPU state (owned by interrupt delivery: cpu/interrupt.c,
 * cpu/iret.c, cpu/exec.c, cpu/fault.c). Kept in its own header so struct
 * cpu can embed it. cpu_reset() zeroes it: every field's zero value means
 * "nothing pending, nothing in progress".
 */
#ifndef RINGSCOPE_INTERRUPT_STATE_H
#define RINGSCOPE_INTERRUPT_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ringscope/ringscope.h"

/* Kinds of interrupt shadow (SDM Vol. 3A, 6.8.3; STI; MOV; POP). */
enum { SHADOW_NONE, SHADOW_STI, SHADOW_SS };

/* The run loop tests the first eight bytes at once (exec.c): keep the
 * fields it looks at there. */
struct interrupt_state {
    bool ext_pending;           /* an external interrupt waits (rs_interrupt) */
    uint8_t ext_vector;
    bool nmi_pending;           /* rs_nmi */
    bool nmi_blocked;           /* between NMI delivery and the next IRET */
    uint8_t shadow;             /* SHADOW_*: events inhibited at the next boundary */
    bool db_pending;            /* a single-step #DB trap waits for the boundary */
    uint8_t pad[2];
    rs_shutdown_report shutdown;/* filled on a triple fault */

    /* An event whose delivery is in progress: a fault raised now is
     * combined with it (fault.c) and gets the EXT bit when `ext`. */
    bool delivering;
    bool deliver_exception;     /* it is an exception (Table 6-5 classes apply) */
    bool ext;                   /* external to the program (not INT n/INT3/INTO) */
    uint8_t deliver_vector;

    bool step_trap;             /* the executing instruction began with TF = 1 */
    bool in_shutdown;           /* triple fault: the CPU does nothing until reset */
    rs_shutdown_report chain;   /* exceptions of the current delivery chain */

    /* The interrupt controller behind the INTR line (the platform's PIC or
     * local APIC). When set, ext_pending mirrors the INTR line level and
     * delivery asks ack() for the vector (the INTA cycle); a negative
     * answer means the request went away (nothing is delivered). Without
     * it, ext_pending/ext_vector are the latch rs_interrupt() sets. */
    int (*ack)(void *ctx);
    void *ack_ctx;
};

#endif
