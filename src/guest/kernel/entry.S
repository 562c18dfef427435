/*
 * Kernel entry and exit, after Linux's arch/x86/entry/entry_64.S and
 * entry_64_compat.S, and the context switch (__switch_to_asm, xv6's swtch).
 *
 * Every way into the kernel from user mode ends with a struct pt_regs on the
 * task's kernel stack (kernel.h says who pushes each field) and a call into C
 * with a pointer to it:
 *   exceptions and interrupts  -> idt stubs -> common_entry -> do_trap
 *   SYSCALL (64-bit programs)  -> entry_SYSCALL_64     -> do_syscall_64      -> SYSRET (or IRET)
 *   INT 0x80 (32-bit programs) -> entry_INT80_compat   -> do_int80_syscall_32 -> IRET
 *   SYSENTER (32-bit, vDSO)    -> entry_SYSENTER_compat -> do_fast_syscall_32 -> SYSEXIT (or IRET)
 * The kernel runs with interrupts disabled (one CPU, no kernel preemption):
 * SYSCALL's mask, SYSENTER and the interrupt gates all clear IF, and the
 * return to user mode restores the user's RFLAGS.
 */
#include "kernel.h"

    .section .note.GNU-stack, "", @progbits

/* PUSH_REGS / POP_REGS: Linux's PUSH_AND_CLEAR_REGS / POP_REGS, building the
 * general-register part of struct pt_regs (di at the highest address). */
.macro PUSH_REGS
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %rcx
    pushq %rax
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
.endm

.macro POP_REGS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rax
    popq %rcx
    popq %rdx
    popq %rsi
    popq %rdi
.endm

    .text

/* ---- exceptions and interrupts: one 16-byte-aligned stub per vector ---- */
/* Stub: push 0 where the CPU pushes no error code (so the frame is always the
 * same), push the vector (pt_regs.entry), go to common_entry. */
    .align 16
    .globl idt_stubs
idt_stubs:
vec = 0
.rept 256
    .align 16
.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    /* the CPU pushed an error code */
.else
    pushq $0
.endif
    pushq $vec
    jmp common_entry
vec = vec + 1
.endr

/* common_entry: SWAPGS when we came from user mode (Linux's error_entry),
 * save the registers, call do_trap(regs), then leave through the IRET path. */
common_entry:
    testb $3, 24(%rsp)                  /* CS in the hardware frame: from user mode? */
    jz 1f
    swapgs
1:  PUSH_REGS
    mov %rsp, %rdi
    call do_trap
    jmp swapgs_restore_regs_and_return_to_usermode

/* The IRET exit, shared by every entry (Linux's
 * swapgs_restore_regs_and_return_to_usermode / restore_regs_and_return_to_kernel). */
    .globl swapgs_restore_regs_and_return_to_usermode
swapgs_restore_regs_and_return_to_usermode:
    POP_REGS
    add $16, %rsp                       /* entry, orig_ax */
    testb $3, 8(%rsp)                   /* returning to user mode? */
    jz 1f
    swapgs
1:  iretq

/* ---- SYSCALL: 64-bit programs (MSR_LSTAR) ----
 * On entry (SDM Vol. 2B SYSCALL): RCX = the user RIP, R11 = the user RFLAGS,
 * CS/SS = KERNEL_CS/KERNEL_DS from STAR, RFLAGS &= ~SYSCALL_MASK (IF clear),
 * RSP still the user's: no stack has been switched, nothing pushed. */
    .globl entry_SYSCALL_64
entry_SYSCALL_64:
    swapgs                              /* GS base: the per-CPU area */
    mov %rsp, %gs:PCPU_USER_RSP         /* keep the user RSP */
    mov %gs:PCPU_TOP_OF_STACK, %rsp     /* the task's kernel stack */
    /* build the hardware part of pt_regs by hand: as an interrupt would have */
    pushq $USER_DS                      /* ss */
    pushq %gs:PCPU_USER_RSP             /* sp */
    pushq %r11                          /* flags */
    pushq $USER_CS                      /* cs */
    pushq %rcx                          /* ip */
    pushq %rax                          /* orig_ax: the system-call number */
    pushq $ENTRY_SYSCALL                /* entry */
    PUSH_REGS
    mov %rsp, %rdi
    call do_syscall_64                  /* returns 1 when SYSRET is safe */
    test %eax, %eax
    jz swapgs_restore_regs_and_return_to_usermode   /* IRET instead */
    /* SYSRET: RIP from RCX, RFLAGS from R11 (do_syscall_64 checked that RIP
     * is canonical: SYSRET to a non-canonical RCX faults in ring 0 on Intel) */
    POP_REGS
    add $16, %rsp                       /* entry, orig_ax */
    mov 0(%rsp), %rcx                   /* ip */
    mov 16(%rsp), %r11                  /* flags */
    mov 24(%rsp), %rsp                  /* the user's stack */
    swapgs
    sysretq

