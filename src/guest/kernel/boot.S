/*
 * Multiboot entry (32-bit protected mode, paging off) to 64-bit long mode,
 * as SDM Vol. 3A 10.8.5 "Initializing IA-32e Mode" describes and Linux's
 * arch/x86/boot/compressed/head_64.S does: build PAE page tables, set
 * CR4.PAE, load CR3, set EFER.LME, set CR0.PG, far-jump into a 64-bit code
 * segment, then jump to the higher half and call kmain.
 *
 * The boot page tables (2 MiB pages) map:
 *   0 - 1 GiB            identity (only until kmain drops it)
 *   PAGE_OFFSET + 0-4 GiB  the direct map of physical memory (PML4 256)
 *   KERNEL_VMA + 0-1 GiB   the kernel image (PML4 511, PDPT 510)
 * All supervisor-only. They become the kernel's own page tables (kernel_pml4),
 * whose upper half every process's PML4 shares.
 */
#include "kernel.h"
#define PHYS(x) ((x) - KERNEL_VMA)
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010003     /* page-aligned modules, memory info, address fields */

    .section .note.GNU-stack, "", @progbits

    .section .multiboot, "a"
    .align 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long PHYS(mb_header)               /* header_addr */
    .long PHYS(_image_start)            /* load_addr */
    .long PHYS(_edata)                  /* load_end_addr */
    .long PHYS(_end)                    /* bss_end_addr */
    .long PHYS(_start32)                /* entry_addr */

    .text
    .code32
    .globl _start32
_start32:
    cli
    mov %eax, PHYS(mb_magic)
    mov %ebx, PHYS(mb_info)
    mov $PHYS(boot_stack_top), %esp

    /* 4 page directories: 2048 2 MiB pages covering 0-4 GiB (P, RW, PS);
     * 3.5-4 GiB (the APICs, the firmware) uncached (PCD, PWT). */
    mov $PHYS(pd_dm), %edi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    cmp $1792, %ecx
    jb 2f
    or $0x18, %eax
2:  mov %eax, (%edi,%ecx,8)
    mov %ecx, %eax
    shr $11, %eax
    mov %eax, 4(%edi,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jb 1b
    /* the direct map's PDPT: 4 entries */
    mov $PHYS(pdpt_dm), %edi
    mov $PHYS(pd_dm) + 3, %eax
    mov %eax, (%edi)
    add $4096, %eax
    mov %eax, 8(%edi)
    add $4096, %eax
    mov %eax, 16(%edi)
    add $4096, %eax
    mov %eax, 24(%edi)
    /* the kernel's PDPT: entry 510 = the first GiB */
    movl $PHYS(pd_dm) + 3, PHYS(pdpt_k) + 510 * 8
    /* PML4: 0 (identity, for the jump), 256 (direct map), 511 (kernel) */
    movl $PHYS(pdpt_dm) + 3, PHYS(boot_pml4)
    movl $PHYS(pdpt_dm) + 3, PHYS(boot_pml4) + 256 * 8
    movl $PHYS(pdpt_k) + 3, PHYS(boot_pml4) + 511 * 8

    mov %cr4, %eax
    or $0x20, %eax                      /* CR4.PAE */
    mov %eax, %cr4
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $0x100, %eax                     /* EFER.LME */
    wrmsr
    mov %cr0, %eax
    or $0x80010000, %eax                /* CR0.PG (IA-32e mode is now active), CR0.WP */
    mov %eax, %cr0
    lgdt PHYS(boot_gdt_ptr)
    ljmp $KERNEL_CS, $PHYS(long_low)    /* into a 64-bit code segment */

    .code64
long_low:
    movabs $long_high, %rax
    jmp *%rax                           /* to the higher half */
long_high:
    mov $KERNEL_DS, %eax
    mov %eax, %ss
    /* DS and ES: the user data segment, as in Linux. 64-bit code ignores them,
     * SYSRET, SYSEXIT and IRET leave them alone, and 32-bit programs
     * (compatibility mode, where segmentation applies) need a usable DS/ES. */
    mov $USER_DS, %eax
    mov %eax, %ds
    mov %eax, %es
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    mov mb_magic(%rip), %edi
    mov mb_info(%rip), %esi
    call kmain
1:  cli
    hlt
    jmp 1b

    .data
    .align 16
    /* The GDT, in Linux's order (cpu.c fills in the TSS descriptor). */
    .globl gdt_table
gdt_table:
    .quad 0                             /* 00 null */
    .quad 0x00CF9A000000FFFF            /* 08 KERNEL32_CS: 32-bit code, DPL 0 */
    .quad 0x00AF9A000000FFFF            /* 10 KERNEL_CS: 64-bit code (L), DPL 0 */
    .quad 0x00CF92000000FFFF            /* 18 KERNEL_DS: data, DPL 0 */
    .quad 0x00CFFA000000FFFF            /* 20 USER32_CS: 32-bit code, DPL 3 (compatibility mode) */
    .quad 0x00CFF2000000FFFF            /* 28 USER_DS: data, DPL 3 */
    .quad 0x00AFFA000000FFFF            /* 30 USER_CS: 64-bit code (L), DPL 3 */
    .quad 0                             /* 38 unused */
    .quad 0, 0                          /* 40 TSS (16 bytes) */
gdt_end:
boot_gdt_ptr:
    .word gdt_end - gdt_table - 1
    .long PHYS(gdt_table)
    .globl gdt_ptr
gdt_ptr:
    .word gdt_end - gdt_table - 1
    .quad gdt_table
mb_magic:
    .long 0
mb_info:
    .long 0

    .bss
    .align 4096
    .globl boot_pml4
boot_pml4:
    .skip 4096
pdpt_dm:
    .skip 4096
pdpt_k:
    .skip 4096
pd_dm:
    .skip 4096 * 4
    .globl boot_stack, boot_stack_top
boot_stack:
    .skip KSTACK_SIZE
boot_stack_top:
