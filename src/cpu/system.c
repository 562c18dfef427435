/*
 * Control and debug registers, MSR access and the cache-control
 * instructions: MOV to/from CRn (0F 20/22), LMSW, SMSW, CLTS, INVD, WBINVD,
 * RDMSR, WRMSR, MOV to/from DRn (0F 21/23).
 *
 * SDM Vol. 3A 2.5 (control registers), 9.8-9.9 (mode switching), 17.2 (debug
 * registers); Vol. 2, each instruction's Operation section; Vol. 4 (MSRs).
 * docs/system.md describes every rule and the choices the SDM leaves open.
 *
 * Fault order, where the SDM gives none: an encoding that names no register
 * (CR1, CR5-CR7, CR9-CR15, DR8-DR15) is #UD before the CPL check (a decode
 * fault has priority over execution faults, Vol. 3A Table 6-2, and it does
 * not depend on any state); then CPL > 0 is #GP(0); then state-dependent
 * #UD (DR4/DR5 with CR4.DE); then DR7.GD's #DB; then value checks (#GP(0)).
 */
#include "cpu/event.h"
#include "cpu/operand.h"
#include "cpu/system.h"
#include "mmu/paging.h"

/* Privileged instructions: #GP(0) unless CPL = 0 (real mode runs at CPL 0). */
static void require_cpl0(struct cpu *cpu)
{
    if (cpu->cpl != 0)
        raise_gp0(cpu);
}

/* MOV CR/DR move 64 bits in 64-bit mode and 32 bits elsewhere; operand-size
 * prefixes are ignored (SDM MOV—Move to/from Control Registers). */
static unsigned cr_size(const struct cpu *cpu)
{
    return cpu->mode == MODE_LONG64 ? 8 : 4;
}

/* CR0, CR2, CR3, CR4 and (64-bit mode, REX.R) CR8 exist. */
static void check_cr_exists(struct cpu *cpu, unsigned n)
{
    if (!(n == 0 || n == 2 || n == 3 || n == 4 || n == 8))
        raise_ud(cpu);
}

/* ------------------------------------------------------------- CR0 */

/* The mode classes a MOV CR0/LMSW can switch between (RS_EV_MODE_SWITCH). */
static unsigned mode_class(uint64_t cr0, uint64_t efer)
{
    return !(cr0 & CR0_PE) ? 0 : (efer & EFER_LMA) ? 2 : 1;
}

/* Write CR0 with every check of MOV to CR0 (SDM MOV CR, Vol. 3A 2.5, 9.8.5):
 * bits 63:32 set is #GP(0); other unimplemented bits of 31:0 are ignored and
 * ET is hard-wired to 1; PG without PE, NW without CD is #GP(0). Setting PG
 * with EFER.LME = 1 activates IA-32e mode (EFER.LMA = 1) and needs CR4.PAE,
 * CS.L = 0 and a TR that is not a 16-bit TSS; clearing PG is #GP(0) in
 * 64-bit mode and while CR4.PCIDE = 1, and otherwise deactivates IA-32e
 * mode. With legacy PAE paging in use afterwards, a change of PG, CD, NW
 * loads the PDPTEs (Vol. 3A 5.4.1): a reserved bit in one is #GP(0). */
void cr0_write(struct cpu *cpu, uint64_t value)
{
    uint64_t old = cpu->cr0, efer = cpu->efer;
    if (value >> 32)
        raise_gp0(cpu);
    value = (value & CR0_IMPLEMENTED) | CR0_ET;
    if (((value & CR0_PG) && !(value & CR0_PE)) || ((value & CR0_NW) && !(value & CR0_CD)))
        raise_gp0(cpu);
    if ((value & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME)) {
        unsigned tr_type = cpu->tr.attr & SA_TYPE_MASK;
        if (!(cpu->cr4 & CR4_PAE) || (cpu->seg[S_CS].attr & SA_L) || tr_type == 1 || tr_type == 3)
            raise_gp0(cpu);
        efer |= EFER_LMA;
    } else if (!(value & CR0_PG) && (old & CR0_PG)) {
        if (cpu->mode == MODE_LONG64 || (cpu->cr4 & CR4_PCIDE))
            raise_gp0(cpu);
        efer &= ~(uint64_t)EFER_LMA;
    }

    /* Legacy PAE paging loads the PDPTEs now: #GP(0) for a bad one. */
    mmu_prepare_paging_change(cpu, value, cpu->cr4);

    rs_event ev;
    bool switching = mode_class(old, cpu->efer) != mode_class(value, efer);
    bool rec = switching && event_begin(cpu, &ev, RS_EV_MODE_SWITCH);
    cpu->cr0 = value;
    cpu->efer = efer;
    cpu_update_mode(cpu);
    if ((old ^ value) & CR0_PAGING_BITS)
        mmu_paging_changed(cpu);
    if (switching || ((old ^ value) & CR0_PG))
        cpu_charge(cpu, T_MODE_SWITCH);
    if (rec)
        event_end(cpu, &ev);
}

/* ------------------------------------------------------------- CR3, CR4 */

