/*
 * Symbols of a guest ELF image (libelf), for naming addresses in traces and
 * in the debug window: "entry_SYSCALL_64+0x1c" instead of a hex number.
 */
#ifndef RINGSCOPE_SYMBOLS_H
#define RINGSCOPE_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

struct symtab;

/* Read the function and object symbols of the ELF file at `path`. Returns
 * NULL (with a one-line reason in err) if the file cannot be read or is not
 * ELF; an ELF without symbols gives an empty table. */
struct symtab *symtab_load(const char *path, char *err, size_t errlen);
void symtab_free(struct symtab *t);

/* The symbol containing `addr` (its start <= addr < start + size, or, for
 * symbols of size 0, the nearest one below within 64 KiB), with the offset
 * into it; NULL if none. `t` may be NULL. */
const char *symtab_lookup(const struct symtab *t, uint64_t addr, uint64_t *offset);

/* "name" or "name+0x1c", else "0xffffffff80101234", in buf; returns buf. */
const char *symtab_format(const struct symtab *t, uint64_t addr, char *buf, size_t len);

/* The address of a symbol by name, or 0 if absent. */
uint64_t symtab_address(const struct symtab *t, const char *name);

#endif
