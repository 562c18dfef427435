/* gen.c - operand picking, encoding and the generic instruction generators.
 * Each generator builds tests in T (test_t) and calls t_run(). */
#include "gen.h"

#include <stdio.h>
#include <string.h>


uint64_t msk(int bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }
uint64_t sext(uint64_t v, int bits)
{
    if (bits >= 64) return v;
    uint64_t m = 1ull << (bits - 1);
    v &= msk(bits);
    return (v ^ m) - m;
}

static const uint64_t edges[] = {
    0,          1,          2,          3,          0x7f,       0x80,
    0xff,       0x100,      0x7fff,     0x8000,     0xffff,     0x10000,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,       0x7fffffffffffffffull,
    0x8000000000000000ull,  0xffffffffffffffffull,  0xfffffffffffffffeull,
    0x8000000000000001ull,  0x0f,       0x10,       0xfe,       0x7e,       0x81,
    0xfffe,     0x8001,     0x7ffffffe, 0x80000001, 0xfffffffe, 0x5555555555555555ull,
    0xaaaaaaaaaaaaaaaaull};
#define NEDGE (int)(sizeof edges / sizeof *edges)

uint64_t val(int bits)
{
    uint64_t m = msk(bits), h = 1ull << (bits - 1), v;
    switch (rn(12)) {
    case 0: v = 0; break;
    case 1: v = rn(4); break;
    case 2: v = h - 1 - rn(2); break;
    case 3: v = h + rn(2); break;
    case 4: v = m - rn(3); break;
    case 5: v = edges[rn(NEDGE)]; break;
    case 6: v = 1ull << rn(bits); break;
    case 7: v = rnd() & rnd(); break;
    case 8: v = rnd() | rnd(); break;
    default: v = rnd(); break;
    }
    return v & m;
}
uint64_t opval(int bits)
{
    uint64_t v = val(bits);
    if (bits < 64 && rn(2)) v |= rnd() & ~msk(bits);
    return v & msk(W);
}
uint64_t regval(void)
{
    static const int b[] = {8, 16, 32, 64, 64, 64};
    return opval(M64 ? b[rn(6)] : b[rn(3)] == 64 ? 32 : b[rn(3)]);
}

void eb(uint8_t x)
{
    if (T.len < (int)sizeof T.b) T.b[T.len++] = x;
}
void ebytes(uint64_t v, int n)
{
    for (int i = 0; i < n; i++) eb((uint8_t)(v >> (8 * i)));
}

/* ------------------------------------------------------ register access */
int locked(int r) { return (T.locked >> r) & 1; }
/* size-byte register r; byte registers 4-7 are AH..BH unless a REX prefix is present */
uint64_t rget(int r, int size, int rexon)
{
    if (size == 1 && !rexon && r >= 4 && r < 8) return (T.r[r - 4] >> 8) & 0xff;
    return T.r[r] & msk(size * 8);
}
void rset(int r, int size, int rexon, uint64_t v)
{
    if (size == 1 && !rexon && r >= 4 && r < 8) {
        if (!locked(r - 4)) T.r[r - 4] = (T.r[r - 4] & ~0xff00ull) | ((v & 0xff) << 8);
        return;
    }
    if (locked(r)) return;
    uint64_t m = msk(size * 8);
    T.r[r] = ((T.r[r] & ~m) | (v & m)) & msk(W);
}

/* ------------------------------------------------------- memory operand */

static int64_t rdisp(int dsz)
{
    if (dsz == 1) {
        static const int8_t e[] = {0, 1, -1, 127, -128, 8, -8};
        return rn(3) ? (int8_t)rnd() : e[rn(7)];
    }
    if (dsz == 2) return (int16_t)rnd();
    switch (rn(6)) {
    case 0: return (int8_t)rnd();
    case 1: return (int32_t)0x7fffffff - rn(16);
    case 2: return (int32_t)(0x80000000u + rn(16));
    case 3: return (int16_t)rnd();
    default: return (int32_t)rnd();
    }
}

uint64_t pick_in(uint64_t lo, uint64_t hi, int msz, int align)
{
    /* address a with lo <= a, a + msz <= hi */
    uint64_t span = hi - lo - msz;
    uint64_t a = lo + rnd() % (span + 1);
    if (rn(3) == 0) a = lo + (rnd() % (span + 1)) / 8 * 8; /* 8-aligned */
    if (align > 1) a = (a + align - 1) & ~(uint64_t)(align - 1);
    if (a + msz > hi) a -= align > 1 ? align : 0;
    return a;
}
static uint64_t noncanon(void)
{
    switch (rn(4)) {
    case 0: return 0x8000000000000000ull + (rnd() & 0xffff);
    case 1: return 0x0000800000000000ull + (rnd() & 0xfff);
    case 2: return 0xffff7ffffffff000ull + (rnd() & 0xfff);
    default: return (rnd() | 0x0000800000000000ull) & ~0x8000000000000000ull;
    }
}
static int canonical(uint64_t a) { return (uint64_t)((int64_t)(a << 16) >> 16) == a; }

