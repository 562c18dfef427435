/*
 * flat16 / flat32 / flat64: a raw binary for `ringscope run --flat FILE
 * --mode BITS --load ADDR`, assembled with -DBITS=16, 32 or 64 and linked at
 * ADDR (-Ttext). It reports the state it started in (mode, CR0/EFER, where
 * it runs, the stack pointer and flags) on COM1 and port E9, then exits
 * through isa-debug-exit with 0x10 (status 33).
 */
#define COM1 0x3f8

    .section .note.GNU-stack, "", @progbits
    .text

#if BITS == 16
    .code16
#define SAVE    push %eax; push %ebx; push %ecx; push %edx; push %esi
#define RESTORE pop %esi; pop %edx; pop %ecx; pop %ebx; pop %eax
#define VAR(x)  x
#elif BITS == 32
    .code32
#define SAVE    push %eax; push %ebx; push %ecx; push %edx; push %esi
#define RESTORE pop %esi; pop %edx; pop %ecx; pop %ebx; pop %eax
#define VAR(x)  x
#else
    .code64
#define SAVE    push %rax; push %rbx; push %rcx; push %rdx; push %rsi
#define RESTORE pop %rsi; pop %rdx; pop %rcx; pop %rbx; pop %rax
#define VAR(x)  x(%rip)
#endif

/* Print the string at label s (ESI/RSI), then the low n hex digits of v. */
.macro STR s
#if BITS == 64
    lea \s(%rip), %rsi
#else
    mov $\s, %esi
#endif
    call puts
.endm
.macro HEX var, n
    mov VAR(\var), %eax
    mov $\n, %ecx
    call hex
.endm

    .globl _start
_start:
    /* Record the entry state before anything changes it. */
#if BITS == 64
    mov %rsp, %rax
    mov %eax, VAR(v_sp)
    pushfq
    popq %rax
    mov %eax, VAR(v_flags)
    lea _start(%rip), %rax
    mov %eax, VAR(v_ip)
    mov $0xC0000080, %ecx
    rdmsr
    mov %eax, VAR(v_efer)
#else
    mov %esp, %eax
    mov %eax, VAR(v_sp)
    pushf
    pop %eax
    mov %eax, VAR(v_flags)
    call 1f
1:  pop %eax
    sub $(1b - _start), %eax
#if BITS == 16
    movzwl %ax, %eax
#endif
    mov %eax, VAR(v_ip)
#endif
#if BITS == 64
    mov %cr0, %rax
#else
    mov %cr0, %eax
#endif
    mov %eax, VAR(v_cr0)
    xor %eax, %eax
    mov %cs, %ax
    mov %eax, VAR(v_cs)
    mov %ss, %ax
    mov %eax, VAR(v_ss)

#if BITS == 16
    STR s_head
    HEX v_cr0, 8
    STR s_csip
    HEX v_cs, 4
    STR s_colon
    HEX v_ip, 4
    STR s_sssp
    HEX v_ss, 4
    STR s_colon
    HEX v_sp, 4
    STR s_flags
    HEX v_flags, 4
#elif BITS == 32
    STR s_head
    HEX v_cr0, 8
    STR s_cs
    HEX v_cs, 4
    STR s_ip
    HEX v_ip, 8
    STR s_sp
    HEX v_sp, 8
    STR s_flags
    HEX v_flags, 8
#else
    STR s_head
    HEX v_cr0, 8
    STR s_efer
    HEX v_efer, 8
    STR s_cs
    HEX v_cs, 4
    STR s_ip
    HEX v_ip, 8
    STR s_sp
    HEX v_sp, 8
    STR s_flags
    HEX v_flags, 8
#endif
    STR s_end
    mov $0x10, %al
    out %al, $0xf4
2:  cli
    hlt
    jmp 2b

/* puts: the NUL-terminated string at ESI/RSI to COM1 and port E9. */
puts:
1:  lodsb
    test %al, %al
    jz 2f
    call putc
    jmp 1b
2:  ret

putc:
    SAVE
    mov %al, %bl
    mov $COM1 + 5, %dx
    mov $100000, %ecx
1:  in %dx, %al                 /* wait for THRE (a missing UART reads FFh) */
    test $0x20, %al
    jnz 2f
    dec %ecx
    jnz 1b
2:  mov %bl, %al
    mov $COM1, %dx
    out %al, %dx
    out %al, $0xe9
    RESTORE
    ret

/* hex: the low ECX hex digits of EAX. */
hex:
    SAVE
    mov %ecx, %ebx
    shl $2, %ecx
    neg %ecx
    add $32, %ecx
    rol %cl, %eax               /* the first digit to print is now on top */
1:  rol $4, %eax
    mov %eax, %edx
    and $0xf, %al
    add $'0', %al
    cmp $'9', %al
    jbe 2f
    add $('a' - '9' - 1), %al
2:  call putc
    mov %edx, %eax
    dec %ebx
    jnz 1b
    RESTORE
    ret

    .align 4
v_ip:    .long 0
v_sp:    .long 0
v_flags: .long 0
v_cr0:   .long 0
v_efer:  .long 0
v_cs:    .long 0
v_ss:    .long 0

#if BITS == 16
s_head:  .asciz "flat16: real mode, CR0="
s_csip:  .asciz ", started at CS:IP "
s_sssp:  .asciz ", SS:SP "
#elif BITS == 32
s_head:  .asciz "flat32: 32-bit protected mode, CR0="
#else
s_head:  .asciz "flat64: 64-bit mode, CR0="
s_efer:  .asciz ", EFER="
#endif
s_colon: .asciz ":"
s_cs:    .asciz ", CS="
s_ip:    .asciz ", started at "
s_sp:    .asciz ", stack pointer "
s_flags: .asciz ", flags "
s_end:   .asciz "\n"
