/*
 * The ATA PIO disk on the primary channel, driven through the port bus of a
 * full PC (rs_create_pc) and, once, by guest code: IDENTIFY DEVICE, reads
 * and writes in CHS, LBA28 and LBA48 (16- and 32-bit data accesses), the
 * write overlay and write-back, multiple mode, error cases, IRQ 14 and
 * nIEN (and IRQ 14 through the 8259s to a guest handler), soft reset and
 * the device signature.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/ata.h"
#include "devices/pc.h"
#include "machine.h"
#include "ringscope/ringscope.h"

#define SECTORS 4096u           /* 2 MiB: default CHS 4/16/63 */

enum { DATA = 0x1f0, ERROR = 0x1f1, FEATURE = 0x1f1, COUNT = 0x1f2, LBAL = 0x1f3, LBAM = 0x1f4,
       LBAH = 0x1f5, DEVICE = 0x1f6, STATUS = 0x1f7, CMD = 0x1f7, CTRL = 0x3f6 };

static rs_machine *rm;
static struct machine *m;
static char path[64];
static char log_lines[8][256];
static int nlog;

static void on_log(void *ctx, const char *line)
{
    (void)ctx;
    if (nlog < 8)
        snprintf(log_lines[nlog++], sizeof(log_lines[0]), "%s", line);
}

/* Sector `lba` of a fresh image: its LBA in the first 8 bytes, then a pattern. */
static void pattern(uint64_t lba, uint8_t *out)
{
    memcpy(out, &lba, 8);
    for (unsigned i = 8; i < 512; i++)
        out[i] = (uint8_t)(lba * 31 + i);
}

static void make_image(unsigned sectors)
{
    uint8_t sec[512];
    snprintf(path, sizeof(path), "/tmp/rs_ata_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    for (unsigned i = 0; i < sectors; i++) {
        pattern(i, sec);
        ck_assert_int_eq(write(fd, sec, 512), 512);
    }
    close(fd);
}

static void create_pc(bool master, bool slave, bool writeback)
{
    char err[256];
    rs_pc_config cfg = { .disk_writeback = writeback };
    cfg.disk[0] = master ? path : NULL;
    cfg.disk[1] = slave ? path : NULL;
    ck_assert_msg(rs_create_pc(&cfg, &rm, err, sizeof(err)) == RS_OK, "%s", err);
    m = (struct machine *)rm;
    nlog = 0;
    rs_set_log(rm, on_log, NULL);
}

static void setup(void)
{
    make_image(SECTORS);
    create_pc(true, false, false);
}

static void teardown(void)
{
    rs_destroy(rm);
    unlink(path);
}

static uint8_t inb(uint16_t p) { return (uint8_t)bus_in(&m->bus, p, 1); }
static uint16_t inw(uint16_t p) { return (uint16_t)bus_in(&m->bus, p, 2); }
static void outb(uint16_t p, uint8_t v) { bus_out(&m->bus, p, 1, v); }
static void outw(uint16_t p, uint16_t v) { bus_out(&m->bus, p, 2, v); }

static struct ata *ata(void) { return m->pc->ata; }

/* Program an LBA28 command. */
static void lba28(uint8_t dev, uint32_t lba, uint8_t count, uint8_t cmd)
{
    outb(DEVICE, (uint8_t)(0xe0 | dev << 4 | ((lba >> 24) & 0xf)));
    outb(COUNT, count);
    outb(LBAL, (uint8_t)lba);
    outb(LBAM, (uint8_t)(lba >> 8));
    outb(LBAH, (uint8_t)(lba >> 16));
    outb(CMD, cmd);
}

/* Program an LBA48 command: each register written twice, high byte first. */
static void lba48(uint64_t lba, uint16_t count, uint8_t cmd)
{
    outb(DEVICE, 0x40);
    outb(COUNT, (uint8_t)(count >> 8));
    outb(LBAL, (uint8_t)(lba >> 24));
    outb(LBAM, (uint8_t)(lba >> 32));
    outb(LBAH, (uint8_t)(lba >> 40));
    outb(COUNT, (uint8_t)count);
    outb(LBAL, (uint8_t)lba);
    outb(LBAM, (uint8_t)(lba >> 8));
    outb(LBAH, (uint8_t)(lba >> 16));
    outb(CMD, cmd);
}