void setaddr(int r, uint64_t v, int as)
{
    uint64_t am = msk(as * 8), full = v & am;
    if (as * 8 < W && rn(2)) full |= rnd() & ~am;
    T.r[r] = full & msk(W);
    T.locked |= 1u << r;
}

/* Picks a random ModRM memory encoding for address size as (2/4/8) whose effective
 * address lies inside a mapped region with room for msz bytes, and sets the address
 * registers. Returns 0 if none found. */
int pick_mem(rm_t *m, int as, int msz, int align, uint32_t avoid, int flags, int rspadj)
{
    static const int b16[8] = {RBX, RBX, RBP, RBP, RSI, RDI, RBP, RBX};
    static const int i16[8] = {RSI, RDI, RSI, RDI, -1, -1, -1, -1};
    uint64_t am = msk(as * 8);
    for (int tries = 0; tries < 400; tries++) {
        memset(m, 0, sizeof *m);
        m->as = as;
        m->base = m->index = -1;
        m->scale = 1;
        m->mod = rn(3);
        if (as == 2) {
            m->rmf = rn(8);
            if (m->mod == 0 && m->rmf == 6) m->dsz = 2;
            else {
                m->base = b16[m->rmf];
                m->index = i16[m->rmf];
                m->dsz = m->mod == 1 ? 1 : m->mod == 2 ? 2 : 0;
            }
        } else {
            int rex = M64 && !(flags & PM_NOREX);
            m->dsz = m->mod == 1 ? 1 : m->mod == 2 ? 4 : 0;
            if (rn(5) < 3) {
                static const int rms[7] = {0, 1, 2, 3, 5, 6, 7};
                m->rmf = rms[rn(7)];
                m->rexb = rex && rn(3) == 0;
                if (m->mod == 0 && m->rmf == 5) {
                    m->dsz = 4;
                    m->rip = M64;
                } else m->base = m->rmf + 8 * m->rexb;
            } else {
                m->hassib = 1;
                m->rmf = 4;
                int sb = rn(8), si = rn(8), ss = rn(4);
                m->rexb = rex && rn(3) == 0;
                m->rexx = rex && rn(3) == 0;
                m->sib = ss << 6 | si << 3 | sb;
                m->scale = 1 << ss;
                if (!(si == 4 && !m->rexx)) m->index = si + 8 * m->rexx;
                if (sb == 5 && m->mod == 0) m->dsz = 4;
                else m->base = sb + 8 * m->rexb;
            }
        }
        if (m->base >= 0 && m->base != RSP && ((avoid >> m->base) & 1)) continue;
        if (m->base == RSP && ((avoid >> RSP) & 1)) continue;
        if (m->index >= 0 && (((avoid >> m->index) & 1) || locked(m->index))) continue;
        if (m->base >= 0 && m->base != RSP && locked(m->base)) continue;
        int64_t disp = m->dsz ? rdisp(m->dsz) : 0;
        if (flags & PM_WILD) {
            /* address registers keep their random values */
            uint64_t ea = disp;
            if (m->base >= 0) ea += T.r[m->base];
            if (m->index >= 0) ea += T.r[m->index] * m->scale;
            if (m->rip) ea = rnd() & 0xffffffffu;
            m->ea = ea & am;
            m->disp = (uint32_t)disp;
            if (m->rip) m->ea = T.rip + 16 + (int32_t)m->disp; /* approximate */
        } else {
            int rspb = m->base == RSP;
            uint64_t lo = 0, hi = 0, t;
            if (flags & PM_NONCANON) {
                if (as != 8 || m->rip || (m->base < 0 && m->index < 0) || (rspb && m->index < 0))
                    continue;
                t = noncanon();
            } else {
                if (rspb) {
                    uint64_t rv = T.r[RSP] + rspadj;
                    lo = rv - 0x300;
                    hi = rv + 0x300;
                    if (lo < STACK_BASE + 0x40) lo = STACK_BASE + 0x40;
                    if (hi > STACK_BASE + STACK_SIZE - 0x40) hi = STACK_BASE + STACK_SIZE - 0x40;
                } else if (as == 2) {
                    lo = LOW_BASE + 0x40;
                    hi = LOW_BASE + LOW_SIZE - 0x40;
                } else {
                    lo = DATA_BASE + 0x40;
                    hi = DATA_BASE + DATA_SIZE - 0x40;
                }
                t = pick_in(lo, hi, msz, align);
            }
            if (m->rip) {
                m->ea = t;
            } else if (m->base < 0 && m->index < 0) {
                if (as == 8 && t >= 0x80000000u) continue;
                disp = (int64_t)t;
                if (as == 2) disp = (int16_t)t;
                m->ea = t;
            } else if (rspb) {
                uint64_t rv = (T.r[RSP] + rspadj) & am;
                if (m->index < 0) {
                    t = (rv + disp) & am;
                } else {
                    uint64_t D = (t - rv - disp) & am;
                    t -= D % m->scale;
                    D -= D % m->scale;
                    setaddr(m->index, D / m->scale, as);
                }
                m->ea = t & am;
            } else if (m->index < 0) {
                setaddr(m->base, t - disp, as);
                m->ea = t;
            } else if (m->base < 0) {
                uint64_t D = (t - disp) & am;
                t -= D % m->scale;
                D -= D % m->scale;
                setaddr(m->index, D / m->scale, as);
                m->ea = t;
            } else if (m->base == m->index) {
                uint64_t D = (t - disp) & am, r = D % (uint64_t)(m->scale + 1);
                t -= r;
                setaddr(m->base, (D - r) / (m->scale + 1), as);
                m->ea = t;
            } else {
                uint64_t iv = rn(3) ? opval(as * 8) : (uint64_t)(int64_t)(int16_t)rnd();
                setaddr(m->index, iv, as);
                setaddr(m->base, t - (T.r[m->index] & am) * m->scale - disp, as);
                m->ea = t;
            }
            m->ea &= am;
            if (!(flags & PM_NONCANON)) {
                if (m->ea < lo || m->ea + msz > hi || (align > 1 && (m->ea & (align - 1)))) {
                    T.locked &= 1u << RSP;
                    continue;
                }
            } else if (canonical(m->ea)) {
                T.locked &= 1u << RSP;
                continue;
            }
        }
        m->disp = (uint32_t)disp;
        /* tag */
        char *p = m->tag;
        p += sprintf(p, "[");
        if (as == 2) {
            static const char *n16[8] = {"bx+si", "bx+di", "bp+si", "bp+di", "si", "di", "bp", "bx"};
            p += sprintf(p, "%s", m->base < 0 ? "" : n16[m->rmf]);
        } else {
            if (m->rip) p += sprintf(p, "%s", as == 8 ? "rip" : "eip");
            else if (m->base == RSP) p += sprintf(p, "%s", as == 8 ? "rsp" : "esp");
            else if (m->base >= 0) p += sprintf(p, "b");
            if (m->index >= 0) p += sprintf(p, "%si*%d", m->base >= 0 ? "+" : "", m->scale);
            else if (m->hassib && m->base >= 0 && m->base != RSP) p += sprintf(p, "+sib");
        }
        if (m->dsz) p += sprintf(p, "%sd%d", (m->base >= 0 || m->index >= 0 || m->rip) ? "+" : "", m->dsz * 8);
        p += sprintf(p, "]");
        if (as != defas()) sprintf(p, " a%d", as * 8);
        return 1;
    }
    return 0;
}

