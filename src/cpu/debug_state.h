/*
 * Debug registers (owned by the system-instruction workstream: MOV DR).
 */
#ifndef RINGSCOPE_DEBUG_STATE_H
#define RINGSCOPE_DEBUG_STATE_H

#include <stdint.h>

struct debug_state {
    uint64_t dr[8];             /* DR0-DR3 addresses, DR6 status, DR7 control (4, 5 alias 6, 7) */
};

#endif
