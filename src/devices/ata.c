/*
 * ATA PIO disk on the primary IDE channel (ATA/ATAPI-6, T13/1410D; the
 * classic ISA IDE port interface). Two devices, master and slave, backed by
 * image files (ata_image.c: read on demand with pread, guest writes in an
 * in-memory overlay unless write-back was asked for). Every command
 * completes at once in virtual time: BSY is never seen outside a soft reset,
 * so a run is deterministic. docs/platform-storage-acpi.md describes what a
 * guest sees.
 */
#include "devices/ata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/acpi.h"
#include "devices/ata_image.h"
#include "machine.h"

/* Status register (ATA/ATAPI-6, "Status register"). DSC (bit 4) is
 * obsolete in ATA-6 but set by every drive when idle, and old drivers wait
 * for it. */
enum { ST_ERR = 0x01, ST_DRQ = 0x08, ST_DSC = 0x10, ST_DF = 0x20, ST_DRDY = 0x40, ST_BSY = 0x80 };
#define ST_IDLE (ST_DRDY | ST_DSC)
/* Error register (ATA/ATAPI-6, "Error register"). */
enum { ER_ABRT = 0x04, ER_IDNF = 0x10, ER_UNC = 0x40 };
/* Device Control register (ATA/ATAPI-6, "Device Control register"). */
enum { DC_NIEN = 0x02, DC_SRST = 0x04, DC_HOB = 0x80 };
/* Device register (ATA/ATAPI-6, "Device register"). */
enum { DEV_DEV = 0x10, DEV_LBA = 0x40 };

enum xfer { XFER_NONE, XFER_IN, XFER_OUT };
enum amode { AM_CHS, AM_LBA28, AM_LBA48 };

struct drive {
    bool present;
    unsigned index;
    struct disk_image img;
    uint64_t sectors;           /* capacity (img.sectors) */
    bool io_error_reported;

    /* Task file. Both devices latch every command block write (ATA/ATAPI-6);
     * the prev_* half of each register pair is the "previous content" a
     * 48-bit command reads and HOB=1 reads back (ATA/ATAPI-6,
     * "48-bit Address feature set"). */
    uint8_t feature, nsect, lbal, lbam, lbah, device, status, error;
    uint8_t prev_feature, prev_nsect, prev_lbal, prev_lbam, prev_lbah;
    bool intrq;                 /* pending interrupt (cleared by a Status read) */

    uint16_t def_cyl, def_heads, def_spt;   /* default CHS translation */
    uint16_t cur_cyl, cur_heads, cur_spt;   /* INITIALIZE DEVICE PARAMETERS */
    bool chs_valid;
    unsigned multiple;          /* sectors per DRQ block in multiple mode; 0: disabled */
    bool write_cache, look_ahead;

    /* The PIO transfer in progress. */
    enum xfer xfer;
    enum amode amode;
    bool from_media;            /* data-in from the image (not IDENTIFY) */
    uint64_t lba;               /* first sector of the current block */
    uint32_t left;              /* sectors left, the current block included */
    unsigned block;             /* sectors per DRQ block */
    unsigned nbuf;              /* sectors in the buffer */
    unsigned pos, len;          /* bytes */
    uint8_t buf[ATA_MAX_MULTIPLE * ATA_SECTOR_SIZE];
};

struct ata {
    struct machine *m;
    struct drive d[2];
    unsigned dev;               /* DEV bit of the device register: the selected device */
    uint8_t devctl;
    bool line;                  /* level driven on IRQ 14 */
    uint8_t reported[32];       /* unsupported opcodes already logged */
};

static struct drive *sel(struct ata *a) { return &a->d[a->dev]; }
static bool any_present(const struct ata *a) { return a->d[0].present || a->d[1].present; }

/* INTRQ: the selected device drives it unless nIEN is set; a deselected
 * device releases it (ATA/ATAPI-6, INTRQ signal). */