void emit_mem(const rm_t *m, int reg)
{
    eb((uint8_t)(m->mod << 6 | (reg & 7) << 3 | m->rmf));
    if (m->hassib) eb((uint8_t)m->sib);
    if (m->rip) {
        T.ripfix = T.len;
        T.ripea = m->ea;
    }
    ebytes(m->disp, m->dsz);
}

uint64_t code_target(void)
{
    uint64_t t;
    do t = CODE_BASE + 0x10 + rn(CODE_SIZE - 0x20);
    while (t >= INSN_ADDR - 2 && t < INSN_ADDR + 18);
    return t - cs_base;
}

void stack_window(int below, int above)
{
    t_range(T.r[RSP] - below, below + above);
}

/* ------------------------------------------------------ generic ModRM */
typedef struct {
    const form_t *f;
    int os, msz, mem, e, g, rexon, rexw;
    uint32_t avoid; /* registers not to use as address / E registers */
    int align;
    rm_t m;
    uint64_t imm;
    int immsz;
} ctx_t;

int sizes_of(const form_t *f, int *l)
{
    int n = 0;
    if (f->sizes & S8) l[n++] = 1;
    if (f->sizes & S16) l[n++] = 2;
    if (f->sizes & S32) l[n++] = (M64 && (f->fl & F_W64)) ? 0 : (P16 && f->sizes == S32) ? 2 : 4;
    if (f->sizes & S64) l[n++] = M64 ? 8 : 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (l[i]) l[k++] = l[i];
    if (M64 && (f->fl & F_W64) && (f->sizes & S32) && !(f->sizes & S64)) l[k++] = 8;
    return k;
}


static void getE_set(ctx_t *c, uint64_t v)
{
    if (c->mem) mem_poke(c->m.ea, v, c->msz);
    else rset(c->e, c->msz, c->rexon, v);
}
static uint64_t getE(ctx_t *c)
{
    return c->mem ? mem_peek(c->m.ea, c->msz) : rget(c->e, c->msz, c->rexon);
}

