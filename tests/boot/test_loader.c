/*
 * The boot loaders through the public API (ringscope.h, "Boot"): the state
 * a direct multiboot boot leaves, the information structure in memory, the
 * handoff block, the flat and firmware loaders, the error for each kind of
 * bad input, and a mutation run over the test kernels (truncated files,
 * corrupted ELF, program and multiboot headers) that must only ever give
 * RS_OK or one line of error: never a crash (run it under ASan too).
 *
 *   test_loader MB_ELF32 MB_AOUT64
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/handoff.h"
#include "ringscope/ringscope.h"

static const char *elf32_path, *aout64_path;
static char tmpdir[] = "/tmp/rs_loaderXXXXXX";

static rs_machine *pc(uint64_t ram)
{
    rs_pc_config cfg = { 0 };
    cfg.ram_bytes = ram;
    rs_machine *m = NULL;
    char err[256];
    ck_assert_msg(rs_create_pc(&cfg, &m, err, sizeof(err)) == RS_OK, "%s", err);
    return m;
}

static char *path_in_tmp(const char *name)
{
    static char buf[4][256];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 256, "%s/%s", tmpdir, name);
    return p;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static uint8_t *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *d = malloc(*len);
    ck_assert_uint_eq(fread(d, 1, *len, f), *len);
    fclose(f);
    return d;
}

static uint32_t rd32(rs_machine *m, uint64_t a)
{
    uint8_t b[4];
    ck_assert_int_eq(rs_read_phys(m, a, b, 4), RS_OK);
    return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* An error is one non-empty line. */
static void one_line(const char *err)
{
    ck_assert_msg(err[0] != 0, "empty error message");
    ck_assert_msg(!strchr(err, '\n'), "multi-line error: %s", err);
}

START_TEST(direct_state_and_info)
{
    rs_machine *m = pc(64ull << 20);
    write_file(path_in_tmp("m1.txt"), "module one\n", 11);
    char initrd[600];
    snprintf(initrd, sizeof(initrd), "%s arg1 arg2,%s", path_in_tmp("m1.txt"),
             path_in_tmp("m1.txt"));
    rs_multiboot_config mb = { elf32_path, "a=1 b=2", initrd, RS_BOOT_DIRECT };
    char err[256] = "";
    ck_assert_msg(rs_boot_multiboot(m, &mb, err, sizeof(err)) == RS_OK, "%s", err);

    /* Multiboot 3.2 machine state. */
    uint64_t v;
    rs_get_reg(m, RS_RAX, &v);
    ck_assert_uint_eq(v, 0x2badb002);
    rs_get_reg(m, RS_RBX, &v);
    ck_assert_uint_eq(v, BOOT_INFO_ADDR);
    rs_get_reg(m, RS_CR0, &v);
    ck_assert_uint_eq(v, BOOT_CR0);
    rs_get_reg(m, RS_RFLAGS, &v);
    ck_assert_uint_eq(v, 2);
    rs_get_reg(m, RS_RSP, &v);
    ck_assert_uint_eq(v, BOOT_STACK_TOP);
    rs_get_reg(m, RS_RIP, &v);
    ck_assert_uint_eq(v, rd32(m, HANDOFF_ADDR + HO_ENTRY));
    rs_mode mode;
    rs_get_mode(m, &mode);
    ck_assert_int_eq(mode, RS_MODE_PROT32);
    for (int s = RS_ES; s <= RS_GS; s++) {
        rs_segment seg;
        rs_get_segment(m, (rs_sreg)s, &seg);
        ck_assert_uint_eq(seg.base, 0);
        ck_assert_uint_eq(seg.limit, 0xffffffffu);
        ck_assert_uint_eq(seg.attr, s == RS_CS ? FW_ATTR_CODE32 : FW_ATTR_DATA32);
    }
    rs_table_reg gdt;
    rs_descriptor_table(m, 0, false, &gdt);
    ck_assert_uint_eq(gdt.base, FW_GDT_ADDR);
    ck_assert_uint_eq(gdt.limit, FW_GDT_LIMIT);
    /* The GDT there describes the same segments. */
    ck_assert_uint_eq(rd32(m, FW_GDT_ADDR + 8), 0x0000ffff);
    ck_assert_uint_eq(rd32(m, FW_GDT_ADDR + 12), 0x00cf9b00);

    /* The information structure (spec 3.3). */
    uint32_t info = BOOT_INFO_ADDR;
    ck_assert_uint_eq(rd32(m, info), 0x24d);
    ck_assert_uint_eq(rd32(m, info + 4), 639);
    ck_assert_uint_eq(rd32(m, info + 8), 63 * 1024);
    char cmd[300];
    rs_read_phys(m, rd32(m, info + 16), cmd, sizeof(cmd));
    char want[300];
    snprintf(want, sizeof(want), "%s a=1 b=2", elf32_path);
    ck_assert_str_eq(cmd, want);
    ck_assert_uint_eq(rd32(m, info + 20), 2);
    uint32_t mods = rd32(m, info + 24);
    uint32_t s0 = rd32(m, mods), e0 = rd32(m, mods + 4), s1 = rd32(m, mods + 16);
    ck_assert_uint_eq(s0 & 0xfff, 0);
    ck_assert_uint_eq(e0 - s0, 11);
    ck_assert_uint_eq(s1, s0 + 4096);
    char mod[16] = "";
    rs_read_phys(m, s0, mod, 11);
    ck_assert_str_eq(mod, "module one\n");
    rs_read_phys(m, rd32(m, mods + 8), cmd, sizeof(cmd));
    snprintf(want, sizeof(want), "%s arg1 arg2", path_in_tmp("m1.txt"));
    ck_assert_str_eq(cmd, want);
    ck_assert_uint_eq(rd32(m, info + 44) % 24, 0);
    ck_assert_uint_eq(rd32(m, rd32(m, info + 48)), 20);
    rs_read_phys(m, rd32(m, info + 64), cmd, 10);
    ck_assert_str_eq(cmd, "ringscope");

    /* The handoff block. */
    ck_assert_uint_eq(rd32(m, HANDOFF_ADDR + HO_MAGIC), HANDOFF_MAGIC);
    ck_assert_uint_eq(rd32(m, HANDOFF_ADDR + HO_EBX), BOOT_INFO_ADDR);
    ck_assert_uint_eq(rd32(m, HANDOFF_ADDR + HO_FW_STATUS), 0);
    rs_destroy(m);
}
END_TEST