static void update_line(struct ata *a)
{
    const struct drive *d = &a->d[a->dev];
    bool level = d->present && d->intrq && !(a->devctl & DC_NIEN);
    if (level == a->line)
        return;
    a->line = level;
    irq_set(a->m, IRQ_ATA_PRIMARY, level);
}

static void raise_irq(struct ata *a, struct drive *d)
{
    d->intrq = true;
    update_line(a);
}

/* ---- The backing store ------------------------------------------------- */

static void io_error(struct ata *a, struct drive *d, const char *what, int err)
{
    if (d->io_error_reported)
        return;
    d->io_error_reported = true;
    machine_log(a->m, "ata: %s disk image '%s' failed: %s (reported once)", what, d->img.path,
                strerror(err));
}

static int media_read(struct ata *a, struct drive *d, uint64_t lba, uint8_t *out)
{
    int e = disk_image_read(&d->img, lba, out);
    if (e)
        io_error(a, d, "reading", e);
    return e;
}

static int media_write(struct ata *a, struct drive *d, uint64_t lba, const uint8_t *in)
{
    int e = disk_image_write(&d->img, lba, in);
    if (e)
        io_error(a, d, "writing", e);
    return e;
}

/* ---- Task file helpers ------------------------------------------------- */

/* The ATA device signature (ATA/ATAPI-6, "Signature and persistence"): count
 * 01h, LBA 000001h, device 00h. */
static void signature(struct drive *d)
{
    d->nsect = 1;
    d->lbal = 1;
    d->lbam = d->lbah = 0;
    d->prev_nsect = d->prev_lbal = d->prev_lbam = d->prev_lbah = 0;
    d->device = 0;
    d->error = 0x01;            /* diagnostic code: passed (device 1 passed or absent) */
    d->status = ST_IDLE;
    d->xfer = XFER_NONE;
    d->intrq = false;
}

/* Decode the command's starting sector and count (ATA/ATAPI-6: CHS and
 * LBA28 from the registers, LBA48 from the register pairs). False: the
 * CHS address is outside the current translation. */
static bool decode_address(struct drive *d, bool ext, uint64_t *lba, uint32_t *count)
{
    if (ext) {
        d->amode = AM_LBA48;
        *count = (uint32_t)d->prev_nsect << 8 | d->nsect;
        if (*count == 0)
            *count = 65536;
        *lba = (uint64_t)d->prev_lbah << 40 | (uint64_t)d->prev_lbam << 32 |
               (uint64_t)d->prev_lbal << 24 | (uint64_t)d->lbah << 16 |
               (uint64_t)d->lbam << 8 | d->lbal;
        return true;
    }
    *count = d->nsect ? d->nsect : 256;
    if (d->device & DEV_LBA) {
        d->amode = AM_LBA28;
        *lba = (uint64_t)(d->device & 0xf) << 24 | (uint64_t)d->lbah << 16 |
               (uint64_t)d->lbam << 8 | d->lbal;
        return true;
    }
    d->amode = AM_CHS;
    unsigned cyl = (unsigned)d->lbah << 8 | d->lbam, head = d->device & 0xf, sec = d->lbal;
    if (!d->chs_valid || cyl >= d->cur_cyl || head >= d->cur_heads || sec == 0 ||
        sec > d->cur_spt)
        return false;
    *lba = ((uint64_t)cyl * d->cur_heads + head) * d->cur_spt + sec - 1;
    return true;
}