static int shift_count(int bits)
{
    static const int fx[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 0xff, 0x80, 0x41, 0x21, 0x3f, 0x40, 0xe0};
    switch (rn(5)) {
    case 0: return bits - 1;
    case 1: return bits + (int)rn(3) - 1;
    case 2:
    case 3: return fx[rn(sizeof fx / sizeof *fx)];
    default: return rn(2) ? (int)rn(bits) : (int)rn(256);
    }
}

/* division operands: dividend in rDX:rAX (AX for bytes), divisor value returned */
#if M64
typedef unsigned __int128 u2;
typedef __int128 s2;
#else
typedef uint64_t u2;
typedef int64_t s2;
#endif
static void div_vals(ctx_t *c, int sgn)
{
    int b = c->os * 8;
    uint64_t m = msk(b), d, q, r;
    u2 dv;
    int k = rn(10);
    do d = val(b);
    while (d == 0);
    if (k < 2) {
        d = 0;
        dv = ((u2)val(b) << b) | val(b);
    } else if (!sgn) {
        if (k < 4) dv = ((u2)(d | val(b)) << b) | val(b); /* high part >= divisor */
        else {
            q = val(b);
            r = (rnd() & m) % d;
            dv = (u2)q * d + r;
        }
    } else {
        s2 sq, sd = (s2)(int64_t)sext(d, b), sr;
        if (k < 4) {
            if (rn(3) == 0) {
                sd = -1;
                d = m;
                dv = (u2)1 << (2 * b - 1);
            } else {
                sq = rn(2) ? ((s2)1 << (b - 1)) + rn(3) : -((s2)1 << (b - 1)) - 1 - rn(3);
                if (sd > -3 && sd < 3) sd = rn(2) ? 5 : -7;
                d = (uint64_t)sd & m;
                dv = (u2)(sq * sd);
            }
        } else {
            sq = (s2)(int64_t)sext(val(b), b);
            s2 ad = sd < 0 ? -sd : sd;
            sr = (s2)(rnd() % (uint64_t)ad);
            s2 p = sq * sd;
            if (p < 0 || (p == 0 && rn(2))) sr = -sr;
            dv = (u2)(p + sr);
        }
    }
    getE_set(c, d);
    if (b == 8) rset(RAX, 2, 1, (uint64_t)dv & 0xffff);
    else {
        rset(RAX, c->os, 1, (uint64_t)dv & m);
        rset(RDX, c->os, 1, (uint64_t)(dv >> b) & m);
    }
}

