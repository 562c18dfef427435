/*
 * ATA disk backing store (see ata_image.h). Reads go to the overlay first,
 * then to the file with pread; a short file reads as zeros past its end.
 * Without write-back the file is opened read-only and never written.
 */
#include "devices/ata_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECTOR 512u
#define SLAB_SECTORS 128u
#define MAX_SECTORS ((1ull << 48) - 1)     /* what LBA48 can address */

struct overlay_slot {
    uint64_t lba;
    uint8_t *data;              /* NULL: empty slot */
};

struct overlay_slab {
    struct overlay_slab *next;
    unsigned used;
    uint8_t data[SLAB_SECTORS][SECTOR];
};

static size_t slot_of(const struct disk_image *img, uint64_t lba)
{
    return (size_t)((lba * 0x9e3779b97f4a7c15ull) >> 20) & (img->nslots - 1);
}

static uint8_t *overlay_find(const struct disk_image *img, uint64_t lba)
{
    if (!img->nslots)
        return NULL;
    for (size_t i = slot_of(img, lba);; i = (i + 1) & (img->nslots - 1)) {
        if (!img->slots[i].data)
            return NULL;
        if (img->slots[i].lba == lba)
            return img->slots[i].data;
    }
}

static int overlay_grow(struct disk_image *img)
{
    size_t n = img->nslots ? img->nslots * 2 : 1024;
    struct overlay_slot *s = calloc(n, sizeof(*s)), *old = img->slots;
    size_t oldn = img->nslots;
    if (!s)
        return -1;
    img->slots = s;
    img->nslots = n;
    for (size_t i = 0; i < oldn; i++) {
        if (!old[i].data)
            continue;
        size_t j = slot_of(img, old[i].lba);
        while (s[j].data)
            j = (j + 1) & (n - 1);
        s[j] = old[i];
    }
    free(old);
    return 0;
}

/* A new overlay sector for `lba` (not present yet); NULL without memory. */
static uint8_t *overlay_add(struct disk_image *img, uint64_t lba)
{
    if ((img->nused + 1) * 2 > img->nslots && overlay_grow(img))
        return NULL;
    if (!img->slabs || img->slabs->used == SLAB_SECTORS) {
        struct overlay_slab *s = malloc(sizeof(*s));
        if (!s)
            return NULL;
        s->next = img->slabs;
        s->used = 0;
        img->slabs = s;
    }
    size_t i = slot_of(img, lba);
    while (img->slots[i].data)
        i = (i + 1) & (img->nslots - 1);
    img->slots[i] = (struct overlay_slot){ lba, img->slabs->data[img->slabs->used++] };
    img->nused++;
    return img->slots[i].data;
}

int disk_image_read(struct disk_image *img, uint64_t lba, uint8_t *out)
{
    const uint8_t *ov = overlay_find(img, lba);
    if (ov) {
        memcpy(out, ov, SECTOR);
        return 0;
    }
    memset(out, 0, SECTOR);
    uint64_t off = lba * SECTOR;
    if (off >= img->bytes)
        return 0;
    size_t want = img->bytes - off < SECTOR ? (size_t)(img->bytes - off) : SECTOR;
    for (size_t got = 0; got < want;) {
        ssize_t r = pread(img->fd, out + got, want - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return errno;
        if (r == 0)
            break;              /* the file shrank under us: the rest reads as zeros */
        got += (size_t)r;
    }
    return 0;
}

int disk_image_write(struct disk_image *img, uint64_t lba, const uint8_t *in)
{
    if (!img->writeback) {
        uint8_t *ov = overlay_find(img, lba);
        if (!ov && !(ov = overlay_add(img, lba)))
            return ENOMEM;
        memcpy(ov, in, SECTOR);
        return 0;
    }
    uint64_t off = lba * SECTOR;
    for (size_t done = 0; done < SECTOR;) {
        ssize_t r = pwrite(img->fd, in + done, SECTOR - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? errno : ENOSPC;
        done += (size_t)r;
    }
    if (off + SECTOR > img->bytes)
        img->bytes = off + SECTOR;  /* a partial last sector is now whole */
    return 0;
}

int disk_image_flush(struct disk_image *img)
{
    if (img->writeback && fdatasync(img->fd) && errno != EINVAL)
        return errno;           /* EINVAL: a file that cannot be synced (a pipe, /dev/zero) */
    return 0;
}

int disk_image_open(struct disk_image *img, const char *path, bool writeback, char *err,
                    size_t errlen)
{
    struct stat st;
    uint8_t probe;
    memset(img, 0, sizeof(*img));
    img->writeback = writeback;
    img->fd = open(path, (writeback ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (img->fd < 0 || fstat(img->fd, &st)) {
        snprintf(err, errlen, "cannot open disk image '%s'%s: %s", path,
                 writeback ? " for writing" : "", strerror(errno));
        return -1;
    }
    off_t size = S_ISDIR(st.st_mode) ? -1 : lseek(img->fd, 0, SEEK_END);
    if (size < 0) {
        snprintf(err, errlen, "cannot open disk image '%s': %s", path,
                 strerror(S_ISDIR(st.st_mode) ? EISDIR : errno));
        return -1;
    }
    if (size == 0) {
        snprintf(err, errlen, "disk image '%s' is empty", path);
        return -1;
    }
    errno = 0;
    if (pread(img->fd, &probe, 1, 0) != 1) {
        snprintf(err, errlen, "cannot read disk image '%s': %s", path,
                 errno ? strerror(errno) : "short read");
        return -1;
    }
    if (!(img->path = strdup(path))) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    img->bytes = (uint64_t)size;
    img->sectors = (img->bytes + SECTOR - 1) / SECTOR;
    if (img->sectors > MAX_SECTORS)
        img->sectors = MAX_SECTORS;
    return 0;
}

void disk_image_close(struct disk_image *img)
{
    if (img->fd >= 0)
        close(img->fd);
    img->fd = -1;
    while (img->slabs) {
        struct overlay_slab *next = img->slabs->next;
        free(img->slabs);
        img->slabs = next;
    }
    free(img->slots);
    free(img->path);
    img->slots = NULL;
    img->path = NULL;
    img->nslots = img->nused = 0;
}
