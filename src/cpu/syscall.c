/*
 * Fast system calls and the FS/GS base instructions: SYSCALL, SYSRET,
 * SYSENTER, SYSEXIT (SDM Vol. 3A 5.8.7-5.8.8; Vol. 2, their Operation
 * sections), SWAPGS, RDFSBASE/RDGSBASE/WRFSBASE/WRGSBASE.
 *
 * The four transfers load CS and SS with selectors derived from an MSR and
 * FIXED descriptor caches (flat, 4 GiB, accessed), never reading the GDT:
 * each cache below is the Operation section's list written as an attr
 * (descriptor byte 5 in bits 7:0; AVL, L, D/B, G in bits 15:12).
 */
#include "cpu/event.h"
#include "cpu/operand.h"
#include "cpu/system.h"

#define ATTR_CODE(dpl) (SA_G | SA_P | SA_S | ((dpl) << SA_DPL_SHIFT) | 0xb)   /* exec/read, accessed */
#define ATTR_DATA(dpl) (SA_G | SA_DB | SA_P | SA_S | ((dpl) << SA_DPL_SHIFT) | 0x3) /* r/w, accessed */
#define ATTR_CODE64(dpl) (ATTR_CODE(dpl) | SA_L)      /* L = 1, D = 0 */
#define ATTR_CODE32(dpl) (ATTR_CODE(dpl) | SA_DB)     /* L = 0, D = 1 */

/* Load CS and SS with flat, fixed caches (base 0, limit FFFFFH with G = 1)
 * and set the CPL; re-derives the mode. */
static void load_fixed(struct cpu *cpu, uint16_t cs, uint16_t cs_attr, uint16_t ss, unsigned cpl)
{
    cpu_load_segment_cache(cpu, S_CS, cs, 0, 0xffffffffu, cs_attr);
    cpu_load_segment_cache(cpu, S_SS, ss, 0, 0xffffffffu, (uint16_t)ATTR_DATA(cpl));
    cpu->cpl = (uint8_t)cpl;
    cpu_update_mode(cpu);
}

/* SYSCALL (0F 05): only in 64-bit mode with EFER.SCE, else #UD. In
 * compatibility mode this is #UD on Intel processors (AMD enters through
 * IA32_CSTAR there; here CSTAR is stored but never used).
 * RCX := RIP (next), R11 := RFLAGS, RFLAGS &= ~FMASK; CS := STAR[47:32] with
 * RPL 0, SS := STAR[47:32] + 8 (the SDM adds 8 to the unmasked field),
 * CPL 0, RIP := LSTAR (canonical: WRMSR checked it). RSP is not touched.
 * RF is 0 both in R11 and afterwards: the run loop clears RF as each
 * instruction starts (RF only suppresses that instruction's breakpoints),
 * which is also what Bochs and AMD's APM show for R11. */
void op_syscall(struct cpu *cpu, const struct insn *in)
{
    if (cpu->mode != MODE_LONG64 || !(cpu->efer & EFER_SCE))
        raise_ud(cpu);
    rs_event ev;
    bool rec = event_begin(cpu, &ev, RS_EV_SYSCALL);
    cpu_charge(cpu, T_SYSCALL);
    uint64_t rflags = flags_read(cpu);
    uint16_t sel = (uint16_t)(cpu->msr.star >> 32);
    cpu->gpr[R_CX] = cpu->rip;
    rflags &= ~(uint64_t)F_RF;
    cpu->gpr[R_R11] = rflags;
    flags_write(cpu, rflags & ~(cpu->msr.sfmask & 0xffffffffu));
    load_fixed(cpu, sel & 0xfffc, ATTR_CODE64(0), (uint16_t)(sel + 8), 0);
    cpu->rip = cpu->msr.lstar;
    if (rec) {
        ev.stack_source = RS_STACK_KEPT;
        event_end(cpu, &ev);
    }
}

/* SYSRET (0F 07; REX.W 0F 07): #UD outside 64-bit mode or without SCE;
 * #GP(0) at CPL > 0. With REX.W it returns to 64-bit mode: a non-canonical
 * RCX is #GP(0) raised here, at CPL 0, which is Intel's behaviour (AMD
 * faults after the switch to CPL 3). Without REX.W it returns to
 * compatibility mode at EIP = ECX. RFLAGS := (R11 & 3C7FD7H) | 2 (RF and VM
 * clear); CS := STAR[63:48] (+16 for 64-bit) | 3, SS := (STAR[63:48] + 8) | 3,
 * CPL 3. RSP is not touched. */
void op_sysret(struct cpu *cpu, const struct insn *in)
{
    if (cpu->mode != MODE_LONG64 || !(cpu->efer & EFER_SCE))
        raise_ud(cpu);
    if (cpu->cpl != 0)
        raise_gp0(cpu);
    bool to64 = in->opsize == 8;
    uint64_t target = to64 ? cpu->gpr[R_CX] : cpu->gpr[R_CX] & 0xffffffffu;
    if (to64 && !is_canonical(target))
        raise_gp0(cpu);
    rs_event ev;
    bool rec = event_begin(cpu, &ev, RS_EV_SYSRET);
    cpu_charge(cpu, T_SYSRET);
    uint16_t sel = (uint16_t)(cpu->msr.star >> 48);
    flags_write(cpu, (cpu->gpr[R_R11] & 0x3c7fd7) | F_R1);
    if (to64)
        load_fixed(cpu, (uint16_t)((sel + 16) | 3), ATTR_CODE64(3), (uint16_t)((sel + 8) | 3), 3);
    else
        load_fixed(cpu, (uint16_t)(sel | 3), ATTR_CODE32(3), (uint16_t)((sel + 8) | 3), 3);
    cpu->rip = target;
    if (rec) {
        ev.stack_source = RS_STACK_KEPT;
        event_end(cpu, &ev);
    }
}