/* called after registers/memory are chosen: sets interesting values */
static void hook(ctx_t *c)
{
    const form_t *f = c->f;
    int bits = c->os * 8;
    /* defaults */
    if (c->mem) {
        if (!(f->fl & F_NOACC)) mem_poke(c->m.ea, opval(c->msz * 8 > 64 ? 64 : c->msz * 8), c->msz > 8 ? 8 : c->msz);
    } else rset(c->e, c->msz, c->rexon, opval(c->msz * 8));
    if (f->digit < 0) rset(c->g, c->os, c->rexon, opval(bits));
    switch (f->vh) {
    case VH_SHIFT: {
        int cnt = f->a == 0 ? 1 : shift_count(bits);
        if (f->a == 1) rset(RCX, 1, 1, cnt);
        else if (f->a == 2) c->imm = cnt;
        if (f->a == 1) cnt = T.r[RCX] & 0xff; /* rcx may be the operand */
        int mc = cnt & (bits == 64 ? 0x3f : 0x1f), op = f->digit;
        if (mc) {
            if (op >= 4) {
                T.uflags |= AF;
                if (op != 7 && mc >= bits) T.uflags |= CF;
            }
            if (mc != 1) T.uflags |= OF;
        }
        break;
    }
    case VH_SHLD: {
        int cnt;
        for (;;) {
            cnt = shift_count(bits);
            if (!(c->mem && bits == 16 && (cnt & 0x1f) > 16)) break;
        }
        if (f->a == 1) {
            rset(RCX, 1, 1, cnt);
            cnt = T.r[RCX] & 0xff;
        } else c->imm = cnt;
        int mc = cnt & (bits == 64 ? 0x3f : 0x1f);
        if (mc) {
            T.uflags |= AF;
            if (mc != 1) T.uflags |= OF;
            if (mc > bits) {
                T.uflags |= ARITH;
                if (c->mem) t_skip();
                else T.uregs |= 1u << c->e;
            }
        }
        break;
    }
    case VH_DIV:
    case VH_IDIV: div_vals(c, f->vh == VH_IDIV); break;
    case VH_CMPXCHG:
        if (rn(2)) rset(RAX, c->os, c->rexon || c->os > 1, getE(c));
        break;
    case VH_CX8: {
        int n = c->os == 8 ? 8 : 4;
        if (!c->mem) break;
        uint64_t lo = mem_peek(c->m.ea, n), hi = mem_peek(c->m.ea + n, n);
        if (rn(2)) {
            rset(RAX, n, 1, lo);
            rset(RDX, n, 1, hi);
        } else if (rn(2)) rset(RAX, n, 1, lo);
        break;
    }
    case VH_BSF:
    case VH_ZERO:
        if (rn(4) == 0) getE_set(c, rn(2) ? 0 : 1ull << rn(bits));
        if (f->vh == VH_BSF && (getE(c) & msk(bits)) == 0) T.uregs |= 1u << c->g;
        break;
    case VH_BT:
        if (c->mem && f->digit < 0) {
            /* register bit offset: any signed value keeping the bit inside the data pages */
            int64_t lim = bits == 16 ? 4000 : 0x1f00;
            int64_t rb = c->m.ea >= STACK_BASE ? STACK_BASE : c->m.ea >= DATA_BASE ? DATA_BASE : LOW_BASE;
            int64_t lo = rb + 0x20 - (int64_t)c->m.ea, hi = rb + 0x2000 - 0x20 - (int64_t)c->m.ea;
            if (lo < -lim) lo = -lim;
            if (hi > lim) hi = lim;
            int64_t byteoff = lo + (int64_t)(rnd() % (uint64_t)(hi - lo));
            int64_t off = byteoff * 8 + rn(8);
            rset(c->g, c->os, c->rexon, (uint64_t)off);
            off = (int64_t)sext(rget(c->g, c->os, c->rexon), bits);
            int64_t chunk = (off >= 0 ? off / bits : -((-off + bits - 1) / bits)) * (bits / 8);
            t_range(c->m.ea + chunk, c->os);
        } else if (f->digit < 0 && rn(2)) rset(c->g, c->os, c->rexon, rn(256));
        break;
    case VH_TARGET: getE_set(c, code_target()); break;
    case VH_BOUND: {
        int64_t lo = (int64_t)sext(val(bits), bits), hi = (int64_t)sext(val(bits), bits);
        if (lo > hi) {
            int64_t x = lo;
            lo = hi;
            hi = x;
        }
        mem_poke(c->m.ea, (uint64_t)lo, c->os);
        mem_poke(c->m.ea + c->os, (uint64_t)hi, c->os);
        int64_t ix;
        switch (rn(5)) {
        case 0: ix = lo; break;
        case 1: ix = hi; break;
        case 2: ix = lo - 1; break;
        case 3: ix = hi + 1; break;
        default: ix = (int64_t)sext(val(bits), bits); break;
        }
        rset(c->g, c->os, 1, (uint64_t)ix);
        break;
    }
    default: break;
    }
}

static void finish_name(ctx_t *c, const char *extra)
{
    const form_t *f = c->f;
    char *p = T.name + strlen(T.name);
    size_t room = sizeof T.name - (p - T.name);
    int n = snprintf(p, room, " o%d", c->os * 8);
    p += n;
    room -= n;
    if (c->mem) n = snprintf(p, room, " %s", c->m.tag);
    else n = snprintf(p, room, "%s", (c->rexon && !c->rexw && (c->os == 1 || c->msz == 1)) ? " rex" : "");
    p += n;
    room -= n;
    if (extra && *extra) snprintf(p, room, " %s", extra);
    (void)f;
}

static void pad_to(int target)
{
    int k = target - T.len;
    if (k <= 0) return;
    memmove(T.b + k, T.b, T.len);
    for (int i = 0; i < k; i++) T.b[i] = 0x3e;
    T.len += k;
    if (T.ripfix) T.ripfix += k;
}