START_TEST(firmware_path_leaves_reset_state)
{
    rs_machine *m = pc(64ull << 20);
    const uint8_t *rom;
    size_t len;
    ck_assert_int_eq(rs_builtin_firmware(&rom, &len), RS_OK);
    ck_assert_uint_eq(len, 65536);
    ck_assert_uint_eq(rom[0xfff0], 0xea);           /* JMP far at the reset vector */
    char err[256] = "";
    ck_assert_int_eq(rs_load_firmware(m, rom, len, err, sizeof(err)), RS_OK);
    rs_multiboot_config mb = { aout64_path, NULL, NULL, RS_BOOT_FIRMWARE };
    ck_assert_msg(rs_boot_multiboot(m, &mb, err, sizeof(err)) == RS_OK, "%s", err);
    uint64_t rip;
    rs_get_reg(m, RS_RIP, &rip);
    ck_assert_uint_eq(rip, 0xfff0);
    rs_segment cs;
    rs_get_segment(m, RS_CS, &cs);
    ck_assert_uint_eq(cs.base, 0xffff0000u);
    uint8_t b;
    rs_read_phys(m, 0xfffffff0u, &b, 1);
    ck_assert_uint_eq(b, 0xea);
    rs_read_phys(m, 0xffff0u, &b, 1);
    ck_assert_uint_eq(b, 0xea);
    /* The address fields put the image at 1 MiB; the entry is physical. */
    ck_assert_uint_ge(rd32(m, HANDOFF_ADDR + HO_ENTRY), 0x100000);
    ck_assert_uint_lt(rd32(m, HANDOFF_ADDR + HO_ENTRY), 0x200000);
    ck_assert_uint_eq(rd32(m, 0x100000), 0x1badb002);
    rs_destroy(m);
}
END_TEST

START_TEST(firmware_sizes)
{
    rs_machine *m = pc(64ull << 20);
    static uint8_t img[256 * 1024];
    char err[256] = "";
    for (size_t i = 0; i < sizeof(img); i++)
        img[i] = (uint8_t)(i >> 16);
    ck_assert_int_eq(rs_load_firmware(m, img, 256 * 1024, err, sizeof(err)), RS_OK);
    uint8_t b;
    rs_read_phys(m, 0xfffc0000u, &b, 1);
    ck_assert_uint_eq(b, 0);
    rs_read_phys(m, 0xe0000u, &b, 1);            /* the last 128 KiB below 1 MiB */
    ck_assert_uint_eq(b, 2);
    rs_read_phys(m, 0xfffffu, &b, 1);
    ck_assert_uint_eq(b, 3);
    ck_assert_int_eq(rs_load_firmware(m, img, 1000, err, sizeof(err)), RS_ERR_ARG);
    one_line(err);
    rs_destroy(m);
}
END_TEST

