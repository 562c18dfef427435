/*
 * Helpers every boot path shares: reading files, writing guest memory with
 * errors a person can act on, the handoff block, and the multiboot machine
 * state (multiboot specification 0.6.96, section 3.2 "Machine state").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "boot/boot.h"
#include "devices/pc.h"
#include "machine.h"

int boot_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int boot_read_file(const char *path, const char *what, uint64_t max, struct boot_file *f,
                   char *err, size_t errlen)
{
    f->data = NULL;
    f->size = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return boot_err(err, errlen, "cannot open %s '%s': %s", what, path, strerror(errno));
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(fp);
        return boot_err(err, errlen, "%s '%s' is not a regular file", what, path);
    }
    if ((uint64_t)st.st_size > max) {
        fclose(fp);
        return boot_err(err, errlen, "%s '%s' is too large (%llu bytes; at most %llu)", what,
                        path, (unsigned long long)st.st_size, (unsigned long long)max);
    }
    size_t size = (size_t)st.st_size;
    uint8_t *data = malloc(size ? size : 1);
    if (!data) {
        fclose(fp);
        return boot_err(err, errlen, "out of host memory reading %s '%s'", what, path);
    }
    if (size && fread(data, 1, size, fp) != size) {
        int e = ferror(fp) ? errno : 0;
        free(data);
        fclose(fp);
        return boot_err(err, errlen, "cannot read %s '%s': %s", what, path,
                        e ? strerror(e) : "file shrank while reading");
    }
    fclose(fp);
    f->data = data;
    f->size = size;
    return 0;
}

void boot_file_free(struct boot_file *f)
{
    free(f->data);
    f->data = NULL;
    f->size = 0;
}

int boot_copy(rs_machine *m, uint64_t phys, const void *data, uint64_t len, const char *what,
              char *err, size_t errlen)
{
    if (len == 0)
        return 0;
    if (phys + len < phys || rs_write_phys(m, phys, data, (size_t)len) != RS_OK)
        return boot_err(err, errlen, "%s at %#llx-%#llx does not fit in guest RAM", what,
                        (unsigned long long)phys, (unsigned long long)(phys + len - 1));
    return 0;
}

int boot_zero(rs_machine *m, uint64_t phys, uint64_t len, const char *what, char *err,
              size_t errlen)
{
    static const uint8_t zeros[4096];
    while (len) {
        uint64_t n = len < sizeof(zeros) ? len : sizeof(zeros);
        if (boot_copy(m, phys, zeros, n, what, err, errlen))
            return -1;
        phys += n;
        len -= n;
    }
    return 0;
}

int boot_put32(rs_machine *m, uint64_t phys, uint32_t value)
{
    uint8_t b[4] = { (uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16),
                     (uint8_t)(value >> 24) };
    return rs_write_phys(m, phys, b, 4) == RS_OK ? 0 : -1;
}

/* struct rs_machine is a struct machine with a public name (api.c); the
 * boot code needs the PC's memory map, which only the board knows. */
static struct machine *board(rs_machine *m)
{
    return (struct machine *)m;
}

bool boot_is_pc(rs_machine *m)
{
    return board(m)->pc != NULL;
}

size_t boot_memory_map(rs_machine *m, struct e820_entry *out, size_t max)
{
    return boot_is_pc(m) ? pc_memory_map(board(m), out, max) : 0;
}

uint64_t boot_ram_below_4g(rs_machine *m)
{
    struct e820_entry map[16];
    size_t n = boot_memory_map(m, map, 16);
    for (size_t i = 0; i < n; i++)
        if (map[i].type == E820_RAM && map[i].base == 0x100000)
            return map[i].base + map[i].length;
    return 0x100000;
}

int boot_write_handoff(rs_machine *m, uint32_t entry, uint32_t eax, uint32_t ebx, uint32_t esp,
                       char *err, size_t errlen)
{
    uint32_t words[HO_SIZE / 4] = { 0 };
    words[HO_MAGIC / 4] = HANDOFF_MAGIC;
    words[HO_VERSION / 4] = HANDOFF_VERSION;
    words[HO_ENTRY / 4] = entry;
    words[HO_EAX / 4] = eax;
    words[HO_EBX / 4] = ebx;
    words[HO_ESP / 4] = esp;
    uint8_t bytes[HO_SIZE];
    for (size_t i = 0; i < HO_SIZE / 4; i++)
        for (int k = 0; k < 4; k++)
            bytes[i * 4 + k] = (uint8_t)(words[i] >> (8 * k));
    return boot_copy(m, HANDOFF_ADDR, bytes, sizeof(bytes), "the handoff block", err, errlen);
}

int boot_enter_protected(rs_machine *m, uint32_t entry, uint32_t eax, uint32_t ebx, uint32_t esp,
                         char *err, size_t errlen)
{
    /* Multiboot 3.2: CS a 32-bit read/execute code segment with offset 0 and
     * limit 0xFFFFFFFF; DS, ES, FS, GS, SS 32-bit read/write data segments
     * with offset 0 and limit 0xFFFFFFFF; CR0.PG = 0, CR0.PE = 1; EFLAGS.VM
     * = 0, IF = 0; A20 enabled (ringscope has no A20 gate: always on); GDTR
     * and IDTR undefined, so the kernel must load its own. We leave GDTR at
     * the firmware's GDT and every other register zero, exactly as the
     * built-in firmware does, so both paths give one state. */
    rs_segment code = { FW_SEL_CODE32, FW_ATTR_CODE32, 0xffffffffu, 0 };
    rs_segment data = { FW_SEL_DATA32, FW_ATTR_DATA32, 0xffffffffu, 0 };
    rs_table_reg gdt = { FW_GDT_ADDR, FW_GDT_LIMIT };
    rs_err e = rs_set_reg(m, RS_CR0, BOOT_CR0);
    if (e == RS_OK) e = rs_set_reg(m, RS_CR4, 0);
    if (e == RS_OK) e = rs_set_reg(m, RS_EFER, 0);
    if (e == RS_OK) e = rs_descriptor_table(m, 0, true, &gdt);
    for (int s = RS_ES; s <= RS_GS && e == RS_OK; s++)
        e = rs_set_segment(m, (rs_sreg)s, s == RS_CS ? &code : &data);
    for (int r = RS_RAX; r <= RS_R15 && e == RS_OK; r++)
        e = rs_set_reg(m, (rs_reg)r, 0);
    if (e == RS_OK) e = rs_set_reg(m, RS_RAX, eax);
    if (e == RS_OK) e = rs_set_reg(m, RS_RBX, ebx);
    if (e == RS_OK) e = rs_set_reg(m, RS_RSP, esp);
    if (e == RS_OK) e = rs_set_reg(m, RS_RFLAGS, BOOT_EFLAGS);
    if (e == RS_OK) e = rs_set_reg(m, RS_RIP, entry);
    if (e != RS_OK)
        return boot_err(err, errlen, "cannot set the multiboot CPU state: %s", rs_strerror(e));
    return 0;
}
