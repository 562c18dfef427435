/*
 * hwbench: the ring-3 loops and their empty ring-0 handlers (README.md).
 * Each loop runs R12 iterations of one round trip with DEC + JNZ around it,
 * reads the TSC before and after, and returns to ring 0 through INT 0x81
 * with the difference in RAX. The loops run at their low (identity-mapped,
 * user) alias and touch no memory but the user stack.
 */
    .text
    .code64

/* enter_user(rip, rsp, iters): IRETQ to ring 3 at `rip` with `rsp`; returns
 * the TSC delta the loop passes back through INT 0x81. */
    .globl enter_user
enter_user:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, kernel_saved_rsp(%rip)
    mov %rdx, %r12                  /* iterations */
    push $0x23                      /* SS: user data, RPL 3 */
    push %rsi                       /* RSP */
    push $0x2                       /* RFLAGS: IF = 0 */
    push $0x2b                      /* CS: 64-bit user code, RPL 3 */
    push %rdi                       /* RIP */
    iretq

/* INT 0x81 (DPL 3): back to enter_user's caller, RAX = the loop's delta. */
    .globl back_to_kernel
back_to_kernel:
    mov kernel_saved_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

/* ---- ring-0 handlers: nothing but the return ---- */
    .globl syscall_entry, sysenter_entry, int80_entry, gate_entry
syscall_entry:
    sysretq
sysenter_entry:
    rex.w sysexit
int80_entry:
    iretq
gate_entry:
    lretq                           /* far RET to ring 3: pops RIP, CS, RSP, SS */

/* ---- ring-3 loops (run at the low alias: position-independent) ---- */
.macro TSC_START
    rdtsc
    shl $32, %rdx
    or %rax, %rdx
    mov %rdx, %r13
.endm
.macro TSC_END_AND_RETURN
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    sub %r13, %rax
    int $0x81
.endm

    .globl user_syscall, user_sysenter, user_int80, user_gate
user_syscall:
    TSC_START
1:  syscall
    dec %r12
    jnz 1b
    TSC_END_AND_RETURN

user_sysenter:
    lea 2f(%rip), %rbx              /* SYSEXIT returns to RDX with RSP = RCX */
    mov %rsp, %r14
    TSC_START
    mov %rbx, %rdx
    mov %r14, %rcx
1:  sysenter
2:  dec %r12
    jnz 1b
    TSC_END_AND_RETURN

user_int80:
    TSC_START
1:  int $0x80
    dec %r12
    jnz 1b
    TSC_END_AND_RETURN

user_gate:
    sub $16, %rsp                   /* m16:64 far pointer: offset (ignored), selector */
    movq $0, (%rsp)
    movw $0x4b, 8(%rsp)             /* the call gate, RPL 3 */
    TSC_START
1:  rex.w lcall *(%rsp)
    dec %r12
    jnz 1b
    TSC_END_AND_RETURN

    .bss
    .align 8
kernel_saved_rsp:
    .quad 0

    .section .note.GNU-stack,"",@progbits
