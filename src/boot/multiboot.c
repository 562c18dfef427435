/*
 * Multiboot (v1) kernels as QEMU's -kernel and GRUB's `multiboot` load them
 * (The Multiboot Specification 0.6.96): find the header, load the image
 * through its address fields (flag 16, "a.out kludge") or as ELF through
 * libelf, then modules, the information structure, the handoff block, and
 * either the firmware path or the multiboot machine state directly.
 */
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>

#include "boot/multiboot.h"
#include "devices/pc.h"

#define FOUR_GIB 0x100000000ull

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Spec 3.1.1-3.1.2: magic, flags and checksum (magic + flags + checksum = 0
 * mod 2^32), 32-bit aligned within the first 8192 bytes. Returns the
 * header's file offset, or -1. */
static long find_header(const struct boot_file *f)
{
    size_t limit = f->size < MB_SEARCH_BYTES ? f->size : MB_SEARCH_BYTES;
    for (size_t off = 0; off + 12 <= limit; off += 4) {
        const uint8_t *h = f->data + off;
        if (le32(h) == MB_HEADER_MAGIC && (uint32_t)(le32(h) + le32(h + 4) + le32(h + 8)) == 0)
            return (long)off;
    }
    return -1;
}

/* Why a file without a multiboot header is not bootable, in one line. */
static int no_header(const struct boot_file *f, const char *name, char *err, size_t errlen)
{
    size_t limit = f->size < 32768 ? f->size : 32768;
    for (size_t off = 0; off + 4 <= limit; off += 8)
        if (le32(f->data + off) == 0xe85250d6u)
            return boot_err(err, errlen, "%s: a multiboot2 kernel; ringscope loads multiboot "
                            "(v1) kernels", name);
    if (f->size >= 0x206 && !memcmp(f->data + 0x202, "HdrS", 4))
        return boot_err(err, errlen, "%s: a Linux bzImage; ringscope loads multiboot (v1) "
                        "kernels", name);
    if (f->size >= 4 && !memcmp(f->data, "\177ELF", 4))
        return boot_err(err, errlen, "%s: an ELF file without a multiboot header in its first "
                        "8192 bytes (use --flat for raw programs)", name);
    return boot_err(err, errlen, "%s: not an ELF file and no multiboot header in its first "
                    "8192 bytes", name);
}

/* The ranges of low memory a kernel may not load over. */
static int check_range(uint64_t lo, uint64_t hi, uint64_t info_end, const char *name, char *err,
                       size_t errlen)
{
    static const struct { uint64_t lo, hi; const char *what; } fixed[] = {
        { 0, BOOT_STACK_TOP, "the interrupt vector table, BIOS data, handoff block and boot stack" },
        { PC_EBDA_BASE, 0x100000, "the EBDA, VGA memory and BIOS area" },
        { PC_FIRMWARE_TOP, FOUR_GIB, "the firmware at the top of 4 GiB" },
    };
    if (hi > FOUR_GIB)
        return boot_err(err, errlen, "%s: loads at %#llx-%#llx, above 4 GiB", name,
                        (unsigned long long)lo, (unsigned long long)(hi - 1));
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (lo < fixed[i].hi && hi > fixed[i].lo)
            return boot_err(err, errlen, "%s: loads at %#llx-%#llx, over %s", name,
                            (unsigned long long)lo, (unsigned long long)(hi - 1), fixed[i].what);
    if (lo < info_end && hi > BOOT_INFO_ADDR)
        return boot_err(err, errlen, "%s: loads at %#llx-%#llx, over the multiboot information "
                        "at %#x-%#llx", name, (unsigned long long)lo, (unsigned long long)(hi - 1),
                        BOOT_INFO_ADDR, (unsigned long long)(info_end - 1));
    return 0;
}

/* Flag 16: the header's physical address fields say what to load where
 * (spec 3.1.3), the same checks QEMU's loader makes. */
