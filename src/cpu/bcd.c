/*
 * Decimal (BCD) adjustment: DAA DAS AAA AAS AAM AAD (SDM Vol. 2A, the
 * instruction pages). All are invalid in 64-bit mode; the opcode table marks
 * them A_NO64, so the decoder raises #UD there.
 *
 * The defined flags follow the SDM Operation sections exactly. The flags the
 * SDM leaves undefined are set as Intel P6-and-later cores do (as Bochs
 * models them): SF ZF PF from the final AL, and OF (plus AF and CF where they
 * are undefined) cleared. The vectors do not compare undefined flags.
 */
#include "cpu/operand.h"

static inline uint32_t bcd_flags(uint8_t al, bool cf, bool af)
{
    return szp_flags(al, 1) | (cf ? F_CF : 0) | (af ? F_AF : 0);
}

/* DAA (SDM DAA Operation):
 *   old_AL := AL; old_CF := CF; CF := 0;
 *   IF (AL AND 0FH) > 9 or AF = 1
 *     THEN AL := AL + 6; CF := old_CF or (carry from AL + 6); AF := 1;
 *     ELSE AF := 0;
 *   IF old_AL > 99H or old_CF = 1 THEN AL := AL + 60H; CF := 1; ELSE CF := 0;
 * SF ZF PF from the result; OF undefined (cleared). */
void op_daa(struct cpu *cpu, const struct insn *in)
{
    uint32_t f = flags_arith(cpu);
    bool old_cf = f & F_CF, cf = false, af = false;
    uint8_t old_al = (uint8_t)reg_read(cpu, R_AX, 1), al = old_al;

    if ((al & 0x0f) > 9 || (f & F_AF)) {
        cf = old_cf || al > 0xff - 6;
        al = (uint8_t)(al + 6);
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(al + 0x60);
        cf = true;
    } else {
        cf = false;
    }
    reg_write(cpu, R_AX, 1, al);
    flags_set_arith(cpu, bcd_flags(al, cf, af));
}

/* DAS (SDM DAS Operation):
 *   old_AL := AL; old_CF := CF; CF := 0;
 *   IF (AL AND 0FH) > 9 or AF = 1
 *     THEN AL := AL - 6; CF := old_CF or (borrow from AL - 6); AF := 1;
 *     ELSE AF := 0;
 *   IF old_AL > 99H or old_CF = 1 THEN AL := AL - 60H; CF := 1;
 * (no ELSE: the borrow of the first step survives). SF ZF PF from the
 * result; OF undefined (cleared). */
void op_das(struct cpu *cpu, const struct insn *in)
{
    uint32_t f = flags_arith(cpu);
    bool old_cf = f & F_CF, cf = false, af = false;
    uint8_t old_al = (uint8_t)reg_read(cpu, R_AX, 1), al = old_al;

    if ((al & 0x0f) > 9 || (f & F_AF)) {
        cf = old_cf || al < 6;
        al = (uint8_t)(al - 6);
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(al - 0x60);
        cf = true;
    }
    reg_write(cpu, R_AX, 1, al);
    flags_set_arith(cpu, bcd_flags(al, cf, af));
}

/* AAA / AAS (SDM Operation):
 *   IF (AL AND 0FH) > 9 or AF = 1
 *     THEN AX := AX +/- 106H; AF := 1; CF := 1;
 *     ELSE AF := 0; CF := 0;
 *   AL := AL AND 0FH;
 * OF SF ZF PF undefined: SF ZF PF from the final AL, OF cleared (Intel). */
static void ascii_adjust(struct cpu *cpu, bool subtract)
{
    uint32_t f = flags_arith(cpu);
    uint16_t ax = (uint16_t)reg_read(cpu, R_AX, 2);
    bool adjust = (ax & 0x0f) > 9 || (f & F_AF);

    if (adjust)
        ax = (uint16_t)(subtract ? ax - 0x106 : ax + 0x106);
    ax &= 0xff0f;
    reg_write(cpu, R_AX, 2, ax);
    flags_set_arith(cpu, bcd_flags((uint8_t)ax, adjust, adjust));
}

void op_aaa(struct cpu *cpu, const struct insn *in)
{
    ascii_adjust(cpu, false);
}

void op_aas(struct cpu *cpu, const struct insn *in)
{
    ascii_adjust(cpu, true);
}

/* AAM imm8 (SDM AAM): AH := AL / imm8; AL := AL MOD imm8; #DE when imm8 is
 * 0, with nothing changed. SF ZF PF from AL; OF AF CF undefined (cleared). */
void op_aam(struct cpu *cpu, const struct insn *in)
{
    uint8_t base = (uint8_t)in->imm;
    if (base == 0)
        raise_de(cpu);
    uint8_t al = (uint8_t)reg_read(cpu, R_AX, 1);
    uint8_t q = al / base, r = al % base;
    reg_write(cpu, R_AX, 2, ((uint16_t)q << 8) | r);
    flags_set_arith(cpu, szp_flags(r, 1));
}

/* AAD imm8 (SDM AAD): AL := (AL + AH * imm8) AND FFH; AH := 0. SF ZF PF from
 * AL; OF AF CF undefined (cleared). */
void op_aad(struct cpu *cpu, const struct insn *in)
{
    uint8_t base = (uint8_t)in->imm;
    uint8_t al = (uint8_t)reg_read(cpu, R_AX, 1);
    uint8_t ah = (uint8_t)reg_read(cpu, R_AH, 1);
    uint8_t r = (uint8_t)(al + ah * base);
    reg_write(cpu, R_AX, 2, r);
    flags_set_arith(cpu, szp_flags(r, 1));
}
