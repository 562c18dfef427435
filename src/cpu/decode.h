/*
 * Instruction decoding: bytes -> struct insn (SDM Vol. 2A, chapter 2).
 *
 * An instruction is decoded once into a struct insn and cached (see
 * blockcache.c); handlers read everything they need from it. Handlers share
 * one signature.
 */
#ifndef RINGSCOPE_DECODE_H
#define RINGSCOPE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

struct insn;
typedef void insn_fn(struct cpu *cpu, const struct insn *in);

/* Register-number sentinels for memory operands. */
#define REG_NONE 0xff
#define REG_RIP  0xfe

/* One decoded instruction. */
struct insn {
    insn_fn *fn;            /* handler */
    uint64_t imm;           /* immediate, sign-extended as the form defines */
    uint64_t imm2;          /* second immediate (ENTER level) */
    int64_t disp;           /* displacement (or moffs address) */
    uint16_t id;            /* opcode-table id: map*256 + opcode byte */
    uint8_t len;            /* bytes, 1..15 */
    uint8_t opsize;         /* operand size in bytes: 1, 2, 4, 8 */
    uint8_t adsize;         /* address size in bytes: 2, 4, 8 */
    uint8_t seg;            /* segment of the memory operand (S_ES..S_GS) */
    uint8_t mod;            /* ModRM.mod; 3 = register operand */
    uint8_t reg;            /* ModRM.reg + REX.R (byte regs: AH..BH are 16..19) */
    uint8_t rm;             /* register operand when mod == 3 (same numbering) */
    uint8_t base, index;    /* memory operand registers, or REG_NONE/REG_RIP */
    uint8_t scale;          /* index shift, 0..3 */
    uint8_t rep;            /* 0, 0xf3 or 0xf2: the last REP prefix */
    uint8_t lock;           /* LOCK prefix present */
    uint8_t sub;            /* table parameter: ALU op, condition code, ... */
    uint8_t vreg;           /* VEX.vvvv register */
    uint8_t rex;            /* REX byte (0 if none) */
    uint8_t modrm;          /* the ModRM byte, when present */
    bool ends_block;        /* control transfer, mode change or #UD: last in its block */
    bool has_mem;           /* a ModRM memory operand (mod != 3) */
    uint8_t tclass;         /* timing class of the handler (timing.c) */
    uint16_t cycles;        /* cost under the current profile (set when the block is built) */
    const char *name;       /* mnemonic, for traces and diffs */
};

/* Operand-size-independent table parameters (`sub`). */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };
enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };
enum { BT_BT, BT_BTS, BT_BTR, BT_BTC };

