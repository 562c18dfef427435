/*
 * The run loop: fetch a decoded block for CS:RIP, run its instructions, and
 * catch faults at the instruction boundary (fault.c unwinds to here).
 *
 * The budget counts steps: one retired instruction, or one delivered
 * exception or interrupt (so a single step that faults ends right after the
 * delivery, with the handler's first instruction about to run). icount
 * stays "instructions retired".
 *
 * Events are taken at block ends, which are instruction boundaries: every
 * instruction that can change IF, TF, RF or the interrupt shadow ends its
 * block (STI, POPF, IRET, INT n, MOV/POP SS, ... by A_ENDS or stop_block),
 * and rs_interrupt/rs_nmi/rs_request_stop set stop_block. Priority at a
 * boundary (SDM Vol. 3A, 6.9, Table 6-2): a single-step trap of the
 * previous instruction, then NMI, then a maskable interrupt; then, before
 * the next instruction, its instruction breakpoints.
 *
 * A block runs on the fast path unless TF, RF, an interrupt shadow or an
 * enabled breakpoint in DR7 is in effect: then one instruction runs at a
 * time through careful_step(), which applies those rules.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cpu/blockcache.h"
#include "cpu/cpu.h"
#include "cpu/event.h"
#include "cpu/interrupt.h"
#include "mmu/access.h"

#define DR6_BS (1u << 14)       /* single step */
enum { RUN = -1, DELIVERED = -2 };

/* The bytes of the first eight of struct interrupt_state that call for a
 * look at a block boundary: ext_pending, nmi_pending, shadow, db_pending
 * (little-endian). */
#define INTR_WATCH (0xffull << 8 * offsetof(struct interrupt_state, ext_pending) | \
                    0xffull << 8 * offsetof(struct interrupt_state, nmi_pending) | \
                    0xffull << 8 * offsetof(struct interrupt_state, shadow) | \
                    0xffull << 8 * offsetof(struct interrupt_state, db_pending))
_Static_assert(offsetof(struct interrupt_state, db_pending) < 8, "watched bytes");

static inline uint64_t intr_watch(const struct cpu *cpu)
{
    uint64_t w;
    memcpy(&w, &cpu->intr, 8);
    return w & INTR_WATCH;
}

/* A triple fault: the CPU shuts down (SDM Vol. 3A, 6.15, "Interrupt 8"):
 * report the three exceptions and emit RS_EV_TRIPLE_FAULT. */
static int shutdown(struct cpu *cpu)
{
    struct interrupt_state *is = &cpu->intr;
    rs_event ev;
    bool rec = event_begin(cpu, &ev, RS_EV_TRIPLE_FAULT);
    is->in_shutdown = true;
    is->shutdown = is->chain;
    if (rec) {
        const rs_exception *last = &is->chain.exc[is->chain.count ? is->chain.count - 1 : 0];
        ev.rip_before = cpu->rip;
        ev.vector = is->chain.count ? last->vector : -1;
        ev.has_error_code = is->chain.count && last->has_error_code;
        ev.error_code = ev.has_error_code ? last->error_code : 0;
        event_end(cpu, &ev);
    }
    return CPU_STOP_SHUTDOWN;
}

/* cpu_raise() unwound to the run loop: stop, or deliver the exception.
 * Returns RUN after a delivery, else why the machine stops. A fault during
 * the delivery unwinds again (fault.c has combined it). */
static int exception_raised(struct cpu *cpu)
{
    cpu->stop_block = false;
    cpu->intr.step_trap = false;    /* a faulting instruction has no single-step trap */
    cpu->timing.charge_walk = false;    /* a walk that faulted */
    if (cpu->exc.vector < 0)
        return shutdown(cpu);
    if (cpu->stop_on_exception)
        return CPU_STOP_EXCEPTION;
    cpu->insn_rip = cpu->rip;       /* a fault during delivery keeps this RIP */
    interrupt_deliver(cpu, (unsigned)cpu->exc.vector, INTR_EXCEPTION,
                      cpu->exc.has_error_code, cpu->exc.error_code);
    return RUN;
}

/* Something is pending at an instruction boundary. Returns RUN (go on with
 * instructions), DELIVERED (an event was delivered: one step) or a stop. */