static void read_block(uint8_t *out, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i += 2) {
        uint16_t w = inw(DATA);
        out[i] = (uint8_t)w;
        out[i + 1] = (uint8_t)(w >> 8);
    }
}

static void write_block(const uint8_t *in, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i += 2)
        outw(DATA, (uint16_t)(in[i] | in[i + 1] << 8));
}

static void check_sector(const uint8_t *got, uint64_t lba)
{
    uint8_t want[512];
    pattern(lba, want);
    ck_assert_msg(memcmp(got, want, 512) == 0, "sector %llu differs", (unsigned long long)lba);
}

static void file_sector(uint64_t lba, uint8_t *out)
{
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, out, 512, (off_t)(lba * 512)), 512);
    close(fd);
}

/* Read an IDENTIFY block of the selected device into w[256]. */
static void identify(uint16_t *w)
{
    outb(CMD, 0xec);
    ck_assert_uint_eq(inb(STATUS), 0x58);           /* DRDY DSC DRQ */
    for (unsigned i = 0; i < 256; i++)
        w[i] = inw(DATA);
    ck_assert_uint_eq(inb(STATUS), 0x50);
}

static void ata_string(const uint16_t *w, unsigned words, char *out)
{
    for (unsigned i = 0; i < words; i++) {
        out[2 * i] = (char)(w[i] >> 8);
        out[2 * i + 1] = (char)w[i];
    }
    out[2 * words] = 0;
}

START_TEST(identify_block)
{
    uint16_t w[256];
    char s[41];
    outb(DEVICE, 0xa0);
    outb(CMD, 0xec);
    ck_assert(ata_irq_line(ata()));                 /* the block is ready */
    ck_assert_uint_eq(inb(STATUS), 0x58);
    ck_assert(!ata_irq_line(ata()));                /* acknowledged by the status read */
    for (unsigned i = 0; i < 256; i++)
        w[i] = inw(DATA);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    ck_assert(!ata_irq_line(ata()));                /* data-in: no interrupt at the end */

    ck_assert_uint_eq(w[0], 0x0040);
    ck_assert_uint_eq(w[1], 4);                     /* 4096 / (16 * 63) cylinders */
    ck_assert_uint_eq(w[3], 16);
    ck_assert_uint_eq(w[6], 63);
    ata_string(&w[27], 20, s);
    ck_assert_str_eq(s, "RINGSCOPE DISK                          ");
    ata_string(&w[10], 10, s);
    ck_assert_str_eq(s, "RINGSCOPE-HD0       ");
    ck_assert_uint_eq(w[47], 0x8000 | ATA_MAX_MULTIPLE);
    ck_assert(w[49] & 0x0200);                      /* LBA */
    ck_assert_uint_eq(w[60] | (uint32_t)w[61] << 16, SECTORS);
    ck_assert_uint_eq(w[57] | (uint32_t)w[58] << 16, 4 * 16 * 63);
    ck_assert_uint_eq(w[59], 0);                    /* multiple mode off */
    ck_assert_uint_eq(w[80] & 0x0040, 0x0040);      /* ATA/ATAPI-6 */
    ck_assert_uint_eq(w[83], 0x7400);               /* 48-bit, FLUSH CACHE (EXT) */
    ck_assert_uint_eq(w[86] & 0x0400, 0x0400);
    uint64_t cap48 = 0;
    for (unsigned i = 0; i < 4; i++)
        cap48 |= (uint64_t)w[100 + i] << (16 * i);
    ck_assert_uint_eq(cap48, SECTORS);
    /* Integrity word: A5h and all 512 bytes summing to zero. */
    uint8_t sum = 0;
    for (unsigned i = 0; i < 256; i++)
        sum = (uint8_t)(sum + (w[i] & 0xff) + (w[i] >> 8));
    ck_assert_uint_eq(w[255] & 0xff, 0xa5);
    ck_assert_uint_eq(sum, 0);
    ck_assert_uint_eq(ata_sectors(ata(), 0), SECTORS);
    ck_assert_uint_eq(ata_sectors(ata(), 1), 0);
}
END_TEST

/* 32-bit accesses to the data register move two words each. */
START_TEST(identify_dwords)
{
    uint16_t w[256];
    uint32_t d[128];
    outb(DEVICE, 0xa0);
    identify(w);
    outb(CMD, 0xec);
    for (unsigned i = 0; i < 128; i++)
        d[i] = bus_in(&m->bus, DATA, 4);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    ck_assert(memcmp(w, d, 512) == 0);
}
END_TEST