/* Opcode-table attributes. */
#define A_MODRM      (1ull << 0)
#define A_BYTE       (1ull << 1)   /* 8-bit operand */
#define A_IMM8       (1ull << 2)   /* imm8, sign-extended */
#define A_IMM16      (1ull << 3)   /* imm16, zero-extended */
#define A_IMMZ       (1ull << 4)   /* imm16/imm32 by operand size, sign-extended to 64 */
#define A_IMMV       (1ull << 5)   /* imm16/32/64 by operand size (MOV r, imm) */
#define A_IMM8_2     (1ull << 6)   /* a further imm8 in imm2 (ENTER) */
#define A_REL8       (1ull << 7)
#define A_RELZ       (1ull << 8)   /* rel16/rel32 */
#define A_MOFFS      (1ull << 9)   /* address-size offset */
#define A_FAR        (1ull << 10)  /* ptr16:16/ptr16:32 */
#define A_DEF64      (1ull << 11)  /* 64-bit operand size by default in 64-bit mode */
#define A_F64        (1ull << 12)  /* 64-bit operand size forced in 64-bit mode (Intel ignores 66) */
#define A_NO64       (1ull << 13)  /* invalid in 64-bit mode */
#define A_LOCK       (1ull << 14)  /* LOCK allowed (with a memory destination) */
#define A_MEMONLY    (1ull << 15)  /* #UD when ModRM.mod == 3 */
#define A_STRING     (1ull << 16)  /* REP prefixes apply */
#define A_ENDS       (1ull << 17)  /* ends a decoded block (control transfer, mode change) */
#define A_REG_IN_OP  (1ull << 18)  /* register in opcode bits 0-2 (+ REX.B) */
#define A_CC         (1ull << 19)  /* condition code in opcode bits 0-3 */
#define A_UNIMPL     (1ull << 20)  /* valid in the architecture, not implemented: #UD */
#define A_INVALID    (1ull << 21)  /* reserved opcode: #UD */
#define A_X87        (1ull << 22)
#define A_SSE        (1ull << 23)
#define A_PFX_F3     (1ull << 24)  /* valid only with F3 (POPCNT) */
#define A_PFX_NONE_OR_66 (1ull << 25) /* #UD with F2/F3 (MOVBE) */
#define A_PFX_66_F3  (1ull << 26)  /* 66 or F3 selects the form (ADCX/ADOX) */
#define A_VEX_NO_VVVV (1ull << 27) /* VEX.vvvv must be 1111b, else #UD (RORX) */
#define A_MODRM_REG  (1ull << 28)  /* ModRM.mod ignored: register operands (MOV CR/DR) */
#define A_PFX_66     (1ull << 29)  /* valid only with 66 (mandatory, not a size prefix) and no F2/F3 */
#define A_IO         (1ull << 30)  /* port I/O: operand size 8, 16 or 32 only (REX.W ignored) */
#define A_GROUP_SHIFT 40
#define A_GROUP(g)   ((uint64_t)(g) << A_GROUP_SHIFT)

enum opcode_group { G_NONE, G_1, G_1A, G_2, G_2_1, G_2_CL, G_3B, G_3, G_4, G_5,
                    G_6, G_7, G_8, G_9, G_11B, G_11, G_COUNT };

/* Handlers, declared from the table. */
#define OP(id, name, fn, sub, attr) insn_fn fn;
#define OPS(first, last, name, fn, sub, attr) insn_fn fn;
#define GROUP(g, reg, name, fn, sub, attr) insn_fn fn;
#define VEX(map, op, pp, reg, name, fn, sub, attr) insn_fn fn;
#define GROUP7_REG(modrm, name, fn, attr) insn_fn fn;
#include "cpu/opcodes.def"
#undef OP
#undef OPS
#undef GROUP
#undef VEX
#undef GROUP7_REG
insn_fn op_movsxd, op_nop, op_pause, op_tzcnt, op_lzcnt, op_rdtscp, op_cmpxchg16b, op_fsgsbase;

/* Faster equivalents of a decoded instruction's handler for common operand
 * shapes (alu.c); the decoder applies it to every instruction. */
insn_fn *alu_specialize(const struct insn *in);

/* Decoder result. */
enum decode_status {
    DEC_OK,         /* decoded; in->fn may still raise #UD (unimplemented forms) */
    DEC_UD,         /* invalid encoding: #UD */
    DEC_TOO_LONG,   /* more than 15 bytes: #GP(0) */
    DEC_NEED_BYTES, /* ran past `avail` bytes: the caller must fetch more */
};

/* What the decoder needs to know about the current mode. */
struct decode_mode {
    uint8_t code_size;      /* 2, 4 or 8 (64-bit mode) */
    bool real_or_v86;       /* VEX is not recognised there */
};

/* Decode one instruction from `bytes` (at most `avail` of which may be read).
 * On DEC_OK, *in is complete and in->len is the length. On DEC_UD, in->len is
 * the number of bytes examined; on DEC_NEED_BYTES it is the number needed. */
enum decode_status decode_insn(const struct decode_mode *mode, const uint8_t *bytes,
                               unsigned avail, struct insn *in);

/* The mnemonic of a decoded instruction, for traces and diffs. */
const char *insn_name(const struct insn *in);

/* Is this decoded instruction one the CPU implements (not a #UD placeholder)? */
bool insn_implemented(const struct insn *in);

/* Does this instruction end a decoded block? */
bool insn_ends_block(const struct insn *in);

#endif
