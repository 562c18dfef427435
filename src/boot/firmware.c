/*
 * Firmware images: where a PC maps its BIOS ROM. The whole image ends at
 * the top of the 4 GiB space (the CPU's first fetch is at 0xFFFFFFF0,
 * CS.base = 0xFFFF0000, IP = 0xFFF0: SDM Vol. 3A, 10.1.4 "First Instruction
 * Executed"), and the last 64 KiB (128 KiB for larger images, as QEMU's
 * isa-bios alias) also appear below 1 MiB, ending at 0xFFFFF, where real-mode
 * code runs after its first far jump. ringscope backs both with RAM, so a
 * firmware image can (and the built-in one does not) write itself.
 */
#include <stdio.h>
#include <string.h>

#include "boot/boot.h"

/* The built-in firmware (roms/): a generated source defines these when the
 * build has the firmware; weak, so the library also links without it. */
extern const unsigned char rs_firmware_rom[] __attribute__((weak));
extern const size_t rs_firmware_rom_size __attribute__((weak));

#define KIB 1024u
#define FOUR_GIB 0x100000000ull

rs_err rs_builtin_firmware(const uint8_t **image, size_t *len)
{
    if (!image || !len)
        return RS_ERR_ARG;
    if (!rs_firmware_rom || !&rs_firmware_rom_size || rs_firmware_rom_size == 0) {
        *image = NULL;
        *len = 0;
        return RS_ERR_STATE;
    }
    *image = rs_firmware_rom;
    *len = rs_firmware_rom_size;
    return RS_OK;
}

/* Back [base, 4 GiB) with RAM, 64 KiB at a time, leaving alone what the PC
 * already mapped (its 64 KiB at 0xFFFF0000). */
static int map_top(rs_machine *m, uint64_t base, char *err, size_t errlen)
{
    for (uint64_t a = base; a < FOUR_GIB; a += 64 * KIB) {
        rs_err e = rs_map_ram(m, a, 64 * KIB);
        if (e != RS_OK && e != RS_ERR_OVERLAP)
            return boot_err(err, errlen, "cannot map the firmware at %#llx: %s",
                            (unsigned long long)a, rs_strerror(e));
    }
    return 0;
}

rs_err rs_load_firmware(rs_machine *m, const void *image, size_t len, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!m || !image) {
        boot_err(err, errlen, "no firmware image");
        return RS_ERR_ARG;
    }
    if (len != 64 * KIB && len != 128 * KIB && len != 256 * KIB) {
        boot_err(err, errlen, "firmware image is %zu bytes; it must be 64, 128 or 256 KiB", len);
        return RS_ERR_ARG;
    }
    uint64_t top = FOUR_GIB - len;
    size_t low = len < 128 * KIB ? len : 128 * KIB;
    const uint8_t *bytes = image;
    if (map_top(m, top, err, errlen) ||
        boot_copy(m, top, bytes, len, "the firmware image", err, errlen) ||
        boot_copy(m, 0x100000 - low, bytes + len - low, low, "the firmware's alias below 1 MiB",
                  err, errlen))
        return RS_ERR_UNMAPPED;
    return RS_OK;
}

rs_err rs_load_firmware_file(rs_machine *m, const char *path, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!m || !path) {
        boot_err(err, errlen, "no firmware file");
        return RS_ERR_ARG;
    }
    struct boot_file f;
    if (boot_read_file(path, "firmware", 256 * KIB, &f, err, errlen))
        return RS_ERR_ARG;
    if (f.size != 64 * KIB && f.size != 128 * KIB && f.size != 256 * KIB) {
        boot_err(err, errlen, "firmware '%s' is %zu bytes; it must be 64, 128 or 256 KiB", path,
                 f.size);
        boot_file_free(&f);
        return RS_ERR_ARG;
    }
    rs_err e = rs_load_firmware(m, f.data, f.size, err, errlen);
    boot_file_free(&f);
    return e;
}

int boot_install_builtin(rs_machine *m, char *err, size_t errlen)
{
    const uint8_t *image;
    size_t len;
    if (rs_builtin_firmware(&image, &len) != RS_OK)
        return boot_err(err, errlen, "this build of ringscope has no built-in firmware (roms/)");
    return rs_load_firmware(m, image, len, err, errlen) == RS_OK ? 0 : -1;
}
