/*
 * VGA registers for 80x25 colour text mode (IBM VGA Technical Reference;
 * register names as there), and the text screen rendered from the buffer
 * at 0xB8000, which is plain RAM the guest writes directly.
 *
 * Registers start with BIOS mode 3 values. They are stored and read back;
 * only the CRTC start address (CR0C/CR0D) and cursor registers change what
 * vga_text_dump and vga_get_cursor report. Graphics modes, fonts, the
 * monochrome addresses (0x3B4/0x3B5/0x3BA) and the 0xA0000 window are not
 * implemented (docs/platform-devices.md).
 */
#include "devices/vga.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

#define VGA_TEXT_SIZE 0x8000u       /* 32 KiB window at 0xB8000 */
#define CRTC_REGS 0x19
#define SEQ_REGS 5
#define GC_REGS 9
#define ATTR_REGS 0x15

struct vga {
    struct machine *m;
    uint8_t misc, feature;
    uint8_t crtc_index, crtc[CRTC_REGS];
    uint8_t seq_index, seq[SEQ_REGS];
    uint8_t gc_index, gc[GC_REGS];
    uint8_t attr_index, attr[ATTR_REGS];
    bool attr_data_next;        /* attribute flip-flop: false = next write is an index */
    uint8_t status1;            /* input status 1: bits 0 and 3 toggle on each read */
    uint8_t dac_mask, dac_read, dac_write, dac_sub;
    bool dac_reading;           /* last index written was the read index */
    uint8_t dac[256][3];
};

/* BIOS mode 3 register tables (IBM VGA Technical Reference, mode 3+). */
static const uint8_t mode3_crtc[CRTC_REGS] = {
    0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
    0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
};
static const uint8_t mode3_seq[SEQ_REGS] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_gc[GC_REGS] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff };
static const uint8_t mode3_attr[ATTR_REGS] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
    0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00,
};

static const uint8_t *text_buffer(const struct vga *v)
{
    return physmem_ptr(&v->m->mem, PC_VGA_TEXT, VGA_TEXT_SIZE);
}

static unsigned start_address(const struct vga *v)
{
    return (unsigned)(v->crtc[0x0c] << 8 | v->crtc[0x0d]);
}

/* CR00-CR07 are write-protected while CR11 bit 7 is set, except the line
 * compare bit CR07[4] (VGA Technical Reference, CR11). */
static void crtc_write(struct vga *v, uint8_t value)
{
    uint8_t i = v->crtc_index;
    if (i >= CRTC_REGS)
        return;
    if (i <= 7 && (v->crtc[0x11] & 0x80)) {
        if (i == 7)
            v->crtc[7] = (uint8_t)((v->crtc[7] & ~0x10) | (value & 0x10));
        return;
    }
    v->crtc[i] = value;
}

/* Attribute controller at 0x3C0: one port for index and data, selected by
 * a flip-flop that a read of input status 1 resets to "index". */
static void attr_write(struct vga *v, uint8_t value)
{
    if (!v->attr_data_next)
        v->attr_index = value & 0x3f;   /* bit 5: palette address source */
    else if ((v->attr_index & 0x1f) < ATTR_REGS)
        v->attr[v->attr_index & 0x1f] = value;
    v->attr_data_next = !v->attr_data_next;
}

/* DAC data: three 6-bit components per entry, the index advancing after
 * blue. */
static uint8_t dac_data_read(struct vga *v)
{
    uint8_t value = v->dac[v->dac_read][v->dac_sub];
    if (++v->dac_sub == 3) {
        v->dac_sub = 0;
        v->dac_read++;
    }
    return value;
}

static void dac_data_write(struct vga *v, uint8_t value)
{
    v->dac[v->dac_write][v->dac_sub] = value & 0x3f;
    if (++v->dac_sub == 3) {
        v->dac_sub = 0;
        v->dac_write++;
    }
}

static uint8_t reg_read(struct vga *v, uint16_t port)
{
    switch (port) {
    case 0x3c0: return v->attr_index;
    case 0x3c1: return (v->attr_index & 0x1f) < ATTR_REGS ? v->attr[v->attr_index & 0x1f] : 0;
    case 0x3c2: return 0x00;                    /* input status 0 */
    case 0x3c4: return v->seq_index;
    case 0x3c5: return v->seq_index < SEQ_REGS ? v->seq[v->seq_index] : 0xff;
    case 0x3c6: return v->dac_mask;
    case 0x3c7: return v->dac_reading ? 0x03 : 0x00;   /* DAC state */
    case 0x3c8: return v->dac_write;
    case 0x3c9: return dac_data_read(v);
    case 0x3ca: return v->feature;
    case 0x3cc: return v->misc;
    case 0x3ce: return v->gc_index;
    case 0x3cf: return v->gc_index < GC_REGS ? v->gc[v->gc_index] : 0xff;
    case 0x3d4: return v->crtc_index;
    case 0x3d5: return v->crtc_index < CRTC_REGS ? v->crtc[v->crtc_index] : 0xff;
    case 0x3da:
        /* Input status 1: display-disabled (bit 0) and vertical retrace
         * (bit 3) alternate on every read, so retrace-wait loops finish
         * deterministically; the read resets the attribute flip-flop. */
        v->status1 ^= 0x09;
        v->attr_data_next = false;
        return v->status1;
    default: return 0xff;
    }
}