/* MOV to CR3: in IA-32e mode bits 63:MAXPHYADDR are reserved (#GP(0)),
 * except bit 63 with CR4.PCIDE = 1, the "do not flush" hint, which
 * mmu_write_cr3 consumes. Outside IA-32e mode the operand is 32 bits and
 * every bit is address, PWT/PCD or ignored. mmu_write_cr3 may still raise
 * #GP(0) for bad PAE PDPTEs before changing anything. */
static void cr3_write(struct cpu *cpu, uint64_t value)
{
    if (cpu->efer & EFER_LMA) {
        uint64_t reserved = ~PHYS_ADDR_MASK;
        if (cpu->cr4 & CR4_PCIDE)
            reserved &= ~(1ull << 63);
        if (value & reserved)
            raise_gp0(cpu);
    }
    rs_event ev;
    bool rec = event_begin(cpu, &ev, RS_EV_CR3_WRITE);
    mmu_write_cr3(cpu, value);
    if (rec)
        event_end(cpu, &ev);
}

/* MOV to CR4: bits the model does not support (VME, PVI, PCE, LA57, VMXE,
 * OSXSAVE, PKE, CET, ... and 63:32) are #GP(0); clearing PAE in IA-32e mode
 * is #GP(0); setting PCIDE needs IA-32e mode and CR3[11:0] = 0 (Vol. 3A
 * 4.10.1). With legacy PAE paging in use afterwards, a change of PAE, PGE,
 * PSE or SMEP loads the PDPTEs (#GP(0) for a bad one). A change to a paging
 * bit flushes the TLB. */
static void cr4_write(struct cpu *cpu, uint64_t value)
{
    uint64_t old = cpu->cr4;
    if (value & ~(uint64_t)CR4_SUPPORTED)
        raise_gp0(cpu);
    if ((cpu->efer & EFER_LMA) && !(value & CR4_PAE))
        raise_gp0(cpu);
    if ((value & CR4_PCIDE) && !(old & CR4_PCIDE) &&
        (!(cpu->efer & EFER_LMA) || (cpu->cr3 & 0xfff)))
        raise_gp0(cpu);
    mmu_prepare_paging_change(cpu, cpu->cr0, value);    /* PAE PDPTEs: may #GP(0) */
    cpu->cr4 = value;
    cpu_update_mode(cpu);
    if ((old ^ value) & CR4_PAGING_BITS)
        mmu_paging_changed(cpu);
}

/* ------------------------------------------------------------- MOV CRn */

/* MOV r, CRn (0F 20): ModRM.reg (+ REX.R) is the control register, ModRM.rm
 * the general-purpose register whatever ModRM.mod says. */
void op_mov_from_cr(struct cpu *cpu, const struct insn *in)
{
    check_cr_exists(cpu, in->reg);
    require_cpl0(cpu);
    uint64_t v;
    switch (in->reg) {
    case 0: v = cpu->cr0; break;
    case 2: v = cpu->cr2; break;
    case 3: v = cpu->cr3; break;
    case 4: v = cpu->cr4; break;
    default: v = cpu->cr8; break;
    }
    reg_write(cpu, in->rm, cr_size(cpu), v);
}

/* MOV CRn, r (0F 22). CR8 is the task-priority register: bits 63:4 are
 * reserved (#GP(0)); no local APIC is modelled, so it is only stored. */
void op_mov_to_cr(struct cpu *cpu, const struct insn *in)
{
    check_cr_exists(cpu, in->reg);
    require_cpl0(cpu);
    uint64_t v = reg_read(cpu, in->rm, cr_size(cpu));
    switch (in->reg) {
    case 0: cr0_write(cpu, v); break;
    case 2: cpu->cr2 = v; break;
    case 3: cr3_write(cpu, v); break;
    case 4: cr4_write(cpu, v); break;
    default:
        if (v & ~0xfull)
            raise_gp0(cpu);
        cpu->cr8 = v;
        if (cpu->hooks.tpr_written)     /* the local APIC re-evaluates pending interrupts */
            cpu->hooks.tpr_written(cpu->hooks.ctx);
        break;
    }
}

/* ------------------------------------------------------ LMSW, SMSW, CLTS */

/* LMSW r/m16 (0F 01 /6): loads CR0 bits 3:0 (PE, MP, EM, TS) only; it can
 * set PE (entering protected mode) but never clear it (SDM LMSW). */
void op_lmsw(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    uint64_t src = rm_read(cpu, in, 2);
    cr0_write(cpu, (cpu->cr0 & ~0xfull) | (src & 0xf) | (cpu->cr0 & CR0_PE));
}

/* SMSW r/m (0F 01 /4): with CR4.UMIP, #GP(0) at CPL > 0. The memory form
 * stores 16 bits; the register form stores CR0 at the operand size. The SDM
 * calls the bits above 15 of a 32/64-bit register undefined: Intel
 * processors store CR0 itself there (as Bochs does), and so does this. */
