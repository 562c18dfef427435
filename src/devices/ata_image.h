/*
 * The backing store of an ATA disk: an image file read on demand with
 * pread (large images are never read whole), and guest writes kept in an
 * in-memory overlay of sectors, or written to the file with write-back.
 */
#ifndef RINGSCOPE_ATA_IMAGE_H
#define RINGSCOPE_ATA_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct overlay_slot;
struct overlay_slab;

struct disk_image {
    char *path;
    int fd;
    bool writeback;
    uint64_t bytes;             /* file size; the rest of a partial last sector reads 0 */
    uint64_t sectors;           /* capacity: the size rounded up to 512-byte sectors */
    /* Written sectors without write-back: open-addressing hash, data in slabs. */
    struct overlay_slot *slots;
    size_t nslots, nused;
    struct overlay_slab *slabs;
};

/* Open `path` (read-write with write-back). 0, or -1 with one line in
 * err naming the file and the reason. */
int disk_image_open(struct disk_image *img, const char *path, bool writeback, char *err,
                    size_t errlen);
void disk_image_close(struct disk_image *img);

/* One 512-byte sector. 0, or an errno value for a host I/O error. */
int disk_image_read(struct disk_image *img, uint64_t lba, uint8_t *out);
int disk_image_write(struct disk_image *img, uint64_t lba, const uint8_t *in);

/* FLUSH CACHE: fdatasync with write-back, nothing otherwise. 0 or errno. */
int disk_image_flush(struct disk_image *img);

#endif
