/*
 * Stage 3: IA-32e mode. A 64-bit IDT (#PF on IST1) and a 64-bit TSS (RSP0,
 * IST1), SYSCALL/SYSENTER MSRs, IRETQ to ring 3 in 64-bit mode; from there
 * SYSCALL/SYSRETQ, INT 80h/IRETQ, a #PF handled on the IST stack,
 * SYSENTER/SYSEXIT (REX.W). SYSRET with 32-bit operand size drops into a
 * compatibility-mode segment, which does INT 80h and SYSENTER/SYSEXIT (no
 * REX.W), then ends the run.
 */
#include "defs.h"

    .section .note.GNU-stack, "", @progbits
    .text
    .code64

    .globl long64_entry
long64_entry:
    mov $SEL_K64_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $KSTACK_TOP, %rsp
    mov %rsp, %rax
    push %rax                           /* 8 bytes in 64-bit mode */
    sub %rsp, %rax
    pop %rcx
    mov $0x0123456789ABCDEF, %rbx       /* a 64-bit immediate, through a 64-bit register */
    mov %rbx, VAR_MAGIC
    mov VAR_MAGIC + ALIAS_BASE, %rdx    /* the same bytes, through the 2 MiB alias page */
    xor %ecx, %ecx
    mov %cs, %cx
    mov %rsp, %rsi
    PF64 "[long64] far jump to 0038 (L=1): CS=%w, push size %b, RSP=%q; qword at linear 0000000000205008 (2 MiB alias of physical 0) = %q\n", %rcx, %rax, %rsi, %rdx

    call build_idt64
    lidt idtr64_value

    /* TSS64: RSP0 and IST1; no I/O bitmap. */
    mov $TSS64_BASE, %rdi
    mov $(104 / 8), %ecx
    xor %eax, %eax
    rep stosq
    movq $RSP0_TOP, TSS64_BASE + 4
    movq $IST1_VALUE, TSS64_BASE + 0x24
    movw $104, TSS64_BASE + 0x66
    mov $SEL_TSS64, %ax
    ltr %ax

    /* SYSCALL: STAR (SYSCALL CS 0038, SYSRET base 0048), LSTAR, CSTAR, SFMASK. */
    mov $MSR_STAR, %ecx
    xor %eax, %eax
    mov $((SEL_UC32_CODE << 16) | SEL_K64_CODE), %edx
    wrmsr
    mov $MSR_LSTAR, %ecx
    mov $syscall_entry64, %eax
    xor %edx, %edx
    wrmsr
    mov $MSR_CSTAR, %ecx
    mov $cstar_entry, %eax
    wrmsr
    mov $MSR_SFMASK, %ecx
    mov $SFMASK_VALUE, %eax
    wrmsr
    /* SYSENTER: CS 0038 (SS 0040; SYSEXIT to 004b/0053, with REX.W 005b/0063). */
    mov $MSR_SYSENTER_CS, %ecx
    mov $SEL_K64_CODE, %eax
    wrmsr
    mov $MSR_SYSENTER_ESP, %ecx
    mov $SYSENTER_STACK, %eax
    wrmsr
    mov $MSR_SYSENTER_EIP, %ecx
    mov $sysenter_entry64, %eax
    wrmsr

    xor %ebx, %ebx
    str %bx
    mov $MSR_STAR, %ecx
    rdmsr
    shl $32, %rdx
    or %rax, %rdx
    mov %rdx, %rsi
    mov $MSR_SFMASK, %ecx
    rdmsr
    shl $32, %rdx
    or %rax, %rdx
    mov %rdx, %rdi
    mov $MSR_EFER, %ecx
    rdmsr
    shl $32, %rdx
    or %rax, %rdx
    PF64 "[long64] LIDT (16-byte gates, #PF on IST1), LTR: TR=%w, TSS64 RSP0=%q IST1=%q; STAR=%q SFMASK=%q EFER=%q; IRETQ to ring 3\n", %rbx, TSS64_BASE + 4, TSS64_BASE + 0x24, %rsi, %rdi, %rdx

    /* IRETQ to ring 3, 64-bit code, with DS/ES = 0040 (DPL 0) left loaded. */
    pushq $(SEL_U_DATA | 3)
    pushq $USER_STACK_TOP
    pushq $0x2
    pushq $(SEL_U64_CODE | 3)
    pushq $user64_entry
    iretq

