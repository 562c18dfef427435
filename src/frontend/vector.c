/*
 * One instruction test vector: build the initial state on a fresh machine,
 * execute one instruction, compare with the expected state
 * (docs/test-vectors.md describes every field).
 */
#include "frontend/vector.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ringscope/ringscope.h"

static const char *const reg_names[] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags",
};
#define NUM_VREGS 18

static const char *const sreg_names[RS_SREG_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr" };

static const struct { const char *name; rs_reg reg; } control_names[] = {
    { "cr0", RS_CR0 }, { "cr2", RS_CR2 }, { "cr3", RS_CR3 }, { "cr4", RS_CR4 },
    { "cr8", RS_CR8 }, { "efer", RS_EFER },
};

static const struct { const char *name; uint64_t bit; } flag_names[] = {
    { "cf", 1u << 0 }, { "pf", 1u << 2 }, { "af", 1u << 4 }, { "zf", 1u << 6 },
    { "sf", 1u << 7 }, { "tf", 1u << 8 }, { "if", 1u << 9 }, { "df", 1u << 10 },
    { "of", 1u << 11 }, { "iopl", 3u << 12 }, { "nt", 1u << 14 }, { "rf", 1u << 16 },
    { "vm", 1u << 17 }, { "ac", 1u << 18 }, { "vif", 1u << 19 }, { "vip", 1u << 20 },
    { "id", 1u << 21 },
};
#define NUM_FLAGS (sizeof(flag_names) / sizeof(flag_names[0]))

static const char *const exception_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "vector 9", "#TS",
    "#NP", "#SS", "#GP", "#PF", "vector 15", "#MF", "#AC", "#MC", "#XM",
};

/* A number given as a hex/decimal string or a JSON integer. */
static bool get_u64(json_t *j, uint64_t *out)
{
    if (json_is_integer(j)) {
        *out = (uint64_t)json_integer_value(j);
        return true;
    }
    if (!json_is_string(j))
        return false;
    const char *s = json_string_value(j);
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 0);
    return *s && !*end && errno == 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode a hex byte string; returns the byte count or -1. */
