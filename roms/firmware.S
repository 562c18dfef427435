/*
 * ringscope's built-in firmware: a 64 KiB BIOS-style ROM (docs/platform-boot.md).
 *
 * Power-on sequence, all in real mode until the last step:
 *   1. the reset vector (F000:FFF0, CS.base FFFF0000) far-jumps into the
 *      ROM's alias below 1 MiB;
 *   2. caches on (CR0.CD = NW = 0), a stack at 0000:7000;
 *   3. the interrupt vector table: a timer handler on vector 08h (IRQ 0:
 *      counts ticks in the BIOS data area, EOI), EOI-only handlers for
 *      IRQs 1-7 (09h-0Fh) and 8-15 (70h-77h) that ignore spurious IRQ 7/15,
 *      INT 12h (base memory size), a halting handler for the real-mode
 *      faults 0, 5, 6, 7, and IRET for everything else;
 *   4. the BIOS data area (EBDA segment, base memory size, tick count) and
 *      a zeroed 1 KiB EBDA;
 *   5. the 8259A pair as a PC BIOS programs it (vectors 08h and 70h) and
 *      8254 channel 0 in mode 3 with count 65536 (18.2 Hz);
 *   6. STI; HLT with only IRQ 0 unmasked: the tick that wakes the CPU is
 *      recorded in the handoff block, so every boot proves the timer path;
 *   7. every IRQ masked again (the cascade input stays open), A20 on
 *      through port 92h, checked;
 *   8. the handoff block at 0x500 (written by the host loader): if it holds
 *      a kernel, LGDT, CR0.PE, and a jump to the entry point in the state
 *      the multiboot specification defines. Without one it says so on the
 *      debug console (port E9h) and halts.
 *
 * Built with the host toolchain only (roms/CMakeLists.txt): cc -c (the C
 * preprocessor includes src/boot/handoff.h), ld -T firmware.ld, objcopy.
 * Nothing in the ROM is written: tables and stacks live in RAM.
 */
#include "boot/handoff.h"

#define ROM_BASE        0xF0000
#define R16(x)          ((x) - ROM_BASE)    /* offset in segment F000 */

#define DEBUGCON        0xE9
#define PIC1_CMD        0x20
#define PIC1_DATA       0x21
#define PIC2_CMD        0xA0
#define PIC2_DATA       0xA1
#define PIT_CH0         0x40
#define PIT_CMD         0x43
#define SYSCTL_A        0x92                /* PS/2 system control port A: bit 1 = A20 */

#define PIC_EOI         0x20                /* OCW2: non-specific EOI */
#define PIC_READ_ISR    0x0B                /* OCW3: next read of the command port gives ISR */
#define PIC_READ_IRR    0x0A                /* OCW3: back to IRR */
#define A20_PROBE_LOW   0x05F0              /* inside the handoff area, unused */

    .section .note.GNU-stack, "", @progbits

/* ---- The reset vector: the last 16 bytes of the image. ------------------- */
    .section .reset, "ax"
    .code16
    .globl reset_vector
reset_vector:
    .byte 0xEA                          /* JMP ptr16:16 F000:start */
    .word R16(start)
    .word 0xF000

/* ---- The GDT, at FW_GDT_ADDR (firmware.ld places .gdt there). -------------- */
.macro SEGDESC base, limit, access, flags
    .word (\limit) & 0xffff
    .word (\base) & 0xffff
    .byte ((\base) >> 16) & 0xff
    .byte \access
    .byte (((\limit) >> 16) & 0xf) | ((\flags) << 4)
    .byte ((\base) >> 24) & 0xff
.endm

    .section .gdt, "a"
    .globl fw_gdt
fw_gdt:
    .quad 0                                     /* 00 null */
    SEGDESC 0, 0xFFFFF, 0x9B, 0xC               /* 08 code32: G, D; accessed preset */
    SEGDESC 0, 0xFFFFF, 0x93, 0xC               /* 10 data32 */
    SEGDESC 0, 0x0FFFF, 0x9B, 0x0               /* 18 code16, 64 KiB */
    SEGDESC 0, 0x0FFFF, 0x93, 0x0               /* 20 data16, 64 KiB */
    SEGDESC 0, 0xFFFFF, 0x9B, 0xA               /* 28 code64: G, L */
fw_gdt_end:

    .text
    .code16
    .globl rom_start
rom_start:
    .ascii "ringscope firmware, handoff version 1\0"

gdtr_value:
    .word FW_GDT_LIMIT
    .long FW_GDT_ADDR

msg_no_kernel:
    .ascii "ringscope firmware: nothing to boot (no handoff block at 0x500)\n\0"
msg_fault:
    .ascii "ringscope firmware: unexpected real-mode exception; halted\n\0"

