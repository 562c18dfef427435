/*
 * Interrupt-related CPU state (owned by interrupt delivery: cpu/interrupt.c,
 * cpu/exec.c). Kept in its own header so struct cpu can embed it.
 */
#ifndef RINGSCOPE_INTERRUPT_STATE_H
#define RINGSCOPE_INTERRUPT_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ringscope/ringscope.h"

struct interrupt_state {
    bool ext_pending;           /* an external interrupt waits (rs_interrupt) */
    uint8_t ext_vector;
    bool nmi_pending;           /* rs_nmi */
    bool nmi_blocked;           /* between NMI delivery and the next IRET */
    uint8_t shadow;             /* STI / MOV SS / POP SS interrupt shadow */
    rs_shutdown_report shutdown;/* filled on a triple fault */
};

#endif