/* Put `lba` in the address registers in the command's own form. */
static void set_address(struct drive *d, uint64_t lba)
{
    switch (d->amode) {
    case AM_LBA48:
        d->prev_lbal = (uint8_t)(lba >> 24);
        d->prev_lbam = (uint8_t)(lba >> 32);
        d->prev_lbah = (uint8_t)(lba >> 40);
        break;
    case AM_LBA28:
        d->device = (uint8_t)((d->device & 0xf0) | ((lba >> 24) & 0xf));
        break;
    case AM_CHS: {
        uint64_t per_cyl = (uint64_t)d->cur_heads * d->cur_spt, r = lba % per_cyl;
        uint64_t cyl = lba / per_cyl;
        d->device = (uint8_t)((d->device & 0xf0) | (r / d->cur_spt));
        d->lbal = (uint8_t)(r % d->cur_spt + 1);
        d->lbam = (uint8_t)cyl;
        d->lbah = (uint8_t)(cyl >> 8);
        return;
    }
    }
    d->lbal = (uint8_t)lba;
    d->lbam = (uint8_t)(lba >> 8);
    d->lbah = (uint8_t)(lba >> 16);
}

static void set_count(struct drive *d, uint32_t n)
{
    d->nsect = (uint8_t)n;
    if (d->amode == AM_LBA48)
        d->prev_nsect = (uint8_t)(n >> 8);
}

/* Completion without data (ATA/ATAPI-6, Non-data command protocol). */
static void complete(struct ata *a, struct drive *d)
{
    d->status = ST_IDLE;
    d->xfer = XFER_NONE;
    raise_irq(a, d);
}

static void fail(struct ata *a, struct drive *d, uint8_t status, uint8_t error)
{
    d->status = status | ST_ERR;
    d->error = error;
    d->xfer = XFER_NONE;
    raise_irq(a, d);
}

static void abort_cmd(struct ata *a, struct drive *d) { fail(a, d, ST_IDLE, ER_ABRT); }

/* ---- IDENTIFY DEVICE (ATA/ATAPI-6) ------------------------------------ */

/* ATA strings: two characters per word, the first in the high byte. */
static void put_string(uint16_t *w, unsigned words, const char *s)
{
    size_t n = strlen(s);
    for (unsigned i = 0; i < words * 2; i++) {
        uint8_t c = i < n ? (uint8_t)s[i] : ' ';
        w[i / 2] = (uint16_t)(i & 1 ? (w[i / 2] | c) : c << 8);
    }
}

