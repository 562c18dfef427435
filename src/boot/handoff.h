/*
 * The contract between the host-side boot loader (src/boot/) and the
 * built-in firmware (roms/firmware.S): where things live in low memory and
 * the layout of the handoff block. Plain #defines only, so that the C code
 * and the GNU as sources (through the C preprocessor) share one copy.
 * docs/platform-boot.md describes the same layout for people.
 */
#ifndef RINGSCOPE_BOOT_HANDOFF_H
#define RINGSCOPE_BOOT_HANDOFF_H

/* The handoff block: written by the host loader before the CPU starts,
 * read by the firmware at the end of its power-on sequence. 0x500-0x5FF is
 * the traditional free area just above the BIOS data area. */
#define HANDOFF_ADDR        0x0500
#define HANDOFF_AREA_SIZE   0x0100
#define HANDOFF_MAGIC       0x4f485352      /* "RSHO" in memory order */
#define HANDOFF_VERSION     1

/* Field offsets (every field is a little-endian dword). */
#define HO_MAGIC            0x00    /* HANDOFF_MAGIC, or anything else: no kernel */
#define HO_VERSION          0x04    /* HANDOFF_VERSION */
#define HO_ENTRY            0x08    /* 32-bit protected-mode entry point (physical) */
#define HO_EAX              0x0c    /* EAX at entry: 0x2BADB002 for multiboot */
#define HO_EBX              0x10    /* EBX at entry: the multiboot information */
#define HO_ESP              0x14    /* ESP at entry */
#define HO_FW_STATUS        0x18    /* written by the firmware: FWS_* bits */
#define HO_FW_TICKS         0x1c    /* written by the firmware: BIOS tick count when HLT woke */
#define HO_SIZE             0x20

/* HO_FW_STATUS bits (0 after a direct boot: no firmware ran). */
#define FWS_RAN             0x01    /* the firmware ran and jumped to HO_ENTRY */
#define FWS_TIMER_WOKE      0x02    /* STI; HLT in real mode woke up on IRQ 0 */
#define FWS_NO_TIMER        0x04    /* no 8259 or 8254 answered: the HLT test was skipped */
#define FWS_A20             0x08    /* A20 verified on (1 MiB and 0 do not alias) */

/* The firmware's GDT, at a fixed place in its ROM (the linker script puts
 * it there); GDTR holds it when a kernel is entered, on every boot path.
 * Accessed bits are preset, so loading a selector never writes the ROM. */
#define FW_GDT_ADDR         0x000fff00
#define FW_GDT_LIMIT        0x2f
#define FW_SEL_CODE32       0x08    /* base 0, limit 4 GiB, 32-bit, execute/read */
#define FW_SEL_DATA32       0x10    /* base 0, limit 4 GiB, read/write */
#define FW_SEL_CODE16       0x18    /* base 0, limit 64 KiB, 16-bit (back to real mode) */
#define FW_SEL_DATA16       0x20    /* base 0, limit 64 KiB */
#define FW_SEL_CODE64       0x28    /* 64-bit code (L=1) */

/* Hidden-cache attributes of the flat 32-bit segments: descriptor byte 5
 * in bits 0-7 and the G/D flags in bits 12-15 (rs_segment.attr). */
#define FW_ATTR_CODE32      0xc09b
#define FW_ATTR_DATA32      0xc093

/* Low-memory layout the loader and the firmware agree on. */
#define BOOT_STACK_TOP      0x7000      /* ESP at a multiboot entry; firmware real-mode stack */
#define BOOT_INFO_ADDR      0x9000      /* multiboot information, then its strings and tables */
#define BOOT_INFO_END       0x80000     /* the information area ends below here */
#define BDA_TICKS           0x046c      /* BIOS data area: timer ticks since boot (dword) */
#define BDA_EBDA_SEGMENT    0x040e
#define BDA_BASE_MEMORY_KB  0x0413

/* The machine state the multiboot specification (section 3.2) defines. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002
#define BOOT_CR0            0x00000011  /* PE, ET; caches on (CD = NW = 0), paging off */
#define BOOT_EFLAGS         0x00000002  /* IF = 0, VM = 0 */

#endif
