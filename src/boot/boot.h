/*
 * Boot paths (internal): what multiboot.c, flat.c and firmware.c share.
 * The public entry points are the "Boot" section of ringscope.h; this
 * header holds the helpers behind them. Every loader works through the
 * public API (rs_write_phys, rs_set_segment, ...) and reports a failure as
 * one line for a person in `err`.
 */
#ifndef RINGSCOPE_BOOT_H
#define RINGSCOPE_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/handoff.h"
#include "ringscope/ringscope.h"

/* A whole file read into host memory. */
struct boot_file {
    uint8_t *data;
    size_t size;
};

/* Format one line into err; returns -1 so callers can `return boot_err(...)`. */
int boot_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Read `path` whole. `what` names it in errors ("kernel", "initrd", ...).
 * Files above `max` bytes are refused (a guest cannot hold them anyway). */
int boot_read_file(const char *path, const char *what, uint64_t max, struct boot_file *f,
                   char *err, size_t errlen);
void boot_file_free(struct boot_file *f);

/* Copy / zero guest-physical memory; an error names `what` and the range. */
int boot_copy(rs_machine *m, uint64_t phys, const void *data, uint64_t len, const char *what,
              char *err, size_t errlen);
int boot_zero(rs_machine *m, uint64_t phys, uint64_t len, const char *what, char *err,
              size_t errlen);
int boot_put32(rs_machine *m, uint64_t phys, uint32_t value);

/* End of the RAM a loader may use below 4 GiB (the PC's low RAM region
 * above 1 MiB ends there), from the machine's memory map. */
uint64_t boot_ram_below_4g(rs_machine *m);

/* Was the machine made by rs_create_pc? */
bool boot_is_pc(rs_machine *m);

/* The machine's E820 memory map (pc_memory_map); returns the entry count
 * (0 for a machine that is not a PC). */
struct e820_entry;
size_t boot_memory_map(rs_machine *m, struct e820_entry *out, size_t max);

/* Copy the built-in firmware into the ROM areas (for the GDT at
 * FW_GDT_ADDR that every boot path leaves in GDTR). */
int boot_install_builtin(rs_machine *m, char *err, size_t errlen);

/* Write the handoff block (HANDOFF_ADDR) for a 32-bit entry. */
int boot_write_handoff(rs_machine *m, uint32_t entry, uint32_t eax, uint32_t ebx, uint32_t esp,
                       char *err, size_t errlen);

/* Put the CPU into the state the multiboot specification defines (32-bit
 * protected mode, flat segments, paging off, IF = 0), at `entry` with the
 * given EAX, EBX and ESP and every other GPR zero: exactly the state the
 * built-in firmware leaves when it jumps to the kernel. */
int boot_enter_protected(rs_machine *m, uint32_t entry, uint32_t eax, uint32_t ebx, uint32_t esp,
                         char *err, size_t errlen);

#endif