static void reg_write(struct vga *v, uint16_t port, uint8_t value)
{
    switch (port) {
    case 0x3c0: attr_write(v, value); break;
    case 0x3c2: v->misc = value; break;
    case 0x3c4: v->seq_index = value & 0x07; break;
    case 0x3c5: if (v->seq_index < SEQ_REGS) v->seq[v->seq_index] = value; break;
    case 0x3c6: v->dac_mask = value; break;
    case 0x3c7: v->dac_read = value; v->dac_sub = 0; v->dac_reading = true; break;
    case 0x3c8: v->dac_write = value; v->dac_sub = 0; v->dac_reading = false; break;
    case 0x3c9: dac_data_write(v, value); break;
    case 0x3ce: v->gc_index = value & 0x0f; break;
    case 0x3cf: if (v->gc_index < GC_REGS) v->gc[v->gc_index] = value; break;
    case 0x3d4: v->crtc_index = value & 0x3f; break;
    case 0x3d5: crtc_write(v, value); break;
    case 0x3da: v->feature = value; break;
    default: break;
    }
}

/* The VGA is an 8-bit device: a 16-bit OUT to an index port (the common
 * `outw 0x3D4, (value << 8) | index`) writes the index, then the data port. */
static uint32_t vga_in(void *dev, uint16_t port, unsigned size)
{
    uint32_t value = 0;
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        bool mine = (p >= 0x3c0 && p <= 0x3cf) || (p >= 0x3d0 && p <= 0x3df);
        value |= (uint32_t)(mine ? reg_read(dev, p) : 0xff) << (8 * i);
    }
    return value;
}

static void vga_out(void *dev, uint16_t port, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        if ((p >= 0x3c0 && p <= 0x3cf) || (p >= 0x3d0 && p <= 0x3df))
            reg_write(dev, p, (uint8_t)(value >> (8 * i)));
    }
}

static const struct port_ops vga_ops = { vga_in, vga_out };

/* Mode 3 state, and a cleared screen (grey on black spaces) as the BIOS
 * mode set leaves it. The first 64 DAC entries hold the EGA palette. */
static void vga_init_state(struct vga *v)
{
    v->misc = 0x67;
    memcpy(v->crtc, mode3_crtc, sizeof(v->crtc));
    memcpy(v->seq, mode3_seq, sizeof(v->seq));
    memcpy(v->gc, mode3_gc, sizeof(v->gc));
    memcpy(v->attr, mode3_attr, sizeof(v->attr));
    v->attr_index = 0x20;
    v->dac_mask = 0xff;
    for (unsigned i = 0; i < 64; i++) {
        v->dac[i][0] = (uint8_t)(((i >> 2) & 1) * 0x2a + ((i >> 5) & 1) * 0x15);
        v->dac[i][1] = (uint8_t)(((i >> 1) & 1) * 0x2a + ((i >> 4) & 1) * 0x15);
        v->dac[i][2] = (uint8_t)((i & 1) * 0x2a + ((i >> 3) & 1) * 0x15);
    }
    uint8_t *text = physmem_ptr(&v->m->mem, PC_VGA_TEXT, VGA_COLS * VGA_ROWS * 2);
    for (unsigned i = 0; text && i < VGA_COLS * VGA_ROWS; i++) {
        text[2 * i] = ' ';
        text[2 * i + 1] = 0x07;
    }
}

struct vga *vga_create(struct machine *m, char *err, size_t errlen)
{
    struct vga *v = calloc(1, sizeof(*v));
    if (!v) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    v->m = m;
    vga_init_state(v);
    if (bus_add_ports(&m->bus, 0x3c0, 16, &vga_ops, v, "VGA") ||
        bus_add_ports(&m->bus, 0x3d0, 16, &vga_ops, v, "VGA CRTC")) {
        snprintf(err, errlen, "VGA: I/O ports 0x3c0-0x3df are already claimed");
        free(v);
        return NULL;
    }
    return v;
}

void vga_destroy(struct vga *v)
{
    free(v);
}

uint16_t vga_cell(const struct vga *v, unsigned row, unsigned col)
{
    const uint8_t *text = text_buffer(v);
    if (!text || row >= VGA_ROWS || col >= VGA_COLS)
        return 0;
    unsigned off = (2 * (start_address(v) + row * VGA_COLS + col)) & (VGA_TEXT_SIZE - 1);
    return (uint16_t)(text[off] | text[off + 1] << 8);
}

/* Code page 437 as text: printable ASCII as itself, the blank glyphs 0x00
 * and 0xFF as a space, every other glyph (box drawing, accents, symbols)
 * as '.'. */
static char glyph(uint8_t c)
{
    if (c >= 0x20 && c <= 0x7e)
        return (char)c;
    return c == 0x00 || c == 0xff ? ' ' : '.';
}

void vga_text_dump(struct vga *v, char *buf, size_t len)
{
    if (!len)
        return;
    size_t n = 0;
    for (unsigned row = 0; row < VGA_ROWS; row++) {
        for (unsigned col = 0; col <= VGA_COLS; col++) {
            if (n + 1 >= len)
                goto done;
            buf[n++] = col == VGA_COLS ? '\n' : glyph((uint8_t)vga_cell(v, row, col));
        }
    }
done:
    buf[n] = 0;
}

void vga_get_cursor(const struct vga *v, struct vga_cursor *out)
{
    out->location = (unsigned)(v->crtc[0x0e] << 8 | v->crtc[0x0f]);
    unsigned rel = (out->location - start_address(v)) & 0xffff;
    out->row = rel / VGA_COLS;
    out->col = rel % VGA_COLS;
    out->start = v->crtc[0x0a] & 0x1f;
    out->end = v->crtc[0x0b] & 0x1f;
    out->visible = !(v->crtc[0x0a] & 0x20);
}
