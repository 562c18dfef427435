/*
 * Decoder edge cases, hand-written from the Intel SDM (Vol. 2A chapter 2 and
 * the instruction pages): prefix repetition and precedence, REX placement,
 * segment overrides in 64-bit mode, address-size forms, SIB corner cases,
 * byte registers, the 15-byte limit, LOCK, mode-dependent opcodes, moffs and
 * imm64 sizes, near-branch and stack operand sizes, and short input.
 *
 * The "sdm_fixes" case holds the expectations behind the decoder bugs found
 * by the Capstone cross-check (docs/decoder-crosscheck.md); it fails until
 * they are fixed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"

static struct insn in;

/* Decode hex bytes ("66 01 c8") in a mode (2, 4, 8); avail = the byte count
 * unless `avail` is non-zero. */
static enum decode_status dec_avail(unsigned mode, bool real_or_v86, const char *hex, unsigned avail)
{
    uint8_t b[32];
    unsigned n = 0;
    const char *p = hex;
    while (*p) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        ck_assert_msg(sscanf(p, "%2x", &v) == 1 && n < sizeof(b), "bad hex \"%s\"", hex);
        b[n++] = (uint8_t)v;
        p += 2;
    }
    const struct decode_mode dm = { (uint8_t)mode, real_or_v86 };
    return decode_insn(&dm, b, avail ? avail : n, &in);
}

static enum decode_status dec(unsigned mode, const char *hex) { return dec_avail(mode, false, hex, 0); }

/* DEC_OK with the given length. */
#define ck_ok(mode, hex, length)                                                   \
    do {                                                                           \
        ck_assert_int_eq(dec(mode, hex), DEC_OK);                                  \
        ck_assert_uint_eq(in.len, length);                                         \
    } while (0)
#define ck_status(mode, hex, status) ck_assert_int_eq(dec(mode, hex), status)

/* ---- repeated prefixes and REP precedence (SDM 2.1.1) ---- */

START_TEST(repeated_prefixes)
{
    ck_ok(4, "66 66 01 c8", 4);                 /* add ax, cx: 66 twice is still 16-bit */
    ck_assert_uint_eq(in.opsize, 2);
    ck_ok(2, "66 66 01 c8", 4);                 /* in 16-bit code: 32-bit, not toggled back */
    ck_assert_uint_eq(in.opsize, 4);
    ck_ok(4, "f3 f3 a4", 3);                    /* rep movsb */
    ck_assert_uint_eq(in.rep, 0xf3);
    ck_ok(8, "f2 f3 a6", 3);                    /* F2 then F3: the last one counts */
    ck_assert_uint_eq(in.rep, 0xf3);
    ck_ok(8, "f3 f2 a6", 3);
    ck_assert_uint_eq(in.rep, 0xf2);
    ck_ok(4, "67 67 8b 00", 4);                 /* 67 twice: 16-bit addressing, [bx+si] */
    ck_assert_uint_eq(in.adsize, 2);
    ck_assert_uint_eq(in.base, R_BX);
    ck_assert_uint_eq(in.index, R_SI);
    ck_ok(4, "26 2e 8b 00", 4);                 /* two segment overrides: the last applies */
    ck_assert_uint_eq(in.seg, S_CS);
}
END_TEST

/* ---- segment overrides (SDM Vol. 1, 3.3.7.1: CS/DS/ES/SS ignored in 64-bit mode) ---- */

