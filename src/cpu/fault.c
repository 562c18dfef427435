/*
 * Exception raising and the double-fault rules (SDM Vol. 3A, 6.15,
 * "Interrupt 8 - Double Fault Exception", Table 6-5).
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

static noreturn void unwind(struct cpu *cpu, int vector, uint32_t error_code)
{
    if (cpu->exc.vector >= 0) {
        /* An exception while one is already pending delivery. */
        int v = combine(cpu->exc.vector, vector);
        if (v == EXC_DF)
            error_code = 0;
        vector = v;
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