START_TEST(read_lba28)
{
    uint8_t buf[512];
    lba28(0, 5, 2, 0x20);
    ck_assert(ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0x58);
    read_block(buf, 512);
    check_sector(buf, 5);
    ck_assert(ata_irq_line(ata()));                 /* the second sector is ready */
    ck_assert_uint_eq(inb(CTRL), 0x58);             /* alternate status: no acknowledge */
    ck_assert(ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0x58);
    read_block(buf, 512);
    check_sector(buf, 6);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    /* The registers hold the last sector transferred; no sectors left. */
    ck_assert_uint_eq(inb(LBAL), 6);
    ck_assert_uint_eq(inb(COUNT), 0);
    ck_assert_uint_eq(inb(DEVICE), 0xe0);
    /* 32-bit data reads of a whole sector. */
    lba28(0, 4095, 1, 0x20);
    for (unsigned i = 0; i < 128; i++) {
        uint32_t v = bus_in(&m->bus, DATA, 4);
        memcpy(buf + 4 * i, &v, 4);
    }
    check_sector(buf, 4095);
    ck_assert_uint_eq(inb(STATUS), 0x50);
}
END_TEST

/* CHS (LBA bit clear) with the default translation, then with the one
 * INITIALIZE DEVICE PARAMETERS sets. */
START_TEST(read_chs)
{
    uint8_t buf[512];
    outb(DEVICE, 0xa2);                             /* CHS, head 2 */
    outb(COUNT, 1);
    outb(LBAL, 3);                                  /* sector 3 */
    outb(LBAM, 1);                                  /* cylinder 1 */
    outb(LBAH, 0);
    outb(CMD, 0x20);
    ck_assert_uint_eq(inb(STATUS), 0x58);
    read_block(buf, 512);
    check_sector(buf, (1 * 16 + 2) * 63 + 3 - 1);
    ck_assert_uint_eq(inb(STATUS), 0x50);

    outb(DEVICE, 0xa3);                             /* 4 heads */
    outb(COUNT, 32);                                /* 32 sectors per track */
    outb(CMD, 0x91);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    uint16_t w[256];
    identify(w);
    ck_assert_uint_eq(w[54], 4096 / (4 * 32));
    ck_assert_uint_eq(w[55], 4);
    ck_assert_uint_eq(w[56], 32);
    outb(DEVICE, 0xa1);                             /* head 1 */
    outb(COUNT, 1);
    outb(LBAL, 32);                                 /* sector 32 */
    outb(LBAM, 2);                                  /* cylinder 2 */
    outb(LBAH, 0);
    outb(CMD, 0x20);
    ck_assert_uint_eq(inb(STATUS), 0x58);
    read_block(buf, 512);
    check_sector(buf, (2 * 4 + 1) * 32 + 32 - 1);
    /* Sector 0 and a head beyond the translation do not exist. */
    outb(LBAL, 0);
    outb(CMD, 0x20);
    ck_assert_uint_eq(inb(STATUS), 0x51);
    ck_assert_uint_eq(inb(ERROR), 0x10);            /* IDNF */
    outb(DEVICE, 0xa4);
    outb(LBAL, 1);
    outb(CMD, 0x20);
    ck_assert_uint_eq(inb(STATUS), 0x51);
    ck_assert_uint_eq(inb(ERROR), 0x10);
}
END_TEST

/* Writes land in the overlay: later reads see them, the file does not. */
START_TEST(write_overlay)
{
    uint8_t buf[512], data[1024], file[512];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + 1);
    lba28(0, 10, 2, 0x30);
    ck_assert(!ata_irq_line(ata()));                /* data-out: no interrupt before block 1 */
    ck_assert_uint_eq(inb(STATUS), 0x58);
    write_block(data, 512);
    ck_assert(ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0x58);
    write_block(data + 512, 512);
    ck_assert(ata_irq_line(ata()));                 /* ... and after the last */
    ck_assert_uint_eq(inb(STATUS), 0x50);
    ck_assert_uint_eq(inb(LBAL), 11);

    lba28(0, 9, 3, 0x20);
    read_block(buf, 512);
    check_sector(buf, 9);
    read_block(buf, 512);
    ck_assert(memcmp(buf, data, 512) == 0);
    read_block(buf, 512);
    ck_assert(memcmp(buf, data + 512, 512) == 0);
    file_sector(10, file);
    check_sector(file, 10);                         /* the image is untouched */
}
END_TEST