START_TEST(segment_overrides)
{
    ck_ok(8, "2e 8b 00", 3);
    ck_assert_uint_eq(in.seg, S_DS);
    ck_ok(8, "26 8b 00", 3);
    ck_assert_uint_eq(in.seg, S_DS);
    ck_ok(8, "36 8b 00", 3);
    ck_assert_uint_eq(in.seg, S_DS);
    ck_ok(8, "3e 8b 45 00", 4);                 /* [rbp+0]: the default SS stays */
    ck_assert_uint_eq(in.seg, S_SS);
    ck_ok(8, "64 8b 00", 3);
    ck_assert_uint_eq(in.seg, S_FS);
    ck_ok(8, "65 8b 00", 3);
    ck_assert_uint_eq(in.seg, S_GS);
    ck_ok(8, "65 8b 45 00", 4);                 /* FS/GS override an SS default too */
    ck_assert_uint_eq(in.seg, S_GS);
    ck_ok(4, "2e 8b 00", 3);                    /* all six apply outside 64-bit mode */
    ck_assert_uint_eq(in.seg, S_CS);
    ck_ok(4, "26 8b 00", 3);
    ck_assert_uint_eq(in.seg, S_ES);
    ck_ok(4, "36 8b 00", 3);
    ck_assert_uint_eq(in.seg, S_SS);
    ck_ok(4, "3e 8b 45 00", 4);                 /* DS override on an [ebp] operand */
    ck_assert_uint_eq(in.seg, S_DS);
    ck_ok(2, "8b 46 10", 3);                    /* [bp+10h]: SS by default */
    ck_assert_uint_eq(in.seg, S_SS);
    ck_ok(2, "8b 00", 2);                       /* [bx+si]: DS */
    ck_assert_uint_eq(in.seg, S_DS);
}
END_TEST

/* ---- REX placement and precedence (SDM 2.2.1, 2.2.1.2) ---- */

START_TEST(rex_rules)
{
    ck_ok(8, "48 66 01 c8", 4);                 /* REX then a legacy prefix: REX ignored */
    ck_assert_uint_eq(in.rex, 0);
    ck_assert_uint_eq(in.opsize, 2);
    ck_ok(8, "4c 2e 01 c8", 4);                 /* REX.R ignored: reg is ecx, not r9d */
    ck_assert_uint_eq(in.reg, R_CX);
    ck_assert_uint_eq(in.opsize, 4);
    ck_ok(8, "4c 41 01 c8", 4);                 /* two REX bytes: the last (41) counts */
    ck_assert_uint_eq(in.rex, 0x41);
    ck_assert_uint_eq(in.reg, R_CX);
    ck_assert_uint_eq(in.rm, R_R8);
    ck_ok(8, "66 48 01 c8", 4);                 /* 66 + REX.W: REX.W wins, 8 bytes */
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(8, "48 01 c8", 3);
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(8, "45 01 c8", 3);                    /* REX.R and REX.B extend reg and r/m */
    ck_assert_uint_eq(in.reg, R_R9);
    ck_assert_uint_eq(in.rm, R_R8);
    ck_ok(4, "48 01 c8", 1);                    /* outside 64-bit mode 48 is DEC EAX */
    ck_assert_str_eq(insn_name(&in), "dec");
}
END_TEST

/* ---- address size (SDM Vol. 1 3.6; Vol. 2A Tables 2-1 to 2-3) ---- */

START_TEST(address_size)
{
    ck_ok(8, "67 8b 00", 3);                    /* 64-bit mode + 67: 32-bit addressing */
    ck_assert_uint_eq(in.adsize, 4);
    ck_assert_uint_eq(in.base, R_AX);
    ck_ok(4, "67 8b 00", 3);                    /* 32-bit mode + 67: 16-bit, [bx+si] */
    ck_assert_uint_eq(in.adsize, 2);
    ck_assert_uint_eq(in.base, R_BX);
    ck_assert_uint_eq(in.index, R_SI);
    ck_ok(2, "67 8b 00", 3);                    /* 16-bit mode + 67: 32-bit, [eax] */
    ck_assert_uint_eq(in.adsize, 4);
    ck_assert_uint_eq(in.base, R_AX);
    ck_assert_uint_eq(in.index, REG_NONE);
    ck_ok(2, "8b 06 34 12", 4);                 /* mod 0, r/m 6: disp16, no base */
    ck_assert_uint_eq(in.base, REG_NONE);
    ck_assert_int_eq(in.disp, 0x1234);
    ck_ok(2, "8b 86 00 80", 4);                 /* [bp + disp16]: the disp16 is signed */
    ck_assert_uint_eq(in.base, R_BP);
    ck_assert_int_eq(in.disp, -0x8000);
}
END_TEST

/* ---- RIP-relative addressing (SDM 2.2.1.6) ---- */