/* ---- Ring 3, 64-bit --------------------------------------------------------- */
user64_entry:
    xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %rsp, %rsi
    xor %edi, %edi
    mov %ds, %di
    xor %ebp, %ebp
    mov %es, %bp
    UREPORT "[ring3] IRETQ to CPL 3, 64-bit: CS=%w SS=%w RSP=%q; DS=%w ES=%w (nulled by IRETQ)\n"

    /* SYSCALL with AC and DF set: SFMASK clears DF (not AC) in the kernel,
     * SYSRET restores both from R11. (No arithmetic flag is set: QEMU 7.2's
     * SYSCALL clears them in the kernel's RFLAGS, which Intel does not; see
     * README.md. CR0.AM is 0, so AC checks nothing.) */
    pushq $0x40402
    popfq
    mov $SYS_PROBE, %eax
    lea 1f(%rip), %rdx
    syscall
1:  pushfq
    pop %rdi
    pushq $0x2
    popfq
    xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %rsp, %rsi
    UREPORT "; SYSRETQ back: CS=%w SS=%w RSP=%q RFLAGS=%q (from R11)\n"

    /* INT 80h through the 64-bit DPL-3 gate: RSP0, and IRETQ. */
    cmp %eax, %eax                      /* flags all defined: ZF, PF (46h) */
    mov $SYS_PROBE, %eax
    lea 1f(%rip), %rdx
    int $0x80
1:  xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %rsp, %rsi
    UREPORT "; IRETQ back: CS=%w SS=%w RSP=%q\n"

    /* #PF: a user write to an unmapped address (PDPT[3] not present). */
    mov $0xDEADBEEF, %eax
pf_insn:
    movb $0x5A, (%rax)
pf_resume:
    xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %rsp, %rsi
    UREPORT "; IRETQ to the next instruction: CS=%w SS=%w RSP=%q\n"

    /* SYSENTER from 64-bit mode; SYSEXIT with REX.W returns to RDX, RSP = RCX. */
    cmp %eax, %eax                      /* flags all defined: ZF, PF (46h) */
    mov $SYS_PROBE, %eax
    lea 1f(%rip), %rdx
    lea -16(%rsp), %rcx
    sysenter
1:  xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %rsp, %rsi
    add $16, %rsp
    UREPORT "; SYSEXIT (REX.W) back: CS=%w SS=%w RSP=%q (from RCX)\n"

    /* Into compatibility mode: the kernel answers with a 32-bit SYSRET. */
    mov $SYS_TO_COMPAT, %eax
    syscall
    ud2                                 /* not reached */

/* ---- Ring 3, compatibility mode (CS 004b: L=0, D=1) ---------------------- */
    .code32
compat_entry:
    mov %esp, %eax
    push %eax                           /* 4 bytes: 32-bit operand size */
    sub %esp, %eax
    pop %edi
    mov %eax, %edi
    xor %ebp, %ebp
    inc %ebp                            /* 0x45: INC EBP here, a REX prefix in 64-bit mode */
    xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %esp, %esi
    UREPORT " compatibility mode: CS=%w SS=%w ESP=%l, push size %b, byte 45 is INC EBP: EBP=%l\n"

    /* INT 80h from compatibility mode: the 64-bit gate, IRETQ back. */
    cmp %eax, %eax                      /* flags all defined: ZF, PF (46h) */
    mov $SYS_PROBE, %eax
    mov $1f, %edx
    int $0x80
1:  xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %esp, %esi
    UREPORT "; IRETQ back: CS=%w SS=%w ESP=%l\n"

    /* SYSENTER from compatibility mode; SYSEXIT without REX.W returns here. */
    cmp %eax, %eax                      /* flags all defined: ZF, PF (46h) */
    mov $SYS_PROBE32, %eax
    mov $1f, %edx
    lea -16(%esp), %ecx
    sysenter