void op_smsw(struct cpu *cpu, const struct insn *in)
{
    if ((cpu->cr4 & CR4_UMIP) && cpu->cpl > 0)
        raise_gp0(cpu);
    if (in->mod == 3)
        reg_write(cpu, in->rm, in->opsize, cpu->cr0);
    else
        mem_write(cpu, in->seg, insn_ea(cpu, in), 2, cpu->cr0 & 0xffff);
}

/* CLTS (0F 06): clears CR0.TS. */
void op_clts(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    cpu->cr0 &= ~CR0_TS;
}

/* INVD, WBINVD (0F 08, 0F 09): privileged; no caches are modelled, so there
 * is nothing to write back or discard (docs/system.md). */
void op_invd(struct cpu *cpu, const struct insn *in) { require_cpl0(cpu); }
void op_wbinvd(struct cpu *cpu, const struct insn *in) { require_cpl0(cpu); }

/* ------------------------------------------------------------- MSRs */

/* RDMSR (0F 32): EDX:EAX := MSR[ECX]; an MSR the model lacks is #GP(0). */
void op_rdmsr(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    uint64_t v;
    if (msr_rdmsr(cpu, (uint32_t)cpu->gpr[R_CX], &v) != MSR_OK)
        raise_gp0(cpu);
    reg_write(cpu, R_AX, 4, v & 0xffffffffu);
    reg_write(cpu, R_DX, 4, v >> 32);
}

/* WRMSR (0F 30): MSR[ECX] := EDX:EAX with the MSR's checks (msr.c). EFER
 * cannot change the mode (LMA is read-only and LME is frozen while paging
 * is on), so no mode-switch event comes from here; NXE changes what
 * translations allow. */
void op_wrmsr(struct cpu *cpu, const struct insn *in)
{
    require_cpl0(cpu);
    uint32_t index = (uint32_t)cpu->gpr[R_CX];
    uint64_t old_efer = cpu->efer;
    uint64_t v = (cpu->gpr[R_DX] << 32) | (cpu->gpr[R_AX] & 0xffffffffu);
    if (msr_wrmsr(cpu, index, v) != MSR_OK)
        raise_gp0(cpu);
    if (index == MSR_EFER) {
        cpu_update_mode(cpu);
        if ((old_efer ^ cpu->efer) & EFER_NXE)
            mmu_paging_changed(cpu);
    }
}

/* ------------------------------------------------------------- MOV DRn */

#define DR6_FIXED1    0xffff0ff0ull   /* bits 4-11 and 16-31 read as 1 (no RTM, no bus-lock detect) */
#define DR6_WRITABLE  0x0000e00full   /* B0-B3, BD, BS, BT */
#define DR6_BD        (1ull << 13)
#define DR7_FIXED1    0x00000400ull   /* bit 10 */
#define DR7_WRITABLE  0xffff23ffull   /* L0-G3, LE, GE, GD, R/W and LEN fields */
#define DR7_GD        (1ull << 13)

/* The checks both directions share; returns the register (4, 5 alias 6, 7
 * without CR4.DE). DR7.GD makes any access a #DB fault with DR6.BD set;
 * the processor clears GD as it delivers that #DB (SDM 17.2.4) so the
 * handler can use the registers: done here, where the #DB is raised. */
static unsigned dr_access(struct cpu *cpu, const struct insn *in)
{
    unsigned n = in->reg;
    if (n > 7)
        raise_ud(cpu);                  /* REX.R: DR8-DR15 do not exist */
    require_cpl0(cpu);
    if (n == 4 || n == 5) {
        if (cpu->cr4 & CR4_DE)
            raise_ud(cpu);
        n += 2;
    }
    if (cpu->debug.dr[7] & DR7_GD) {
        cpu->debug.dr[6] |= DR6_BD;
        cpu->debug.dr[7] &= ~DR7_GD;
        cpu_raise(cpu, EXC_DB, 0);
    }
    return n;
}

/* MOV r, DRn (0F 21). */
void op_mov_from_dr(struct cpu *cpu, const struct insn *in)
{
    unsigned n = dr_access(cpu, in);
    reg_write(cpu, in->rm, cr_size(cpu), cpu->debug.dr[n]);
}

/* MOV DRn, r (0F 23). DR0-DR3 take any address (also non-canonical). DR6
 * and DR7 keep their fixed bits; in 64-bit mode a 1 in bits 63:32 of either
 * is #GP(0). Breakpoints are stored, not yet matched (docs/system.md). */
void op_mov_to_dr(struct cpu *cpu, const struct insn *in)
{
    unsigned n = dr_access(cpu, in);
    uint64_t v = reg_read(cpu, in->rm, cr_size(cpu));
    if (n >= 6 && (v >> 32))
        raise_gp0(cpu);
    if (n == 6)
        v = (v & DR6_WRITABLE) | DR6_FIXED1;
    else if (n == 7)
        v = (v & DR7_WRITABLE) | DR7_FIXED1;
    cpu->debug.dr[n] = v;
    /* Breakpoint addresses or enables changed: pages that now hold a data
     * breakpoint must leave the inline TLB path (cpu/debug.h). */
    if (n != 6)
        tlb_flush_all(cpu);
}