START_TEST(flat_modes)
{
    static const uint8_t prog[] = { 0xf4 };
    write_file(path_in_tmp("hlt.bin"), prog, 1);
    char err[256] = "";
    for (unsigned bits = 16; bits <= 64; bits *= 2) {
        rs_machine *m = pc(16ull << 20);
        uint64_t load = bits == 16 ? 0x17c00 : 0x300000;
        ck_assert_msg(rs_boot_flat(m, path_in_tmp("hlt.bin"), bits, load, err, sizeof(err)) ==
                      RS_OK, "%s", err);
        rs_mode mode;
        rs_get_mode(m, &mode);
        ck_assert_int_eq(mode, bits == 16 ? RS_MODE_REAL : bits == 32 ? RS_MODE_PROT32
                                                                      : RS_MODE_LONG64);
        rs_segment cs;
        uint64_t rip;
        rs_get_segment(m, RS_CS, &cs);
        rs_get_reg(m, RS_RIP, &rip);
        ck_assert_uint_eq(cs.base + rip, load);
        if (bits == 16)
            ck_assert_uint_eq(cs.selector, 0x1000);
        rs_stop why;
        rs_run(m, 10, &why, NULL);
        ck_assert_int_eq(why, RS_STOP_HALT);
        rs_destroy(m);
    }
    rs_machine *m = pc(16ull << 20);
    ck_assert_int_eq(rs_boot_flat(m, path_in_tmp("hlt.bin"), 16, 0x100000, err, sizeof(err)),
                     RS_ERR_ARG);
    one_line(err);
    ck_assert_int_eq(rs_boot_flat(m, path_in_tmp("hlt.bin"), 8, 0, err, sizeof(err)),
                     RS_ERR_ARG);
    one_line(err);
    ck_assert_int_ne(rs_boot_flat(m, path_in_tmp("hlt.bin"), 32, 0x7fff0000, err, sizeof(err)),
                     RS_OK);
    one_line(err);
    rs_destroy(m);
}
END_TEST

/* Build a minimal multiboot image with the address fields. */
static size_t aout_image(uint8_t *buf, uint32_t flags, uint32_t header_addr, uint32_t load_addr,
                         uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
    memset(buf, 0x90, 8192);
    uint32_t h[8] = { 0x1badb002, flags, -(0x1badb002u + flags), header_addr, load_addr,
                      load_end, bss_end, entry };
    memcpy(buf + 64, h, sizeof(h));
    return 8192;
}

static const char *boot_error(rs_machine *m, const char *image, const char *initrd,
                              const char *append, rs_err want)
{
    static char err[512];
    err[0] = 0;
    rs_multiboot_config mb = { image, append, initrd, RS_BOOT_DIRECT };
    rs_err e = rs_boot_multiboot(m, &mb, err, sizeof(err));
    ck_assert_msg(e == want, "got %d (%s), want %d", e, err, want);
    if (want != RS_OK)
        one_line(err);
    return err;
}

