/*
 * The CPU: architectural state, the lazily evaluated arithmetic flags, the
 * software TLB and the fault unwinding point. One struct, passed explicitly
 * as the first argument of every CPU function.
 */
#ifndef RINGSCOPE_CPU_H
#define RINGSCOPE_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu/debug_state.h"
#include "cpu/interrupt_state.h"
#include "cpu/timing.h"
#include "mmu/physmem.h"
#include "mmu/tlb.h"
#include "ringscope/ringscope.h"

struct insn;
struct block_cache;

/* Register numbers in encoding order. 16..19 name AH, CH, DH, BH: the decoder
 * maps byte registers 4..7 there when no REX prefix is present. */
enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI,
       R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15 };
#define R_AH 16

enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_NONE = 7 };

/* RFLAGS bits (SDM Vol. 1, 3.4.3). */
#define F_CF   (1u << 0)
#define F_R1   (1u << 1)   /* reserved, always 1 */
#define F_PF   (1u << 2)
#define F_AF   (1u << 4)
#define F_ZF   (1u << 6)
#define F_SF   (1u << 7)
#define F_TF   (1u << 8)
#define F_IF   (1u << 9)
#define F_DF   (1u << 10)
#define F_OF   (1u << 11)
#define F_IOPL (3u << 12)
#define F_NT   (1u << 14)
#define F_RF   (1u << 16)
#define F_VM   (1u << 17)
#define F_AC   (1u << 18)
#define F_VIF  (1u << 19)
#define F_VIP  (1u << 20)
#define F_ID   (1u << 21)
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* Control register and EFER bits used by the core. */
#define CR0_PE (1u << 0)
#define CR0_ET (1u << 4)
#define CR0_PG (1u << 31)
#define CR4_PAE (1u << 5)
#define CR4_TSD (1u << 2)
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)

/* Operating modes, derived from CR0.PE, EFER.LMA, CS.L and CS.D. */
enum cpu_mode { MODE_REAL, MODE_PROT16, MODE_PROT32,
                MODE_COMPAT16, MODE_COMPAT32, MODE_LONG64 };

/* Descriptor attribute bits as kept in segment.attr (docs/test-vectors.md). */
#define SA_TYPE_MASK 0x000f
#define SA_S         0x0010     /* code/data (1) or system (0) */
#define SA_DPL_SHIFT 5
#define SA_P         0x0080
#define SA_L         0x2000
#define SA_DB        0x4000
#define SA_G         0x8000

/* A segment register and its hidden descriptor cache. The access checks are
 * precomputed into `rights` when the register is loaded, so the memory path
 * tests one byte. */
struct segment {
    uint64_t base;
    uint32_t limit;         /* byte-granular */
    uint16_t selector;
    uint16_t attr;
    uint8_t rights;         /* SEG_R_* */
};
#define SEG_R_READ    0x01  /* data, or readable code */
#define SEG_R_WRITE   0x02  /* writable data */
#define SEG_R_EXPDOWN 0x04  /* expand-down data: valid offsets are above limit */
#define SEG_R_BIG     0x08  /* B flag: expand-down upper bound is 4 GiB, not 64 KiB */
#define SEG_R_USABLE  0x10  /* not null/unusable */

/* Lazy flags: the last flag-setting ALU operation's operands and result.
 * flags.c derives CF/PF/AF/ZF/SF/OF from them on demand; every other flag
 * lives in cpu->rflags. */
enum lazy_op { LF_NONE, LF_ADD, LF_SUB, LF_LOGIC, LF_INC, LF_DEC };
struct lazy_flags {
    uint64_t res, a, b;
    uint8_t op;             /* enum lazy_op; LF_NONE: all flags are in rflags */
    uint8_t size;           /* operand size in bytes */
};

/* The exception an instruction raised (see fault.c). */
struct pending_exception {
    int vector;             /* -1: none */
    bool has_error_code;
    uint32_t error_code;
};