START_TEST(rip_relative)
{
    ck_ok(8, "8b 05 78 56 34 12", 6);
    ck_assert_uint_eq(in.base, REG_RIP);
    ck_assert_uint_eq(in.index, REG_NONE);
    ck_assert_int_eq(in.disp, 0x12345678);
    ck_assert_uint_eq(in.adsize, 8);
    ck_ok(8, "67 8b 05 f0 ff ff ff", 7);        /* with 67: EIP-relative, still RIP-based */
    ck_assert_uint_eq(in.base, REG_RIP);
    ck_assert_uint_eq(in.adsize, 4);
    ck_assert_int_eq(in.disp, -16);
    ck_ok(8, "41 8b 05 00 00 00 00", 7);        /* REX.B does not turn it into [r13] */
    ck_assert_uint_eq(in.base, REG_RIP);
    ck_ok(4, "8b 05 78 56 34 12", 6);           /* 32-bit mode: absolute disp32 */
    ck_assert_uint_eq(in.base, REG_NONE);
    ck_ok(8, "8b 04 25 78 56 34 12", 7);        /* SIB form: absolute, not RIP-relative */
    ck_assert_uint_eq(in.base, REG_NONE);
    ck_assert_uint_eq(in.index, REG_NONE);
    ck_assert_int_eq(in.disp, 0x12345678);
}
END_TEST

/* ---- SIB (SDM Table 2-3 and 2.2.1.2) ---- */

START_TEST(sib_forms)
{
    ck_ok(8, "8b 04 6d 44 33 22 11", 7);        /* mod 0, base 5: no base, [rbp*2 + disp32] */
    ck_assert_uint_eq(in.base, REG_NONE);
    ck_assert_uint_eq(in.index, R_BP);
    ck_assert_uint_eq(in.scale, 1);
    ck_assert_int_eq(in.disp, 0x11223344);
    ck_assert_uint_eq(in.seg, S_DS);            /* an rBP index does not make it SS */
    ck_ok(8, "8b 04 24", 3);                    /* index 4 = none: [rsp] */
    ck_assert_uint_eq(in.base, R_SP);
    ck_assert_uint_eq(in.index, REG_NONE);
    ck_assert_uint_eq(in.seg, S_SS);
    ck_ok(8, "42 8b 04 24", 4);                 /* REX.X + index 4 = R12 */
    ck_assert_uint_eq(in.index, R_R12);
    ck_assert_uint_eq(in.base, R_SP);
    ck_ok(8, "41 8b 04 24", 4);                 /* r12 as base needs a SIB byte */
    ck_assert_uint_eq(in.base, R_R12);
    ck_assert_uint_eq(in.index, REG_NONE);
    ck_assert_uint_eq(in.seg, S_DS);            /* r12 is not rSP: DS */
    ck_ok(8, "41 8b 45 00", 4);                 /* r13 as base needs mod 1 (disp8 0) */
    ck_assert_uint_eq(in.base, R_R13);
    ck_assert_int_eq(in.disp, 0);
    ck_assert_uint_eq(in.seg, S_DS);            /* r13 is not rBP: DS */
    ck_ok(8, "41 8b 04 25 00 01 00 00", 8);     /* SIB base 5, mod 0 + REX.B: still no base */
    ck_assert_uint_eq(in.base, REG_NONE);
    ck_ok(8, "43 8b 04 ac", 4);                 /* [r12 + r13*4] */
    ck_assert_uint_eq(in.base, R_R12);
    ck_assert_uint_eq(in.index, R_R13);
    ck_assert_uint_eq(in.scale, 2);
    ck_ok(8, "8b 44 24 f8", 4);                 /* [rsp - 8]: disp8 sign-extended */
    ck_assert_int_eq(in.disp, -8);
}
END_TEST

/* ---- byte registers (SDM 3.4.1.1 / Table 2-2 note on REX) ---- */