static void identify(const struct drive *d, uint8_t *out)
{
    uint16_t w[256] = { 0 };
    char serial[24];
    uint64_t lba28 = d->sectors < 0x0fffffff ? d->sectors : 0x0fffffff;
    uint32_t chs_cap = (uint32_t)d->cur_cyl * d->cur_heads * d->cur_spt;
    snprintf(serial, sizeof(serial), "RINGSCOPE-HD%u", d->index);
    w[0] = 0x0040;                              /* ATA device, not removable */
    w[1] = d->def_cyl;
    w[2] = 0xc837;                              /* no SET FEATURES spin-up, IDENTIFY complete */
    w[3] = d->def_heads;
    w[6] = d->def_spt;
    put_string(&w[10], 10, serial);
    put_string(&w[23], 4, "1.0");
    put_string(&w[27], 20, "RINGSCOPE DISK");
    w[47] = 0x8000 | ATA_MAX_MULTIPLE;          /* READ/WRITE MULTIPLE up to 16 sectors */
    w[49] = 0x0a00;                             /* IORDY supported, LBA supported; no DMA */
    w[50] = 0x4000;
    w[51] = 0x0200;                             /* obsolete PIO timing mode 2 */
    w[53] = 0x0002 | (d->chs_valid ? 0x0001 : 0);  /* words 64-70 (and 54-58) valid */
    if (d->chs_valid) {
        w[54] = d->cur_cyl;
        w[55] = d->cur_heads;
        w[56] = d->cur_spt;
        w[57] = (uint16_t)chs_cap;
        w[58] = (uint16_t)(chs_cap >> 16);
    }
    w[59] = d->multiple ? (uint16_t)(0x0100 | d->multiple) : 0;
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    w[64] = 0x0003;                             /* PIO modes 3 and 4 */
    w[67] = 120;                                /* minimum PIO cycle times, ns */
    w[68] = 120;
    w[80] = 0x007e;                             /* ATA-1 .. ATA/ATAPI-6 */
    w[82] = 0x0068;                             /* look-ahead, write cache, power management */
    w[83] = 0x7400;                             /* FLUSH CACHE EXT, FLUSH CACHE, 48-bit address */
    w[84] = 0x4000;
    w[85] = (uint16_t)((d->look_ahead ? 0x40 : 0) | (d->write_cache ? 0x20 : 0) | 0x08);
    w[86] = 0x3400;
    w[87] = 0x4000;
    for (unsigned i = 0; i < 4; i++)
        w[100 + i] = (uint16_t)(d->sectors >> (16 * i));
    for (unsigned i = 0; i < 255; i++) {
        out[2 * i] = (uint8_t)w[i];
        out[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    /* Word 255: signature A5h and a checksum making all 512 bytes sum to 0. */
    uint8_t sum = 0xa5;
    for (unsigned i = 0; i < 510; i++)
        sum = (uint8_t)(sum + out[i]);
    out[510] = 0xa5;
    out[511] = (uint8_t)-sum;
}

/* ---- PIO data transfers (ATA/ATAPI-6, PIO data-in and data-out protocols) */

/* Load the next DRQ block of a read and interrupt (data-in: INTRQ with every
 * block, none after the last). */
static void read_block(struct ata *a, struct drive *d)
{
    unsigned n = d->left < d->block ? d->left : d->block;
    for (unsigned i = 0; i < n; i++) {
        if (media_read(a, d, d->lba + i, d->buf + i * ATA_SECTOR_SIZE)) {
            set_address(d, d->lba + i);
            fail(a, d, ST_IDLE, ER_UNC);
            return;
        }
    }
    d->nbuf = n;
    d->pos = 0;
    d->len = n * ATA_SECTOR_SIZE;
    d->xfer = XFER_IN;
    d->status = ST_IDLE | ST_DRQ;
    set_address(d, d->lba + n - 1);
    set_count(d, d->left - n);
    raise_irq(a, d);
}

/* Expect the next DRQ block of a write (data-out: no INTRQ before the first
 * block; one after every block, the last included). */
static void write_block(struct drive *d)
{
    unsigned n = d->left < d->block ? d->left : d->block;
    d->nbuf = n;
    d->pos = 0;
    d->len = n * ATA_SECTOR_SIZE;
    d->xfer = XFER_OUT;
    d->status = ST_IDLE | ST_DRQ;
}

static void in_block_done(struct ata *a, struct drive *d)
{
    d->xfer = XFER_NONE;
    d->status = ST_IDLE;
    if (!d->from_media)
        return;
    d->lba += d->nbuf;
    d->left -= d->nbuf;
    if (d->left)
        read_block(a, d);
}

static void out_block_done(struct ata *a, struct drive *d)
{
    for (unsigned i = 0; i < d->nbuf; i++) {
        if (media_write(a, d, d->lba + i, d->buf + i * ATA_SECTOR_SIZE)) {
            set_address(d, d->lba + i);
            fail(a, d, ST_IDLE | ST_DF, ER_ABRT);
            return;
        }
    }
    set_address(d, d->lba + d->nbuf - 1);
    d->lba += d->nbuf;
    d->left -= d->nbuf;
    set_count(d, d->left);
    if (d->left) {
        write_block(d);
    } else {
        d->status = ST_IDLE;
        d->xfer = XFER_NONE;
    }
    raise_irq(a, d);
}

/* One 16-bit data register transfer; reads without DRQ return 0 and move
 * nothing (as QEMU; ATA-6 leaves them indeterminate). */
static uint16_t data_read16(struct ata *a)
{
    struct drive *d = sel(a);
    if (!d->present || d->xfer != XFER_IN)
        return 0;
    uint16_t v = (uint16_t)(d->buf[d->pos] | d->buf[d->pos + 1] << 8);
    d->pos += 2;
    if (d->pos >= d->len)
        in_block_done(a, d);
    return v;
}

static void data_write16(struct ata *a, uint16_t v)
{
    struct drive *d = sel(a);
    if (!d->present || d->xfer != XFER_OUT)
        return;
    d->buf[d->pos] = (uint8_t)v;
    d->buf[d->pos + 1] = (uint8_t)(v >> 8);
    d->pos += 2;
    if (d->pos >= d->len)
        out_block_done(a, d);
}

/* ---- Commands ----------------------------------------------------------- */

/* READ/WRITE SECTORS (20h/30h, 21h/31h without retries), MULTIPLE (C4h/C5h)
 * and their EXT forms (24h/34h, 29h/39h), READ VERIFY (40h/41h, 42h EXT). */
static void media_command(struct ata *a, struct drive *d, bool ext, bool multiple, enum xfer dir)
{
    uint64_t lba;
    uint32_t count;
    if (multiple && !d->multiple) {
        abort_cmd(a, d);        /* multiple mode not enabled (READ MULTIPLE) */
        return;
    }
    if (!decode_address(d, ext, &lba, &count)) {
        fail(a, d, ST_IDLE, ER_IDNF);
        return;
    }
    /* The whole range is checked first: a request running past the end
     * moves no data and reports the first sector that does not exist. A
     * 28-bit command reaches the capacity of words 60-61 at most. */
    uint64_t cap = ext || d->sectors < 0x0fffffff ? d->sectors : 0x0fffffff;
    if (lba >= cap || count > cap - lba) {
        uint64_t bad = lba > cap ? lba : cap;
        if (d->amode != AM_CHS)
            set_address(d, bad);
        fail(a, d, ST_IDLE, ER_IDNF);
        return;
    }
    d->lba = lba;
    d->left = count;
    d->block = multiple ? d->multiple : 1;
    d->from_media = true;
    if (dir == XFER_IN) {
        read_block(a, d);
    } else if (dir == XFER_OUT) {
        write_block(d);
    } else {
        set_address(d, lba + count - 1);
        set_count(d, 0);
        complete(a, d);
    }
}

/* SET FEATURES (ATA/ATAPI-6): the subcommands a PIO-only disk has. */
static void set_features(struct ata *a, struct drive *d)
{
    switch (d->feature) {
    case 0x02: d->write_cache = true; break;
    case 0x82: d->write_cache = false; break;
    case 0xaa: d->look_ahead = true; break;
    case 0x55: d->look_ahead = false; break;
    case 0x66: case 0xcc: break;       /* (dis)able reverting to defaults: nothing to revert */
    case 0x03:                         /* transfer mode: PIO default (00h/01h) or PIO 0-4 */
        if (d->nsect <= 0x01 || (d->nsect >= 0x08 && d->nsect <= 0x0c))
            break;
        abort_cmd(a, d);               /* DMA modes: not supported */
        return;
    default:
        abort_cmd(a, d);
        return;
    }
    complete(a, d);
}

/* INITIALIZE DEVICE PARAMETERS (ATA/ATAPI-6): heads from the device
 * register, sectors per track from the count. An unusable translation is
 * aborted and leaves CHS accesses failing with IDNF until a valid one. */
static void init_params(struct ata *a, struct drive *d)
{
    unsigned heads = (d->device & 0xf) + 1u, spt = d->nsect;
    uint64_t cyl = spt ? d->sectors / ((uint64_t)heads * spt) : 0;
    if (cyl == 0) {
        d->chs_valid = false;
        abort_cmd(a, d);
        return;
    }
    d->cur_heads = (uint16_t)heads;
    d->cur_spt = (uint16_t)spt;
    d->cur_cyl = (uint16_t)(cyl > 65535 ? 65535 : cyl);
    d->chs_valid = true;
    complete(a, d);
}

/* SET MULTIPLE MODE (ATA/ATAPI-6): a power of two up to word 47's maximum;
 * 0 disables multiple mode. */
static void set_multiple(struct ata *a, struct drive *d)
{
    unsigned n = d->nsect;
    if (n > ATA_MAX_MULTIPLE || (n & (n - 1))) {
        abort_cmd(a, d);
        return;
    }
    d->multiple = n;
    complete(a, d);
}

static void flush_cache(struct ata *a, struct drive *d)
{
    int e = disk_image_flush(&d->img);
    if (e) {
        io_error(a, d, "flushing", e);
        fail(a, d, ST_IDLE | ST_DF, ER_ABRT);
        return;
    }
    complete(a, d);
}

/* EXECUTE DEVICE DIAGNOSTIC (ATA/ATAPI-6): both devices run it whichever is
 * selected, load the signature and device 0 interrupts. */
static void diagnostic(struct ata *a)
{
    for (unsigned i = 0; i < 2; i++)
        if (a->d[i].present)
            signature(&a->d[i]);
    a->dev = 0;
    raise_irq(a, a->d[0].present ? &a->d[0] : &a->d[1]);
    update_line(a);
}

static void unsupported(struct ata *a, struct drive *d, uint8_t cmd)
{
    if (!(a->reported[cmd >> 3] & (1u << (cmd & 7)))) {
        a->reported[cmd >> 3] |= (uint8_t)(1u << (cmd & 7));
        machine_log(a->m, "ata: command %#04x is not implemented; aborted (reported once)", cmd);
    }
    abort_cmd(a, d);
}

static void command(struct ata *a, uint8_t cmd)
{
    if (cmd == 0x90) {
        if (any_present(a))
            diagnostic(a);
        return;
    }
    struct drive *d = sel(a);
    /* An absent device ignores commands; a busy one or one in a data
     * transfer ignores them too (ATA/ATAPI-6 forbids the write; QEMU
     * ignores it, and guests tested there expect that). */
    if (!d->present || (d->status & (ST_BSY | ST_DRQ)))
        return;
    d->intrq = false;           /* writing Command clears a pending interrupt */
    d->error = 0;
    switch (cmd) {
    case 0xec:                  /* IDENTIFY DEVICE */
        identify(d, d->buf);
        d->from_media = false;
        d->nbuf = 1;
        d->pos = 0;
        d->len = ATA_SECTOR_SIZE;
        d->xfer = XFER_IN;
        d->status = ST_IDLE | ST_DRQ;
        raise_irq(a, d);
        break;
    case 0x20: case 0x21: media_command(a, d, false, false, XFER_IN); break;
    case 0x24: media_command(a, d, true, false, XFER_IN); break;
    case 0xc4: media_command(a, d, false, true, XFER_IN); break;
    case 0x29: media_command(a, d, true, true, XFER_IN); break;
    case 0x30: case 0x31: media_command(a, d, false, false, XFER_OUT); break;
    case 0x34: media_command(a, d, true, false, XFER_OUT); break;
    case 0xc5: media_command(a, d, false, true, XFER_OUT); break;
    case 0x39: media_command(a, d, true, true, XFER_OUT); break;
    case 0x40: case 0x41: media_command(a, d, false, false, XFER_NONE); break;
    case 0x42: media_command(a, d, true, false, XFER_NONE); break;
    case 0xc6: set_multiple(a, d); break;
    case 0xef: set_features(a, d); break;
    case 0x91: init_params(a, d); break;
    case 0xe7: case 0xea: flush_cache(a, d); break;
    case 0xe5:                  /* CHECK POWER MODE: always active */
        d->nsect = 0xff;
        complete(a, d);
        break;
    case 0xe0: case 0xe1: case 0xe2: case 0xe3:  /* STANDBY/IDLE (IMMEDIATE): no spindle */
        complete(a, d);
        break;
    default:
        if ((cmd & 0xf0) == 0x10) {     /* RECALIBRATE (obsolete): nothing to move */
            complete(a, d);
            break;
        }
        unsupported(a, d, cmd);
        break;
    }
    update_line(a);
}

/* ---- Registers ---------------------------------------------------------- */

static uint8_t reg_read(struct ata *a, unsigned reg)
{
    struct drive *d = sel(a);
    bool hob = a->devctl & DC_HOB;
    if (!any_present(a))
        return 0;               /* no device on the channel: every register reads 0 */
    if (d->present && (d->status & ST_BSY))
        return d->status;       /* while BSY every register reads as Status */
    switch (reg) {
    case 1: return d->present ? d->error : 0;
    case 2: return hob ? d->prev_nsect : d->nsect;
    case 3: return hob ? d->prev_lbal : d->lbal;
    case 4: return hob ? d->prev_lbam : d->lbam;
    case 5: return hob ? d->prev_lbah : d->lbah;
    case 6: return d->device;
    default:
        if (!d->present)
            return 0;           /* the absent device 1: device 0 answers 00h */
        d->intrq = false;       /* reading Status acknowledges the interrupt */
        update_line(a);
        return d->status;
    }
}

static void reg_write(struct ata *a, unsigned reg, uint8_t v)
{
    a->devctl &= (uint8_t)~DC_HOB;  /* any command block write clears HOB */
    if (reg == 7) {
        command(a, v);
        return;
    }
    for (unsigned i = 0; i < 2; i++) {
        struct drive *d = &a->d[i];
        switch (reg) {
        case 1: d->prev_feature = d->feature; d->feature = v; break;
        case 2: d->prev_nsect = d->nsect; d->nsect = v; break;
        case 3: d->prev_lbal = d->lbal; d->lbal = v; break;
        case 4: d->prev_lbam = d->lbam; d->lbam = v; break;
        case 5: d->prev_lbah = d->lbah; d->lbah = v; break;
        case 6: d->device = v; break;
        }
    }
    if (reg == 6) {
        a->dev = (v & DEV_DEV) ? 1 : 0;
        update_line(a);
    }
}

/* Device control (ATA/ATAPI-6): nIEN masks INTRQ; SRST held high resets both
 * devices, which show BSY until it is released and then the signature. */
static void devctl_write(struct ata *a, uint8_t v)
{
    uint8_t old = a->devctl;
    a->devctl = v;
    for (unsigned i = 0; i < 2; i++) {
        struct drive *d = &a->d[i];
        if (!d->present)
            continue;
        if ((v & DC_SRST) && !(old & DC_SRST)) {
            d->status = ST_BSY;
            d->xfer = XFER_NONE;
            d->intrq = false;
        } else if (!(v & DC_SRST) && (old & DC_SRST)) {
            signature(d);       /* no interrupt after a soft reset */
        }
    }
    if (!(v & DC_SRST) && (old & DC_SRST))
        a->dev = 0;
    update_line(a);
}

static uint32_t cmd_in(void *dev, uint16_t port, unsigned size)
{
    struct ata *a = dev;
    if (port == ATA_CMD_BASE) {
        if (size == 4)
            return data_read16(a) | (uint32_t)data_read16(a) << 16;
        uint16_t v = data_read16(a);        /* a byte read still takes one word */
        return size == 1 ? (v & 0xff) : v;
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned reg = port + i - ATA_CMD_BASE;
        v |= (uint32_t)(reg <= 7 ? reg_read(a, reg) : 0xff) << (8 * i);
    }
    return v;
}

static void cmd_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    struct ata *a = dev;
    if (port == ATA_CMD_BASE) {
        data_write16(a, (uint16_t)value);   /* a byte write sends the low byte, high 00h */
        if (size == 4)
            data_write16(a, (uint16_t)(value >> 16));
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        unsigned reg = port + i - ATA_CMD_BASE;
        if (reg <= 7)
            reg_write(a, reg, (uint8_t)(value >> (8 * i)));
    }
}

/* 3F6h: alternate status (no interrupt acknowledge) / device control. */
static uint32_t ctrl_in(void *dev, uint16_t port, unsigned size)
{
    struct ata *a = dev;
    const struct drive *d = sel(a);
    uint32_t st = d->present ? d->status : 0;
    return size == 1 ? st : (st | (size == 2 ? 0xff00u : 0xffffff00u));
}

static void ctrl_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    devctl_write(dev, (uint8_t)value);
}

