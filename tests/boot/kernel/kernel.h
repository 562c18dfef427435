/*
 * What the test kernels' entry code (entry32.S, entry64.S) records before
 * it changes anything, for mbcheck.c to report. C and assembler share it.
 */
#ifndef KERNEL_H
#define KERNEL_H

#define MULTIBOOT_HEADER_MAGIC  0x1BADB002
#define KVMA                    0xFFFFFFFF80000000   /* the 64-bit kernel's higher half */

/* struct entry_state, as offsets for the assembler. */
#define ES_EAX      0
#define ES_EBX      4
#define ES_ESP      8
#define ES_EFLAGS   12
#define ES_CR0      16
#define ES_CR4      20
#define ES_EFER     24
#define ES_SEG      28      /* six dwords: 0xFFFFFFF0 read through ES CS SS DS FS GS */
#define ES_A20      52      /* 1: writing 1 MiB + x left x alone */
#define ES_SIZE     56

#ifndef __ASSEMBLER__
#include <stdint.h>

struct entry_state {
    uint32_t eax, ebx, esp, eflags, cr0, cr4, efer;
    uint32_t seg[6];
    uint32_t a20;
};
_Static_assert(sizeof(struct entry_state) == ES_SIZE, "entry_state layout");

extern struct entry_state entry_state;
void kmain(void);
#endif

#endif