START_TEST(byte_registers)
{
    ck_ok(8, "88 e0", 2);                       /* mov al, ah */
    ck_assert_uint_eq(in.rm, R_AX);
    ck_assert_uint_eq(in.reg, R_AH);
    ck_ok(8, "40 88 e0", 3);                    /* any REX: mov al, spl */
    ck_assert_uint_eq(in.reg, R_SP);
    ck_ok(4, "88 fb", 2);                       /* mov bl, bh */
    ck_assert_uint_eq(in.rm, R_BX);
    ck_assert_uint_eq(in.reg, R_AH + 3);
    ck_ok(8, "40 88 fb", 3);                    /* mov bl, dil */
    ck_assert_uint_eq(in.reg, R_DI);
    ck_ok(8, "48 88 e8", 3);                    /* REX.W is a REX too: mov al, bpl */
    ck_assert_uint_eq(in.reg, R_BP);
    ck_ok(8, "40 88 f0", 3);                    /* mov al, sil */
    ck_assert_uint_eq(in.reg, R_SI);
    ck_ok(8, "88 f0", 2);                       /* without REX: mov al, dh */
    ck_assert_uint_eq(in.reg, R_AH + 2);
    ck_ok(8, "0f b6 c4", 3);                    /* movzx eax, ah */
    ck_assert_uint_eq(in.rm, R_AH);
    ck_ok(8, "40 0f b6 c4", 4);                 /* movzx eax, spl */
    ck_assert_uint_eq(in.rm, R_SP);
    ck_ok(8, "b4 12", 2);                       /* mov ah, 12h */
    ck_assert_uint_eq(in.rm, R_AH);
    ck_ok(8, "40 b4 12", 3);                    /* mov spl, 12h */
    ck_assert_uint_eq(in.rm, R_SP);
    ck_ok(8, "41 b4 12", 3);                    /* mov r12b, 12h */
    ck_assert_uint_eq(in.rm, R_R12);
}
END_TEST

/* ---- the 15-byte limit (SDM 2.3.11) ---- */