start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ss
    mov $BOOT_STACK_TOP, %sp
    mov %ax, %ds
    mov %ax, %es

    /* Caches on, as a BIOS leaves them: CR0.CD (bit 30) and NW (bit 29)
     * are set at reset (SDM Vol. 3A, 10.1.1, CR0 = 60000010H). */
    mov %cr0, %eax
    and $0x9FFFFFFF, %eax
    mov %eax, %cr0

    /* The IVT: 256 far pointers at 0000:0000, all to IRET first. */
    xor %di, %di
    mov $256, %cx
1:  mov $R16(int_iret), %ax
    stosw
    mov $0xF000, %ax
    stosw
    loop 1b
    /* Faults that would restart the instruction forever under IRET. */
    movw $R16(int_fault), 0x00 * 4
    movw $R16(int_fault), 0x05 * 4
    movw $R16(int_fault), 0x06 * 4
    movw $R16(int_fault), 0x07 * 4
    /* Hardware interrupts: master 08h-0Fh, slave 70h-77h (PC BIOS layout). */
    mov $0x09 * 4, %di
    mov $7, %cx
2:  movw $R16(irq_master), (%di)
    add $4, %di
    loop 2b
    mov $0x70 * 4, %di
    mov $8, %cx
3:  movw $R16(irq_slave), (%di)
    add $4, %di
    loop 3b
    movw $R16(irq0_timer), 0x08 * 4
    movw $R16(int12_memsize), 0x12 * 4

    /* BIOS data area 0400-04FF: zero, then the fields kernels read. */
    mov $0x0400, %di
    mov $0x80, %cx
    xor %ax, %ax
    rep stosw
    movw $(0x9FC00 >> 4), BDA_EBDA_SEGMENT
    movw $(0x9FC00 >> 10), BDA_BASE_MEMORY_KB  /* 639 KiB below the EBDA */
    /* The EBDA: 1 KiB at 9FC0:0000, its first byte its size in KiB. */
    mov $(0x9FC00 >> 4), %ax
    mov %ax, %es
    xor %di, %di
    mov $0x200, %cx
    xor %ax, %ax
    rep stosw
    movb $1, %es:0
    xor %ax, %ax
    mov %ax, %es
    movl $0, HANDOFF_ADDR + HO_FW_STATUS
    movl $0, HANDOFF_ADDR + HO_FW_TICKS

    /* 8259A pair (Intel 8259A datasheet, initialization sequence): ICW1 =
     * 11h (edge, cascade, ICW4 needed); ICW2 = vector base 08h / 70h; ICW3 =
     * slave on IR2 / slave ID 2; ICW4 = 01h (8086 mode, normal EOI). */
    mov $0x11, %al
    out %al, $PIC1_CMD
    out %al, $PIC2_CMD
    mov $0x08, %al
    out %al, $PIC1_DATA
    mov $0x70, %al
    out %al, $PIC2_DATA
    mov $0x04, %al
    out %al, $PIC1_DATA
    mov $0x02, %al
    out %al, $PIC2_DATA
    mov $0x01, %al
    out %al, $PIC1_DATA
    out %al, $PIC2_DATA
    mov $0xFE, %al                      /* only IRQ 0 for the wake-up check */
    out %al, $PIC1_DATA
    mov $0xFF, %al
    out %al, $PIC2_DATA

    /* 8254 channel 0: control word 36h = counter 0, LSB then MSB, mode 3
     * (square wave), binary; count 0 means 65536: 1193182 / 65536 = 18.2 Hz. */
    mov $0x36, %al
    out %al, $PIT_CMD
    xor %al, %al
    out %al, $PIT_CH0
    out %al, $PIT_CH0

    /* Are both there? The PIC's mask reads back, and the PIT's read-back
     * command (D7-D6 = 11, COUNT# = 1, STATUS# = 0, counter 0: E2h) gives a
     * status byte whose low six bits echo the mode just written (36h). An
     * empty bus reads FFh for both. */
    in $PIC1_DATA, %al
    cmp $0xFE, %al
    jne no_timer
    mov $0xE2, %al
    out %al, $PIT_CMD
    in $PIT_CH0, %al
    and $0x3F, %al
    cmp $0x36, %al
    jne no_timer

    /* STI; HLT: the interrupt shadow of STI keeps the tick from arriving
     * before the HLT (SDM Vol. 2B, STI), so HLT returns only after IRQ 0. */
    sti
    hlt
    cli
    mov BDA_TICKS, %eax
    mov %eax, HANDOFF_ADDR + HO_FW_TICKS
    test %eax, %eax
    jz timer_done
    orl $FWS_TIMER_WOKE, HANDOFF_ADDR + HO_FW_STATUS
    jmp timer_done
no_timer:
    orl $FWS_NO_TIMER, HANDOFF_ADDR + HO_FW_STATUS
