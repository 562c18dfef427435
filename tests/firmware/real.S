/*
 * Stage 1: real mode. The CPU starts at F000:FFF0 with CS.base = FFFF0000, so
 * the first instruction is the far jump at the top of the 4 GiB alias of this
 * image; it continues in the alias below 1 MiB (F000:xxxx = 0xFxxxx). Real-mode
 * addressing, an INT through the IVT, then LGDT and CR0.PE into protected mode.
 */
#include "defs.h"

    .section .note.GNU-stack, "", @progbits

/* ---- The reset vector: the last 16 bytes of the image. ------------------- */
    .section .reset, "ax"
    .code16
    .globl reset_vector
reset_vector:
    .byte 0xEA                          /* JMP ptr16:16 F000:start16 */
    .word R16(start16)
    .word 0xF000

    .text
    .code16
    .globl rom_start
rom_start:
    .ascii "ringscope firmware test program (tests/firmware)\0"

start16:
    mov %cr0, %ebx                      /* CR0 as reset left it */
    mov $0, %ax                         /* (MOV leaves the flags alone) */
    mov %ax, %ss
    mov $REAL_STACK_TOP, %sp
    pushfl
    popl %edi                           /* EFLAGS as reset left it */
    cli
    cld
    mov %ax, %es
    mov $0xF000, %ax
    mov %ax, %ds                        /* DS = the ROM: format strings */

    /* Real-mode addressing: 1234:0010 and 1235:0000 are both linear 12350. */
    mov $0x1234, %ax
    mov %ax, %fs
    movw $0xBEEF, %fs:0x0010
    mov $0x1235, %ax
    mov %ax, %gs
    movzwl %gs:0, %edx
    xor %eax, %eax
    mov %cs, %ax
    xor %ecx, %ecx
    mov %ss, %cx
    PF16 "[real] reset at F000:FFF0, far jump into the F0000 alias: CS=%w SS=%w CR0=%l EFLAGS=%l; 1234:0010 and 1235:0000 hold the same word %w\n", %eax, %ecx, %ebx, %edi, %edx

    /* Mask both 8259s: from here on IF=1 windows cannot take a timer tick
     * (QEMU's PIT runs from reset; ringscope has no PIC yet, the OUTs are
     * ignored there). */
    mov $0xFF, %al
    out %al, $0x21
    out %al, $0xA1

    /* INT 30h through the IVT: entry 30h at 0000:00C0. */
    movw $R16(int30_handler), %es:0xC0
    movw $0xF000, %es:0xC2
    pushl $0x00000203                   /* IF and CF set */
    popfl
    int $0x30
int30_ret:
    pushfw
    popw %ax
    cli
    movzwl %ax, %eax
    xor %ecx, %ecx
    mov %sp, %cx
    PF16 "; IRET back: SP=%w FLAGS=%w\n", %ecx, %eax

    /* Protected mode: copy the GDT into RAM (the ROM is read-only under
     * QEMU; LTR writes the busy bit), LGDT, CR0.PE, far jump. */
    mov $R16(gdt_template), %si
    mov $GDT_BASE, %di
    mov $(gdt_template_end - gdt_template), %cx
    rep movsb
    lgdtl %ds:R16(gdtr_value)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $SEL_K32_CODE, $pm32_entry

int30_handler:
    pushfw                              /* FLAGS inside the handler */
    push %bp
    mov %sp, %bp                        /* [bp+2] handler FLAGS, [bp+4] IP, +6 CS, +8 FLAGS */
    cmpw $R16(int30_ret), 4(%bp)
    CHECK16 e, "INT 30h frame IP is not the return address"
    lea 4(%bp), %ax
    movzwl %ax, %eax
    movzwl 2(%bp), %ebx
    movzwl 6(%bp), %ecx
    movzwl 8(%bp), %edx
    PF16 "[real] INT 30h through IVT entry 0000:00c0: SP 7000->%w, frame CS=%w FLAGS=%w IP=return address, handler FLAGS=%w (IF cleared)", %eax, %ecx, %edx, %ebx
    pop %bp
    popfw
    iret

