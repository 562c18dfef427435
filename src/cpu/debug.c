/*
 * Data-breakpoint matching (see debug.h).
 */
#include "cpu/debug.h"

/* LENn encodings: 00 = 1 byte, 01 = 2, 11 = 4, 10 = 8 (SDM Vol. 3A, 17.2.5). */
static uint64_t bp_len(uint64_t dr7, unsigned n)
{
    static const uint8_t len[4] = { 1, 2, 8, 4 };
    return len[(dr7 >> (18 + 4 * n)) & 3];
}

/* The breakpoint's byte range: DRn aligned down to its length, as the
 * processor compares it (the low address bits are ignored). */
static void bp_range(const struct cpu *cpu, unsigned n, uint64_t *start, uint64_t *len)
{
    *len = bp_len(cpu->debug.dr[7], n);
    *start = cpu->debug.dr[n] & ~(*len - 1);
}

bool debug_page_watched(const struct cpu *cpu, uint64_t lin)
{
    uint64_t dr7 = cpu->debug.dr[7], page = lin & ~0xfffull;
    for (unsigned n = 0; n < 4; n++) {
        if (!dr7_enabled(dr7, n) || !(dr7_rw(dr7, n) & 1))
            continue;
        uint64_t start, len;
        bp_range(cpu, n, &start, &len);
        if (start < page + 0x1000 && page < start + len)
            return true;
    }
    return false;
}

void debug_check_data(struct cpu *cpu, uint64_t lin, unsigned size, bool write)
{
    uint64_t dr7 = cpu->debug.dr[7];
    for (unsigned n = 0; n < 4; n++) {
        unsigned rw = dr7_rw(dr7, n);
        /* 01: data writes only; 11: data reads or writes. */
        if (!dr7_enabled(dr7, n) || !(rw & 1) || (rw == 1 && !write))
            continue;
        uint64_t start, len;
        bp_range(cpu, n, &start, &len);
        if (start < lin + size && lin < start + len)
            cpu->debug.data_hits |= (uint8_t)(1u << n);
    }
}