START_TEST(write_back)
{
    uint8_t buf[512], data[512];
    rs_destroy(rm);
    create_pc(true, false, true);
    for (unsigned i = 0; i < 512; i++)
        data[i] = (uint8_t)(i ^ 0x5a);
    lba28(0, 100, 1, 0x30);
    write_block(data, 512);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    outb(CMD, 0xe7);                                /* FLUSH CACHE */
    ck_assert_uint_eq(inb(STATUS), 0x50);
    file_sector(100, buf);
    ck_assert(memcmp(buf, data, 512) == 0);
    lba28(0, 100, 1, 0x20);
    read_block(buf, 512);
    ck_assert(memcmp(buf, data, 512) == 0);
}
END_TEST

/* SET MULTIPLE MODE, then READ/WRITE MULTIPLE: DRQ blocks of 4 sectors,
 * the last one shorter. */
START_TEST(multiple_mode)
{
    uint8_t data[6 * 512], buf[4 * 512];
    lba28(0, 0, 6, 0xc5);
    ck_assert_uint_eq(inb(STATUS), 0x51);           /* multiple mode is off */
    ck_assert_uint_eq(inb(ERROR), 0x04);
    outb(COUNT, 3);
    outb(CMD, 0xc6);
    ck_assert_uint_eq(inb(STATUS), 0x51);           /* not a power of two */
    outb(COUNT, 4);
    outb(CMD, 0xc6);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 13);
    lba28(0, 200, 6, 0xc5);
    ck_assert_uint_eq(inb(STATUS), 0x58);
    write_block(data, 4 * 512);
    ck_assert(ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0x58);
    write_block(data + 4 * 512, 2 * 512);
    ck_assert_uint_eq(inb(STATUS), 0x50);

    lba28(0, 200, 6, 0xc4);
    ck_assert_uint_eq(inb(STATUS), 0x58);
    read_block(buf, 4 * 512);
    ck_assert(memcmp(buf, data, 4 * 512) == 0);
    ck_assert(ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0x58);
    read_block(buf, 2 * 512);
    ck_assert(memcmp(buf, data + 4 * 512, 2 * 512) == 0);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    uint16_t w[256];
    identify(w);
    ck_assert_uint_eq(w[59], 0x0104);
}
END_TEST

/* LBA48 on a sparse image larger than LBA28 can address. */
START_TEST(lba48_large)
{
    uint64_t big = 0x10000100ull;                   /* sectors: 128 GiB + 128 KiB */
    uint64_t lba = 0x10000080ull;
    uint8_t sec[512], buf[512], data[512];
    rs_destroy(rm);
    int fd = open(path, O_RDWR);
    ck_assert_int_ge(fd, 0);
    if (ftruncate(fd, (off_t)(big * 512))) {
        close(fd);
        return;                                     /* no sparse files here: nothing to test */
    }
    pattern(lba, sec);
    ck_assert_int_eq(pwrite(fd, sec, 512, (off_t)(lba * 512)), 512);
    close(fd);
    create_pc(true, false, false);
    outb(DEVICE, 0xe0);
    uint16_t w[256];
    identify(w);
    ck_assert_uint_eq(w[60] | (uint32_t)w[61] << 16, 0x0fffffff);
    ck_assert_uint_eq(w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32, big);

    lba48(lba, 2, 0x24);
    ck_assert_uint_eq(inb(STATUS), 0x58);
    read_block(buf, 512);
    check_sector(buf, lba);
    read_block(buf, 512);
    for (unsigned i = 0; i < 512; i++)
        ck_assert_uint_eq(buf[i], 0);               /* a hole reads as zeros */
    ck_assert_uint_eq(inb(STATUS), 0x50);
    /* The LBA registers hold the last sector; HOB reads the high bytes. */
    ck_assert_uint_eq(inb(LBAL), 0x81);
    outb(CTRL, 0x80);
    ck_assert_uint_eq(inb(LBAL), 0x10);
    ck_assert_uint_eq(inb(LBAM), 0);
    outb(CTRL, 0x00);

    for (unsigned i = 0; i < 512; i++)
        data[i] = (uint8_t)(i + 3);
    lba48(big - 1, 1, 0x34);
    write_block(data, 512);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    lba48(big - 1, 1, 0x24);
    read_block(buf, 512);
    ck_assert(memcmp(buf, data, 512) == 0);
    lba48(big - 1, 2, 0x24);                        /* runs past the end */
    ck_assert_uint_eq(inb(STATUS), 0x51);
    ck_assert_uint_eq(inb(ERROR), 0x10);
    ck_assert_uint_eq(inb(LBAL), (uint8_t)big);     /* first sector that does not exist */
    /* LBA28 reaches the capacity words 60-61 give, 0x0fffffff sectors. */
    lba28(0, 0x0ffffffe, 1, 0x20);
    ck_assert_uint_eq(inb(STATUS), 0x58);
    outb(CTRL, 0x04);
    outb(CTRL, 0x00);
    lba28(0, 0x0ffffffe, 2, 0x20);
    ck_assert_uint_eq(inb(STATUS), 0x51);
    ck_assert_uint_eq(inb(ERROR), 0x10);
}
END_TEST