1:  xor %ecx, %ecx
    mov %cs, %cx
    xor %edx, %edx
    mov %ss, %dx
    mov %esp, %esi
    add $16, %esp
    UREPORT "; SYSEXIT (no REX.W) back: CS=%w SS=%w ESP=%l (from ECX)\n"

    mov $SYS_DONE, %eax
    int $0x80
    ud2                                 /* not reached */
    .code64

/* ---- Ring-0 entry points ----------------------------------------------------- */

.macro PUSHREGS
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
.endm
.macro POPREGS
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
.endm
/* Offsets of the saved registers from RSP after PUSHREGS. */
#define S_R11 0
#define S_R10 8
#define S_R9  16
#define S_R8  24
#define S_RBP 32
#define S_RDI 40
#define S_RSI 48
#define S_RDX 56
#define S_RCX 64
#define S_RBX 72
#define S_RAX 80
#define S_END 88

/* report64: printf for a ring-3 caller. RBP = the saved registers; a
 * compatibility-mode caller's format is its EBX (only the low half is
 * architecturally defined), and formats print 32 bits or fewer there. */
report64:
    pushq S_RBP(%rbp)
    pushq S_RDI(%rbp)
    pushq S_RSI(%rbp)
    pushq S_RDX(%rbp)
    pushq S_RCX(%rbp)
    mov S_RBX(%rbp), %eax
    push %rax
    call pf64
    add $48, %rsp
    ret

/* SYSCALL: no stack switch, so switch by hand. */
syscall_entry64:
    mov %rsp, VAR_USER_RSP
    mov $SYSCALL_KSTACK, %rsp
    pushfq                              /* RFLAGS after SFMASK */
    PUSHREGS
    mov %rsp, %rbp
    cmp $SYS_TO_COMPAT, %eax
    je 2f
    cmp $SYS_PROBE, %eax
    CHECK64 e, "SYSCALL: unknown function"
    cmp %rcx, %rdx
    CHECK64 e, "SYSCALL: RCX is not the return address"
    xor %eax, %eax
    mov %cs, %ax
    xor %ebx, %ebx
    mov %ss, %bx
    PF64 "[long64] SYSCALL from CPL 3: CS=%w SS=%w (STAR[47:32], +8), RIP=LSTAR, RSP still the user's %q, RCX=return address, R11=%q (user RFLAGS), RFLAGS=%q (SFMASK cleared DF only)", %rax, %rbx, VAR_USER_RSP, %r11, S_END(%rbp)
    POPREGS
    popfq
    mov VAR_USER_RSP, %rsp
    sysretq
2:  PF64 "[long64] SYSCALL, answered by SYSRET with 32-bit operand size (CS=STAR[63:48], SS=+8, EIP=ECX):"
    POPREGS
    popfq
    mov $compat_entry, %ecx
    mov $0x2, %r11d
    mov VAR_USER_RSP, %rsp
    sysretl

/* SYSCALL from compatibility mode: Intel raises #UD; never taken here. */
cstar_entry:
    mov $SYSCALL_KSTACK, %rsp
    PF64 "\nFAIL: SYSCALL from compatibility mode reached CSTAR (Intel raises #UD)\n"
    jmp exit_fail64

/* SYSENTER from 64-bit (EAX = SYS_PROBE) or compatibility mode (SYS_PROBE32). */
sysenter_entry64:
    pushfq
    PUSHREGS
    mov %rsp, %rbp
    xor %ebx, %ebx
    mov %cs, %bx
    xor %ecx, %ecx
    mov %ss, %cx
    lea S_END + 8(%rbp), %rsi
    cmp $SYS_PROBE32, %eax
    je 2f
    cmp $SYS_PROBE, %eax
    CHECK64 e, "SYSENTER: unknown function"
    PF64 "[long64] SYSENTER from 64-bit CPL 3: CS=%w SS=%w (64-bit code, IA32_SYSENTER_CS, +8), RSP=%q (IA32_SYSENTER_ESP), RFLAGS=%q, SYSEXIT to RDX with RSP=RCX=%q", %rbx, %rcx, %rsi, S_END(%rbp), S_RCX(%rbp)
    POPREGS
    popfq
    sysexitq
