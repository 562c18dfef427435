/* gen2.c - generators for string instructions, relative branches and VEX (BMI) forms */
#include "gen.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------ strings */
/* f->a: 0 movs 1 cmps 2 stos 3 lods 4 scas; f->b: 0 none/rep/repne, 1 f3 f3, 2 f2 f3, 3 f3 f2,
 * 4 segment override on the source */
void g_string(const form_t *f)
{
    int sz[4], ns = sizes_of(f, sz), kind = f->a;
    for (int i = 0; i < f->n; i++) {
        int os = sz[i % ns], k = i / ns;
        int rep = (f->b >= 1 && f->b <= 3) ? 1 : k % 3; /* 0 none, 1 F3, 2 F2 */
        int alt = (k / 3) % 4 == 3;
        int as = alt ? altas() : defas();
        uint64_t am = msk(as * 8);
        t_new(f);
        int df = rn(2);
        T.fl = (T.fl & ~(uint64_t)DF) | (df ? DF : 0);
        int cnt = 1;
        if (rep) {
            cnt = rn(21);
            uint64_t v = (uint64_t)cnt;
            if (as * 8 < W && rn(2)) v |= rnd() & ~am & msk(W);
            T.r[RCX] = v;
            T.locked |= 1u << RCX;
        }
        int n = cnt ? cnt : 1;
        uint64_t lo = as == 2 ? LOW_BASE : DATA_BASE;
        int span = 21 * os + 24;
        uint64_t si = lo + span + rnd() % (0x2000 - 2 * span);
        uint64_t di = lo + span + rnd() % (0x2000 - 2 * span);
        if (kind == 0 && rn(4) == 0) di = si + (rn(2) ? 1 : -1) * (int)(rn(3) + 1) * (rn(2) ? os : 1);
        if (kind == 1 && rn(3) == 0) di = si + (rn(2) ? 1 : -1) * (int)(rn(64) + 24 * os);
        setaddr(RSI, si, as);
        setaddr(RDI, di, as);
        int step = df ? -os : os;
        uint64_t ax = T.r[RAX] & msk(os * 8);
        if (kind == 4 && rn(3) == 0) ax = mem_peek(di, os);
        for (int j = 0; j < n; j++) {
            uint64_t s = si + (int64_t)j * step, d = di + (int64_t)j * step;
            int peq = rep == 1 ? 85 : rep == 2 ? 15 : 50;
            if (f->b >= 1 && f->b <= 3) peq = 50;
            if (kind == 1) {
                uint64_t v = mem_peek(s, os);
                if ((int)rn(100) >= peq) v ^= 1ull << rn(os * 8);
                mem_poke(d, v, os);
            } else if (kind == 4) {
                mem_poke(d, (int)rn(100) < peq ? ax : mem_peek(d, os), os);
            }
        }
        uint64_t slo = df ? si - (uint64_t)(n - 1) * os : si, dlo = df ? di - (uint64_t)(n - 1) * os : di;
        if (kind == 0 || kind == 1 || kind == 3) t_range(slo, (uint64_t)n * os);
        if (kind != 3) t_range(dlo, (uint64_t)n * os);
        if (f->b == 4) {
            static const uint8_t seg[4] = {0x26, 0x36, 0x3e, 0x2e};
            eb(seg[rn(4)]);
        }
        if (alt) eb(0x67);
        if (need66(os)) eb(0x66);
        switch (f->b) {
        case 1: eb(0xf3); eb(0xf3); break;
        case 2: eb(0xf2); eb(0xf3); break;
        case 3: eb(0xf3); eb(0xf2); break;
        default:
            if (rep) eb(rep == 1 ? 0xf3 : 0xf2);
        }
        if (os == 8) eb(0x48);
        eb((uint8_t)(f->op[0] + (os > 1)));
        static const char *rp[3] = {"", " rep", " repne"};
        static const char *rpe[3] = {"", " repe", " repne"};
        char *p = T.name + strlen(T.name);
        p += sprintf(p, " o%d%s df%d", os * 8, (f->b && f->b != 4) ? "" : (kind == 1 || kind == 4) ? rpe[rep] : rp[rep], df);
        if (alt) sprintf(p, " a%d", as * 8);
        t_run();
    }
}

/* ------------------------------------------------------ relative branches */
/* f->b: 0 jcc/jmp, 1 call, 2 jrcxz, 3 loop/loope/loopne */
static uint64_t cx_value(void)
{
    static const uint64_t v[] = {0, 0, 1, 2, 0x100000000ull, 0x10000, 0xffffffff, 0x100000001ull,
                                 0xffffffffffffffffull, 0xffff0000, 0x10001};
    uint64_t x = rn(3) == 0 ? rnd() : v[rn(sizeof v / sizeof *v)];
    return x & msk(W);
}
void g_jrel(const form_t *f)
{
    for (int i = 0; i < f->n; i++) {
        t_new(f);
        T.branch = 1;
        int alt = f->b >= 2 && i % 3 == 2;
        int isz = f->imm == IB ? 1 : P16 ? 2 : 4;
        int len = (f->pfx ? 1 : 0) + alt + f->oplen + isz;
        uint64_t tg;
        int64_t d;
        for (;;) {
            if (isz == 1) d = rn(6) == 0 ? (rn(2) ? 127 : -128) : (int8_t)rnd();
            else d = (int64_t)rn(0xfc0) - 0x7e0;
            tg = cs_base + insn_ip + len + d;
            if (tg >= INSN_ADDR && tg < (uint64_t)INSN_ADDR + len) continue;
            if (tg < CODE_BASE + 1 || tg >= CODE_BASE + CODE_SIZE - 1) continue;
            break;
        }
        if (f->b == 1) stack_window(32, 32);
        if (f->b >= 2) {
            T.r[RCX] = cx_value();
            if (rn(4) == 0) T.r[RCX] = (rnd() & ~msk(alt ? altas() * 8 : (M64 ? 16 : defas() * 8))) & msk(W);
        }
        if (f->pfx) eb(f->pfx);
        if (alt) eb(0x67);
        for (int k = 0; k < f->oplen; k++) eb(f->op[k]);
        ebytes((uint64_t)d, isz);
        if (alt) sprintf(T.name + strlen(T.name), " a%d", altas() * 8);
        t_run();
    }
}

/* ------------------------------------------------------ VEX GPR instructions */
/* f->a type: 0 G,V,E (andn pdep pext mulx)  1 G,E,V (bextr bzhi sarx shlx shrx)
 *            2 V,E /digit (blsi blsmsk blsr)  3 G,E,ib (rorx)
 * f->b: opcode map (2 = 0F38, 3 = 0F3A); f->pfx: pp (0 none, 1 66, 2 F3, 3 F2)
 * f->vh: 0 normal, 1 VEX.L=1, 2 66 before VEX, 3 REX before VEX, 4 F3 before VEX,
 *        5 rorx with vvvv != 1111 */
void g_vex(const form_t *f)
{
    for (int i = 0; i < f->n; i++) {
        int wbit = M64 ? (i & 1) : (i % 6 == 5);
        int os = (M64 && wbit) ? 8 : 4, bits = os * 8;
        int mem = (i / 2) % 3 == 2;
        t_new(f);
        T.uflags = f->undef;
        int g = f->a == 2 ? f->digit : (int)rn(NR), v = f->a == 3 ? 0 : (int)rn(NR), e = 0;
        if (f->vh == 5) v = 1 + rn(NR - 1);
        rm_t m;
        int as = defas();
        if (mem) {
            if (rn(5) == 0) as = altas();
            uint32_t av = (f->a == 1 ? 1u << v : 0) | (f->a == 0 && f->op[0] == 0xf6 ? 1u << RDX : 0);
            if (!pick_mem(&m, as, os, 1, av, 0, 0)) {
                i--;
                continue;
            }
            mem_poke(m.ea, opval(bits), os);
            t_range(m.ea, os);
        } else {
            e = rn(NR);
            rset(e, os, 1, opval(bits));
        }
        if (f->a != 2) rset(g, os, 1, opval(bits));
        if (f->a != 3) rset(v, os, 1, opval(bits));
        if (f->a == 1) {
            uint64_t cv;
            if (f->op[0] == 0xf7 && f->pfx == 0) { /* bextr: start, length */
                static const int e8[] = {0, 1, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 128, 255};
                int st = rn(2) ? e8[rn(14)] : (int)rn(bits + 2), ln = rn(2) ? e8[rn(14)] : (int)rn(bits + 2);
                cv = (uint64_t)(ln << 8 | st) | (rn(3) == 0 ? rnd() & ~0xffffull : 0);
            } else cv = rn(3) == 0 ? opval(bits) : (uint64_t)rn(bits + 8) | (rn(2) ? rnd() & ~0xffull : 0);
            rset(v, os, 1, cv);
        }
        if (f->a == 0 && f->op[0] == 0xf6) rset(RDX, os, 1, opval(bits));
        if (f->a == 0 && f->op[0] == 0xf5 && rn(2)) rset(v, os, 1, rnd() & rnd()); /* sparse mask */
        int R = g >> 3, X = mem ? m.rexx : 0, B = mem ? m.rexb : e >> 3;
        if (mem && as != defas()) eb(0x67);
        if (f->vh == 2) eb(0x66);
        if (f->vh == 4) eb(0xf3);
        if (f->vh == 3) eb(0x40);
        eb(0xc4);
        eb((uint8_t)((!R) << 7 | (!X) << 6 | (!B) << 5 | f->b));
        eb((uint8_t)(wbit << 7 | ((~v) & 15) << 3 | (f->vh == 1) << 2 | f->pfx));
        eb(f->op[0]);
        if (mem) emit_mem(&m, g);
        else eb((uint8_t)(0xc0 | (g & 7) << 3 | (e & 7)));
        if (f->a == 3) eb((uint8_t)(rn(2) ? rn(bits + 4) : rnd()));
        char *p = T.name + strlen(T.name);
        p += sprintf(p, " o%d%s", bits, (!M64 && wbit) ? " w1" : "");
        if (mem) sprintf(p, " %s", m.tag);
        t_run();
    }
}