/* builds and runs one ModRM test; returns 0 if no encoding was found */
static int mk(ctx_t *c)
{
    const form_t *f = c->f;
    int norex = (f->fl & F_STALEREX) != 0;
    int nr = (M64 && !norex) ? 16 : 8;
    c->msz = f->msz ? f->msz : c->os;
    if (f->vh == VH_SREG && !c->mem) c->msz = c->os;
    if (f->vh == VH_CX8) c->msz = c->os == 8 ? 16 : 8;
    c->avoid = 0;
    switch (f->vh) {
    case VH_SHIFT:
    case VH_SHLD:
        if (f->a == 1) c->avoid |= 1u << RCX;
        break;
    case VH_DIV:
    case VH_IDIV: c->avoid |= 1u << RAX | 1u << RDX; break;
    case VH_CMPXCHG: c->avoid |= 1u << RAX; break;
    case VH_CX8: c->avoid |= 0xf; break;
    case VH_TARGET: c->avoid |= 1u << RSP; break;
    default: break;
    }
    if (f->fl & F_RSPADJ) c->avoid |= 0; /* rsp base allowed, adjusted */
    /* G */
    if (f->vh == VH_SREG && f->digit < 0) c->g = rn(6);
    else if (f->digit >= 0) c->g = f->digit;
    else {
        int ctl = f->vh == VH_BT || f->vh == VH_BOUND; /* hook needs to set G: not rsp */
        do c->g = rn(nr);
        while (ctl && c->g == RSP && !(c->os == 1));
    }
    uint32_t gav = 0;
    if (f->digit < 0 && (f->vh == VH_BT || f->vh == VH_BOUND)) gav = 1u << c->g;
    if (f->digit < 0 && f->vh == VH_BT && c->os == 1) gav = 0;
    c->rexw = c->os == 8 && !(f->fl & F_W64);
    if (M64 && (f->fl & F_W64) && c->os == 8 && rn(4) == 0) c->rexw = 1;
    int defas_ = defas();
    if (c->mem) {
        int as = defas_;
        if (!(f->fl & (F_NO67 | F_NONCANON)) && rn(5) == 0) as = altas();
        int fl = (f->fl & F_NONCANON ? PM_NONCANON : 0) | (f->fl & F_WILD ? PM_WILD : 0) | (norex ? PM_NOREX : 0);
        int rspadj = (f->fl & F_RSPADJ) ? c->os : 0;
        int msz = c->msz;
        if (f->vh == VH_BT && f->digit < 0) msz = 8;
        if (!pick_mem(&c->m, as, msz, c->align, c->avoid | gav, fl, rspadj)) return 0;
        if (!(f->fl & (F_NOACC | F_NONCANON)) && !(f->vh == VH_BT && f->digit < 0)) t_range(c->m.ea, c->msz);
    } else {
        uint32_t av = c->avoid;
        if (f->vh == VH_DIV || f->vh == VH_IDIV || f->vh == VH_SHIFT || f->vh == VH_SHLD)
            if (rn(8) == 0) av = 0;
        do c->e = rn(nr);
        while ((av >> c->e) & 1);
    }
    /* REX */
    int R = (c->g >> 3) & 1, X = c->mem ? c->m.rexx : 0, B = c->mem ? c->m.rexb : (c->e >> 3) & 1;
    int need = c->rexw || R || X || B;
    int bytes = c->os == 1 || c->msz == 1;
    c->rexon = M64 && !norex && (need || (!(f->fl & F_NOREX) && rn(bytes ? 3 : 6) == 0));
    if (f->vh == VH_SREG) R = 0, c->rexon = M64 && (need || rn(6) == 0);
    if (f->fl & F_STACK) stack_window(32, 32);
    T.uflags |= f->undef;
    hook(c);
    if (T.skip) return 1;
    /* encode */
    T.len = 0;
    if (f->fl & F_LOCK) eb(0xf0);
    for (int i = 0; c->mem && i < f->a && (f->fl & F_SEGPFX); i++) {
        static const uint8_t seg[4] = {0x26, 0x36, 0x3e, 0x2e}; /* no CS override in 32-bit: read-only */
        eb(seg[rn(M64 ? 4 : 3)]);
    }
    if (c->mem && c->m.as != defas_) eb(0x67);
    if (f->fl & F_STALEREX) {
        eb((uint8_t)(0x40 | rn(16)));
        eb(f->pfx);
    } else {
        if (need66(c->os) || (f->fl & F_66W)) eb(0x66);
        if (f->pfx) eb(f->pfx);
        if (c->rexon) eb((uint8_t)(0x40 | c->rexw << 3 | R << 2 | X << 1 | B));
    }
    for (int i = 0; i < f->oplen; i++) eb(f->op[i]);
    if (c->mem) emit_mem(&c->m, c->g);
    else eb((uint8_t)(0xc0 | (c->g & 7) << 3 | (c->e & 7)));
    int isz = 0;
    switch (f->imm) {
    case IB: isz = 1; break;
    case IW: isz = 2; break;
    case ID4: isz = 4; break;
    case IZ: isz = c->os >= 4 ? 4 : c->os; break;
    case IV: isz = c->os; break;
    }
    if (isz) {
        uint64_t iv = (f->vh == VH_SHIFT || f->vh == VH_SHLD) ? c->imm : val(isz * 8);
        if (f->vh == VH_BT) iv = rn(2) ? rn(256) : rn(c->os * 8); /* bt imm8 */
        ebytes(iv, isz);
    }
    if (f->fl & F_PAD15) pad_to(15);
    if (f->fl & F_PAD16) pad_to(16);
    finish_name(c, NULL);
    return 1;
}