START_TEST(length_limit)
{
    /* add qword [rax+rcx*4+11223344h], 12345678h with three DS prefixes: 15 bytes */
    ck_ok(8, "3e 3e 3e 48 81 84 88 44 33 22 11 78 56 34 12", 15);
    ck_assert_uint_eq(in.opsize, 8);
    ck_assert_uint_eq(in.imm, 0x12345678);
    /* one more prefix: 16 bytes, #GP */
    ck_status(8, "3e 3e 3e 3e 48 81 84 88 44 33 22 11 78 56 34 12", DEC_TOO_LONG);
    /* fifteen prefixes and no opcode yet */
    ck_status(4, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", DEC_TOO_LONG);
    ck_ok(4, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", 15);
}
END_TEST

/* ---- LOCK (SDM LOCK: #UD unless a listed instruction with a memory destination) ---- */

START_TEST(lock_prefix)
{
    ck_status(4, "f0 01 c8", DEC_UD);           /* lock add eax, ecx: register destination */
    ck_ok(4, "f0 01 08", 3);                    /* lock add [eax], ecx */
    ck_assert_uint_eq(in.lock, 1);
    ck_ok(4, "f0 83 00 01", 4);                 /* lock add dword [eax], 1 */
    ck_status(4, "f0 83 38 01", DEC_UD);        /* lock cmp: not lockable */
    ck_status(4, "f0 8b 00", DEC_UD);           /* lock mov */
    ck_ok(8, "f0 48 0f c7 0e", 5);              /* lock cmpxchg16b [rsi] */
    ck_assert_str_eq(insn_name(&in), "cmpxchg16b");
    ck_ok(8, "f0 87 08", 3);                    /* lock xchg [rax], ecx */
    ck_status(8, "f0 90", DEC_UD);
}
END_TEST

/* ---- opcodes that are invalid or different in 64-bit mode (SDM Table A-2 "i64"/"o64") ---- */

START_TEST(mode64_opcodes)
{
    ck_status(8, "06", DEC_UD);                 /* push es */
    ck_status(8, "27", DEC_UD);                 /* daa */
    ck_status(8, "60", DEC_UD);                 /* pusha */
    ck_status(8, "9a 00 00 00 00 00 00", DEC_UD);   /* call far ptr16:32 */
    ck_status(8, "d4 0a", DEC_UD);              /* aam */
    ck_status(8, "d5 0a", DEC_UD);              /* aad */
    ck_status(8, "82 c0 01", DEC_UD);           /* 82 alias of 80 */
    ck_status(8, "62 00", DEC_UD);              /* bound */
    ck_ok(4, "06", 1);
    ck_ok(4, "27", 1);
    ck_ok(4, "60", 1);
    ck_ok(4, "d4 0a", 2);
    ck_ok(4, "82 c0 01", 3);
    ck_assert_str_eq(insn_name(&in), "add");
    /* 63 is MOVSXD in 64-bit mode, ARPL elsewhere */
    ck_ok(8, "48 63 c1", 3);                    /* movsxd rax, ecx */
    ck_assert_str_eq(insn_name(&in), "movsxd");
    ck_assert_uint_eq(in.opsize, 8);
    ck_assert_uint_eq(in.reg, R_AX);
    ck_assert_uint_eq(in.rm, R_CX);
    ck_ok(8, "63 c1", 2);                       /* movsxd eax, ecx (no REX.W) */
    ck_assert_uint_eq(in.opsize, 4);
    ck_ok(4, "63 c1", 2);
    ck_assert_str_eq(insn_name(&in), "arpl");
}
END_TEST

/* ---- C4/C5: LES/LDS or VEX (SDM 2.3.5) ---- */

START_TEST(vex_or_les)
{
    ck_ok(4, "c4 00", 2);                       /* next byte < C0: les eax, [eax] */
    ck_assert_str_eq(insn_name(&in), "les");
    ck_ok(4, "c5 00", 2);
    ck_assert_str_eq(insn_name(&in), "lds");
    ck_ok(4, "c4 e2 78 f2 c1", 5);              /* next byte >= C0: VEX, andn eax, eax, ecx */
    ck_assert_str_eq(insn_name(&in), "andn");
    ck_assert_uint_eq(in.reg, R_AX);
    ck_assert_uint_eq(in.vreg, R_AX);
    ck_assert_uint_eq(in.rm, R_CX);
    ck_ok(4, "c5 f8 77", 3);                    /* vzeroupper (decoded for length) */
    ck_assert(!insn_implemented(&in));
    ck_ok(8, "c4 e2 70 f2 c1", 5);              /* 64-bit mode: always VEX; vvvv = 1 */
    ck_assert_uint_eq(in.vreg, R_CX);
    ck_status(8, "66 c4 e2 78 f2 c1", DEC_UD);  /* 66 before VEX: #UD (SDM 2.3.2) */
    ck_status(8, "48 c5 f8 77", DEC_UD);        /* REX before VEX */
    ck_assert_int_eq(dec_avail(2, true, "c5 f8 77", 0), DEC_UD);    /* real mode: LDS, mod 3 */
}
END_TEST

/* ---- moffs and imm64 (SDM MOV: A0-A3 offsets are address-size wide) ---- */

START_TEST(moffs_and_imm64)
{
    ck_ok(8, "a1 88 77 66 55 44 33 22 11", 9);  /* mov eax, [1122334455667788h] */
    ck_assert_uint_eq(in.adsize, 8);
    ck_assert_uint_eq((uint64_t)in.disp, 0x1122334455667788ull);
    ck_assert_uint_eq(in.base, REG_NONE);
    ck_ok(8, "67 a1 44 33 22 11", 6);           /* 67: 4-byte offset */
    ck_assert_uint_eq((uint64_t)in.disp, 0x11223344u);
    ck_ok(8, "48 a3 88 77 66 55 44 33 22 11", 10);  /* mov [moffs64], rax */
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(4, "a1 44 33 22 11", 5);
    ck_ok(4, "67 a1 22 11", 4);                 /* 16-bit offset */
    ck_assert_uint_eq((uint64_t)in.disp, 0x1122u);
    ck_ok(2, "a0 22 11", 3);
    ck_ok(8, "48 b8 88 77 66 55 44 33 22 11", 10);  /* mov rax, imm64 */
    ck_assert_uint_eq(in.imm, 0x1122334455667788ull);
    ck_ok(8, "49 bf ff ff ff ff ff ff ff 7f", 10);  /* mov r15, imm64 */
    ck_assert_uint_eq(in.rm, R_R15);
    ck_ok(8, "b8 78 56 34 12", 5);              /* no REX.W: imm32 */
    ck_assert_uint_eq(in.opsize, 4);
    ck_ok(8, "48 c7 c0 ff ff ff ff", 7);        /* C7 /0 with REX.W: imm32 sign-extended */
    ck_assert_uint_eq(in.imm, ~0ull);
}
END_TEST

/* ---- operand size of branches and stack operations in 64-bit mode (SDM 2.2.1.7) ---- */

START_TEST(branch_and_stack_sizes)
{
    ck_ok(8, "66 e8 00 00 00 00", 6);           /* Intel: 66 ignored, rel32, 64-bit */
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(8, "66 e9 00 00 00 00", 6);
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(8, "66 0f 85 00 00 00 00", 7);
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(8, "66 eb fe", 3);
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(8, "66 ff d0", 3);                    /* call rax */
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(8, "66 ff 20", 3);                    /* jmp [rax] */
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(4, "66 e8 00 00", 4);                 /* outside 64-bit mode 66 applies: rel16 */
    ck_assert_uint_eq(in.opsize, 2);
    ck_ok(8, "50", 1);                          /* push rax */
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(8, "66 50", 2);                       /* push ax */
    ck_assert_uint_eq(in.opsize, 2);
    ck_ok(8, "41 50", 2);                       /* push r8 */
    ck_assert_uint_eq(in.rm, R_R8);
    ck_ok(8, "66 6a ff", 3);                    /* push imm8 as a word */
    ck_assert_uint_eq(in.opsize, 2);
    ck_ok(8, "66 68 34 12", 4);                 /* push imm16 */
    ck_assert_uint_eq(in.opsize, 2);
    ck_ok(8, "68 78 56 34 12", 5);              /* push imm32, sign-extended to 64 */
    ck_assert_uint_eq(in.opsize, 8);
    ck_ok(8, "66 ff 30", 3);                    /* push word [rax] */
    ck_assert_uint_eq(in.opsize, 2);
    ck_ok(8, "66 9c", 2);                       /* pushf (16-bit) */
    ck_assert_uint_eq(in.opsize, 2);
    ck_ok(8, "66 48 9c", 3);                    /* REX.W wins over 66: pushfq */
    ck_assert_uint_eq(in.opsize, 8);
}
END_TEST

/* ---- mandatory prefixes and 90 ---- */

START_TEST(prefix_selected_forms)
{
    ck_ok(8, "f3 90", 2);
    ck_assert_str_eq(insn_name(&in), "pause");
    ck_ok(8, "f3 2e 90", 3);                    /* prefix order is free (SDM 2.1.1) */
    ck_assert_str_eq(insn_name(&in), "pause");
    ck_ok(8, "48 90", 2);                       /* REX.W 90 is still NOP */
    ck_assert_str_eq(insn_name(&in), "nop");
    ck_ok(8, "41 90", 2);                       /* REX.B 90: xchg r8d, eax */
    ck_assert_str_eq(insn_name(&in), "xchg");
    ck_assert_uint_eq(in.rm, R_R8);
    ck_ok(8, "f3 0f bc c1", 4);
    ck_assert_str_eq(insn_name(&in), "tzcnt");
    ck_ok(8, "f2 0f bc c1", 4);                 /* F2 is no mandatory prefix here: bsf */
    ck_assert_str_eq(insn_name(&in), "bsf");
    ck_status(8, "0f b8 c1", DEC_UD);           /* 0F B8 without F3: JMPE, #UD */
    ck_ok(8, "f3 0f b8 c1", 4);
    ck_assert_str_eq(insn_name(&in), "popcnt");
    ck_ok(8, "66 0f 38 f6 c1", 5);
    ck_assert_str_eq(insn_name(&in), "adcx");
    ck_ok(8, "f3 0f 38 f6 c1", 5);
    ck_assert_str_eq(insn_name(&in), "adox");
    ck_status(8, "0f 38 f6 c1", DEC_UD);
    ck_status(8, "f3 0f 38 f0 00", DEC_UD);     /* MOVBE with F3: #UD (SDM MOVBE) */
    ck_ok(8, "66 0f 38 f0 00", 5);              /* movbe ax, [rax] */
    ck_assert_uint_eq(in.opsize, 2);
    ck_status(8, "0f 38 f0 c0", DEC_UD);        /* MOVBE register form */
    ck_status(8, "8f c8", DEC_UD);              /* 8F /1: XOP on AMD, #UD on Intel */
    ck_ok(8, "8f c0", 2);                       /* pop rax */
    ck_status(8, "c4 e3 7b f0 c1 05", DEC_OK);  /* rorx eax, ecx, 5 (vvvv = 1111b) */
    ck_status(8, "c4 e3 73 f0 c1 05", DEC_UD);  /* vvvv != 1111b: #UD (SDM 2.3.6) */
}
END_TEST

/* ---- short input ---- */

START_TEST(need_bytes)
{
    ck_assert_int_eq(dec_avail(8, false, "48", 1), DEC_NEED_BYTES);
    ck_assert_uint_gt(in.len, 1);
    ck_assert_int_eq(dec_avail(8, false, "b8 12 34", 3), DEC_NEED_BYTES);
    ck_assert_uint_gt(in.len, 3);
    ck_assert_int_eq(dec_avail(8, false, "0f", 1), DEC_NEED_BYTES);
    ck_assert_int_eq(dec_avail(8, false, "0f 38", 2), DEC_NEED_BYTES);
    ck_assert_int_eq(dec_avail(8, false, "8b 04", 2), DEC_NEED_BYTES);      /* SIB missing */
    ck_assert_int_eq(dec_avail(8, false, "8b 05 00 00", 4), DEC_NEED_BYTES);
    ck_assert_int_eq(dec_avail(8, false, "c4", 1), DEC_NEED_BYTES);
    ck_assert_int_eq(dec_avail(4, false, "c4", 1), DEC_NEED_BYTES);         /* LES or VEX? */
    ck_assert_int_eq(dec_avail(8, false, "66 66", 2), DEC_NEED_BYTES);
    ck_assert_int_eq(dec_avail(8, false, "8b 05 00 00 00 00", 6), DEC_OK);  /* exactly enough */
}
END_TEST

/* ---- expectations behind the decoder bugs found by the cross-check ---- */

START_TEST(sdm_fixes)
{
    /* MOV to/from CRn/DRn ignore ModRM.mod: always register operands, no displacement */
    ck_ok(4, "0f 22 88 00 00 00 00", 3);        /* mov cr1, eax (mod 2 treated as 3) */
    ck_ok(8, "0f 20 05 00 00 00 00", 3);        /* mov rbp, cr0 (mod 0 r/m 5: no disp32) */
    ck_ok(2, "0f 23 47 00", 3);                 /* mov dr0, edi */
    /* ADCX/ADOX: the operand size is 32 bits outside 64-bit mode (SDM ADCX, ADOX) */
    ck_ok(2, "66 0f 38 f6 c1", 5);
    ck_assert_uint_eq(in.opsize, 4);
    ck_ok(2, "f3 0f 38 f6 c1", 5);
    ck_assert_uint_eq(in.opsize, 4);
    ck_ok(8, "66 48 0f 38 f6 c1", 6);
    ck_assert_uint_eq(in.opsize, 8);
    /* F2 selects the form over 66 (66 F2 0F 38 F1 is CRC32): 66 F2 0F 38 F6 is not ADCX */
    ck_status(8, "66 f2 0f 38 f6 c1", DEC_UD);
    /* there is no VEX form of 0F 01 F9 (RDTSCP): #UD, whether DEC_UD or an unimplemented form */
    enum decode_status st = dec(8, "c5 f8 01 f9");
    ck_assert(st == DEC_UD || (st == DEC_OK && !insn_implemented(&in)));
    /* 8C /6 and /7 name no segment register (SDM MOV): #UD */
    ck_status(4, "8c f0", DEC_UD);
    ck_status(8, "8c 38", DEC_UD);
}
END_TEST

static Suite *prefixes_suite(void)
{
    Suite *s = suite_create("decoder-prefixes");
    TCase *tc = tcase_create("sdm");
    tcase_add_test(tc, repeated_prefixes);
    tcase_add_test(tc, segment_overrides);
    tcase_add_test(tc, rex_rules);
    tcase_add_test(tc, address_size);
    tcase_add_test(tc, rip_relative);
    tcase_add_test(tc, sib_forms);
    tcase_add_test(tc, byte_registers);
    tcase_add_test(tc, length_limit);
    tcase_add_test(tc, lock_prefix);
    tcase_add_test(tc, mode64_opcodes);
    tcase_add_test(tc, vex_or_les);
    tcase_add_test(tc, moffs_and_imm64);
    tcase_add_test(tc, branch_and_stack_sizes);
    tcase_add_test(tc, prefix_selected_forms);
    tcase_add_test(tc, need_bytes);
    suite_add_tcase(s, tc);
    TCase *fixes = tcase_create("sdm_fixes");
    tcase_add_test(fixes, sdm_fixes);
    suite_add_tcase(s, fixes);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(prefixes_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