static const struct port_ops cmd_ops = { cmd_in, cmd_out };
static const struct port_ops ctrl_ops = { ctrl_in, ctrl_out };

/* ---- Construction ------------------------------------------------------- */

/* Power-on or hardware reset: the default translation, multiple mode off,
 * the caches on, the signature. (A soft reset keeps the settings.) */
static void power_on(struct drive *d)
{
    d->cur_cyl = d->def_cyl;
    d->cur_heads = d->def_heads;
    d->cur_spt = d->def_spt;
    d->chs_valid = true;
    d->multiple = 0;
    d->write_cache = d->look_ahead = true;
    d->feature = d->prev_feature = 0;
    signature(d);
}

static int drive_open(struct drive *d, const char *path, bool writeback, char *err,
                      size_t errlen)
{
    if (disk_image_open(&d->img, path, writeback, err, errlen))
        return -1;
    d->present = true;
    d->sectors = d->img.sectors;
    /* Default translation (ATA/ATAPI-6, CHS translation): 16 heads of 63
     * sectors, at most 16383 cylinders; fewer for images under 504 KiB. */
    d->def_spt = (uint16_t)(d->sectors < 63 ? d->sectors : 63);
    d->def_heads = (uint16_t)(d->sectors / d->def_spt < 16 ? d->sectors / d->def_spt : 16);
    uint64_t cyl = d->sectors / ((uint64_t)d->def_heads * d->def_spt);
    d->def_cyl = (uint16_t)(cyl > 16383 ? 16383 : cyl);
    power_on(d);
    return 0;
}

