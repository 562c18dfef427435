/*
 * The multiboot information structure (Multiboot Specification 0.6.96,
 * section 3.3) and the boot modules it lists. Layout in guest memory, from
 * BOOT_INFO_ADDR (0x9000) upwards:
 *   the 116-byte structure (128 reserved), the memory map (24-byte entries:
 *   size = 20, base, length, type, from pc_memory_map), the module list
 *   (16 bytes each: mod_start, mod_end, string, reserved), then the
 *   strings: boot loader name, kernel command line, module command lines.
 * Modules are loaded page-aligned above the kernel, as QEMU loads them.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot.h"
#include "devices/pc.h"

#define LOADER_NAME "ringscope"
#define INFO_STRUCT_SIZE 128
#define MAX_MAP 16

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

int mb_parse_modules(const char *initrd, struct mb_modules *mods, char *err, size_t errlen)
{
    mods->item = NULL;
    mods->count = 0;
    if (!initrd || !*initrd)
        return 0;
    size_t n = strlen(initrd);
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += initrd[i] == ',';
    mods->item = calloc(cap, sizeof(*mods->item));
    char *buf = malloc(n + 1);
    if (!mods->item || !buf) {
        free(buf);
        mb_free_modules(mods);
        return boot_err(err, errlen, "out of host memory");
    }
    /* Items are separated by ','; ",," stands for a comma in an item
     * (QEMU's option syntax, which its -initrd uses). */
    size_t i = 0;
    for (;;) {
        size_t len = 0;
        while (i < n) {
            if (initrd[i] == ',' && initrd[i + 1] == ',') {
                buf[len++] = ',';
                i += 2;
            } else if (initrd[i] == ',') {
                break;
            } else {
                buf[len++] = initrd[i++];
            }
        }
        buf[len] = 0;
        size_t path_len = strcspn(buf, " ");
        if (path_len == 0) {
            free(buf);
            mb_free_modules(mods);
            return boot_err(err, errlen, "--initrd: empty module name in '%s'", initrd);
        }
        struct mb_module *mod = &mods->item[mods->count++];
        mod->cmdline = strdup(buf);
        mod->path = strndup(buf, path_len);
        if (!mod->cmdline || !mod->path) {
            free(buf);
            mb_free_modules(mods);
            return boot_err(err, errlen, "out of host memory");
        }
        if (i >= n)
            break;
        i++;        /* the separating comma */
    }
    free(buf);
    return 0;
}

void mb_free_modules(struct mb_modules *mods)
{
    for (size_t i = 0; i < mods->count; i++) {
        free(mods->item[i].cmdline);
        free(mods->item[i].path);
    }
    free(mods->item);
    mods->item = NULL;
    mods->count = 0;
}

/* Where each part of the information area goes. */
struct layout {
    uint64_t mmap, mods, name, cmdline, modcmd, end;
    size_t nmap;
    struct e820_entry map[MAX_MAP];
};

static size_t cmdline_len(const rs_multiboot_config *cfg)
{
    size_t n = strlen(cfg->image);
    if (cfg->append && *cfg->append)
        n += 1 + strlen(cfg->append);
    return n;
}

static void plan(rs_machine *m, const rs_multiboot_config *cfg, const struct mb_modules *mods,
                 struct layout *l)
{
    l->nmap = boot_memory_map(m, l->map, MAX_MAP);
    l->mmap = BOOT_INFO_ADDR + INFO_STRUCT_SIZE;
    l->mods = align_up(l->mmap + l->nmap * 24, 16);
    l->name = l->mods + mods->count * 16;
    l->cmdline = l->name + sizeof(LOADER_NAME);
    l->modcmd = l->cmdline + cmdline_len(cfg) + 1;
    l->end = l->modcmd;
    for (size_t i = 0; i < mods->count; i++)
        l->end += strlen(mods->item[i].cmdline) + 1;
}

uint64_t mb_info_size(rs_machine *m, const rs_multiboot_config *cfg, const struct mb_modules *mods)
{
    struct layout l;
    plan(m, cfg, mods, &l);
    return l.end - BOOT_INFO_ADDR;
}