2:  mov S_RCX(%rbp), %eax
    PF64 "[compat32] SYSENTER from compatibility mode: CS=%w SS=%w (64-bit code), RSP=%q (IA32_SYSENTER_ESP), RFLAGS=%q, SYSEXIT to EDX with ESP=ECX=%l", %rbx, %rcx, %rsi, S_END(%rbp), %rax
    POPREGS
    popfq
    sysexitl

/* INT 80h, 64-bit DPL-3 interrupt gate. */
int80_handler64:
    PUSHREGS
    mov %rsp, %rbp          /* frame: RIP at S_END, CS +8, RFLAGS +16, RSP +24, SS +32 */
    cmp $SYS_REPORT, %eax
    je 2f
    cmp $SYS_DONE, %eax
    je 3f
    cmp $SYS_PROBE, %eax
    CHECK64 e, "INT 80h: unknown function"
    cmp S_END(%rbp), %edx   /* (32 bits: a compatibility-mode caller passes EDX) */
    CHECK64 e, "INT 80h frame RIP is not the return address"
    xor %eax, %eax
    mov %cs, %ax
    xor %ebx, %ebx
    mov %ss, %bx
    lea S_END(%rbp), %rcx
    cmpw $(SEL_UC32_CODE | 3), S_END + 8(%rbp)
    je 1f
    PF64 "[long64] INT 80h through a 64-bit DPL-3 interrupt gate from CPL 3: CS=%w SS=%w (null), RSP=%q (TSS.RSP0 minus 40), frame SS:RSP=%w:%q RFLAGS=%q CS=%w RIP=return address", %rax, %rbx, %rcx, S_END + 32(%rbp), S_END + 24(%rbp), S_END + 16(%rbp), S_END + 8(%rbp)
    jmp 9f
1:  PF64 "[compat32] INT 80h from compatibility mode to the 64-bit gate: CS=%w SS=%w (null), RSP=%q (TSS.RSP0 minus 40), frame SS:RSP=%w:%q RFLAGS=%q CS=%w RIP=return address", %rax, %rbx, %rcx, S_END + 32(%rbp), S_END + 24(%rbp), S_END + 16(%rbp), S_END + 8(%rbp)
    jmp 9f
2:  call report64
    jmp 9f
3:  mov $KSTACK_TOP, %rsp
    jmp finish64
9:  POPREGS
    iretq

/* #PF on IST1: only the one at pf_insn is expected. */
pf_handler64:
    cmpq $pf_insn, 8(%rsp)
    jne stub64_14
    PUSHREGS
    mov %rsp, %rbp          /* error code at S_END, RIP +8, CS +16, RFLAGS +24, RSP +32, SS +40 */
    lea S_END(%rbp), %rax
    mov %cr2, %rbx
    PF64 "[long64] #PF on IST1: RSP=%q (IST1 0000000000058008 aligned down to 16, minus 48), CR2=%q, error code %q (not present, write, user), frame CS=%w SS:RSP=%w:%q RIP=the faulting MOV", %rax, %rbx, S_END(%rbp), S_END + 16(%rbp), S_END + 40(%rbp), S_END + 32(%rbp)
    movq $pf_resume, S_END + 8(%rbp)
    POPREGS
    add $8, %rsp                        /* the error code */
    iretq

finish64:
    xor %eax, %eax
    mov %cs, %ax
    PF64 "[long64] INT 80h from compatibility mode ends ring 3: CS=%w; every check passed, exit code 10h to port f4\n", %rax
    mov $EXIT_PASS, %al
    out %al, $EXIT_PORT
1:  cli
    hlt
    jmp 1b

/* ---- IDT ----------------------------------------------------------------------- */