START_TEST(errors)
{
    uint8_t buf[512];
    lba28(0, SECTORS - 1, 2, 0x20);                 /* runs past the end */
    ck_assert(ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0x51);
    ck_assert_uint_eq(inb(ERROR), 0x10);
    ck_assert_uint_eq(inb(LBAL), SECTORS & 0xff);
    ck_assert_uint_eq(inb(LBAM), (SECTORS >> 8) & 0xff);
    ck_assert_uint_eq(inw(DATA), 0);                /* no DRQ: nothing moves */
    lba28(0, SECTORS, 1, 0x30);
    ck_assert_uint_eq(inb(STATUS), 0x51);
    lba28(0, SECTORS - 2, 2, 0x40);                 /* READ VERIFY: fine, no data */
    ck_assert_uint_eq(inb(STATUS), 0x50);
    ck_assert_uint_eq(inb(LBAL), (SECTORS - 1) & 0xff);
    lba48(SECTORS - 1, 2, 0x42);                    /* READ VERIFY EXT past the end */
    ck_assert_uint_eq(inb(STATUS), 0x51);
    lba48(SECTORS - 1, 1, 0x42);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    outb(CMD, 0xa1);                                /* IDENTIFY PACKET DEVICE: not ATAPI */
    ck_assert(ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0x51);
    ck_assert_uint_eq(inb(ERROR), 0x04);            /* ABRT */
    ck_assert_int_eq(nlog, 1);
    ck_assert(strstr(log_lines[0], "0xa1") != NULL);
    outb(FEATURE, 0x03);
    outb(COUNT, 0x42);                              /* SET FEATURES: UDMA 2 */
    outb(CMD, 0xef);
    ck_assert_uint_eq(inb(STATUS), 0x51);
    outb(COUNT, 0x0c);                              /* PIO mode 4 */
    outb(CMD, 0xef);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    ck_assert_uint_eq(inb(ERROR), 0);
    /* A good read after the errors. */
    lba28(0, 1, 1, 0x20);
    read_block(buf, 512);
    check_sector(buf, 1);
}
END_TEST

/* The slave is absent: it reads status 0 and ignores commands. */
START_TEST(absent_slave)
{
    outb(DEVICE, 0xb0);
    ck_assert_uint_eq(inb(STATUS), 0);
    ck_assert_uint_eq(inb(CTRL), 0);
    ck_assert_uint_eq(inb(ERROR), 0);
    outb(COUNT, 0x55);                              /* registers still latch writes */
    ck_assert_uint_eq(inb(COUNT), 0x55);
    outb(CMD, 0xec);
    ck_assert(!ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0);
    ck_assert_uint_eq(inw(DATA), 0);
    outb(DEVICE, 0xa0);
    ck_assert_uint_eq(inb(STATUS), 0x50);
}
END_TEST

/* No disks at all: the ports are still claimed and read 0. */
START_TEST(no_disks)
{
    rs_destroy(rm);
    create_pc(false, false, false);
    for (uint16_t p = ERROR; p <= STATUS; p++)
        ck_assert_uint_eq(inb(p), 0);
    ck_assert_uint_eq(inb(CTRL), 0);
    outb(CMD, 0xec);
    ck_assert_uint_eq(inb(STATUS), 0);
    ck_assert(!ata_irq_line(ata()));
    ck_assert_int_eq(nlog, 0);                      /* no "unknown port" report */
}
END_TEST