int mb_load_modules(rs_machine *m, struct mb_modules *mods, uint64_t from, char *err,
                    size_t errlen)
{
    uint64_t top = boot_ram_below_4g(m);
    uint64_t addr = align_up(from > 0x100000 ? from : 0x100000, 4096);
    for (size_t i = 0; i < mods->count; i++) {
        struct mb_module *mod = &mods->item[i];
        struct boot_file f;
        if (boot_read_file(mod->path, "initrd", 1ull << 32, &f, err, errlen))
            return -1;
        if (addr + f.size > top) {
            boot_err(err, errlen, "initrd '%s' (%zu bytes) does not fit in guest RAM below "
                     "%#llx (try a larger -m)", mod->path, f.size, (unsigned long long)top);
            boot_file_free(&f);
            return -2;
        }
        int bad = boot_copy(m, addr, f.data, f.size, mod->path, err, errlen) ? -2 : 0;
        mod->start = (uint32_t)addr;
        mod->end = (uint32_t)(addr + f.size);
        boot_file_free(&f);
        if (bad)
            return bad;
        /* Page-aligned, as header flag 0 may require and QEMU always does. */
        addr = align_up(mod->end, 4096);
    }
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

int mb_write_info(rs_machine *m, const rs_multiboot_config *cfg, const struct mb_modules *mods,
                  uint32_t *addr, char *err, size_t errlen)
{
    struct layout l;
    plan(m, cfg, mods, &l);
    size_t size = (size_t)(l.end - BOOT_INFO_ADDR);
    uint8_t *buf = calloc(1, size);
    if (!buf)
        return boot_err(err, errlen, "out of host memory");
#define AT(a) (buf + ((a) - BOOT_INFO_ADDR))

    /* mem_lower: KiB of RAM from 0 (at most 640); mem_upper: KiB of RAM
     * from 1 MiB up to the first hole. */
    uint32_t lower = 0, upper = 0;
    for (size_t i = 0; i < l.nmap; i++) {
        if (l.map[i].type != E820_RAM)
            continue;
        if (l.map[i].base == 0)
            lower = (uint32_t)(l.map[i].length / 1024);
        if (l.map[i].base == 0x100000)
            upper = (uint32_t)(l.map[i].length / 1024);
    }
    for (size_t i = 0; i < l.nmap; i++) {
        uint8_t *e = AT(l.mmap) + i * 24;
        put32(e, 20);       /* size of the rest of the entry */
        put64(e + 4, l.map[i].base);
        put64(e + 12, l.map[i].length);
        put32(e + 20, l.map[i].type);
    }
    for (size_t i = 0; i < mods->count; i++) {
        uint8_t *e = AT(l.mods) + i * 16;
        put32(e, mods->item[i].start);
        put32(e + 4, mods->item[i].end);
        put32(e + 8, 0);    /* filled below with the string's address */
    }
    memcpy(AT(l.name), LOADER_NAME, sizeof(LOADER_NAME));
    char *cmd = (char *)AT(l.cmdline);
    strcpy(cmd, cfg->image);
    if (cfg->append && *cfg->append) {
        strcat(cmd, " ");
        strcat(cmd, cfg->append);
    }
    uint64_t s = l.modcmd;
    for (size_t i = 0; i < mods->count; i++) {
        put32(AT(l.mods) + i * 16 + 8, (uint32_t)s);
        strcpy((char *)AT(s), mods->item[i].cmdline);
        s += strlen(mods->item[i].cmdline) + 1;
    }

    uint8_t *info = AT(BOOT_INFO_ADDR);
    put32(info + 0, MBI_MEMORY | MBI_CMDLINE | MBI_MODULES | MBI_MMAP | MBI_LOADER_NAME);
    put32(info + 4, lower);
    put32(info + 8, upper);
    put32(info + 16, (uint32_t)l.cmdline);
    put32(info + 20, (uint32_t)mods->count);
    put32(info + 24, (uint32_t)l.mods);
    put32(info + 44, (uint32_t)(l.nmap * 24));
    put32(info + 48, (uint32_t)l.mmap);
    put32(info + 64, (uint32_t)l.name);
#undef AT
    int bad = boot_copy(m, BOOT_INFO_ADDR, buf, size, "the multiboot information", err, errlen);
    free(buf);
    *addr = BOOT_INFO_ADDR;
    return bad;
}