void g_modrm(const form_t *f)
{
    int sz[4], ns = sizes_of(f, sz);
    if (!ns) return;
    for (int i = 0; i < f->n; i++) {
        ctx_t c;
        memset(&c, 0, sizeof c);
        c.f = f;
        c.os = sz[i % ns];
        int k = i / ns;
        c.mem = (f->fl & F_MEM) ? 1 : (f->fl & F_REG) ? 0 : (k % 3 != 0);
        if (f->vh == VH_CX8 && c.mem) {
            c.align = (c.os == 8 && rn(6)) ? 16 : 1;
        }
        t_new(f);
        if (f->vh == VH_TARGET || (f->fl & F_BRANCH)) T.branch = 1;
        if (!mk(&c) || T.skip) {
            i--; /* retry with other random choices */
            continue;
        }
        t_run();
    }
}

/* ------------------------------------------------------ acc, imm */
void g_accimm(const form_t *f)
{
    int sz[4], ns = sizes_of(f, sz);
    for (int i = 0; i < f->n; i++) {
        int os = sz[i % ns];
        t_new(f);
        rset(RAX, os, 1, opval(os * 8));
        if (need66(os)) eb(0x66);
        if (M64 && (os == 8 || rn(8) == 0)) eb((uint8_t)(0x40 | (os == 8) << 3 | rn(8)));
        eb(f->op[0]);
        ebytes(val(os >= 4 ? 32 : os * 8), os >= 4 ? 4 : os);
        T.uflags = f->undef;
        char *p = T.name + strlen(T.name);
        sprintf(p, " o%d", os * 8);
        t_run();
    }
}

/* ------------------------------------------------------ opcode+reg */
void g_opreg(const form_t *f)
{
    int sz[4], ns = sizes_of(f, sz);
    for (int i = 0; i < f->n; i++) {
        int os = sz[i % ns];
        t_new(f);
        int r = rn(NR);
        if (f->vh == VH_SIGN && r == 0 && !M64) r = 1 + rn(7); /* xchg: 90 is nop */
        int rexw = os == 8 && !(f->fl & F_W64);
        if (M64 && (f->fl & F_W64) && os == 8 && rn(4) == 0) rexw = 1;
        int B = r >> 3;
        int rexon = M64 && (rexw || B || rn(os == 1 ? 2 : 5) == 0);
        if (f->vh == VH_SIGN && r == 0 && !rexon) rexon = 1, B = 0; /* 90 without REX is nop */
        rset(r, os, rexon, opval(os * 8));
        if (f->fl & F_STACK) stack_window(48, 48);
        if (need66(os)) eb(0x66);
        if (rexon) eb((uint8_t)(0x40 | rexw << 3 | B | (rn(4) == 0 ? 2 : 0)));
        for (int k = 0; k < f->oplen - 1; k++) eb(f->op[k]);
        eb((uint8_t)(f->op[f->oplen - 1] + (r & 7)));
        if (f->imm) ebytes(val(f->imm == IV ? os * 8 : 8), f->imm == IV ? os : 1);
        T.uflags = f->undef;
        char *p = T.name + strlen(T.name);
        sprintf(p, " o%d%s", os * 8, (rexon && !rexw && os == 1) ? " rex" : "");
        t_run();
    }
}