static int boundary(struct cpu *cpu)
{
    struct interrupt_state *is = &cpu->intr;
    if (cpu->stop_request) {
        cpu->stop_request = false;
        return CPU_STOP_REQUESTED;
    }
    cpu->insn_rip = cpu->rip;       /* a fault during delivery keeps this RIP */
    if (is->db_pending) {
        is->db_pending = false;
        interrupt_deliver(cpu, EXC_DB, INTR_EXCEPTION, false, 0);
        return DELIVERED;
    }
    /* NMI: blocked from its delivery until the next IRET, and by the MOV SS
     * shadow; the STI shadow does not block it (Intel documents that it
     * may; we chose not to). */
    if (is->nmi_pending && !is->nmi_blocked && is->shadow != SHADOW_SS) {
        is->nmi_pending = false;
        is->nmi_blocked = true;
        interrupt_deliver(cpu, EXC_NMI, INTR_NMI, false, 0);
        return DELIVERED;
    }
    if (is->ext_pending && (cpu->rflags & F_IF) && is->shadow == SHADOW_NONE) {
        int vector = is->ext_vector;
        is->ext_pending = false;
        if (is->ack) {
            /* INTA: the controller hands over the vector and re-asserts
             * INTR (cpu_set_intr) if more requests wait. */
            vector = is->ack(is->ack_ctx);
            if (vector < 0)     /* the request went away: a halted CPU stays halted */
                return cpu->halted ? CPU_STOP_HALT : RUN;
        }
        interrupt_deliver(cpu, (uint8_t)vector, INTR_EXTERNAL, false, 0);
        return DELIVERED;
    }
    if (cpu->halted)
        return CPU_STOP_HALT;
    return RUN;
}

static bool is_host_bp(const struct cpu *cpu, uint64_t lin)
{
    for (unsigned i = 0; i < cpu->host_bp.count; i++)
        if (cpu->host_bp.addr[i] == lin)
            return true;
    return false;
}

/* The next instruction is at `lin`: stop for a host breakpoint there,
 * unless the run stopped at it last time (then it executes now). */
static bool stop_at_host_bp(struct cpu *cpu, uint64_t lin)
{
    struct host_breakpoints *hb = &cpu->host_bp;
    if (!is_host_bp(cpu, lin)) {
        hb->resuming = false;
        return false;
    }
    if (hb->resuming && hb->resume == lin) {
        hb->resuming = false;
        return false;
    }
    hb->resume = lin;
    hb->resuming = true;
    return true;
}

/* Instruction breakpoints (DR7 Ln/Gn with R/Wn = 00) on the instruction
 * about to run, unless RF = 1: a fault-class #DB with DR6.Bn set (SDM
 * Vol. 3A, 17.2.4-17.2.5, 17.3.1.1). LENn is taken as 00 (1 byte), the
 * only length the SDM defines for instruction breakpoints. */
static void check_insn_breakpoints(struct cpu *cpu)
{
    uint64_t dr7 = cpu->debug.dr[7];
    uint64_t lin = cpu_code_linear(cpu, cpu->rip);
    uint64_t hit = 0;
    for (unsigned n = 0; n < 4; n++) {
        if (((dr7 >> (2 * n)) & 3) && ((dr7 >> (16 + 4 * n)) & 3) == 0 && cpu->debug.dr[n] == lin)
            hit |= 1u << n;
    }
    if (hit) {
        cpu->debug.dr[6] = (cpu->debug.dr[6] & ~0xfull) | hit;
        cpu_raise(cpu, EXC_DB, 0);
    }
}

/* One instruction with the rules the fast path skips. The shadow ends with
 * this instruction; RF = 1 suppresses its instruction breakpoints and is
 * cleared as it starts (SDM: RF is cleared once the instruction completes;
 * a fault pushes RF = 1 anyway, and IRET/POPF write RF themselves); TF = 1
 * at its start makes a single-step #DB trap after it (DR6.BS), unless it
 * delivered a software interrupt (TF cleared on the way in) or it loaded SS
 * (the MOV SS shadow inhibits the trap until after the next instruction:
 * SDM Vol. 3A, 6.8.3). Returns RUN, or CPU_STOP_EXCEPTION when the machine
 * stops on the trap, or CPU_STOP_BREAKPOINT before an instruction at a host
 * breakpoint. */
static int careful_step(struct cpu *cpu)
{
    struct interrupt_state *is = &cpu->intr;
    /* A host breakpoint stops before anything of the instruction happens. */
    if (unlikely(cpu->host_bp.count) && stop_at_host_bp(cpu, cpu_code_linear(cpu, cpu->rip)))
        return CPU_STOP_BREAKPOINT;
    cpu->insn_rip = cpu->rip;
    is->shadow = SHADOW_NONE;
    if (!(cpu->rflags & F_RF) && (cpu->debug.dr[7] & 0xff))
        check_insn_breakpoints(cpu);
    cpu->rflags &= ~(uint64_t)F_RF;
    const struct block *b = blockcache_lookup(cpu);
    const struct insn *in = b->insn;
    is->step_trap = cpu->rflags & F_TF;
    cpu->insn_rip = cpu->rip;
    cpu->rip += in->len;
    cpu->debug.data_hits = 0;
    in->fn(cpu, in);
    cpu->icount++;
    cpu->cycles += in->cycles;
    cpu->stop_block = false;
    /* Data breakpoints the instruction hit: a trap after it, reported
     * together with a single-step trap in one #DB (SDM Vol. 3A, 17.3.1.2). */
    uint8_t hits = cpu->debug.data_hits;
    bool step = is->step_trap;
    if (!step && !hits)
        return RUN;
    is->step_trap = false;
    if (is->shadow == SHADOW_SS)
        return RUN;    /* the MOV SS shadow holds debug traps back (SDM 6.8.3) */
    if (hits)
        cpu->debug.dr[6] = (cpu->debug.dr[6] & ~0xfull) | hits;
    if (step)
        cpu->debug.dr[6] |= DR6_BS;
    if (cpu->stop_on_exception) {
        cpu->exc.vector = EXC_DB;
        cpu->exc.has_error_code = false;
        cpu->exc.error_code = 0;
        return CPU_STOP_EXCEPTION;
    }
    is->db_pending = true;
    return RUN;
}