struct ata *ata_create(struct machine *m, const rs_pc_config *cfg, char *err, size_t errlen)
{
    struct ata *a = calloc(1, sizeof(*a));
    if (!a) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    a->m = m;
    for (unsigned i = 0; i < 2; i++) {
        a->d[i].img.fd = -1;
        a->d[i].index = i;
    }
    for (unsigned i = 0; i < 2; i++) {
        if (cfg->disk[i] &&
            drive_open(&a->d[i], cfg->disk[i], cfg->disk_writeback, err, errlen)) {
            ata_destroy(a);
            return NULL;
        }
    }
    if (bus_add_ports(&m->bus, ATA_CMD_BASE, 8, &cmd_ops, a, "ata") ||
        bus_add_ports(&m->bus, ATA_CTRL_PORT, 1, &ctrl_ops, a, "ata-control")) {
        snprintf(err, errlen, "ata: I/O ports 0x1f0-0x1f7/0x3f6 are already taken");
        ata_destroy(a);
        return NULL;
    }
    return a;
}

void ata_destroy(struct ata *a)
{
    if (!a)
        return;
    for (unsigned i = 0; i < 2; i++)
        disk_image_close(&a->d[i].img);
    free(a);
}

/* The PC's reset line (a warm reboot): both devices get a hardware reset. */
void ata_reset(struct ata *a)
{
    for (unsigned i = 0; i < 2; i++)
        if (a->d[i].present)
            power_on(&a->d[i]);
    a->dev = 0;
    a->devctl = 0;
    update_line(a);
}

bool ata_irq_line(const struct ata *a) { return a->line; }

uint64_t ata_sectors(const struct ata *a, unsigned dev)
{
    return dev < 2 && a->d[dev].present ? a->d[dev].sectors : 0;
}

