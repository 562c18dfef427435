/*
 * Raw flat binaries (`ringscope run --flat FILE --mode 16|32|64 --load ADDR`):
 * the file's bytes at ADDR, and the CPU started there in the requested mode.
 * No firmware runs; the built-in firmware's image is still mapped, so GDTR
 * can point at its GDT (docs/platform-boot.md).
 */
#include <stdio.h>

#include "boot/boot.h"

/* Real mode: a flat program below 1 MiB runs with every segment register
 * = the 64 KiB-aligned segment holding ADDR, IP = ADDR's low 16 bits (so
 * 0x7C00 starts at 0000:7C00, the boot-sector convention), SS:SP = 0:7000. */
static rs_err start_real(rs_machine *m, uint64_t load)
{
    uint16_t sel = (uint16_t)((load >> 4) & 0xf000);
    rs_err e = rs_set_mode(m, RS_MODE_REAL, 0);
    for (int s = RS_ES; s <= RS_GS && e == RS_OK; s++) {
        /* Real-mode caches: base = selector << 4, limit 64 KiB, data
         * read/write (code: execute/read), present (SDM Vol. 3A, 21.1.1). */
        uint16_t v = s == RS_SS ? 0 : sel;
        rs_segment seg = { v, (uint16_t)(s == RS_CS ? 0x9b : 0x93), 0xffff, (uint64_t)v << 4 };
        e = rs_set_segment(m, (rs_sreg)s, &seg);
    }
    if (e == RS_OK) e = rs_set_reg(m, RS_RIP, load & 0xffff);
    return e;
}

rs_err rs_boot_flat(rs_machine *m, const char *path, unsigned bits, uint64_t load_addr,
                    char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!m || !path) {
        boot_err(err, errlen, "no flat binary given");
        return RS_ERR_ARG;
    }
    if (bits != 16 && bits != 32 && bits != 64) {
        boot_err(err, errlen, "flat binary mode must be 16, 32 or 64, not %u", bits);
        return RS_ERR_ARG;
    }
    uint64_t limit = bits == 16 ? 0x100000ull : bits == 32 ? 0x100000000ull : UINT64_MAX;
    if (load_addr >= limit) {
        boot_err(err, errlen, "load address %#llx is out of reach of %u-bit mode (below %#llx)",
                 (unsigned long long)load_addr, bits, (unsigned long long)limit);
        return RS_ERR_ARG;
    }
    struct boot_file f;
    if (boot_read_file(path, "flat binary", 1ull << 32, &f, err, errlen))
        return RS_ERR_ARG;
    if (f.size == 0) {
        boot_err(err, errlen, "flat binary '%s' is empty", path);
        boot_file_free(&f);
        return RS_ERR_ARG;
    }
    char what[64];
    snprintf(what, sizeof(what), "flat binary (%zu bytes)", f.size);
    int bad = boot_copy(m, load_addr, f.data, f.size, what, err, errlen);
    boot_file_free(&f);
    if (bad)
        return RS_ERR_UNMAPPED;
    if (boot_install_builtin(m, err, errlen))
        return RS_ERR_STATE;

    rs_err e;
    if (bits == 16) {
        e = start_real(m, load_addr);
    } else {
        e = rs_set_mode(m, bits == 32 ? RS_MODE_PROT32 : RS_MODE_LONG64, 0);
        if (e == RS_OK) e = rs_set_reg(m, RS_RIP, load_addr);
    }
    rs_table_reg gdt = { FW_GDT_ADDR, FW_GDT_LIMIT };
    for (int r = RS_RAX; r <= RS_R15 && e == RS_OK; r++)
        e = rs_set_reg(m, (rs_reg)r, 0);
    if (e == RS_OK) e = rs_set_reg(m, RS_RSP, BOOT_STACK_TOP);
    if (e == RS_OK) e = rs_set_reg(m, RS_RFLAGS, BOOT_EFLAGS);
    if (e == RS_OK) e = rs_descriptor_table(m, 0, true, &gdt);
    if (e != RS_OK) {
        boot_err(err, errlen, "cannot start the flat binary in %u-bit mode: %s", bits,
                 rs_strerror(e));
        return e;
    }
    return RS_OK;
}
