/*
 * String instructions: MOVS CMPS SCAS LODS STOS and their REP/REPE/REPNE
 * forms (SDM Vol. 2B, the instruction pages, and "REP/REPE/REPZ/REPNE/
 * REPNZ").
 *
 * The source is DS:rSI (the segment may be overridden: in->seg), the
 * destination ES:rDI (never overridable). rSI, rDI and rCX are used at the
 * ADDRESS size (SI/ESI/RSI); 32-bit address-size updates zero-extend the
 * register like every 32-bit write (Intel; Bochs agrees). DF picks the
 * direction.
 *
 * Each iteration is architecturally atomic: its memory accesses happen
 * first, then its flags and registers (rSI, rDI, then rCX) are committed.
 * If iteration k faults, iterations 0..k-1 stay committed and cpu_raise()
 * rewinds RIP to the string instruction, so it resumes where it stopped.
 */
#include "cpu/operand.h"

/* Iterations run per execution of a REP instruction. When the count is not
 * exhausted after this many, RIP is rewound to the instruction so it runs
 * again later: what silicon does when it takes an interrupt between
 * iterations. It bounds the time one instruction takes so the run loop
 * stays responsive (icount advances by one per chunk). */
#define REP_CHUNK 4096

enum str_kind { STR_MOVS, STR_CMPS, STR_SCAS, STR_LODS, STR_STOS };

/* One iteration of `kind`. Returns the result's ZF for CMPS/SCAS (the
 * REPE/REPNE termination test), false otherwise. `delta` is +size or
 * -size by DF. */
static inline __attribute__((always_inline)) bool
str_iter(struct cpu *cpu, const struct insn *in, enum str_kind kind, uint64_t delta)
{
    unsigned size = in->opsize, as = in->adsize;
    uint64_t si = reg_read(cpu, R_SI, as), di = reg_read(cpu, R_DI, as);
    uint64_t mask = size_mask(size);
    bool zf = false;

    switch (kind) {
    case STR_MOVS: {
        uint64_t v = mem_read(cpu, in->seg, si, size);
        mem_write(cpu, S_ES, di, size, v);
        reg_write(cpu, R_SI, as, si + delta);
        reg_write(cpu, R_DI, as, di + delta);
        break;
    }
    case STR_CMPS: {
        /* CMPS compares [rSI] with [rDI]: flags of src1 - src2 where src1
         * is the DS:rSI element (SDM CMPS: "temp <- SRC1 - SRC2"). */
        uint64_t a = mem_read(cpu, in->seg, si, size);
        uint64_t b = mem_read(cpu, S_ES, di, size);
        uint64_t r = (a - b) & mask;
        flags_lazy(cpu, LF_SUB, size, r, a, b);
        reg_write(cpu, R_SI, as, si + delta);
        reg_write(cpu, R_DI, as, di + delta);
        zf = r == 0;
        break;
    }
    case STR_SCAS: {
        uint64_t a = reg_read(cpu, R_AX, size);
        uint64_t b = mem_read(cpu, S_ES, di, size);
        uint64_t r = (a - b) & mask;
        flags_lazy(cpu, LF_SUB, size, r, a, b);
        reg_write(cpu, R_DI, as, di + delta);
        zf = r == 0;
        break;
    }
    case STR_LODS: {
        /* LODSD zero-extends into RAX in 64-bit mode (32-bit register write). */
        uint64_t v = mem_read(cpu, in->seg, si, size);
        reg_write(cpu, R_AX, size, v);
        reg_write(cpu, R_SI, as, si + delta);
        break;
    }
    case STR_STOS:
        mem_write(cpu, S_ES, di, size, reg_read(cpu, R_AX, size));
        reg_write(cpu, R_DI, as, di + delta);
        break;
    }
    return zf;
}

/* The whole instruction: a single iteration without a REP prefix, else the
 * REP loop (SDM "REP/REPE/REPZ/REPNE/REPNZ", Operation):
 *   - rCX (at the address size) = 0: nothing happens, flags included;
 *   - each iteration: run it, then rCX -= 1;
 *   - stop when rCX = 0, or for CMPS/SCAS when REPE (F3) sees ZF = 0 or
 *     REPNE (F2) sees ZF = 1 (tested after the count, as the SDM does).
 * For MOVS/STOS/LODS both F2 and F3 act as REP (Intel: F2 on these is
 * treated as REP). */
static inline __attribute__((always_inline)) void
string_op(struct cpu *cpu, const struct insn *in, enum str_kind kind)
{
    unsigned as = in->adsize;
    uint64_t delta = flag_df(cpu) ? (uint64_t)0 - in->opsize : in->opsize;

    if (!in->rep) {
        str_iter(cpu, in, kind, delta);
        return;
    }

    bool cond = kind == STR_CMPS || kind == STR_SCAS;
    bool want_zf = in->rep == 0xf3;     /* REPE continues while ZF = 1 */
    uint64_t count = reg_read(cpu, R_CX, as);
    if (count == 0)
        return;
    bool fast = kind == STR_MOVS || kind == STR_STOS;
    uint64_t total = count * in->opsize;
    for (unsigned n = 1;; n++) {
        bool zf = str_iter(cpu, in, kind, delta);
        count--;
        reg_write(cpu, R_CX, as, count);
        if (count == 0 || (cond && zf != want_zf)) {
            timing_charge_string(cpu, fast, n, in->opsize, total);
            return;
        }
        if (n == REP_CHUNK) {
            timing_charge_string(cpu, fast, n, in->opsize, total);
            /* More to do: run this instruction again from the top. The
             * decoded block must be left so the next fetch uses RIP. */
            cpu->rip = cpu->insn_rip;
            cpu->stop_block = true;
            return;
        }
    }
}

/* MOVS m, m (A4/A5). */
void op_movs(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_MOVS); }

/* CMPS m, m (A6/A7): REPE/REPNE. */
void op_cmps(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_CMPS); }

/* SCAS m (AE/AF): compares rAX with ES:rDI; REPE/REPNE. */
void op_scas(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_SCAS); }

/* LODS m (AC/AD). */
void op_lods(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_LODS); }

/* STOS m (AA/AB). */
void op_stos(struct cpu *cpu, const struct insn *in) { string_op(cpu, in, STR_STOS); }
