/*
 * TEMPORARY: weak placeholders for the system milestone's handlers and
 * hooks while they are being written in parallel (issue 3). Each raises
 * #UD (or does the simplest correct thing for a hook) until the strong
 * definition in its own file links over it. This file is deleted when the
 * last workstream lands; nothing may depend on it.
 */
#include "cpu/blockcache.h"
#include "cpu/fault.h"
#include "cpu/tss.h"
#include "mmu/paging.h"

/* Each placeholder passes its own name, so no two have identical code:
 * identical functions may be folded into one address by the compiler,
 * and handlers are compared by address (insn_implemented, tests). */
static __attribute__((noinline)) void pending_ud(struct cpu *cpu, const char *name)
{
    (void)name;
    raise_ud(cpu);
}

#define PENDING(fn) \
    __attribute__((weak)) void fn(struct cpu *cpu, const struct insn *in) { pending_ud(cpu, #fn); }

PENDING(op_int)
PENDING(op_iret)
PENDING(op_int1)
PENDING(op_call_far_ptr)
PENDING(op_jmp_far_ptr)
PENDING(op_retf)
PENDING(op_call_far_mem)
PENDING(op_jmp_far_mem)
PENDING(op_lar)
PENDING(op_lsl)
PENDING(op_syscall)
PENDING(op_clts)
PENDING(op_sysret)
PENDING(op_invd)
PENDING(op_wbinvd)
PENDING(op_mov_from_cr)
PENDING(op_mov_from_dr)
PENDING(op_mov_to_cr)
PENDING(op_mov_to_dr)
PENDING(op_wrmsr)
PENDING(op_rdmsr)
PENDING(op_sysenter)
PENDING(op_sysexit)
PENDING(op_fsgsbase)
PENDING(op_ins)
PENDING(op_outs)
PENDING(op_in_imm)
PENDING(op_out_imm)
PENDING(op_in_dx)
PENDING(op_out_dx)
PENDING(op_invpcid)
PENDING(op_sldt)
PENDING(op_str)
PENDING(op_lldt)
PENDING(op_ltr)
PENDING(op_verr)
PENDING(op_verw)
PENDING(op_sgdt)
PENDING(op_sidt)
PENDING(op_lgdt)
PENDING(op_lidt)
PENDING(op_smsw)
PENDING(op_lmsw)
PENDING(op_invlpg)
PENDING(op_clac)
PENDING(op_stac)
PENDING(op_swapgs)

__attribute__((weak)) void tss_legacy_stack(struct cpu *cpu, unsigned n, uint16_t *ss, uint32_t *esp)
{
    cpu_raise(cpu, EXC_TS, cpu->tr.selector & ~3u);
}

__attribute__((weak)) uint64_t tss64_stack(struct cpu *cpu, unsigned n, bool ist)
{
    cpu_raise(cpu, EXC_TS, cpu->tr.selector & ~3u);
}

__attribute__((weak)) void tlb_flush_all(struct cpu *cpu)
{
    cpu_flush_tlb(cpu);
    blockcache_flush(cpu->blocks);
}

__attribute__((weak)) void tlb_flush_nonglobal(struct cpu *cpu) { tlb_flush_all(cpu); }
__attribute__((weak)) void tlb_invlpg(struct cpu *cpu, uint64_t lin) { tlb_flush_all(cpu); }
__attribute__((weak)) void mmu_paging_changed(struct cpu *cpu) { tlb_flush_all(cpu); }

__attribute__((weak)) void mmu_write_cr3(struct cpu *cpu, uint64_t value)
{
    cpu->cr3 = value;
    tlb_flush_all(cpu);
}