/* ---- Output helpers for real mode (DS = F000, SS = 0) ---------------------- */

/* pf16: [bp+4] = format (offset in F000, a 32-bit slot), [bp+8...] = arguments. */
pf16:
    push %bp
    mov %sp, %bp
    pushal
    pushfw
    cld
    mov 4(%bp), %si
    lea 8(%bp), %di
1:  lodsb
    test %al, %al
    jz 9f
    cmp $0x25 /* % */, %al
    jne 2f
    lodsb
    mov $2, %cx
    cmp $0x62 /* b */, %al
    je 3f
    mov $4, %cx
    cmp $0x77 /* w */, %al
    je 3f
    mov $8, %cx
    cmp $0x6C /* l */, %al
    je 3f
2:  out %al, $DEBUGCON
    jmp 1b
3:  mov %ss:(%di), %edx
    add $4, %di
    call hex16
    jmp 1b
9:  popfw
    popal
    pop %bp
    ret

/* hex16: print the low CX hex digits of EDX. */
hex16:
    push %eax
    push %ebx
    push %ecx
1:  dec %cx
    mov %edx, %eax
    push %cx
    shl $2, %cx
    shr %cl, %eax
    pop %cx
    and $0xF, %ax
    mov %ax, %bx
    mov R16(hexdigits)(%bx), %al
    out %al, $DEBUGCON
    test %cx, %cx
    jnz 1b
    pop %ecx
    pop %ebx
    pop %eax
    ret

exit_fail16:
    mov $EXIT_FAIL, %al
    out %al, $EXIT_PORT
1:  cli
    hlt
    jmp 1b

    .globl hexdigits
hexdigits:
    .ascii "0123456789abcdef"

/* ---- The GDT, copied to GDT_BASE ------------------------------------------ */
/* Accessed bits are preset, so no load writes a descriptor (the two
 * emulators agree on that without depending on when each sets the bit). */
    .balign 8
gdt_template:
    .quad 0                                         /* 00 null */
    SEGDESC 0, 0xFFFFF, 0x9B, 0xC                   /* 08 ring-0 code, 32-bit */
    SEGDESC 0, 0xFFFFF, 0x93, 0xC                   /* 10 ring-0 data */
    SEGDESC 0, 0xFFFFF, 0xFB, 0xC                   /* 18 ring-3 code, 32-bit */
    SEGDESC 0, 0xFFFFF, 0xF3, 0xC                   /* 20 ring-3 data */
    SEGDESC TSS32_BASE, 0x67, 0x89, 0x0             /* 28 32-bit TSS, available */
    .quad 0                                         /* 30 call gate, built at run time */
    SEGDESC 0, 0xFFFFF, 0x9B, 0xA                   /* 38 ring-0 code, 64-bit (L=1) */
    SEGDESC 0, 0xFFFFF, 0x93, 0xC                   /* 40 ring-0 data */
    SEGDESC 0, 0xFFFFF, 0xFB, 0xC                   /* 48 ring-3 code, compatibility (L=0 D=1) */
    SEGDESC 0, 0xFFFFF, 0xF3, 0xC                   /* 50 ring-3 data */
    SEGDESC 0, 0xFFFFF, 0xFB, 0xA                   /* 58 ring-3 code, 64-bit */
    SEGDESC 0, 0xFFFFF, 0xF3, 0xC                   /* 60 ring-3 data */
    SEGDESC TSS64_BASE, 0x67, 0x89, 0x0             /* 68 64-bit TSS, available (low half) */
    .quad 0                                         /* 70 (high half: base 63:32 = 0) */
gdt_template_end:

gdtr_value:
    .word GDT_LIMIT
    .long GDT_BASE
