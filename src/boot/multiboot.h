/*
 * Multiboot (v1) loading, split in two files: multiboot.c finds the header
 * and loads the kernel image; mbinfo.c parses the module list, loads the
 * modules and writes the multiboot information structure.
 * Reference: The Multiboot Specification, version 0.6.96 (GNU GRUB).
 */
#ifndef RINGSCOPE_BOOT_MULTIBOOT_H
#define RINGSCOPE_BOOT_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot.h"

/* The OS image header (spec 3.1.1): within the first 8192 bytes, 32-bit aligned. */
#define MB_HEADER_MAGIC     0x1badb002
#define MB_SEARCH_BYTES     8192
#define MBH_PAGE_ALIGN      0x00000001u     /* modules on 4 KiB boundaries */
#define MBH_MEMORY_INFO     0x00000002u     /* mem_* and mmap_* must be provided */
#define MBH_VIDEO_MODE      0x00000004u     /* video mode table wanted */
#define MBH_REQUIRED_MASK   0x0000ffffu     /* bits a loader must understand or fail */
#define MBH_KNOWN_REQUIRED  0x00000007u
#define MBH_ADDRESS_FIELDS  0x00010000u     /* header_addr ... entry_addr are valid */

/* The boot information structure's flags (spec 3.3). */
#define MBI_MEMORY          0x00000001u
#define MBI_BOOT_DEVICE     0x00000002u
#define MBI_CMDLINE         0x00000004u
#define MBI_MODULES         0x00000008u
#define MBI_MMAP            0x00000040u
#define MBI_LOADER_NAME     0x00000200u

/* One module: the file and its command line (the whole -initrd item). */
struct mb_module {
    char *cmdline;              /* "FILE ARGS": the item as given (",," undone) */
    char *path;                 /* FILE: the item up to its first space */
    uint32_t start, end;        /* where it was loaded: [start, end) */
};

struct mb_modules {
    struct mb_module *item;
    size_t count;
};

/* What loading the kernel image produced. */
struct mb_kernel {
    uint32_t entry;             /* physical entry point */
    uint64_t end;               /* one past the highest byte loaded (incl. BSS) */
};

/* mbinfo.c */
int mb_parse_modules(const char *initrd, struct mb_modules *mods, char *err, size_t errlen);
void mb_free_modules(struct mb_modules *mods);
/* Bytes the information structure and its strings and tables need. */
uint64_t mb_info_size(rs_machine *m, const rs_multiboot_config *cfg, const struct mb_modules *mods);
/* Load every module page-aligned from `from` upwards: 0, -1 (a file
 * cannot be read) or -2 (the modules do not fit in guest RAM). */
int mb_load_modules(rs_machine *m, struct mb_modules *mods, uint64_t from, char *err,
                    size_t errlen);
/* Write the information structure at BOOT_INFO_ADDR; *addr receives it. */
int mb_write_info(rs_machine *m, const rs_multiboot_config *cfg, const struct mb_modules *mods,
                  uint32_t *addr, char *err, size_t errlen);

#endif