/* ------------------------------------------------------ no ModRM */
void g_plain(const form_t *f)
{
    int sz[4], ns = sizes_of(f, sz);
    for (int i = 0; i < f->n; i++) {
        int os = sz[i % ns], as = defas();
        t_new(f);
        T.uflags = f->undef;
        T.branch = (f->fl & F_BRANCH) != 0;
        int rexw = os == 8 && !(f->fl & F_W64);
        if (M64 && (f->fl & F_W64) && os == 8 && rn(4) == 0) rexw = 1;
        uint64_t imm = 0;
        int isz = f->imm == IB ? 1 : f->imm == IW ? 2 : f->imm == IZ ? (os >= 4 ? 4 : os) : f->imm == ID4 ? 4 : 0;
        if (isz) imm = val(isz * 8);
        switch (f->vh) {
        case VH_XLAT:
            as = f->a ? altas() : as;
            {
                uint64_t lo = as == 2 ? LOW_BASE + 0x40 : DATA_BASE + 0x40;
                uint64_t b = lo + rn(0x1e00 - 0x140);
                setaddr(RBX, b, as);
                t_range(b, 256);
            }
            break;
        case VH_POPF: {
            uint64_t v = (rnd() & 0x3bfed7) | 2; /* never TF, AC */
            if (rn(4) == 0) v |= rnd() & 0x8028; /* reserved bits */
            if (rn(3) == 0) v &= ~(uint64_t)(ID | NT);
            if (os == 8 && rn(4) == 0) v |= rnd() & 0xffffffff00000000ull;
            mem_poke(T.r[RSP], v, os);
            stack_window(16, 16);
            break;
        }
        case VH_RET:
            mem_poke(T.r[RSP], code_target(), os);
            if (isz && rn(3)) imm = rn(3) ? rn(64) * 2 : rn(2) * 8;
            stack_window(16, 16);
            break;
        case VH_ENTER: {
            static const int lv[] = {0, 1, 2, 3, 0, 1, 2, 3, 4, 7, 32, 33, 34};
            int level = lv[rn(sizeof lv / sizeof *lv)];
            /* AMD probes the final stack pointer: keep the allocation inside the stack page */
            uint16_t size = rn(3) == 0 ? (uint16_t)(rnd() & 0x1ff) : (uint16_t)(rn(4) == 0 ? 0 : rn(9) * 8);
            imm = size | (uint64_t)level << 16;
            uint64_t rbp = T.r[RSP] + 0x10 + rn(0x40) * 8;
            T.r[RBP] = rbp & msk(W);
            int l = level & 31;
            stack_window(16 + (l + 2) * os, 16);
            t_range(T.r[RSP] - (l + 1) * os - size - 8, 16);
            t_range(rbp - (l + 1) * os - 8, (l + 1) * os + 16);
            break;
        }
        case VH_LEAVE: {
            uint64_t rbp = T.r[RSP] + rn(0x40) * 8 - 0x80;
            T.r[RBP] = rbp;
            t_range(rbp - 8, 24);
            break;
        }
        case VH_BCD: {
            static const uint8_t e[] = {0x00, 0x09, 0x0a, 0x0f, 0x10, 0x19, 0x1a, 0x99, 0x9a, 0x9f,
                                        0xa0, 0xf9, 0xfa, 0xff, 0x80, 0x7f, 0x90, 0x06, 0x60, 0x66};
            uint64_t al = rn(2) ? e[rn(sizeof e)] : rn(256);
            rset(RAX, 1, 1, al);
            if (rn(3) == 0) rset(4, 1, 0, rn(2) ? rn(16) : rn(256));
            break;
        }
        case VH_AAM:
            rset(RAX, 2, 1, rn(2) ? rn(0x10000) : rn(256));
            imm = rn(5) < 2 ? 10 : rn(5) == 0 ? 0 : rn(3) == 0 ? 16 : rn(256);
            break;
        case VH_INTO: T.trap_ok = 1; break;
        case VH_SIGN:
            rset(RAX, os, 1, opval(os * 8));
            if (rn(2)) rset(RAX, os, 1, (rn(2) ? 0x80ull : 0x7full) << (os * 8 - 8) | (rnd() & msk(os * 8 - 8)));
            break;
        case VH_PUSHA: stack_window(16 + 8 * os, 16 + 8 * os); break;
        case VH_STACK: stack_window(32, 32); break;
        case VH_PUSHSREG:
            /* with a 32-bit operand size AMD writes the selector zero-extended, recent Intel
             * cores write only 16 bits: zero upper bytes make both give the same memory */
            if (os == 4) mem_poke(T.r[RSP] - 2, 0, 2);
            break;
        default: break;
        }
        if (f->fl & F_STACK) stack_window(32, 32);
        if (as != defas()) eb(0x67);
        if (need66(os)) eb(0x66);
        if (f->pfx) eb(f->pfx);
        if (rexw) eb(0x48);
        for (int k = 0; k < f->oplen; k++) eb(f->op[k]);
        ebytes(imm, f->vh == VH_ENTER ? 3 : isz);
        char *p = T.name + strlen(T.name);
        if (ns > 1 || (f->sizes != S32 && f->sizes != (S32 | S64)))
            p += sprintf(p, " o%d", os * 8);
        if (as != defas()) sprintf(p, " a%d", as * 8);
        t_run();
    }
}

/* ------------------------------------------------------ moffs */
void g_moffs(const form_t *f)
{
    int sz[4], ns = sizes_of(f, sz);
    for (int i = 0; i < f->n; i++) {
        int os = sz[i % ns];
        int alt = (i / ns) % 3 == 2;
        int as = alt ? altas() : defas();
        t_new(f);
        uint64_t lo = as == 2 ? LOW_BASE + 0x40 : DATA_BASE + 0x40;
        uint64_t a = pick_in(lo, lo + 0x2000 - 0x80, os, 1);
        mem_poke(a, opval(os * 8), os);
        t_range(a, os);
        if (alt) eb(0x67);
        if (need66(os)) eb(0x66);
        if (M64 && (os == 8 || rn(6) == 0)) eb((uint8_t)(0x40 | (os == 8) << 3 | rn(8)));
        eb(f->op[0]);
        ebytes(a, as);
        char *p = T.name + strlen(T.name);
        p += sprintf(p, " o%d", os * 8);
        if (alt) sprintf(p, " a%d", as * 8);
        t_run();
    }
}