/* set_gate64: ECX = vector, RAX = handler, DL = type byte, BL = IST. */
set_gate64:
    push %rax
    push %rdi
    mov %ecx, %edi
    shl $4, %edi
    add $IDT64_BASE, %edi
    movw %ax, (%rdi)
    movw $SEL_K64_CODE, 2(%rdi)
    movb %bl, 4(%rdi)
    movb %dl, 5(%rdi)
    shr $16, %rax
    movw %ax, 6(%rdi)
    shr $16, %rax
    movl %eax, 8(%rdi)
    movl $0, 12(%rdi)
    pop %rdi
    pop %rax
    ret

build_idt64:
    PUSHREGS
    mov $IDT64_BASE, %edi
    mov $(256 * 16 / 8), %ecx
    xor %eax, %eax
    rep stosq
    xor %ecx, %ecx
    xor %ebx, %ebx
1:  mov stub64_table(,%rcx,8), %rax
    mov $0x8E, %dl                      /* 64-bit interrupt gate, DPL 0 */
    call set_gate64
    inc %ecx
    cmp $32, %ecx
    jb 1b
    mov $14, %ecx
    mov $pf_handler64, %eax
    mov $1, %bl                         /* IST1 */
    call set_gate64
    mov $0x80, %ecx
    mov $int80_handler64, %eax
    mov $0xEE, %dl                      /* DPL 3 */
    xor %ebx, %ebx
    call set_gate64
    POPREGS
    ret

idtr64_value:
    .word 256 * 16 - 1
    .quad IDT64_BASE

.macro STUB64 v
stub64_\v:
    .if (\v == 8) || ((\v >= 10) && (\v <= 14)) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
    .else
    pushq $0
    .endif
    pushq $\v
    jmp fail_exception64
.endm
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    STUB64 \v
    .endr
    .balign 8
stub64_table:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad stub64_\v
    .endr

fail_exception64:
    mov %rsp, %rbp          /* +0 vector, +8 error code, +16 RIP, +24 CS */
    mov %cr2, %rax
    PF64 "\nFAIL: unexpected exception %b (error code %q) at %w:%q, CR2=%q\n", 0(%rbp), 8(%rbp), 24(%rbp), 16(%rbp), %rax
exit_fail64:
    mov $EXIT_FAIL, %al
    out %al, $EXIT_PORT
1:  cli
    hlt
    jmp 1b

/* ---- printf for 64-bit mode ----------------------------------------------------- */

/* pf64: [rsp+8] = format, then the arguments, 8 bytes each; preserves everything. */
pf64:
    push %rbp
    mov %rsp, %rbp
    pushfq
    PUSHREGS
    cld
    mov 16(%rbp), %rsi
    lea 24(%rbp), %rdi
1:  lodsb
    test %al, %al
    jz 9f
    cmp $0x25 /* % */, %al
    jne 2f
    lodsb
    mov $2, %ecx
    cmp $0x62 /* b */, %al
    je 3f
    mov $4, %ecx
    cmp $0x77 /* w */, %al
    je 3f
    mov $8, %ecx
    cmp $0x6C /* l */, %al
    je 3f
    mov $16, %ecx
    cmp $0x71 /* q */, %al
    je 3f
    cmp $0x73 /* s */, %al
    je 4f
2:  out %al, $DEBUGCON
    jmp 1b
3:  mov (%rdi), %rdx
    add $8, %rdi
    call hex64
    jmp 1b
4:  push %rsi
    mov (%rdi), %rsi
    add $8, %rdi
5:  lodsb
    test %al, %al
    jz 6f
    out %al, $DEBUGCON
    jmp 5b
6:  pop %rsi
    jmp 1b
9:  POPREGS
    popfq
    pop %rbp
    ret

/* hex64: print the low ECX hex digits of RDX. */
hex64:
    push %rax
    push %rcx
1:  dec %ecx
    mov %rdx, %rax
    push %rcx
    shl $2, %ecx
    shr %cl, %rax
    pop %rcx
    and $0xF, %eax
    movb hexdigits(%rax), %al
    out %al, $DEBUGCON
    test %ecx, %ecx
    jnz 1b
    pop %rcx
    pop %rax
    ret