START_TEST(master_and_slave)
{
    uint16_t w[256];
    char s[21];
    rs_destroy(rm);
    create_pc(true, true, false);
    outb(DEVICE, 0xb0);
    identify(w);
    ata_string(&w[10], 10, s);
    ck_assert_str_eq(s, "RINGSCOPE-HD1       ");
    /* The deselected device releases INTRQ; selecting it again shows it. */
    outb(CMD, 0xec);
    ck_assert(ata_irq_line(ata()));
    outb(DEVICE, 0xa0);
    ck_assert(!ata_irq_line(ata()));
    outb(DEVICE, 0xb0);
    ck_assert(ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0x58);
    /* EXECUTE DEVICE DIAGNOSTIC: both devices, device 0 selected after. */
    outb(CMD, 0x90);
    ck_assert_uint_eq(inb(DEVICE), 0);
    ck_assert(ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0x50);
    ck_assert_uint_eq(inb(ERROR), 0x01);
    outb(DEVICE, 0xb0);
    ck_assert_uint_eq(inb(ERROR), 0x01);
    ck_assert_uint_eq(inb(COUNT), 1);
}
END_TEST

START_TEST(irq_masking)
{
    outb(DEVICE, 0xa0);
    outb(CTRL, 0x02);                               /* nIEN */
    outb(CMD, 0xe7);
    ck_assert(!ata_irq_line(ata()));                /* pending but masked */
    outb(CTRL, 0x00);
    ck_assert(ata_irq_line(ata()));                 /* unmasked: the line follows */
    ck_assert_uint_eq(inb(CTRL), 0x50);
    ck_assert(ata_irq_line(ata()));
    ck_assert_uint_eq(inb(STATUS), 0x50);
    ck_assert(!ata_irq_line(ata()));
    outb(CMD, 0xe7);
    ck_assert(ata_irq_line(ata()));
    outb(CMD, 0xe5);                                /* writing a command clears the old one */
    ck_assert_uint_eq(inb(COUNT), 0xff);            /* CHECK POWER MODE: active */
    ck_assert(ata_irq_line(ata()));
}
END_TEST

START_TEST(soft_reset)
{
    lba28(0, 7, 7, 0x20);                           /* a read in progress */
    outb(CTRL, 0x04);                               /* SRST */
    ck_assert_uint_eq(inb(CTRL), 0x80);             /* BSY */
    ck_assert_uint_eq(inb(LBAL), 0x80);             /* while BSY, everything reads status */
    ck_assert(!ata_irq_line(ata()));
    outb(CTRL, 0x00);
    ck_assert(!ata_irq_line(ata()));                /* no interrupt after a soft reset */
    ck_assert_uint_eq(inb(STATUS), 0x50);
    ck_assert_uint_eq(inb(ERROR), 0x01);
    ck_assert_uint_eq(inb(COUNT), 0x01);
    ck_assert_uint_eq(inb(LBAL), 0x01);
    ck_assert_uint_eq(inb(LBAM), 0x00);
    ck_assert_uint_eq(inb(LBAH), 0x00);
    ck_assert_uint_eq(inb(DEVICE), 0x00);
    ck_assert_uint_eq(inw(DATA), 0);                /* the transfer was abandoned */
}
END_TEST

/* A soft reset keeps multiple mode; the PC's reset line (ata_reset) does
 * not; the platform reset takes the ACPI PM block back to its reset state too. */
START_TEST(hardware_reset)
{
    uint16_t w[256];
    outb(DEVICE, 0xa0);
    outb(COUNT, 8);
    outb(CMD, 0xc6);
    ck_assert_uint_eq(inb(STATUS), 0x50);
    outb(CTRL, 0x06);                               /* SRST, nIEN */
    outb(CTRL, 0x02);
    identify(w);
    ck_assert_uint_eq(w[59], 0x0108);
    bus_out(&m->bus, 0x602, 2, 0x0001);             /* ACPI PM1_EN.TMR_EN */
    outb(CMD, 0xe7);
    pc_reset(m);                                    /* the PC's reset line */
    ck_assert(!ata_irq_line(ata()));                /* nIEN cleared, nothing pending */
    ck_assert_uint_eq(inb(STATUS), 0x50);
    ck_assert_uint_eq(inb(COUNT), 1);
    identify(w);
    ck_assert_uint_eq(w[59], 0);
    outb(CMD, 0xe7);
    ck_assert(ata_irq_line(ata()));                 /* nIEN is clear again */
    ck_assert_uint_eq(bus_in(&m->bus, 0x602, 2), 0);
}
END_TEST