START_TEST(bad_inputs)
{
    rs_machine *m = pc(4ull << 20);
    static uint8_t buf[1 << 20];
    const char *img = path_in_tmp("k.bin");

    /* The address fields, good and bad (the checks QEMU makes). */
    write_file(img, buf, aout_image(buf, 0x10000, 0x200040, 0x200000, 0, 0x203000, 0x200100));
    boot_error(m, img, NULL, NULL, RS_OK);
    write_file(img, buf, aout_image(buf, 0x10000, 0x1ffff0, 0x200000, 0, 0, 0x200000));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "header_addr"));
    write_file(img, buf, aout_image(buf, 0x10000, 0x200040, 0x200000, 0x1f0000, 0, 0x200000));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "load_end_addr"));
    write_file(img, buf, aout_image(buf, 0x10000, 0x200040, 0x200000, 0x300000, 0, 0x200000));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "end of the file"));
    write_file(img, buf, aout_image(buf, 0x10000, 0x200040, 0x200000, 0x201000, 0x200800, 0));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "bss_end_addr"));
    write_file(img, buf, aout_image(buf, 0x10000, 0x9040, 0x9000, 0, 0, 0x9000));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG),
                                 "multiboot information"));
    write_file(img, buf, aout_image(buf, 0x10000, 0x1040, 0x1000, 0, 0, 0x1000));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "vector table"));
    write_file(img, buf, aout_image(buf, 0x10000, 0xf0040, 0xf0000, 0, 0, 0xf0000));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "BIOS area"));
    write_file(img, buf, aout_image(buf, 0x10000, 0x800040, 0x800000, 0, 0, 0x800000));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "guest RAM"));
    write_file(img, buf, aout_image(buf, 0x10000, 0xffff0040, 0xffff0000, 0, 0, 0xffff0000));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "top of 4 GiB"));
    write_file(img, buf, aout_image(buf, 0x10008, 0x200040, 0x200000, 0, 0, 0x200000));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "requires"));
    write_file(img, buf, aout_image(buf, 0x00000, 0x200040, 0x200000, 0, 0, 0x200000));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "flag 16"));

    /* Not multiboot at all. */
    memset(buf, 0, 8192);
    buf[16] = 0xd6; buf[17] = 0x50; buf[18] = 0x52; buf[19] = 0xe8;  /* multiboot2 magic */
    write_file(img, buf, 8192);
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, NULL, RS_ERR_ARG), "multiboot2"));
    write_file(img, buf, 0);
    boot_error(m, img, NULL, NULL, RS_ERR_ARG);

    /* Modules: missing, empty name, too big for the RAM. */
    write_file(img, buf, aout_image(buf, 0x10000, 0x200040, 0x200000, 0, 0, 0x200000));
    boot_error(m, img, "/nonexistent/module", NULL, RS_ERR_ARG);
    boot_error(m, img, "a,,b,", NULL, RS_ERR_ARG);
    write_file(path_in_tmp("big.bin"), buf, sizeof(buf));
    char many[2048] = "";
    for (int i = 0; i < 4; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s%s", i ? "," : "",
                 path_in_tmp("big.bin"));
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, many, NULL, RS_ERR_UNMAPPED), "-m"));

    /* A command line too long for the information area. */
    char *longcmd = malloc(600 * 1024);
    memset(longcmd, 'x', 600 * 1024 - 1);
    longcmd[600 * 1024 - 1] = 0;
    ck_assert_ptr_nonnull(strstr(boot_error(m, img, NULL, longcmd, RS_ERR_ARG), "too long"));
    free(longcmd);
    rs_destroy(m);

    /* A bare machine (rs_create) is not a PC. */
    ck_assert_int_eq(rs_create(NULL, &m), RS_OK);
    boot_error(m, elf32_path, NULL, NULL, RS_ERR_STATE);
    rs_destroy(m);
}
END_TEST

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* Truncations and corrupted headers: RS_OK or one line, never a crash. */
static void mutate_and_load(const char *kernel, unsigned rounds)
{
    size_t len;
    uint8_t *orig = read_whole(kernel, &len);
    uint8_t *buf = malloc(len);
    const char *img = path_in_tmp("mut.elf");
    rs_machine *m = NULL;
    unsigned ok = 0;
    for (unsigned r = 0; r < rounds; r++) {
        if (r % 64 == 0) {
            rs_destroy(m);
            m = pc(8ull << 20);
        }
        memcpy(buf, orig, len);
        size_t n = len;
        switch (r % 4) {
        case 0: n = rnd() % len; break;                     /* truncated */
        case 1:                                             /* ELF and program headers */
            for (int k = 0; k < 4; k++)
                buf[rnd() % 256] = (uint8_t)rnd();
            break;
        case 2: {                                           /* a dword set to an edge value */
            static const uint32_t edge[] = { 0, 1, 0x7fffffff, 0x80000000, 0xffffffff,
                                             0xfffff000, 0x100000, 0x9000 };
            size_t at = (rnd() % 256) & ~3u;
            uint32_t v = edge[rnd() % 8];
            memcpy(buf + at, &v, 4);
            break;
        }
        default:                                            /* the multiboot header area */
            for (int k = 0; k < 3; k++)
                buf[0x1000 + rnd() % 64] = (uint8_t)rnd();
            break;
        }
        write_file(img, buf, n);
        char err[512] = "";
        rs_multiboot_config mb = { img, NULL, NULL, (r & 1) ? RS_BOOT_DIRECT : RS_BOOT_FIRMWARE };
        rs_err e = rs_boot_multiboot(m, &mb, err, sizeof(err));
        if (e == RS_OK)
            ok++;
        else
            one_line(err);
    }
    rs_destroy(m);
    free(buf);
    free(orig);
    ck_assert_uint_gt(ok, 0);   /* some mutations are harmless */
}

START_TEST(mutations_elf32)
{
    mutate_and_load(elf32_path, 1200);
}
END_TEST

START_TEST(mutations_aout64)
{
    mutate_and_load(aout64_path, 1200);
}
END_TEST

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_loader MB_ELF32 MB_AOUT64\n");
        return 2;
    }
    elf32_path = argv[1];
    aout64_path = argv[2];
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    Suite *s = suite_create("boot loaders");
    TCase *tc = tcase_create("loaders");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, direct_state_and_info);
    tcase_add_test(tc, firmware_path_leaves_reset_state);
    tcase_add_test(tc, firmware_sizes);
    tcase_add_test(tc, flat_modes);
    tcase_add_test(tc, bad_inputs);
    tcase_add_test(tc, mutations_elf32);
    tcase_add_test(tc, mutations_aout64);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return failed ? 1 : 0;
}