timer_done:
    /* Every IRQ masked; the cascade (IR2) stays open for the slave. */
    mov $0xFB, %al
    out %al, $PIC1_DATA
    mov $0xFF, %al
    out %al, $PIC2_DATA

    /* A20 through port 92h (bit 1). Bit 0 is a fast reset, so it is
     * written 0, and an all-ones read (no such port) leaves it alone. */
    in $SYSCTL_A, %al
    cmp $0xFF, %al
    je a20_check
    or $0x02, %al
    and $0xFE, %al
    out %al, $SYSCTL_A
a20_check:
    /* With A20 off, FFFF:0600 (= 1005F0h) would alias 0000:05F0. */
    mov $0xFFFF, %ax
    mov %ax, %es
    mov %es:A20_PROBE_LOW + 0x10, %bx   /* save what is at 1 MiB + 5F0h */
    movw $0x1234, A20_PROBE_LOW
    movw $0xABCD, %es:A20_PROBE_LOW + 0x10
    cmpw $0x1234, A20_PROBE_LOW
    mov %bx, %es:A20_PROBE_LOW + 0x10   /* (MOV leaves the flags alone) */
    mov $0, %ax
    mov %ax, %es
    jne a20_done
    orl $FWS_A20, HANDOFF_ADDR + HO_FW_STATUS
a20_done:

    /* The handoff block. */
    cmpl $HANDOFF_MAGIC, HANDOFF_ADDR + HO_MAGIC
    jne nothing_to_boot
    cmpl $HANDOFF_VERSION, HANDOFF_ADDR + HO_VERSION
    jne nothing_to_boot
    orl $FWS_RAN, HANDOFF_ADDR + HO_FW_STATUS

    /* Protected mode: LGDT, CR0.PE, a far jump to load CS (SDM Vol. 3A,
     * 10.9.1 "Switching to Protected Mode"). */
    lgdtl %cs:R16(gdtr_value)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $FW_SEL_CODE32, $pm_entry

nothing_to_boot:
    mov $R16(msg_no_kernel), %si
    jmp halt_with_message

/* ---- Real-mode interrupt handlers ------------------------------------------ */

int_iret:
    iret

/* IRQ 0: one more tick in the BIOS data area, then EOI. */
irq0_timer:
    push %ax
    push %ds
    xor %ax, %ax
    mov %ax, %ds
    addl $1, BDA_TICKS
    mov $PIC_EOI, %al
    out %al, $PIC1_CMD
    pop %ds
    pop %ax
    iret

/* IRQs 1-7: EOI unless nothing is in service (a spurious IRQ 7 must not be
 * acknowledged: 8259A datasheet, "Interrupt sequence"). */
irq_master:
    push %ax
    mov $PIC_READ_ISR, %al
    out %al, $PIC1_CMD
    in $PIC1_CMD, %al
    mov %al, %ah
    mov $PIC_READ_IRR, %al
    out %al, $PIC1_CMD
    test %ah, %ah
    jz 1f
    mov $PIC_EOI, %al
    out %al, $PIC1_CMD
1:  pop %ax
    iret

/* IRQs 8-15: the same on the slave; the master's cascade input is in
 * service even for a spurious IRQ 15, so the master always gets its EOI. */
irq_slave:
    push %ax
    mov $PIC_READ_ISR, %al
    out %al, $PIC2_CMD
    in $PIC2_CMD, %al
    mov %al, %ah
    mov $PIC_READ_IRR, %al
    out %al, $PIC2_CMD
    test %ah, %ah
    jz 1f
    mov $PIC_EOI, %al
    out %al, $PIC2_CMD
1:  mov $PIC_EOI, %al
    out %al, $PIC1_CMD
    pop %ax
    iret

/* INT 12h: AX = KiB of base memory (BIOS data area 0413h). */
int12_memsize:
    push %ds
    xor %ax, %ax
    mov %ax, %ds
    mov BDA_BASE_MEMORY_KB, %ax
    pop %ds
    iret

int_fault:
    cli
    mov $R16(msg_fault), %si
    /* fall through */

/* Print the string at F000:SI on the debug console, then halt for good. */
halt_with_message:
    mov $0xF000, %ax
    mov %ax, %ds
1:  lodsb
    test %al, %al
    jz 2f
    out %al, $DEBUGCON
    jmp 1b
2:  cli
    hlt
    jmp 2b

/* ---- 32-bit protected mode: the multiboot state, then the kernel ------------ */
    .code32
pm_entry:
    mov $FW_SEL_DATA32, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %fs
    mov %ax, %gs
    mov %ax, %ss
    /* Every GPR but EAX, EBX and ESP zero; EFLAGS = 2 (IF = 0) is set last
     * (XOR writes flags) on the firmware stack, before ESP is replaced. */
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %ebp, %ebp
    pushl $BOOT_EFLAGS
    popfl
    mov HANDOFF_ADDR + HO_ESP, %esp
    mov HANDOFF_ADDR + HO_EAX, %eax
    mov HANDOFF_ADDR + HO_EBX, %ebx
    jmp *HANDOFF_ADDR + HO_ENTRY
