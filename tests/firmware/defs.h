/*
 * Shared constants and macros of the firmware test program (see README.md).
 * Included by every .S file; the C preprocessor runs first, so comments are C
 * comments and constants are #defines.
 */
#ifndef FIRMWARE_DEFS_H
#define FIRMWARE_DEFS_H

/* The image is linked at 0xF0000, the alias of the BIOS ROM below 1 MiB. In
 * real mode, code runs with CS = F000, so a ROM address is R16(label). */
#define ROM_BASE        0xF0000
#define R16(x)          ((x) - ROM_BASE)

/* Ports. */
#define DEBUGCON        0xE9    /* one byte per OUT: the transcript */
#define EXIT_PORT       0xF4    /* isa-debug-exit: QEMU exits with (v << 1) | 1 */
#define EXIT_PASS       0x10    /* QEMU status 33 */
#define EXIT_FAIL       0x11    /* QEMU status 35 */

/* RAM layout (all below 1 MiB, identity-mapped once paging is on). */
#define GDT_BASE        0x1000
#define GDT_LIMIT       0x77
#define IDT32_BASE      0x2000  /* 256 x 8 bytes */
#define IDT64_BASE      0x3000  /* 256 x 16 bytes */
#define TSS32_BASE      0x4000
#define TSS64_BASE      0x4100
#define VARS            0x5000  /* scratch variables, below */
#define VAR_USER_RSP    (VARS + 0x00)   /* user RSP saved by the SYSCALL entry */
#define VAR_MAGIC       (VARS + 0x08)   /* read back through the paging alias */
#define PML4_BASE       0x10000
#define PDPT_BASE       0x11000
#define PD_BASE         0x12000
#define PT_BASE         0x13000
#define ALIAS_BASE      0x200000        /* PD[1]: 2 MiB page at linear 2 MiB -> physical 0 */

/* Stacks (tops; every one is distinct so the transcript shows which was used). */
#define REAL_STACK_TOP  0x7000          /* SS = 0 */
#define KSTACK_TOP      0x70000         /* ring-0 boot stack */
#define SYSCALL_KSTACK  0x6C000         /* the SYSCALL entry switches to it */
#define SYSENTER_STACK  0x68000         /* IA32_SYSENTER_ESP */
#define RSP0_TOP        0x60000         /* TSS ESP0 / RSP0 */
#define IST1_VALUE      0x58008         /* TSS64 IST1, deliberately not 16-byte aligned */
#define USER_STACK_TOP  0x50000         /* ring 3 */

/* GDT selectors (layout chosen for SYSENTER/SYSEXIT and SYSCALL/SYSRET). */
#define SEL_K32_CODE    0x08    /* ring-0 32-bit code; IA32_SYSENTER_CS in legacy mode */
#define SEL_K32_DATA    0x10    /* = SYSENTER_CS + 8 */
#define SEL_U32_CODE    0x18    /* = SYSENTER_CS + 16: SYSEXIT's CS */
#define SEL_U32_DATA    0x20    /* = SYSENTER_CS + 24: SYSEXIT's SS */
#define SEL_TSS32       0x28
#define SEL_CALLGATE    0x30    /* 32-bit call gate, DPL 3, to SEL_K32_CODE */
#define SEL_K64_CODE    0x38    /* ring-0 64-bit code: STAR[47:32], SYSENTER_CS in IA-32e */
#define SEL_K64_DATA    0x40    /* STAR[47:32] + 8: SYSCALL's SS; SYSENTER_CS + 8 */
#define SEL_UC32_CODE   0x48    /* ring-3 compatibility code: STAR[63:48]; SYSENTER_CS + 16 */
#define SEL_U_DATA      0x50    /* STAR[63:48] + 8: SYSRET's SS; SYSENTER_CS + 24 */
#define SEL_U64_CODE    0x58    /* STAR[63:48] + 16: SYSRETQ's CS; SYSENTER_CS + 32 */
#define SEL_U_DATA2     0x60    /* SYSENTER_CS + 40: SYSEXIT (REX.W)'s SS */
#define SEL_TSS64       0x68    /* 16-byte descriptor */