/* SYSENTER (0F 34): #GP(0) in real mode or when IA32_SYSENTER_CS[15:2] = 0.
 * Allowed at any CPL, from protected mode (to 32-bit CPL 0 code) and from
 * IA-32e mode, compatibility or 64-bit (to 64-bit CPL 0 code; Intel).
 * Clears VM, IF (and RF); CS := SYSENTER_CS & FFFCh, SS := CS + 8;
 * RSP/RIP := SYSENTER_ESP/EIP (their low 32 bits outside IA-32e mode). */
void op_sysenter(struct cpu *cpu, const struct insn *in)
{
    uint16_t cs = (uint16_t)cpu->msr.sysenter_cs;
    if (cpu->mode == MODE_REAL || !(cs & 0xfffc))
        raise_gp0(cpu);
    rs_event ev;
    bool rec = event_begin(cpu, &ev, RS_EV_SYSENTER);
    cpu_charge(cpu, T_SYSENTER);
    bool ia32e = (cpu->efer & EFER_LMA) != 0;
    flags_write(cpu, flags_read(cpu) & ~(uint64_t)(F_VM | F_IF | F_RF));
    cs &= 0xfffc;
    load_fixed(cpu, cs, ia32e ? ATTR_CODE64(0) : ATTR_CODE32(0), (uint16_t)(cs + 8), 0);
    if (ia32e) {
        cpu->gpr[R_SP] = cpu->msr.sysenter_esp;
        cpu->rip = cpu->msr.sysenter_eip;
    } else {
        reg_write(cpu, R_SP, 4, cpu->msr.sysenter_esp);
        cpu->rip = cpu->msr.sysenter_eip & 0xffffffffu;
    }
    if (rec) {
        ev.stack_source = RS_STACK_SYSENTER;
        event_end(cpu, &ev);
    }
}

/* SYSEXIT (0F 35; REX.W 0F 35): #GP(0) in real mode, at CPL > 0, or when
 * IA32_SYSENTER_CS[15:2] = 0. With REX.W (64-bit mode only) it returns to
 * 64-bit code: RSP := RCX, RIP := RDX, both canonical or #GP(0);
 * CS := SYSENTER_CS + 32. Otherwise to 32-bit code (protected or
 * compatibility mode): ESP := ECX, EIP := EDX, CS := SYSENTER_CS + 16. RPL
 * forced to 3, SS := CS + 8, CPL 3. RFLAGS is unchanged. */
void op_sysexit(struct cpu *cpu, const struct insn *in)
{
    uint16_t base = (uint16_t)cpu->msr.sysenter_cs;
    if (cpu->mode == MODE_REAL || cpu->cpl != 0 || !(base & 0xfffc))
        raise_gp0(cpu);
    bool to64 = in->opsize == 8;
    uint64_t rsp = cpu->gpr[R_CX], rip = cpu->gpr[R_DX];
    if (to64 && (!is_canonical(rsp) || !is_canonical(rip)))
        raise_gp0(cpu);
    rs_event ev;
    bool rec = event_begin(cpu, &ev, RS_EV_SYSEXIT);
    cpu_charge(cpu, T_SYSEXIT);
    uint16_t cs = (uint16_t)((base + (to64 ? 32 : 16)) | 3);
    load_fixed(cpu, cs, to64 ? ATTR_CODE64(3) : ATTR_CODE32(3), (uint16_t)(cs + 8), 3);
    if (to64) {
        cpu->gpr[R_SP] = rsp;
        cpu->rip = rip;
    } else {
        reg_write(cpu, R_SP, 4, rsp);
        cpu->rip = rip & 0xffffffffu;
    }
    if (rec) {
        ev.stack_source = RS_STACK_SYSEXIT;
        event_end(cpu, &ev);
    }
}

/* SWAPGS (0F 01 F8): #UD outside 64-bit mode, #GP(0) at CPL > 0; exchanges
 * the GS base with IA32_KERNEL_GS_BASE. */
void op_swapgs(struct cpu *cpu, const struct insn *in)
{
    if (cpu->mode != MODE_LONG64)
        raise_ud(cpu);
    if (cpu->cpl != 0)
        raise_gp0(cpu);
    uint64_t t = cpu->seg[S_GS].base;
    cpu->seg[S_GS].base = cpu->msr.kernel_gs_base;
    cpu->msr.kernel_gs_base = t;
}

/* RDFSBASE, RDGSBASE, WRFSBASE, WRGSBASE (F3 0F AE /0../3, register form;
 * sub = 0..3 in that order): #UD unless 64-bit mode and CR4.FSGSBASE = 1,
 * at any CPL. The 32-bit forms read the low half (zero-extended into the
 * register) or write a zero-extended base; the 64-bit form's value must be
 * canonical (#GP(0)). */
void op_fsgsbase(struct cpu *cpu, const struct insn *in)
{
    if (cpu->mode != MODE_LONG64 || !(cpu->cr4 & CR4_FSGSBASE))
        raise_ud(cpu);
    unsigned size = in->opsize == 8 ? 8 : 4;
    struct segment *s = &cpu->seg[(in->sub & 1) ? S_GS : S_FS];
    if (in->sub < 2) {
        reg_write(cpu, in->rm, size, s->base);
    } else {
        uint64_t v = reg_read(cpu, in->rm, size);
        if (!is_canonical(v))
            raise_gp0(cpu);
        s->base = v;
    }
}