/* ---- INT 0x80: 32-bit programs (IDT vector 0x80, DPL 3, interrupt gate) ----
 * The CPU switched to TSS.RSP0 and pushed SS, RSP, RFLAGS, CS, RIP. */
    .globl entry_INT80_compat
entry_INT80_compat:
    pushq %rax                          /* orig_ax: the system-call number */
    pushq $VEC_SYSCALL32                /* entry */
    testb $3, 24(%rsp)
    jz 1f
    swapgs
1:  PUSH_REGS
    mov %rsp, %rdi
    call do_int80_syscall_32
    jmp swapgs_restore_regs_and_return_to_usermode

/* ---- SYSENTER: 32-bit programs through __kernel_vsyscall (MSR_SYSENTER_EIP) ----
 * On entry (SDM Vol. 2B SYSENTER): CS/SS from SYSENTER_CS, RSP = SYSENTER_ESP
 * (a scratch per-CPU stack, unused: like Linux we switch to the task's stack
 * at once), RIP = SYSENTER_EIP, IF and VM clear. Nothing is saved: the vDSO
 * left the user ESP in EBP and the return address is the vDSO's landing. */
    .globl entry_SYSENTER_compat
entry_SYSENTER_compat:
    swapgs
    mov %gs:PCPU_TOP_OF_STACK, %rsp
    pushq $USER_DS                      /* ss */
    pushq %rbp                          /* sp: __kernel_vsyscall's ESP, in EBP */
    pushfq                              /* flags: the user's, but for IF, */
    orq $0x200, (%rsp)                  /* which SYSENTER cleared: it was set */
    pushq $USER32_CS                    /* cs */
    pushq $0                            /* ip: do_fast_syscall_32 sets the landing */
    pushq %rax                          /* orig_ax */
    pushq $ENTRY_SYSENTER               /* entry */
    PUSH_REGS
    mov %rsp, %rdi
    call do_fast_syscall_32             /* returns 1 when SYSEXIT is right */
    test %eax, %eax
    jz swapgs_restore_regs_and_return_to_usermode
    /* SYSEXIT: EIP from EDX, ESP from ECX (the vDSO restores both) */
    POP_REGS
    add $16, %rsp
    mov 0(%rsp), %rdx                   /* ip */
    mov 24(%rsp), %rcx                  /* sp */
    pushq 16(%rsp)                      /* flags, with IF clear until STI's shadow ends */
    andq $~0x200, (%rsp)
    popfq
    swapgs
    sti
    sysexitl

/* ---- the context switch ----
 * struct proc *__switch_to_asm(struct proc *prev, struct proc *next)
 * Linux's __switch_to_asm / xv6's swtch: push the callee-saved registers on
 * prev's kernel stack (struct inactive_task_frame), save RSP in
 * prev->thread_sp, load next->thread_sp, pop next's callee-saved registers,
 * and return on next's stack: into the context_switch() that switched next
 * out, or into ret_from_fork for a new task (through __switch_to, which
 * updates TSS.RSP0, the SYSCALL stack pointer and current, and returns prev). */
    .globl __switch_to_asm, swtch
__switch_to_asm:
swtch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, 0(%rdi)                   /* prev->thread_sp */
    mov 0(%rsi), %rsp                   /* next->thread_sp */
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    jmp __switch_to                     /* the C half; its RET pops next's return address */

/* A new task's first return: its kernel stack holds an inactive_task_frame
 * returning here, above it the pt_regs load_program built; leave to user mode
 * through the IRET path (as Linux's ret_from_fork does). */
    .globl ret_from_fork
ret_from_fork:
    jmp swapgs_restore_regs_and_return_to_usermode

/* ---- the 32-bit vDSO page (mapped at VDSO32_ADDR in every 32-bit process) ----
 * __kernel_vsyscall as Linux's arch/x86/entry/vdso/vdso32/system_call.S: save
 * ECX and EDX (SYSEXIT takes ESP and EIP in them) and EBP (the kernel finds
 * the user ESP in it), SYSENTER; the kernel's SYSEXIT lands after the
 * INT 0x80 fallback, which restores the three and returns. */
    .section .rodata
    .align 4096
    .globl vdso32_start, vdso32_end, vdso32_landing
    .code32
vdso32_start:
__kernel_vsyscall:
    push %ecx
    push %edx
    push %ebp
    mov %esp, %ebp
    sysenter
    int $0x80                           /* never reached: SYSEXIT returns below */
vdso32_landing:
    pop %ebp
    pop %edx
    pop %ecx
    ret
vdso32_end:
    .code64