#define MTRR_VAR_COUNT 8        /* IA32_MTRRCAP.VCNT */
#define MTRR_FIXED_COUNT 11     /* 64K_00000, 16K_80000/A0000, 4K_C0000..F8000 */

/* Model-specific registers kept by the CPU (the MSR table in msr.c maps
 * numbers to these fields). */
struct msrs {
    uint64_t tsc_aux;
    uint64_t kernel_gs_base;
    uint64_t star, lstar, cstar, sfmask;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base, pat, misc_enable;
    uint64_t tsc_offset;
    uint64_t mtrr_var[2 * MTRR_VAR_COUNT];  /* PHYSBASE0, PHYSMASK0, PHYSBASE1, ... */
    uint64_t mtrr_fixed[MTRR_FIXED_COUNT];
    uint64_t mtrr_def_type;
    uint64_t mcg_status;
    uint64_t feature_control;
};

/* Subscribers to the transition event stream (event.h). */
#define EVENT_MAX_SUBSCRIBERS 8
struct event_sink {
    rs_event_fn fn[EVENT_MAX_SUBSCRIBERS];
    void *ctx[EVENT_MAX_SUBSCRIBERS];
    unsigned count;
};

/* The port I/O bus as the CPU sees it (the board installs handlers). */
struct port_bus {
    rs_port_in_fn in;
    rs_port_out_fn out;
    void *ctx;
};

/* MSRs whose behaviour belongs to a platform device (the local APIC):
 * msr.c calls these when set. */
struct cpu_hooks {
    void (*apic_base_written)(void *ctx, uint64_t value);   /* IA32_APIC_BASE after the write */
    uint64_t (*tsc_deadline_read)(void *ctx);               /* IA32_TSC_DEADLINE */
    void (*tsc_deadline_write)(void *ctx, uint64_t value);
    void (*tpr_written)(void *ctx);                         /* MOV to CR8 changed the TPR */
    void *ctx;
};

/* Memory-mapped I/O: physical addresses that are not RAM (the board's bus).
 * NULL handlers: reads return all-ones, writes are ignored. */
struct mmio_bus {
    uint64_t (*read)(void *ctx, uint64_t pa, unsigned size);
    void (*write)(void *ctx, uint64_t pa, unsigned size, uint64_t value);
    void *ctx;
};

struct cpu {
    uint64_t gpr[16];           /* RAX..R15 */
    uint64_t rip;               /* next instruction while a handler runs */
    uint64_t rflags;            /* all flags but those the lazy state holds */
    struct lazy_flags lf;
    /* The executing instruction's RIP (faults restore it). Kept away from
     * `rip` so the run loop's two stores stay two scalar stores: merged into
     * one vector store they defeat store forwarding against handlers' writes. */
    uint64_t insn_rip;

    struct segment seg[6];      /* ES CS SS DS FS GS */
    struct segment ldtr, tr;
    uint64_t gdtr_base, idtr_base;
    uint16_t gdtr_limit, idtr_limit;

    uint64_t cr0, cr2, cr3, cr4, cr8, efer;
    struct msrs msr;

    uint8_t mode;               /* enum cpu_mode */
    uint8_t cpl;
    uint8_t code_size;          /* default operand/address size of CS: 2, 4 or 8 */
    uint8_t stack_size;         /* SS.B: 2 or 4 (8 in 64-bit mode) */
    bool stop_block;            /* leave the current decoded block after this insn */
    bool halted;                /* HLT executed; nothing wakes the CPU yet */

    uint64_t icount;            /* instructions retired */
    uint64_t deliveries;        /* events delivered by cpu_run (a step each, like an insn) */
    uint64_t cycles;            /* virtual time: the only clock (devices/clock.h) */
    uint64_t cpu_hz, tsc_hz;    /* core and TSC rates (the TSC is cycles scaled by tsc_hz/cpu_hz) */
    uint64_t cycle_deadline;    /* cpu_run returns when cycles reach it (the next device timer) */
    struct timing_state timing; /* the CPU profile's costs and the TLB model (timing.h) */