static int load_address_fields(rs_machine *m, const struct boot_file *f, size_t hoff,
                               const char *name, uint64_t info_end, struct mb_kernel *k,
                               char *err, size_t errlen)
{
    if (hoff + 32 > f->size)
        return boot_err(err, errlen, "%s: multiboot header with flag 16 is cut short", name);
    const uint8_t *h = f->data + hoff;
    uint32_t header_addr = le32(h + 12), load_addr = le32(h + 16), load_end = le32(h + 20);
    uint32_t bss_end = le32(h + 24), entry = le32(h + 28);
    if (header_addr < load_addr || header_addr - load_addr > hoff)
        return boot_err(err, errlen, "%s: multiboot header_addr %#x does not fit load_addr %#x",
                        name, header_addr, load_addr);
    /* load_addr corresponds to this file offset. */
    uint64_t text = hoff - (header_addr - load_addr);
    uint64_t load_size = load_end ? (uint64_t)load_end - load_addr : f->size - text;
    if (load_end && load_end < load_addr)
        return boot_err(err, errlen, "%s: multiboot load_end_addr %#x is below load_addr %#x",
                        name, load_end, load_addr);
    if (text + load_size > f->size)
        return boot_err(err, errlen, "%s: multiboot load_end_addr %#x is beyond the end of the "
                        "file", name, load_end);
    uint64_t mem_size = load_size;
    if (bss_end) {
        if (bss_end < load_addr + load_size)
            return boot_err(err, errlen, "%s: multiboot bss_end_addr %#x is below load_end_addr",
                            name, bss_end);
        mem_size = (uint64_t)bss_end - load_addr;
    }
    if (mem_size == 0)
        return boot_err(err, errlen, "%s: the multiboot address fields load nothing", name);
    if (check_range(load_addr, load_addr + mem_size, info_end, name, err, errlen) ||
        boot_copy(m, load_addr, f->data + text, load_size, name, err, errlen) ||
        boot_zero(m, load_addr + load_size, mem_size - load_size, name, err, errlen))
        return -1;
    k->entry = entry;
    k->end = load_addr + mem_size;
    return 0;
}

/* ELF32 or ELF64 through libelf: every PT_LOAD segment at its physical
 * address, p_memsz - p_filesz zero bytes after the file bytes (BSS). An
 * entry point inside a segment's virtual range is translated to physical,
 * so higher-half kernels start at their load address (as GRUB and QEMU do). */
static int load_elf(rs_machine *m, const struct boot_file *f, const char *name, uint64_t info_end,
                    struct mb_kernel *k, char *err, size_t errlen)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return boot_err(err, errlen, "libelf cannot be initialised: %s", elf_errmsg(-1));
    Elf *e = elf_memory((char *)f->data, f->size);
    if (!e)
        return boot_err(err, errlen, "%s: not a valid ELF file: %s", name, elf_errmsg(-1));
    int rc = -1;
    GElf_Ehdr eh;
    size_t nph = 0;
    int cls = gelf_getclass(e);
    if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) || elf_getphdrnum(e, &nph) != 0) {
        boot_err(err, errlen, "%s: not a valid ELF file: %s", name, elf_errmsg(-1));
        goto out;
    }
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        !((cls == ELFCLASS32 && eh.e_machine == EM_386) ||
          (cls == ELFCLASS64 && eh.e_machine == EM_X86_64))) {
        boot_err(err, errlen, "%s: an ELF file for another machine (not i386 or x86-64)", name);
        goto out;
    }
    if (eh.e_type != ET_EXEC) {
        boot_err(err, errlen, "%s: not an ELF executable (e_type %u)", name, eh.e_type);
        goto out;
    }
    uint64_t entry = eh.e_entry, end = 0;
    unsigned loads = 0;
    /* Check every segment before writing any. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < nph; i++) {
            GElf_Phdr ph;
            if (!gelf_getphdr(e, (int)i, &ph)) {
                boot_err(err, errlen, "%s: bad ELF program header %zu", name, i);
                goto out;
            }
            if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
                continue;
            if (pass == 0) {
                if (ph.p_filesz > ph.p_memsz || ph.p_offset > f->size ||
                    ph.p_filesz > f->size - ph.p_offset || ph.p_paddr + ph.p_memsz < ph.p_paddr) {
                    boot_err(err, errlen, "%s: ELF segment %zu lies outside the file", name, i);
                    goto out;
                }
                if (check_range(ph.p_paddr, ph.p_paddr + ph.p_memsz, info_end, name, err, errlen))
                    goto out;
                if (eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz)
                    entry = ph.p_paddr + (eh.e_entry - ph.p_vaddr);
                if (ph.p_paddr + ph.p_memsz > end)
                    end = ph.p_paddr + ph.p_memsz;
                loads++;
                continue;
            }
            if (boot_copy(m, ph.p_paddr, f->data + ph.p_offset, ph.p_filesz, name, err, errlen) ||
                boot_zero(m, ph.p_paddr + ph.p_filesz, ph.p_memsz - ph.p_filesz, name, err,
                          errlen))
                goto out;
        }
        if (pass == 0 && loads == 0) {
            boot_err(err, errlen, "%s: the ELF file has no loadable segments", name);
            goto out;
        }
        if (pass == 0 && entry >= FOUR_GIB) {
            boot_err(err, errlen, "%s: entry point %#llx is outside its segments and above 4 GiB",
                     name, (unsigned long long)entry);
            goto out;
        }
    }
    k->entry = (uint32_t)entry;
    k->end = end;
    rc = 0;
out:
    elf_end(e);
    return rc;
}

static rs_err load_kernel(rs_machine *m, const rs_multiboot_config *cfg, uint64_t info_end,
                          struct mb_kernel *k, char *err, size_t errlen)
{
    struct boot_file f;
    const char *name = cfg->image;
    if (boot_read_file(name, "kernel", FOUR_GIB, &f, err, errlen))
        return RS_ERR_ARG;
    rs_err rc = RS_ERR_ARG;
    long hoff = find_header(&f);
    if (hoff < 0) {
        no_header(&f, name, err, errlen);
        goto out;
    }
    uint32_t flags = le32(f.data + hoff + 4);
    if (flags & MBH_REQUIRED_MASK & ~MBH_KNOWN_REQUIRED) {
        /* Spec 3.1.2: a loader that does not understand a required bit must fail. */
        boot_err(err, errlen, "%s: the multiboot header requires features ringscope does not "
                 "know (flags %#x)", name, flags);
        goto out;
    }
    /* MBH_VIDEO_MODE: there is no framebuffer to describe; like QEMU, the
     * kernel boots without video information (flags bits 11/12 clear). */
    int bad;
    if (flags & MBH_ADDRESS_FIELDS)
        bad = load_address_fields(m, &f, (size_t)hoff, name, info_end, k, err, errlen);
    else if (f.size >= 4 && !memcmp(f.data, "\177ELF", 4))
        bad = load_elf(m, &f, name, info_end, k, err, errlen);
    else
        bad = boot_err(err, errlen, "%s: not an ELF file and its multiboot header has no "
                       "address fields (flag 16)", name);
    if (!bad)
        rc = RS_OK;