static long parse_hex(const char *s, uint8_t *out, size_t max)
{
    size_t n = strlen(s);
    if (n % 2 || n / 2 > max)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

static int reg_index(const char *name)
{
    for (int i = 0; i < NUM_VREGS; i++)
        if (!strcmp(reg_names[i], name))
            return i;
    return -1;
}

/* Parse a `ram` list: calls fn for each [address, hexbytes] chunk. */
typedef bool ram_fn(void *ctx, uint64_t addr, const uint8_t *bytes, size_t len);
static bool for_each_ram(json_t *ram, ram_fn *fn, void *ctx, struct strbuf *why)
{
    if (!ram)
        return true;
    if (!json_is_array(ram)) {
        strbuf_printf(why, "ram is not a list");
        return false;
    }
    size_t i;
    json_t *chunk;
    json_array_foreach(ram, i, chunk) {
        uint64_t addr;
        json_t *a = json_array_get(chunk, 0), *b = json_array_get(chunk, 1);
        if (!json_is_array(chunk) || !get_u64(a, &addr) || !json_is_string(b)) {
            strbuf_printf(why, "ram entry %zu is not [address, hexbytes]", i);
            return false;
        }
        size_t max = strlen(json_string_value(b)) / 2 + 1;
        uint8_t *buf = malloc(max);
        long n = buf ? parse_hex(json_string_value(b), buf, max) : -1;
        bool ok = n >= 0 && fn(ctx, addr, buf, (size_t)n);
        free(buf);
        if (!ok) {
            if (n < 0)
                strbuf_printf(why, "ram entry %zu has bad hex bytes", i);
            return false;
        }
    }
    return true;
}

/* --- building the initial state --- */

#define MAX_PAGES 256
struct page_set {
    uint64_t page[MAX_PAGES];
    size_t count;
    bool overflow;
};

static void add_pages(struct page_set *ps, uint64_t addr, size_t len)
{
    if (len == 0)
        return;
    for (uint64_t p = addr >> 12; p <= (addr + len - 1) >> 12; p++) {
        bool seen = false;
        for (size_t i = 0; i < ps->count; i++)
            seen |= ps->page[i] == p;
        if (seen)
            continue;
        if (ps->count == MAX_PAGES) {
            ps->overflow = true;
            return;
        }
        ps->page[ps->count++] = p;
    }
}

static bool collect_pages(void *ctx, uint64_t addr, const uint8_t *bytes, size_t len)
{
    (void)bytes;
    add_pages(ctx, addr, len);
    return true;
}

static bool write_ram(void *ctx, uint64_t addr, const uint8_t *bytes, size_t len)
{
    return rs_write_phys(ctx, addr, bytes, len) == RS_OK;
}

/* Flat default cache for a selector given as a string (docs: Mode defaults). */
static void default_segment(rs_mode mode, unsigned cpl, int s, uint16_t sel, rs_segment *seg)
{
    seg->selector = sel;
    seg->base = mode == RS_MODE_REAL ? (uint64_t)sel << 4 : 0;
    seg->limit = mode == RS_MODE_REAL ? 0xffff : 0xffffffffu;
    bool code = s == RS_CS;
    unsigned dpl = (s == RS_CS || s == RS_SS) ? cpl : (sel & 3u);
    bool g = mode != RS_MODE_REAL;
    bool db = code ? (mode == RS_MODE_PROT32 || mode == RS_MODE_COMPAT32) : mode != RS_MODE_REAL;
    bool l = code && mode == RS_MODE_LONG64;
    seg->attr = (uint16_t)(0x80 | 0x10 | (dpl << 5) | (code ? 0xb : 0x3) |
                           (db ? 0x4000 : 0) | (l ? 0x2000 : 0) | (g ? 0x8000 : 0));
    /* A null selector in a data segment register is unusable in protected
     * mode (it faults on use); 64-bit mode ignores it. */
    if (!code && s != RS_SS && (sel & ~3u) == 0 && mode != RS_MODE_REAL && mode != RS_MODE_LONG64)
        seg->attr = 0;
}

static bool parse_segment(json_t *j, rs_mode mode, unsigned cpl, int s, rs_segment *seg)
{
    uint64_t v;
    if (json_is_string(j) || json_is_integer(j)) {
        if (!get_u64(j, &v) || v > 0xffff)
            return false;
        default_segment(mode, cpl, s, (uint16_t)v, seg);
        return true;
    }
    uint64_t sel, base, limit, attr;
    if (!json_is_object(j) || !get_u64(json_object_get(j, "sel"), &sel) ||
        !get_u64(json_object_get(j, "base"), &base) || !get_u64(json_object_get(j, "limit"), &limit) ||
        !get_u64(json_object_get(j, "attr"), &attr) || sel > 0xffff || limit > 0xffffffffu || attr > 0xffff)
        return false;
    seg->selector = (uint16_t)sel;
    seg->base = base;
    seg->limit = (uint32_t)limit;
    seg->attr = (uint16_t)attr;
    return true;
}

/* --- identity paging for IA-32e vectors --- */

/* Long64 and compat vectors run with CR0.PG = 1 (IA-32e mode requires it).
 * When a vector does not set control.cr3 itself, the runner builds 4-level
 * tables here, above every vector's RAM, that identity-map exactly the 4 KiB
 * pages the vector names (RAM chunks and the instruction bytes): user,
 * writable, with the accessed and dirty flags already set so the walk writes
 * nothing. Every other linear address is not present. */
#define IDENTITY_TABLES 0x100000000ull
#define PTE_TABLE 0x27ull   /* P, R/W, U/S, A */
#define PTE_LEAF  0x67ull   /* P, R/W, U/S, A, D */

struct table_set {
    uint64_t key[1 + 3 * MAX_PAGES];    /* level << 60 | linear-address prefix */
    uint64_t *mem;                      /* the tables, 512 entries each */
    size_t count;
};

/* The table for `key`, created (and linked from `parent`'s entry `index`)
 * when missing; returns its number. */
static size_t table_for(struct table_set *ts, uint64_t key, size_t parent, unsigned index)
{
    for (size_t i = 1; i < ts->count; i++)
        if (ts->key[i] == key)
            return i;
    size_t t = ts->count++;
    ts->key[t] = key;
    ts->mem[parent * 512 + index] = (IDENTITY_TABLES + t * 4096) | PTE_TABLE;
    return t;
}

static bool build_identity_tables(rs_machine *m, const struct page_set *ps, struct strbuf *why)
{
    struct table_set ts = { .count = 1 };       /* table 0 is the PML4 */
    ts.mem = calloc((1 + 3 * ps->count) * 512, sizeof(uint64_t));
    if (!ts.mem) {
        strbuf_printf(why, "out of memory for page tables");
        return false;
    }
    for (size_t i = 0; i < ps->count; i++) {
        uint64_t va = ps->page[i] << 12;
        if (va >> 39) {     /* beyond MAXPHYADDR: no identity mapping exists */
            strbuf_printf(why, "page 0x%llx cannot be identity-mapped (set control.cr3)",
                          (unsigned long long)va);
            free(ts.mem);
            return false;
        }
        unsigned i4 = (va >> 39) & 511, i3 = (va >> 30) & 511, i2 = (va >> 21) & 511,
                 i1 = (va >> 12) & 511;
        size_t pdpt = table_for(&ts, 3ull << 60 | va >> 39, 0, i4);
        size_t pd = table_for(&ts, 2ull << 60 | va >> 30, pdpt, i3);
        size_t pt = table_for(&ts, 1ull << 60 | va >> 21, pd, i2);
        ts.mem[pt * 512 + i1] = va | PTE_LEAF;
    }
    size_t bytes = ts.count * 4096;
    bool ok = rs_map_ram(m, IDENTITY_TABLES, bytes) == RS_OK &&
              rs_write_phys(m, IDENTITY_TABLES, ts.mem, bytes) == RS_OK &&
              rs_set_reg(m, RS_CR3, IDENTITY_TABLES) == RS_OK;
    free(ts.mem);
    if (!ok)
        strbuf_printf(why, "cannot place the identity page tables at 0x%llx",
                      (unsigned long long)IDENTITY_TABLES);
    return ok;
}

struct state_ctx {
    rs_mode mode;
    unsigned cpl;
    uint64_t regs[NUM_VREGS];
};

static bool apply_state(rs_machine *m, json_t *st, struct state_ctx *sc, struct strbuf *why)
{
    const char *key;
    json_t *val;

    json_t *control = json_object_get(st, "control");
    json_object_foreach(control, key, val) {
        uint64_t v;
        if (!get_u64(val, &v)) {
            strbuf_printf(why, "control.%s is not a number", key);
            return false;
        }
        bool done = false;
        for (size_t i = 0; i < sizeof(control_names) / sizeof(control_names[0]); i++) {
            if (!strcmp(key, control_names[i].name)) {
                rs_set_reg(m, control_names[i].reg, v);
                done = true;
            }
        }
        if (!strcmp(key, "gdtr_base") || !strcmp(key, "gdtr_limit") ||
            !strcmp(key, "idtr_base") || !strcmp(key, "idtr_limit")) {
            rs_table_reg tr;
            int which = key[0] == 'i';
            rs_descriptor_table(m, which, false, &tr);
            if (strstr(key, "base"))
                tr.base = v;
            else
                tr.limit = (uint16_t)v;
            rs_descriptor_table(m, which, true, &tr);
            done = true;
        }
        if (!done) {
            strbuf_printf(why, "unknown control field '%s'", key);
            return false;
        }
    }

    json_t *sregs = json_object_get(st, "sregs");
    json_object_foreach(sregs, key, val) {
        int s = -1;
        for (int i = 0; i < RS_SREG_COUNT; i++)
            if (!strcmp(sreg_names[i], key))
                s = i;
        rs_segment seg;
        if (s < 0 || !parse_segment(val, sc->mode, sc->cpl, s, &seg)) {
            strbuf_printf(why, "bad segment register '%s'", key);
            return false;
        }
        rs_set_segment(m, (rs_sreg)s, &seg);
    }

    json_t *msrs = json_object_get(st, "msrs");
    json_object_foreach(msrs, key, val) {
        uint64_t idx, v;
        char *end;
        idx = strtoull(key, &end, 0);
        if (*end || !get_u64(val, &v) || rs_set_msr(m, (uint32_t)idx, v) != RS_OK) {
            strbuf_printf(why, "bad or unknown MSR '%s'", key);
            return false;
        }
    }

    json_t *regs = json_object_get(st, "regs");
    if (!json_is_object(regs)) {
        strbuf_printf(why, "initial.regs missing");
        return false;
    }
    sc->regs[17] = 0x2;
    json_object_foreach(regs, key, val) {
        int r = reg_index(key);
        uint64_t v;
        if (r < 0 || !get_u64(val, &v)) {
            strbuf_printf(why, "bad register '%s'", key);
            return false;
        }
        sc->regs[r] = v;
    }
    for (int r = 0; r < NUM_VREGS; r++)
        rs_set_reg(m, (rs_reg)r, sc->regs[r]);
    return true;
}

/* --- comparing the final state --- */

struct ram_check {
    rs_machine *m;
    struct strbuf *diff;
    bool ok;
};

static bool check_ram(void *ctx, uint64_t addr, const uint8_t *bytes, size_t len)
{
    struct ram_check *rc = ctx;
    for (size_t i = 0; i < len; i++) {
        uint8_t got = 0;
        if (rs_read_phys(rc->m, addr + i, &got, 1) != RS_OK) {
            strbuf_printf(rc->diff, "  ram 0x%llx: expected %02x, not mapped\n",
                          (unsigned long long)(addr + i), bytes[i]);
            rc->ok = false;
            continue;
        }
        if (got != bytes[i]) {
            strbuf_printf(rc->diff, "  ram 0x%llx: expected %02x got %02x\n",
                          (unsigned long long)(addr + i), bytes[i], got);
            rc->ok = false;
        }
    }
    return true;
}

static void flag_list(struct strbuf *sb, uint64_t flags, uint64_t mask)
{
    bool any = false;
    for (size_t i = 0; i < NUM_FLAGS; i++) {
        uint64_t bit = flag_names[i].bit;
        if (!(mask & bit))
            continue;
        if (bit == (3u << 12)) {
            strbuf_printf(sb, "%sIOPL=%u", any ? " " : "", (unsigned)((flags >> 12) & 3));
            any = true;
        } else if (flags & bit) {
            char up[8];
            size_t n = strlen(flag_names[i].name);
            for (size_t k = 0; k <= n; k++)
                up[k] = (char)(flag_names[i].name[k] >= 'a' ? flag_names[i].name[k] - 32 : flag_names[i].name[k]);
            strbuf_printf(sb, "%s%s", any ? " " : "", up);
            any = true;
        }
    }
    if (!any)
        strbuf_printf(sb, "none");
}

static const char *exc_name(unsigned v, char *buf, size_t n)
{
    if (v < 32 && exception_names[v])
        return exception_names[v];
    snprintf(buf, n, "vector %u", v);
    return buf;
}

enum vector_result vector_run(json_t *v, struct strbuf *diff)
{
    enum vector_result result = VECTOR_INVALID;
    rs_machine *m = NULL;
    struct state_ctx sc = { 0 };
    json_t *initial = json_object_get(v, "initial"), *final = json_object_get(v, "final");
    json_t *mode_j = json_object_get(v, "mode"), *bytes_j = json_object_get(v, "bytes");
    json_t *cpl_j = json_object_get(v, "cpl"), *exc_j = json_object_get(v, "exception");

    if (!json_is_object(initial) || !json_is_object(final) || !json_is_string(mode_j) ||
        !json_is_string(bytes_j)) {
        strbuf_printf(diff, "  invalid vector: needs mode, bytes, initial and final\n");
        return VECTOR_INVALID;
    }
    int mode = -1;
    for (int i = 0; i < RS_MODE_COUNT; i++)
        if (!strcmp(rs_mode_name((rs_mode)i), json_string_value(mode_j)))
            mode = i;
    uint64_t cpl = 0;
    if (mode < 0 || (cpl_j && (!get_u64(cpl_j, &cpl) || cpl > 3))) {
        strbuf_printf(diff, "  invalid vector: bad mode or cpl\n");
        return VECTOR_INVALID;
    }
    /* Up to 16 bytes: over-long (16-byte) encodings are legal vectors. */
    uint8_t code_buf[16];
    long code_len = parse_hex(json_string_value(bytes_j), code_buf, sizeof(code_buf));
    if (code_len <= 0) {
        strbuf_printf(diff, "  invalid vector: bad bytes\n");
        return VECTOR_INVALID;
    }

    /* "deliver": exceptions go through the IDT/IVT (the step then ends when
     * delivery is complete) instead of stopping the machine. */
    json_t *deliver_j = json_object_get(v, "deliver");
    rs_config cfg = { .stop_on_exception = !json_is_true(deliver_j) };
    if (rs_create(&cfg, &m) != RS_OK) {
        strbuf_printf(diff, "  cannot create a machine\n");
        return VECTOR_INVALID;
    }
    /* Vectors describe architectural state: virtual time (RDTSC) counts
     * one cycle per instruction, whatever the default timing profile. */
    rs_set_cpu_model(m, "one-cycle");
    sc.mode = (rs_mode)mode;
    sc.cpl = (unsigned)cpl;
    rs_set_mode(m, sc.mode, sc.cpl);

    struct strbuf why = { 0 };
    if (!apply_state(m, initial, &sc, &why))
        goto invalid;

    /* Map every page the vector names (RAM chunks and the instruction). */
    rs_segment cs;
    rs_get_segment(m, RS_CS, &cs);
    uint64_t code_addr = cs.base + sc.regs[16];
    if (mode != RS_MODE_LONG64)
        code_addr &= 0xffffffffu;
    struct page_set pages = { .count = 0 };
    add_pages(&pages, code_addr, (size_t)code_len);
    if (!for_each_ram(json_object_get(initial, "ram"), collect_pages, &pages, &why) ||
        !for_each_ram(json_object_get(final, "ram"), collect_pages, &pages, &why))
        goto invalid;
    if (pages.overflow) {
        strbuf_printf(&why, "more than %d pages of RAM", MAX_PAGES);
        goto invalid;
    }
    for (size_t i = 0; i < pages.count; i++) {
        if (rs_map_ram(m, pages.page[i] << 12, 4096) != RS_OK) {
            strbuf_printf(&why, "cannot map page 0x%llx", (unsigned long long)(pages.page[i] << 12));
            goto invalid;
        }
    }
    if (!for_each_ram(json_object_get(initial, "ram"), write_ram, m, &why))
        goto invalid;
    if (rs_write_phys(m, code_addr, code_buf, (size_t)code_len) != RS_OK) {
        strbuf_printf(&why, "cannot place the instruction bytes");
        goto invalid;
    }
    bool ia32e = mode == RS_MODE_COMPAT16 || mode == RS_MODE_COMPAT32 || mode == RS_MODE_LONG64;
    if (ia32e && !json_object_get(json_object_get(initial, "control"), "cr3") &&
        !build_identity_tables(m, &pages, &why))
        goto invalid;

    /* Expected state: initial registers overridden by final.regs. */
    uint64_t expect[NUM_VREGS];
    memcpy(expect, sc.regs, sizeof(expect));
    const char *key;
    json_t *val;
    json_object_foreach(json_object_get(final, "regs"), key, val) {
        int r = reg_index(key);
        if (r < 0 || !get_u64(val, &expect[r])) {
            strbuf_printf(&why, "bad final register '%s'", key);
            goto invalid;
        }
    }
    uint64_t flag_mask = ~0ull;
    bool reg_undefined[NUM_VREGS] = { false };
    size_t i;
    json_array_foreach(json_object_get(v, "undefined"), i, val) {
        const char *name = json_string_value(val);
        bool known = false;
        for (size_t f = 0; name && f < NUM_FLAGS; f++) {
            if (!strcmp(name, flag_names[f].name)) {
                flag_mask &= ~flag_names[f].bit;
                known = true;
            }
        }
        int r = name ? reg_index(name) : -1;
        if (r >= 0) {
            reg_undefined[r] = true;
            known = true;
        }
        if (!known) {
            strbuf_printf(&why, "unknown name in undefined: %s", name ? name : "(not a string)");
            goto invalid;
        }
    }
    uint64_t exp_vector = 0, exp_error = 0;
    bool want_exc = exc_j != NULL, want_error = false;
    if (want_exc) {
        if (!get_u64(json_object_get(exc_j, "vector"), &exp_vector) || exp_vector > 255) {
            strbuf_printf(&why, "bad exception");
            goto invalid;
        }
        want_error = json_object_get(exc_j, "error_code") != NULL;
        if (want_error && !get_u64(json_object_get(exc_j, "error_code"), &exp_error)) {
            strbuf_printf(&why, "bad exception error_code");
            goto invalid;
        }
    }

    /* Execute exactly one instruction. */
    rs_stop stop;
    rs_step(m, &stop);

    result = VECTOR_PASS;
    char b1[16], b2[16];
    if (json_is_true(deliver_j) && want_exc) {
        /* The exception must have been delivered (the step ends after
         * delivery), and it must be the expected one. */
        rs_exception e;
        if (stop != RS_STOP_BUDGET) {
            strbuf_printf(diff, "  exception: expected %s delivered, machine stopped (reason %d)\n",
                          exc_name((unsigned)exp_vector, b1, sizeof(b1)), (int)stop);
            result = VECTOR_FAIL;
        } else if (rs_last_exception(m, &e) != RS_OK) {
            strbuf_printf(diff, "  exception: expected %s delivered, none was\n",
                          exc_name((unsigned)exp_vector, b1, sizeof(b1)));
            result = VECTOR_FAIL;
        } else if (e.vector != exp_vector || (want_error && e.error_code != exp_error)) {
            strbuf_printf(diff, "  exception: expected %s delivered, got %s (error code 0x%x)\n",
                          exc_name((unsigned)exp_vector, b1, sizeof(b1)),
                          exc_name(e.vector, b2, sizeof(b2)), e.error_code);
            result = VECTOR_FAIL;
        }
    } else if (stop == RS_STOP_EXCEPTION) {
        rs_exception e;
        rs_last_exception(m, &e);
        if (!want_exc) {
            strbuf_printf(diff, "  exception: expected none, got %s", exc_name(e.vector, b1, sizeof(b1)));
            if (e.has_error_code)
                strbuf_printf(diff, " (error code 0x%x)", e.error_code);
            strbuf_printf(diff, "\n");
            result = VECTOR_FAIL;
        } else if (e.vector != exp_vector || (want_error && e.error_code != exp_error)) {
            strbuf_printf(diff, "  exception: expected %s", exc_name((unsigned)exp_vector, b1, sizeof(b1)));
            if (want_error)
                strbuf_printf(diff, " (error code 0x%llx)", (unsigned long long)exp_error);
            strbuf_printf(diff, ", got %s", exc_name(e.vector, b2, sizeof(b2)));
            if (e.has_error_code)
                strbuf_printf(diff, " (error code 0x%x)", e.error_code);
            strbuf_printf(diff, "\n");
            result = VECTOR_FAIL;
        }
    } else if (want_exc) {
        strbuf_printf(diff, "  exception: expected %s, got none\n", exc_name((unsigned)exp_vector, b1, sizeof(b1)));
        result = VECTOR_FAIL;
    } else if (stop != RS_STOP_BUDGET && stop != RS_STOP_HALT) {
        strbuf_printf(diff, "  machine stopped unexpectedly (reason %d)\n", (int)stop);
        result = VECTOR_FAIL;
    }

    for (int r = 0; r < NUM_VREGS; r++) {
        uint64_t got;
        rs_get_reg(m, (rs_reg)r, &got);
        if (r == 17) {
            uint64_t mask = flag_mask;
            if ((got ^ expect[r]) & mask) {
                strbuf_printf(diff, "  flags: expected ");
                flag_list(diff, expect[r], mask & ((got ^ expect[r]) | expect[r]));
                strbuf_printf(diff, ", got ");
                flag_list(diff, got, mask & ((got ^ expect[r]) | got));
                strbuf_printf(diff, " (rflags expected 0x%llx got 0x%llx)\n",
                              (unsigned long long)expect[r], (unsigned long long)got);
                result = VECTOR_FAIL;
            }
        } else if (!reg_undefined[r] && got != expect[r]) {
            strbuf_printf(diff, "  %s: expected 0x%llx got 0x%llx\n", reg_names[r],
                          (unsigned long long)expect[r], (unsigned long long)got);
            result = VECTOR_FAIL;
        }
    }
    json_object_foreach(json_object_get(final, "sregs"), key, val) {
        int s = -1;
        for (int k = 0; k < RS_SREG_COUNT; k++)
            if (!strcmp(sreg_names[k], key))
                s = k;
        rs_segment want, got;
        if (s < 0 || !parse_segment(val, sc.mode, sc.cpl, s, &want)) {
            strbuf_printf(&why, "bad final segment '%s'", key);
            goto invalid;
        }
        rs_get_segment(m, (rs_sreg)s, &got);
        if (got.selector != want.selector || got.base != want.base ||
            got.limit != want.limit || got.attr != want.attr) {
            strbuf_printf(diff, "  %s: expected sel 0x%x base 0x%llx limit 0x%x attr 0x%x, "
                          "got sel 0x%x base 0x%llx limit 0x%x attr 0x%x\n", key,
                          want.selector, (unsigned long long)want.base, want.limit, want.attr,
                          got.selector, (unsigned long long)got.base, got.limit, got.attr);
            result = VECTOR_FAIL;
        }
    }
    json_object_foreach(json_object_get(final, "control"), key, val) {
        uint64_t want, got = 0;
        int found = -1;
        for (size_t k = 0; k < sizeof(control_names) / sizeof(control_names[0]); k++)
            if (!strcmp(key, control_names[k].name))
                found = (int)k;
        bool table = !strcmp(key, "gdtr_base") || !strcmp(key, "gdtr_limit") ||
                     !strcmp(key, "idtr_base") || !strcmp(key, "idtr_limit");
        if ((found < 0 && !table) || !get_u64(val, &want)) {
            strbuf_printf(&why, "bad final control field '%s'", key);
            goto invalid;
        }
        if (table) {
            rs_table_reg tr;
            rs_descriptor_table(m, key[0] == 'i', false, &tr);
            got = strstr(key, "base") ? tr.base : tr.limit;
        } else {
            rs_get_reg(m, control_names[found].reg, &got);
        }
        if (got != want) {
            strbuf_printf(diff, "  %s: expected 0x%llx got 0x%llx\n", key,
                          (unsigned long long)want, (unsigned long long)got);
            result = VECTOR_FAIL;
        }
    }
    json_object_foreach(json_object_get(final, "msrs"), key, val) {
        uint64_t want, got = 0;
        char *end;
        uint64_t idx = strtoull(key, &end, 0);
        if (*end || !get_u64(val, &want) || rs_get_msr(m, (uint32_t)idx, &got) != RS_OK) {
            strbuf_printf(&why, "bad final MSR '%s'", key);
            goto invalid;
        }
        if (got != want) {
            strbuf_printf(diff, "  msr %s: expected 0x%llx got 0x%llx\n", key,
                          (unsigned long long)want, (unsigned long long)got);
            result = VECTOR_FAIL;
        }
    }
    struct ram_check rc = { m, diff, true };
    if (!for_each_ram(json_object_get(final, "ram"), check_ram, &rc, &why))
        goto invalid;
    if (!rc.ok)
        result = VECTOR_FAIL;

    rs_destroy(m);
    strbuf_free(&why);
    return result;

invalid:
    strbuf_printf(diff, "  invalid vector: %s\n", why.data ? why.data : "?");
    strbuf_free(&why);
    rs_destroy(m);
    return VECTOR_INVALID;
}