/* Host breakpoints: how many of the block's instructions run before one
 * (0: stop now). */
static unsigned insns_before_host_bp(struct cpu *cpu, const struct block *b)
{
    uint64_t lin = cpu_code_linear(cpu, cpu->rip);
    bool inside = false;        /* most blocks hold no breakpoint: one range test each */
    for (unsigned i = 0; i < cpu->host_bp.count; i++)
        inside |= cpu->host_bp.addr[i] - lin < b->bytes;
    if (!inside) {
        cpu->host_bp.resuming = false;
        return b->count;
    }
    if (stop_at_host_bp(cpu, lin))
        return 0;
    unsigned n = 1;
    for (lin += b->insn[0].len; n < b->count && !is_host_bp(cpu, lin); lin += b->insn[n++].len)
        ;
    return n;
}

/* The block would run past the next deadline: how many of its
 * instructions start before it (at least one, so time always advances;
 * run-time extras such as a taken branch may still carry the last one
 * past it). The run stops at the first instruction boundary at or after
 * the deadline, so a timer interrupt is taken as silicon takes it. */
static unsigned insns_before_deadline(const struct cpu *cpu, const struct block *b)
{
    uint64_t t = cpu->cycles;
    unsigned n = 0;
    while (n < b->count && t < cpu->cycle_deadline)
        t += b->insn[n++].cycles;
    return n ? n : 1;
}

enum cpu_stop cpu_run(struct cpu *cpu, uint64_t max_insns)
{
    /* volatile: it must survive the longjmp from cpu_raise(). Each
     * delivered event takes one step of the budget by lowering it. */
    volatile uint64_t limit = max_insns ? cpu->icount + max_insns : UINT64_MAX;
    if (limit < cpu->icount)
        limit = UINT64_MAX;
    if (cpu->intr.in_shutdown)
        return CPU_STOP_SHUTDOWN;

    cpu->exc.vector = -1;
    if (setjmp(cpu->fault_jmp)) {
        int r = exception_raised(cpu);
        if (r != RUN)
            return (enum cpu_stop)r;
        limit = limit - 1;      /* the delivery charged its own cycles */
        cpu->deliveries++;
    }

    struct interrupt_state *is = &cpu->intr;
    while (cpu->icount < limit) {
        /* Virtual time reached a device deadline (machine_run sets it; a
         * timer armed during this slice may pull it in). */
        if (unlikely(cpu->cycles >= cpu->cycle_deadline))
            return CPU_STOP_BUDGET;
        /* One test for everything the fast path must not skip. */
        if (unlikely(intr_watch(cpu) | (cpu->rflags & (F_TF | F_RF)) | (cpu->debug.dr[7] & 0xff) |
                     cpu->halted | cpu->stop_request)) {
            if (is->nmi_pending | is->ext_pending | is->db_pending | cpu->halted | cpu->stop_request) {
                int r = boundary(cpu);
                if (r == DELIVERED) {
                    limit = limit - 1;
                    cpu->deliveries++;
                    continue;
                }
                if (r != RUN)
                    return (enum cpu_stop)r;
            }
            if ((cpu->rflags & (F_TF | F_RF)) | is->shadow | (cpu->debug.dr[7] & 0xff)) {
                int r = careful_step(cpu);
                if (r != RUN)
                    return (enum cpu_stop)r;
                continue;
            }
        }
        cpu->insn_rip = cpu->rip;
        const struct block *b = blockcache_lookup(cpu);
        uint64_t left = limit - cpu->icount;
        const struct insn *in = b->insn;
        unsigned count = b->count;
        if (unlikely(cpu->cycle_deadline - cpu->cycles < b->cycles))
            count = insns_before_deadline(cpu, b);
        if (unlikely(cpu->host_bp.count)) {
            unsigned n = insns_before_host_bp(cpu, b);
            if (n == 0)
                return CPU_STOP_BREAKPOINT;
            if (n < count)
                count = n;
        }
        const struct insn *end = in + (count < left ? count : left);
        do {
            cpu->insn_rip = cpu->rip;
            cpu->rip += in->len;
            in->fn(cpu, in);
            cpu->icount++;
            cpu->cycles += in->cycles;
            if (unlikely(cpu->stop_block)) {
                cpu->stop_block = false;
                break;
            }
        } while (++in < end);
    }
    return CPU_STOP_BUDGET;
}
