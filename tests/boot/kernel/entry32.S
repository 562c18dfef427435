/*
 * mb-elf32: a multiboot ELF32 kernel loaded at 1 MiB (mb32.ld). The header
 * asks for page-aligned modules and memory information (flags 0 and 1);
 * the loader finds everything else in the ELF program headers.
 */
#include "kernel.h"
#define PHYS(x) (x)
#include "capture.inc"

#define MB_FLAGS 0x00000003

    .section .note.GNU-stack, "", @progbits

    .section .multiboot, "a"
    .align 4
    .long MULTIBOOT_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)

    .text
    .code32
    .globl _start
_start:
    CAPTURE_ENTRY_STATE boot_stack_top
    call kmain
1:  cli
    hlt
    jmp 1b

    .data
    .align 4
    .globl entry_state
entry_state:
    .skip ES_SIZE
a20_probe:
    .long 0

    .bss
    .align 16
boot_stack:
    .skip 16384
boot_stack_top:
