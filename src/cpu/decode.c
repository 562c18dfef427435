/*
 * The decoder (SDM Vol. 2A, 2.1-2.3 and Vol. 2D, Appendix A).
 *
 * Prefixes, REX and VEX are folded into a struct insn together with the
 * ModRM/SIB operand description and immediates; the opcode map itself is the
 * data in opcodes.def.
 */
#include "cpu/decode.h"

#include <string.h>

struct opdesc {
    insn_fn *fn;
    const char *name;
    uint64_t attr;
    uint8_t sub;
};

static const struct opdesc opcode_map[4 * 256] = {
#define OP(id, nm, f, s, a) [id] = { f, nm, a, s },
#define OPS(first, last, nm, f, s, a) [first ... last] = { f, nm, a, s },
#define GROUP(g, reg, nm, f, s, a)
#define VEX(map, op, pp, reg, nm, f, s, a)
#define GROUP7_REG(modrm, nm, f, a)
#include "cpu/opcodes.def"
#undef OP
#undef OPS
#undef GROUP
#undef VEX
#undef GROUP7_REG
};

static const struct opdesc group_map[G_COUNT][8] = {
#define OP(id, nm, f, s, a)
#define OPS(first, last, nm, f, s, a)
#define GROUP(g, reg, nm, f, s, a) [g][reg] = { f, nm, a, s },
#define VEX(map, op, pp, reg, nm, f, s, a)
#define GROUP7_REG(modrm, nm, f, a)
#include "cpu/opcodes.def"
#undef OP
#undef OPS
#undef GROUP
#undef VEX
#undef GROUP7_REG
};

struct vexdesc {
    uint8_t map, op, pp;
    int8_t reg;
    struct opdesc d;
};
static const struct vexdesc vex_map[] = {
#define OP(id, nm, f, s, a)
#define OPS(first, last, nm, f, s, a)
#define GROUP(g, reg, nm, f, s, a)
#define VEX(mp, o, p, r, nm, f, s, a) { mp, o, p, r, { f, nm, a, s } },
#define GROUP7_REG(modrm, nm, f, a)
#include "cpu/opcodes.def"
#undef OP
#undef OPS
#undef GROUP
#undef VEX
#undef GROUP7_REG
};

/* 0F 01 with ModRM.mod = 3 (other than SMSW/LMSW), by the whole ModRM byte. */
static const struct opdesc group7_reg_map[256] = {
#define OP(id, nm, f, s, a)
#define OPS(first, last, nm, f, s, a)
#define GROUP(g, reg, nm, f, s, a)
#define VEX(mp, o, p, r, nm, f, s, a)
#define GROUP7_REG(modrm, nm, f, a) [modrm] = { f, nm, a | A_MODRM, 0 },
#include "cpu/opcodes.def"
#undef OP
#undef OPS
#undef GROUP
#undef VEX
#undef GROUP7_REG
};

/* Forms chosen by prefixes or ModRM that the map cannot express as one row. */
static const struct opdesc d_movsxd = { op_movsxd, "movsxd", A_MODRM, 0 };
static const struct opdesc d_nop = { op_nop, "nop", 0, 0 };
static const struct opdesc d_pause = { op_pause, "pause", 0, 0 };
static const struct opdesc d_tzcnt = { op_tzcnt, "tzcnt", A_MODRM, 0 };
static const struct opdesc d_lzcnt = { op_lzcnt, "lzcnt", A_MODRM, 0 };
static const struct opdesc d_cmpxchg16b = { op_cmpxchg16b, "cmpxchg16b", A_MODRM | A_MEMONLY | A_LOCK, 0 };
static const struct opdesc d_adox = { op_adcx, "adox", A_MODRM | A_PFX_66_F3, 1 };
static const struct opdesc d_fsgsbase = { op_fsgsbase, "fsgsbase", A_MODRM, 0 };
static const struct opdesc d_map2_sse = { op_unimpl, "sse", A_MODRM | A_UNIMPL | A_SSE, 0 };
static const struct opdesc d_map3_sse = { op_unimpl, "sse", A_MODRM | A_IMM8 | A_UNIMPL | A_SSE, 0 };
static const struct opdesc d_vex_modrm = { op_unimpl, "avx", A_MODRM | A_UNIMPL | A_SSE, 0 };
static const struct opdesc d_vex_modrm_imm = { op_unimpl, "avx", A_MODRM | A_IMM8 | A_UNIMPL | A_SSE, 0 };
static const struct opdesc d_vex_plain = { op_unimpl, "avx", A_UNIMPL | A_SSE, 0 };

/* Byte cursor with the 15-byte limit (SDM Vol. 2A, 2.3.11). */
struct cursor {
    const uint8_t *bytes;
    unsigned avail, pos;
    enum decode_status status;  /* DEC_OK until a read fails */
};

static uint8_t next_byte(struct cursor *c)
{
    if (c->status != DEC_OK)
        return 0;
    if (c->pos >= 15) {
        c->status = DEC_TOO_LONG;
        return 0;
    }
    if (c->pos >= c->avail) {
        c->status = DEC_NEED_BYTES;
        c->pos++;
        return 0;
    }
    return c->bytes[c->pos++];
}

static uint64_t next_le(struct cursor *c, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)next_byte(c) << (8 * i);
    return v;
}

/* Byte register numbering: without REX, 4..7 are AH, CH, DH, BH. */
static uint8_t byte_reg(unsigned r, uint8_t rex)
{
    return (!rex && r >= 4 && r < 8) ? (uint8_t)(R_AH + r - 4) : (uint8_t)r;
}

/* ModRM + SIB + displacement (SDM Vol. 2A, Tables 2-1 to 2-3). */
static void decode_modrm(struct cursor *c, struct insn *in, bool mode64, bool reg_only,
                         uint8_t *default_seg)
{
    uint8_t modrm = next_byte(c);
    unsigned rex_r = (in->rex >> 2) & 1, rex_x = (in->rex >> 1) & 1, rex_b = in->rex & 1;
    in->modrm = modrm;
    in->mod = reg_only ? 3 : modrm >> 6;
    in->reg = (uint8_t)(((modrm >> 3) & 7) | (rex_r << 3));
    unsigned rm = modrm & 7;
    in->base = in->index = REG_NONE;
    in->scale = 0;
    in->disp = 0;
    *default_seg = S_DS;
    if (in->mod == 3) {
        in->rm = (uint8_t)(rm | (rex_b << 3));
        return;
    }
    if (in->adsize == 2) {
        static const uint8_t base16[8] = { R_BX, R_BX, R_BP, R_BP, R_SI, R_DI, R_BP, R_BX };
        static const uint8_t index16[8] = { R_SI, R_DI, R_SI, R_DI, REG_NONE, REG_NONE, REG_NONE, REG_NONE };
        if (in->mod == 0 && rm == 6) {
            in->disp = (uint16_t)next_le(c, 2);
        } else {
            in->base = base16[rm];
            in->index = index16[rm];
            if (in->base == R_BP)
                *default_seg = S_SS;
            if (in->mod == 1)
                in->disp = (int8_t)next_byte(c);
            else if (in->mod == 2)
                in->disp = (int16_t)next_le(c, 2);
        }
        return;
    }
    if (rm == 4) {
        uint8_t sib = next_byte(c);
        unsigned idx = ((sib >> 3) & 7) | (rex_x << 3);
        unsigned base = sib & 7;
        in->scale = sib >> 6;
        in->index = idx == 4 ? REG_NONE : (uint8_t)idx;
        if (base == 5 && in->mod == 0) {
            in->disp = (int32_t)next_le(c, 4);
        } else {
            in->base = (uint8_t)(base | (rex_b << 3));
        }
    } else if (rm == 5 && in->mod == 0) {
        if (mode64)
            in->base = REG_RIP;
        in->disp = (int32_t)next_le(c, 4);
        return;
    } else {
        in->base = (uint8_t)(rm | (rex_b << 3));
    }
    if (in->base == R_SP || in->base == R_BP)
        *default_seg = S_SS;
    if (in->mod == 1)
        in->disp = (int8_t)next_byte(c);
    else if (in->mod == 2)
        in->disp = (int32_t)next_le(c, 4);
}

/* Lengths of VEX forms this CPU does not implement, so the decoder still
 * knows where such an instruction ends. */
static const struct opdesc *vex_unimplemented(unsigned map, unsigned op)
{
    if (map == 1) {
        if (op == 0x77)
            return &d_vex_plain;    /* VZEROUPPER/VZEROALL */
        if ((op >= 0x70 && op <= 0x73) || op == 0xc2 || (op >= 0xc4 && op <= 0xc6))
            return &d_vex_modrm_imm;
        return &d_vex_modrm;
    }
    return map == 3 ? &d_vex_modrm_imm : &d_vex_modrm;
}

enum decode_status decode_insn(const struct decode_mode *mode, const uint8_t *bytes,
                               unsigned avail, struct insn *in)
{
    struct cursor c = { bytes, avail, 0, DEC_OK };
    bool mode64 = mode->code_size == 8;
    bool p66 = false, p67 = false;
    uint8_t seg_override = S_NONE, last_f2f3 = 0;
    uint8_t b;

    memset(in, 0, sizeof(*in));

    /* Legacy prefixes and REX (2.1.1, 2.2.1). A REX byte counts only when
     * it immediately precedes the opcode; a later legacy prefix cancels it. */
    for (;;) {
        b = next_byte(&c);
        if (c.status != DEC_OK)
            goto out;
        switch (b) {
        case 0xf0: in->lock = 1; break;
        case 0xf2: case 0xf3: last_f2f3 = b; break;
        case 0x26: if (!mode64) seg_override = S_ES; break;
        case 0x2e: if (!mode64) seg_override = S_CS; break;
        case 0x36: if (!mode64) seg_override = S_SS; break;
        case 0x3e: if (!mode64) seg_override = S_DS; break;
        case 0x64: seg_override = S_FS; break;
        case 0x65: seg_override = S_GS; break;
        case 0x66: p66 = true; break;
        case 0x67: p67 = true; break;
        default:
            if (mode64 && (b & 0xf0) == 0x40) {
                in->rex = b;
                continue;
            }
            goto opcode;
        }
        in->rex = 0;
    }

opcode:;
    const struct opdesc *d;
    unsigned map = 0, vex_pp = 0, vex_l = 0;
    bool vex = false, vex_w = false;
    in->rep = last_f2f3;

    if ((b == 0xc4 || b == 0xc5) && !mode->real_or_v86 &&
        (mode64 || c.pos >= c.avail || c.bytes[c.pos] >= 0xc0)) {
        /* VEX (2.3.5). Outside 64-bit mode C4/C5 are LES/LDS unless the next
         * byte would be a register-form ModRM. */
        if (c.pos >= c.avail && !mode64) {
            c.status = DEC_NEED_BYTES;
            c.pos++;
            goto out;
        }
        if (in->rex || p66 || last_f2f3 || in->lock) {
            next_byte(&c);
            c.status = c.status == DEC_OK ? DEC_UD : c.status;
            goto out;
        }
        uint8_t v1 = next_byte(&c), v2;
        unsigned r, x = 1, bb = 1;
        if (b == 0xc5) {
            r = v1 >> 7;
            v2 = v1;
            map = 1;
        } else {
            r = v1 >> 7;
            x = (v1 >> 6) & 1;
            bb = (v1 >> 5) & 1;
            map = v1 & 0x1f;
            v2 = next_byte(&c);
            vex_w = v2 >> 7;
        }
        vex = true;
        vex_l = (v2 >> 2) & 1;
        vex_pp = v2 & 3;
        unsigned vvvv = (~v2 >> 3) & 0xf;
        if (mode64) {
            in->rex = (uint8_t)(0x40 | (vex_w << 3) | ((!r) << 2) | ((!x) << 1) | (!bb));
            in->vreg = (uint8_t)vvvv;
        } else {
            /* VEX.W is ignored for general-purpose forms and only 8 registers
             * exist outside 64-bit mode. */
            in->vreg = (uint8_t)(vvvv & 7);
        }
        if (c.status != DEC_OK)
            goto out;
        if (map < 1 || map > 3) {
            c.status = DEC_UD;
            goto out;
        }
        b = next_byte(&c);
        d = NULL;
        uint8_t modrm_peek = c.pos < c.avail ? c.bytes[c.pos] : 0;
        for (unsigned i = 0; i < sizeof(vex_map) / sizeof(vex_map[0]); i++) {
            const struct vexdesc *v = &vex_map[i];
            if (v->map == map && v->op == b && v->pp == vex_pp &&
                (v->reg < 0 || v->reg == ((modrm_peek >> 3) & 7)))
                d = &v->d;
        }
        if (d && vex_l)
            d = vex_unimplemented(map, b);  /* 256-bit forms of BMI are #UD */
        if (!d)
            d = vex_unimplemented(map, b);
        if (c.pos >= c.avail && d->attr & A_MODRM && c.status == DEC_OK) {
            c.status = DEC_NEED_BYTES;
            c.pos++;
            goto out;
        }
        goto have_desc;
    }

    if (b == 0x0f) {
        b = next_byte(&c);
        map = 1;
        if (b == 0x38 || b == 0x3a) {
            map = b == 0x38 ? 2 : 3;
            b = next_byte(&c);
        }
    }
    if (c.status != DEC_OK)
        goto out;

    d = &opcode_map[map * 256 + b];
    if (!d->fn) {
        if (map == 2)
            d = &d_map2_sse;
        else if (map == 3)
            d = &d_map3_sse;
        else {
            c.status = DEC_UD;
            goto out;
        }
    }

    /* Opcodes whose meaning depends on mode or a mandatory prefix. */
    if (map == 0 && b == 0x63 && mode64)
        d = &d_movsxd;
    else if (map == 0 && b == 0x90 && !(in->rex & 1))
        d = last_f2f3 == 0xf3 ? &d_pause : &d_nop;
    else if (map == 1 && b == 0xbc && last_f2f3 == 0xf3)
        d = &d_tzcnt;
    else if (map == 1 && b == 0xbd && last_f2f3 == 0xf3)
        d = &d_lzcnt;
    else if (map == 2 && b == 0xf6 && last_f2f3 == 0xf3)
        d = &d_adox;
    else if (map == 1 && b == 0xae && last_f2f3 == 0xf3 && mode64 && c.pos < c.avail &&
             (c.bytes[c.pos] >> 6) == 3 && ((c.bytes[c.pos] >> 3) & 7) <= 3)
        d = &d_fsgsbase;    /* RDFSBASE, RDGSBASE, WRFSBASE, WRGSBASE (sub = ModRM.reg) */

have_desc:
    in->id = (uint16_t)(map * 256 + b);
    uint64_t attr = d->attr;

    /* Operand and address size (2.2.1.2, 3.6 of Vol. 1). */
    bool rex_w = (in->rex >> 3) & 1;
    bool size_prefix = p66 && !(attr & (A_PFX_66_F3 | A_PFX_66)) && !(vex);
    if (attr & A_BYTE)
        in->opsize = 1;
    else if (mode64)
        in->opsize = rex_w ? 8 : (attr & A_F64) ? 8 : (attr & A_DEF64) ? (size_prefix ? 2 : 8)
                                                                       : (size_prefix ? 2 : 4);
    else
        in->opsize = (uint8_t)((mode->code_size == 4) != size_prefix ? 4 : 2);
    if (vex && !mode64)
        in->opsize = 4;
    if (attr & A_PFX_66_F3)
        in->opsize = rex_w ? 8 : 4;
    if (attr & A_PFX_66)
        in->opsize = mode64 ? 8 : 4;     /* INVPCID: r64 in 64-bit mode, else r32 */
    if ((attr & A_IO) && in->opsize == 8)
        in->opsize = size_prefix ? 2 : 4;  /* IN/OUT/INS/OUTS: no 64-bit form (SDM IN, OUT) */     /* ADCX/ADOX: r32 or r64 only (SDM ADCX, ADOX) */
    if (mode64)
        in->adsize = p67 ? 4 : 8;
    else
        in->adsize = (uint8_t)((mode->code_size == 4) != p67 ? 4 : 2);

    uint8_t default_seg = S_DS;
    if (attr & A_MODRM) {
        decode_modrm(&c, in, mode64, (attr & A_MODRM_REG) != 0, &default_seg);
        if (c.status != DEC_OK)
            goto out;
        if (attr & A_GROUP(0xff)) {
            unsigned g = (unsigned)(attr >> A_GROUP_SHIFT) & 0xff;
            const struct opdesc *gd = &group_map[g][(in->modrm >> 3) & 7];
            unsigned greg = (in->modrm >> 3) & 7;
            if (g == G_7 && in->mod == 3 && greg != 4 && greg != 6)
                gd = vex ? &group7_reg_map[0] : &group7_reg_map[in->modrm];
            if (!gd->fn) {
                c.status = DEC_UD;
                goto out;
            }
            uint64_t merged = (attr & ~(A_GROUP(0xff) | A_LOCK)) | gd->attr;
            if (g == G_9 && rex_w && gd->fn == op_cmpxchg8b)
                gd = &d_cmpxchg16b;
            /* Near branches in group 5 take the forced 64-bit operand size. */
            if (mode64 && (merged & A_F64) && !(attr & A_BYTE))
                in->opsize = 8;
            else if (mode64 && (merged & A_DEF64) && !rex_w)
                in->opsize = size_prefix ? 2 : 8;
            d = gd;
            attr = merged;
        }
        if (in->mod == 3 && (attr & A_BYTE))
            in->rm = byte_reg(in->rm, in->rex);
        if (in->mod == 3 && map == 1 && (b == 0xb6 || b == 0xbe))
            in->rm = byte_reg(in->rm, in->rex);  /* MOVZX/MOVSX from a byte register */
        if (attr & A_BYTE)
            in->reg = byte_reg(in->reg, in->rex);
    }
    if (attr & A_REG_IN_OP) {
        in->rm = (uint8_t)((b & 7) | ((in->rex & 1) << 3));
        in->mod = 3;
        if (attr & A_BYTE)
            in->rm = byte_reg(in->rm, in->rex);
    }
    if (d == &d_fsgsbase)
        in->sub = (in->modrm >> 3) & 3;
    else if (attr & A_CC)
        in->sub = b & 0xf;
    else
        in->sub = d->sub;

    /* Immediates (2.2.1.5: imm32 sign-extended to 64 bits, except MOV r64, imm64). */
    if (attr & A_IMM16)
        in->imm = next_le(&c, 2);
    if (attr & A_IMM8)
        in->imm = (uint64_t)(int64_t)(int8_t)next_byte(&c);
    if (attr & A_IMMZ)
        in->imm = in->opsize == 2 ? (uint64_t)(int64_t)(int16_t)next_le(&c, 2)
                                  : (uint64_t)(int64_t)(int32_t)next_le(&c, 4);
    if (attr & A_IMMV)
        in->imm = next_le(&c, in->opsize);
    if (attr & A_IMM8_2)
        in->imm2 = next_byte(&c);
    if (attr & A_REL8)
        in->imm = (uint64_t)(int64_t)(int8_t)next_byte(&c);
    if (attr & A_RELZ)
        in->imm = in->opsize == 2 ? (uint64_t)(int64_t)(int16_t)next_le(&c, 2)
                                  : (uint64_t)(int64_t)(int32_t)next_le(&c, 4);
    if (attr & A_MOFFS) {
        in->disp = (int64_t)next_le(&c, in->adsize);
        in->base = in->index = REG_NONE;
        in->mod = 0;
    }
    if (attr & A_FAR) {
        in->imm = next_le(&c, in->opsize == 2 ? 2 : 4);
        in->imm2 = next_le(&c, 2);
    }
    if (c.status != DEC_OK)
        goto out;

    /* Validity rules that need the whole instruction. */
    if ((mode64 && (attr & A_NO64)) ||
        ((attr & A_MEMONLY) && in->mod == 3 && (attr & A_MODRM)) ||
        ((attr & A_PFX_F3) && last_f2f3 != 0xf3) ||
        ((attr & A_PFX_NONE_OR_66) && last_f2f3) ||
        ((attr & A_PFX_66) && (!p66 || last_f2f3)) ||
        ((attr & A_PFX_66_F3) && (last_f2f3 == 0xf2 || !(p66 || last_f2f3 == 0xf3))) ||
        (map == 0 && b == 0x8c && ((in->modrm >> 3) & 7) > 5) ||
        (in->lock && (!(attr & A_LOCK) || in->mod == 3 || !(attr & A_MODRM))) ||
        (map == 0 && b == 0x8f && ((in->modrm >> 3) & 7))) {
        c.status = DEC_UD;
        goto out;
    }
    if (vex && (attr & A_VEX_NO_VVVV) && in->vreg != 0) {
        c.status = DEC_UD;      /* SDM 2.3.6: unused VEX.vvvv must be 1111b */
        goto out;
    }
    if (!vex && map == 2 && b == 0xf6 && last_f2f3 != 0xf3 && !p66) {
        c.status = DEC_UD;
        goto out;
    }

    in->seg = seg_override != S_NONE ? seg_override : default_seg;
    in->fn = d->fn;
    in->name = d->name;
    in->ends_block = (attr & A_ENDS) || d->fn == op_unimpl || d->fn == op_invalid;
    in->has_mem = (attr & A_MODRM) && !(attr & A_MODRM_REG) && in->mod != 3;
    in->tclass = timing_classify(d->fn);
    in->fn = alu_specialize(in);

out:
    in->len = (uint8_t)(c.pos > 15 ? 15 : c.pos);
    if (c.status == DEC_OK && in->len > 15)
        c.status = DEC_TOO_LONG;
    if (c.status == DEC_NEED_BYTES)
        in->len = (uint8_t)c.pos;
    return c.status;
}

const char *insn_name(const struct insn *in)
{
    return in->name ? in->name : "(bad)";
}

bool insn_implemented(const struct insn *in)
{
    return in->fn && in->fn != op_unimpl && in->fn != op_invalid;
}

bool insn_ends_block(const struct insn *in)
{
    return in->ends_block;
}