out:
    boot_file_free(&f);
    return rc;
}

rs_err rs_boot_multiboot(rs_machine *m, const rs_multiboot_config *cfg, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!m || !cfg || !cfg->image) {
        boot_err(err, errlen, "no kernel image given");
        return RS_ERR_ARG;
    }
    if (!boot_is_pc(m)) {
        boot_err(err, errlen, "multiboot kernels boot on a PC (rs_create_pc)");
        return RS_ERR_STATE;
    }
    struct mb_modules mods;
    if (mb_parse_modules(cfg->initrd, &mods, err, errlen))
        return RS_ERR_ARG;
    rs_err rc = RS_ERR_ARG;
    uint64_t info_end = BOOT_INFO_ADDR + mb_info_size(m, cfg, &mods);
    if (info_end > BOOT_INFO_END) {
        boot_err(err, errlen, "the kernel command line and module names are too long (%llu bytes "
                 "of boot information; at most %u)",
                 (unsigned long long)(info_end - BOOT_INFO_ADDR), BOOT_INFO_END - BOOT_INFO_ADDR);
        goto out;
    }
    struct mb_kernel k = { 0, 0 };
    if ((rc = load_kernel(m, cfg, info_end, &k, err, errlen)) != RS_OK)
        goto out;
    int r = mb_load_modules(m, &mods, k.end, err, errlen);
    if (r) {
        rc = r == -2 ? RS_ERR_UNMAPPED : RS_ERR_ARG;
        goto out;
    }
    rc = RS_ERR_UNMAPPED;
    uint32_t info;
    if (mb_write_info(m, cfg, &mods, &info, err, errlen) ||
        boot_write_handoff(m, k.entry, MULTIBOOT_BOOTLOADER_MAGIC, info, BOOT_STACK_TOP, err,
                           errlen))
        goto out;
    rc = RS_ERR_STATE;
    if (cfg->start == RS_BOOT_DIRECT &&
        (boot_install_builtin(m, err, errlen) ||
         boot_enter_protected(m, k.entry, MULTIBOOT_BOOTLOADER_MAGIC, info, BOOT_STACK_TOP, err,
                              errlen)))
        goto out;
    rc = RS_OK;
out:
    mb_free_modules(&mods);
    return rc;
}