/* Kernel services, function number in EAX (INT 80h, SYSCALL, SYSENTER). */
#define SYS_PROBE       0       /* print this entry path's line; EDX/RDX = expected return address */
#define SYS_REPORT      1       /* printf(EBX = format, ECX, EDX, ESI, EDI, EBP) */
#define SYS_DONE        2       /* leave ring 3 for good: back to the kernel's script */
#define SYS_TO_COMPAT   3       /* SYSCALL only: SYSRET with 32-bit operand size */
#define SYS_PROBE32     4       /* SYSENTER from compatibility mode: SYSEXIT without REX.W */

/* MSRs. */
#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_EFER        0xC0000080
#define MSR_STAR        0xC0000081
#define MSR_LSTAR       0xC0000082
#define MSR_CSTAR       0xC0000083
#define MSR_SFMASK      0xC0000084
#define SFMASK_VALUE    0x4700  /* TF, IF, DF, NT */

#ifdef __ASSEMBLER__

/* printf for each mode: "%b" 2 hex digits, "%w" 4, "%l" 8, "%q" 16 (64-bit
 * only), "%s" a string. Arguments are pushed last first, one stack slot each
 * (4 bytes in real and protected mode, 8 in long mode); the callee preserves
 * every register. Never pass an %esp/%rsp-relative operand: the pushes move it. */
.macro PF16 fmt:req, a1, a2, a3, a4, a5, a6, a7
    .pushsection .rodata
.Lfmt\@: .asciz "\fmt"
    .popsection
    .set .Ln\@, 4
    .irp a, \a7, \a6, \a5, \a4, \a3, \a2, \a1
    .ifnb \a
    pushl \a
    .set .Ln\@, .Ln\@ + 4
    .endif
    .endr
    pushl $R16(.Lfmt\@)
    call pf16
    add $.Ln\@, %sp
.endm

.macro PF32 fmt:req, a1, a2, a3, a4, a5, a6, a7, a8
    .pushsection .rodata
.Lfmt\@: .asciz "\fmt"
    .popsection
    .set .Ln\@, 4
    .irp a, \a8, \a7, \a6, \a5, \a4, \a3, \a2, \a1
    .ifnb \a
    pushl \a
    .set .Ln\@, .Ln\@ + 4
    .endif
    .endr
    pushl $.Lfmt\@
    call pf32
    add $.Ln\@, %esp
.endm

.macro PF64 fmt:req, a1, a2, a3, a4, a5, a6, a7, a8
    .pushsection .rodata
.Lfmt\@: .asciz "\fmt"
    .popsection
    .set .Ln\@, 8
    .irp a, \a8, \a7, \a6, \a5, \a4, \a3, \a2, \a1
    .ifnb \a
    pushq \a
    .set .Ln\@, .Ln\@ + 8
    .endif
    .endr
    pushq $.Lfmt\@
    call pf64
    add $.Ln\@, %rsp
.endm

/* Unless condition code `cc` holds, print "FAIL: msg" and exit with EXIT_FAIL. */
.macro CHECK16 cc:req, msg:req
    j\cc .Lok\@
    PF16 "\nFAIL: \msg\n"
    jmp exit_fail16
.Lok\@:
.endm
.macro CHECK32 cc:req, msg:req
    j\cc .Lok\@
    PF32 "\nFAIL: \msg\n"
    jmp exit_fail32
.Lok\@:
.endm
.macro CHECK64 cc:req, msg:req
    j\cc .Lok\@
    PF64 "\nFAIL: \msg\n"
    jmp exit_fail64
.Lok\@:
.endm

/* Ring 3 asks the kernel to print: EBX = format, arguments already in ECX,
 * EDX, ESI, EDI, EBP. */
.macro UREPORT fmt:req
    .pushsection .rodata
.Lfmt\@: .asciz "\fmt"
    .popsection
    mov $SYS_REPORT, %eax
    mov $.Lfmt\@, %ebx
    int $0x80
.endm

/* A code/data segment descriptor from constants. */
.macro SEGDESC base, limit, access, flags
    .word (\limit) & 0xffff
    .word (\base) & 0xffff
    .byte ((\base) >> 16) & 0xff
    .byte \access
    .byte (((\limit) >> 16) & 0xf) | ((\flags) << 4)
    .byte ((\base) >> 24) & 0xff
.endm

#endif /* __ASSEMBLER__ */
#endif /* FIRMWARE_DEFS_H */
