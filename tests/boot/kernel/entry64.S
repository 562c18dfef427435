/*
 * mb-aout64 / mb-elf64: a higher-half ELF64 kernel, linked at
 * 0xFFFFFFFF80100000 and loaded at 1 MiB (mb64.ld). Built twice:
 *   -DADDRESS_FIELDS (mb-aout64): the header's flag 16 and address fields say
 *     what to load where, as GRUB and QEMU need for an ELF64 kernel;
 *   without (mb-elf64): a plain ELF64 whose PT_LOAD physical addresses and
 *     translated entry point ringscope's libelf loader uses (QEMU refuses it).
 * The 32-bit entry maps the first GiB twice (identity and at KVMA) with
 * 2 MiB pages, enables PAE, long mode and paging (SDM Vol. 3A, 10.8.5
 * "Initializing IA-32e Mode"), and jumps to 64-bit code in the higher half.
 */
#include "kernel.h"
#define PHYS(x) ((x) - KVMA)
#include "capture.inc"

#ifdef ADDRESS_FIELDS
#define MB_FLAGS 0x00010003
#else
#define MB_FLAGS 0x00000003
#endif

    .section .note.GNU-stack, "", @progbits

    .section .multiboot, "a"
    .align 4
mb_header:
    .long MULTIBOOT_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)
#ifdef ADDRESS_FIELDS
    .long PHYS(mb_header)               /* header_addr */
    .long PHYS(_image_start)            /* load_addr */
    .long PHYS(_edata)                  /* load_end_addr */
    .long PHYS(_end)                    /* bss_end_addr */
    .long PHYS(_start32)                /* entry_addr */
#endif

    .text
    .code32
    .globl _start32
_start32:
    CAPTURE_ENTRY_STATE boot_stack_top
    /* PD: 512 2 MiB pages for 0-1 GiB (P, RW, PS). */
    mov $PHYS(pd), %edi
    mov $0x83, %eax
    mov $512, %ecx
1:  mov %eax, (%edi)
    movl $0, 4(%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b
    mov $PHYS(pd), %eax
    or $3, %eax
    mov %eax, PHYS(pdpt_low)                    /* 0-1 GiB */
    mov %eax, PHYS(pdpt_high) + 510 * 8         /* KVMA = PML4 511, PDPT 510 */
    mov $PHYS(pdpt_low), %eax
    or $3, %eax
    mov %eax, PHYS(pml4)
    mov $PHYS(pdpt_high), %eax
    or $3, %eax
    mov %eax, PHYS(pml4) + 511 * 8
    mov %cr4, %eax
    or $0x20, %eax                              /* CR4.PAE */
    mov %eax, %cr4
    mov $PHYS(pml4), %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx
    rdmsr
    or $0x100, %eax                             /* EFER.LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax                        /* CR0.PG: IA-32e mode active */
    mov %eax, %cr0
    lgdt PHYS(gdt64_ptr)
    ljmp $0x08, $PHYS(long_low)

    .code64
long_low:
    movabs $long_high, %rax
    jmp *%rax
long_high:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    movabs $boot_stack_top, %rsp
    call kmain
1:  cli
    hlt
    jmp 1b

    .section .rodata
    .align 8
gdt64:
    .quad 0
    .quad 0x00AF9A000000FFFF                    /* 08: 64-bit code */
    .quad 0x00CF92000000FFFF                    /* 10: data */
gdt64_ptr:
    .word 23
    .long PHYS(gdt64)

    .data
    .align 4
    .globl entry_state
entry_state:
    .skip ES_SIZE
a20_probe:
    .long 0

    .bss
    .align 4096
pml4:
    .skip 4096
pdpt_low:
    .skip 4096
pdpt_high:
    .skip 4096
pd:
    .skip 4096
    .align 16
boot_stack:
    .skip 16384
boot_stack_top:
