/*
 * Exception raising and the double-fault rules (SDM Vol. 3A, 6.15,
 * "Interrupt 8 - Double Fault Exception", Tables 6-4 and 6-5).
 *
 * A fault raised while an event is being delivered (cpu->intr.delivering)
 * is combined with it here: during an exception's delivery by Table 6-5
 * (benign then anything: the second is delivered serially; contributory
 * then contributory, or page fault then contributory/page fault: #DF;
 * anything during #DF: triple fault). Faults during the delivery of a
 * software or external interrupt or an NMI are delivered serially. The
 * error code of #TS/#NP/#SS/#GP raised during the delivery of an event
 * external to the program (an exception, NMI, external interrupt or INT1)
 * gets EXT (bit 0) set (SDM Vol. 3A, 6.13).
 */
#include "cpu/fault.h"

enum exc_class { EXC_BENIGN, EXC_CONTRIBUTORY, EXC_PAGEFAULT, EXC_DOUBLE };

static enum exc_class exception_class(int vector)
{
    switch (vector) {
    case EXC_DE: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP:
        return EXC_CONTRIBUTORY;
    case EXC_PF:
        return EXC_PAGEFAULT;
    case EXC_DF:
        return EXC_DOUBLE;
    default:
        return EXC_BENIGN;
    }
}

/* Combine a new exception with one already being delivered (Table 6-5).
 * Returns the vector to deliver, or -1 for a triple fault (shutdown). */
static int combine(int first, int second)
{
    enum exc_class a = exception_class(first), b = exception_class(second);
    if (a == EXC_DOUBLE)
        return -1;
    if ((a == EXC_CONTRIBUTORY && b == EXC_CONTRIBUTORY) ||
        (a == EXC_PAGEFAULT && (b == EXC_CONTRIBUTORY || b == EXC_PAGEFAULT)))
        return EXC_DF;
    return second;
}

static void chain_add(rs_shutdown_report *c, bool restart, int vector, uint32_t error_code)
{
    if (restart)
        c->count = 0;
    if (c->count < 3) {
        rs_exception *e = &c->exc[c->count++];
        e->vector = (uint8_t)vector;
        e->has_error_code = exception_has_error_code(vector);
        e->error_code = e->has_error_code ? error_code : 0;
    }
}

static noreturn void unwind(struct cpu *cpu, int vector, uint32_t error_code)
{
    struct interrupt_state *is = &cpu->intr;
    if (is->delivering) {
        if (is->ext && vector >= EXC_TS && vector <= EXC_GP)
            error_code |= 1;                    /* EXT */
        if (is->deliver_exception) {
            int v = combine(is->deliver_vector, vector);
            chain_add(&is->chain, v == vector, vector, error_code);
            if (v == EXC_DF)
                error_code = 0;                 /* #DF pushes 0 */
            vector = v;
        } else {
            chain_add(&is->chain, true, vector, error_code);
        }
        is->delivering = false;
    } else {
        chain_add(&is->chain, true, vector, error_code);
    }
    cpu->exc.vector = vector;
    cpu->exc.has_error_code = vector >= 0 && exception_has_error_code(vector);
    cpu->exc.error_code = cpu->exc.has_error_code ? error_code : 0;
    longjmp(cpu->fault_jmp, 1);
}

noreturn void cpu_raise(struct cpu *cpu, int vector, uint32_t error_code)
{
    cpu->rip = cpu->insn_rip;   /* faults report the faulting instruction */
    unwind(cpu, vector, error_code);
}

noreturn void cpu_raise_trap(struct cpu *cpu, int vector)
{
    unwind(cpu, vector, 0);
}