/* A real-mode guest reads sector 3 with OUT/IN and REP INSW. */
START_TEST(guest_pio_read)
{
    static const uint8_t code[] = {
        0xba, 0xf2, 0x01,       /* mov dx, 0x1f2 */
        0xb0, 0x01, 0xee,       /* mov al, 1; out dx, al       count */
        0x42, 0xb0, 0x03, 0xee, /* inc dx; mov al, 3; out     LBA low */
        0x42, 0x30, 0xc0, 0xee, /* inc dx; xor al, al; out    LBA mid */
        0x42, 0xee,             /* inc dx; out                LBA high */
        0x42, 0xb0, 0xe0, 0xee, /* inc dx; mov al, 0xe0; out  device: LBA, master */
        0x42, 0xb0, 0x20, 0xee, /* inc dx; mov al, 0x20; out  READ SECTORS */
        0xec,                   /* wait: in al, dx */
        0xa8, 0x08,             /* test al, DRQ */
        0x74, 0xfb,             /* jz wait */
        0xba, 0xf0, 0x01,       /* mov dx, 0x1f0 */
        0xbf, 0x00, 0x80,       /* mov di, 0x8000 */
        0xb9, 0x00, 0x01,       /* mov cx, 256 */
        0xfc, 0xf3, 0x6d,       /* cld; rep insw */
        0xf4,                   /* hlt */
    };
    uint8_t buf[512];
    rs_segment cs;
    rs_stop why;
    ck_assert_int_eq(rs_write_phys(rm, 0x7c00, code, sizeof(code)), RS_OK);
    ck_assert_int_eq(rs_get_segment(rm, RS_CS, &cs), RS_OK);
    cs.selector = 0;
    cs.base = 0;
    ck_assert_int_eq(rs_set_segment(rm, RS_CS, &cs), RS_OK);
    ck_assert_int_eq(rs_set_reg(rm, RS_RIP, 0x7c00), RS_OK);
    ck_assert_int_eq(rs_run(rm, 10000, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_HALT);
    ck_assert_int_eq(rs_read_phys(rm, 0x8000, buf, 512), RS_OK);
    check_sector(buf, 3);
    ck_assert_uint_eq(inb(CTRL), 0x50);
}
END_TEST

/* IRQ 14 end to end: a real-mode guest programs the 8259 pair (slave base
 * 70h, only IRQ 14 and the cascade unmasked), hooks vector 76h, issues
 * IDENTIFY with interrupts on and polls a flag; the handler acknowledges the
 * drive by reading Status, sends EOIs and counts. */
START_TEST(guest_irq14)
{
    static const uint8_t code[] = {
        0xfa,                                       /* cli */
        0xb0, 0x11, 0xe6, 0x20, 0xe6, 0xa0,         /* ICW1 (edge, cascade, ICW4) to both */
        0xb0, 0x08, 0xe6, 0x21,                     /* ICW2 master: vectors 08h-0Fh */
        0xb0, 0x70, 0xe6, 0xa1,                     /* ICW2 slave: vectors 70h-77h */
        0xb0, 0x04, 0xe6, 0x21,                     /* ICW3 master: slave on IR2 */
        0xb0, 0x02, 0xe6, 0xa1,                     /* ICW3 slave: cascade identity 2 */
        0xb0, 0x01, 0xe6, 0x21, 0xe6, 0xa1,         /* ICW4: 8086 mode */
        0xb0, 0xfb, 0xe6, 0x21,                     /* master mask: IR2 open */
        0xb0, 0xbf, 0xe6, 0xa1,                     /* slave mask: IR6 (IRQ 14) open */
        0xc7, 0x06, 0xd8, 0x01, 0x00, 0x7d,         /* mov word [76h*4], 7d00h */
        0xc7, 0x06, 0xda, 0x01, 0x00, 0x00,         /* mov word [76h*4+2], 0 */
        0xba, 0xf6, 0x01, 0xb0, 0xa0, 0xee,         /* device 0 */
        0xba, 0xf7, 0x01, 0xb0, 0xec,               /* mov dx, 1f7h; mov al, IDENTIFY */
        0xfb, 0xee,                                 /* sti; out dx, al */
        0xb9, 0xe8, 0x03,                           /* mov cx, 1000 */
        0x80, 0x3e, 0x00, 0x05, 0x00,               /* w: cmp byte [500h], 0 */
        0x75, 0x02, 0xe2, 0xf7,                     /* jne done; loop w */
        0xfa, 0xf4,                                 /* done: cli; hlt */
    };
    static const uint8_t isr[] = {
        0x50, 0x52,                                 /* push ax; push dx */
        0xba, 0xf7, 0x01, 0xec,                     /* mov dx, 1f7h; in al, dx */
        0xa2, 0x01, 0x05,                           /* mov [501h], al */
        0xfe, 0x06, 0x00, 0x05,                     /* inc byte [500h] */
        0xb0, 0x20, 0xe6, 0xa0, 0xe6, 0x20,         /* EOI to slave and master */
        0x5a, 0x58, 0xcf,                           /* pop dx; pop ax; iret */
    };
    uint8_t flag[2];
    rs_segment cs;
    rs_stop why;
    ck_assert_int_eq(rs_write_phys(rm, 0x7c00, code, sizeof(code)), RS_OK);
    ck_assert_int_eq(rs_write_phys(rm, 0x7d00, isr, sizeof(isr)), RS_OK);
    ck_assert_int_eq(rs_get_segment(rm, RS_CS, &cs), RS_OK);
    cs.selector = 0;
    cs.base = 0;
    ck_assert_int_eq(rs_set_segment(rm, RS_CS, &cs), RS_OK);
    ck_assert_int_eq(rs_set_reg(rm, RS_RSP, 0x7000), RS_OK);
    ck_assert_int_eq(rs_set_reg(rm, RS_RIP, 0x7c00), RS_OK);
    ck_assert_int_eq(rs_run(rm, 10000, &why, NULL), RS_OK);
    ck_assert_int_eq(why, RS_STOP_HALT);
    ck_assert_int_eq(rs_read_phys(rm, 0x500, flag, 2), RS_OK);
    ck_assert_uint_eq(flag[0], 1);                  /* one interrupt */
    ck_assert_uint_eq(flag[1], 0x58);               /* the handler saw DRQ */
    ck_assert(!ata_irq_line(ata()));                /* acknowledged */
}
END_TEST

START_TEST(missing_image)
{
    char err[256];
    rs_machine *x = NULL;
    rs_pc_config cfg = { 0 };
    cfg.disk[0] = "/nonexistent/x.img";
    ck_assert_int_ne(rs_create_pc(&cfg, &x, err, sizeof(err)), RS_OK);
    ck_assert_ptr_null(x);
    ck_assert_str_eq(err, "cannot open disk image '/nonexistent/x.img': No such file or directory");
    cfg.disk[0] = "/tmp";
    ck_assert_int_ne(rs_create_pc(&cfg, &x, err, sizeof(err)), RS_OK);
    ck_assert_str_eq(err, "cannot open disk image '/tmp': Is a directory");
    int fd = open(path, O_WRONLY | O_TRUNC);
    close(fd);
    cfg.disk[0] = path;
    ck_assert_int_ne(rs_create_pc(&cfg, &x, err, sizeof(err)), RS_OK);
    ck_assert(strstr(err, "is empty") != NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ata");
    TCase *tc = tcase_create("ata");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, identify_block);
    tcase_add_test(tc, identify_dwords);
    tcase_add_test(tc, read_lba28);
    tcase_add_test(tc, read_chs);
    tcase_add_test(tc, write_overlay);
    tcase_add_test(tc, write_back);
    tcase_add_test(tc, multiple_mode);
    tcase_add_test(tc, lba48_large);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, absent_slave);
    tcase_add_test(tc, no_disks);
    tcase_add_test(tc, master_and_slave);
    tcase_add_test(tc, irq_masking);
    tcase_add_test(tc, soft_reset);
    tcase_add_test(tc, hardware_reset);
    tcase_add_test(tc, guest_pio_read);
    tcase_add_test(tc, guest_irq14);
    tcase_add_test(tc, missing_image);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