    struct tlb tlb;
    struct paging_state paging;
    struct physmem *mem;
    struct block_cache *blocks;

    struct pending_exception exc;
    bool stop_on_exception;
    bool stop_request;          /* rs_request_stop(): leave cpu_run after this insn */
    /* Host breakpoints (rs_set_breakpoint): linear addresses where cpu_run
     * stops before executing; `resume` is the one it stopped at, executed
     * when the run goes on. */
    struct host_breakpoints {
        uint64_t addr[RS_MAX_BREAKPOINTS];
        unsigned count;
        uint64_t resume;
        bool resuming;
    } host_bp;
    struct interrupt_state intr;
    struct debug_state debug;
    struct event_sink events;
    struct port_bus ports;
    struct mmio_bus mmio;
    struct cpu_hooks hooks;
    jmp_buf fault_jmp;          /* where cpu_raise() unwinds to (the run loop) */
};

/* Why cpu_run() returned. */
enum cpu_stop { CPU_STOP_BUDGET, CPU_STOP_EXCEPTION, CPU_STOP_HALT, CPU_STOP_SHUTDOWN,
                CPU_STOP_REQUESTED, CPU_STOP_BREAKPOINT };

/* Execute until `max_insns` more instructions retire (0: no limit), an
 * exception is raised, or the CPU halts (exec.c). */
enum cpu_stop cpu_run(struct cpu *cpu, uint64_t max_insns);

/* Recompute mode, code_size and stack_size after CR0, EFER, CS or SS change. */
void cpu_update_mode(struct cpu *cpu);

/* Reset to the architectural power-on state (SDM Vol. 3A, 10.1.1). */
void cpu_reset(struct cpu *cpu);

/* Load a segment register's cache from raw fields and precompute its rights. */
void cpu_load_segment_cache(struct cpu *cpu, int sreg, uint16_t selector,
                            uint64_t base, uint32_t limit, uint16_t attr);

/* CPUID leaf/subleaf -> EAX, EBX, ECX, EDX (cpuid.c). */
void cpuid_query(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/* MSR access without WRMSR's checks (msr.c). Return false for MSRs the CPU
 * model does not have. */
bool msr_read(struct cpu *cpu, uint32_t index, uint64_t *value);
bool msr_write(struct cpu *cpu, uint32_t index, uint64_t value);

/* The time-stamp counter: virtual time at the TSC rate, plus the offset a
 * write to IA32_TIME_STAMP_COUNTER set. */
static inline uint64_t cpu_tsc(const struct cpu *cpu)
{
    uint64_t t = cpu->cycles;
    if (cpu->tsc_hz != cpu->cpu_hz && cpu->cpu_hz)
        t = (uint64_t)((unsigned __int128)t * cpu->tsc_hz / cpu->cpu_hz);
    return t + cpu->msr.tsc_offset;
}

/* The linear address of the code at `rip` (CS.base is 0 in 64-bit mode,
 * SDM Vol. 1, 3.4.2.1; elsewhere addresses wrap at 4 GiB). */
static inline uint64_t cpu_code_linear(const struct cpu *cpu, uint64_t rip)
{
    return cpu->mode == MODE_LONG64 ? rip : (cpu->seg[S_CS].base + rip) & 0xffffffffu;
}

/* Charge one of the profile's costs (timing.h) to virtual time. */
static inline void cpu_charge(struct cpu *cpu, enum timing_cost cost)
{
    cpu->cycles += cpu->timing.cost[cost];
}

/* Drive the INTR line from the platform's interrupt controller (which has
 * set cpu->intr.ack): asserted, it is looked at from the next instruction
 * boundary on. */
static inline void cpu_set_intr(struct cpu *cpu, bool asserted)
{
    cpu->intr.ext_pending = asserted;
    if (asserted)
        cpu->stop_block = true;
}

/* Flush the software TLB and the decoded-block jump cache (e.g. on mode or
 * paging changes). */
void cpu_flush_tlb(struct cpu *cpu);

#endif
