/* forms.c - the table of instruction forms (data).  One entry per opcode form; the
 * generator named in .gen builds .n tests for it (spread over its operand sizes and
 * register/memory operands).  Undefined flags per the Intel SDM. */
#include "vecgen.h"

#pragma GCC diagnostic ignored "-Woverride-init"

#define M(fa, m, s, ...) {.fam = fa, .mn = m, .shape = s, .gen = g_modrm, .digit = -1, __VA_ARGS__}
#define P(fa, m, s, ...) {.fam = fa, .mn = m, .shape = s, .gen = g_plain, .digit = -1, .sizes = S32, __VA_ARGS__}
#define R(fa, m, s, ...) {.fam = fa, .mn = m, .shape = s, .gen = g_opreg, .digit = -1, __VA_ARGS__}
#define A(fa, m, s, ...) {.fam = fa, .mn = m, .shape = s, .gen = g_accimm, .digit = -1, __VA_ARGS__}
#define J(m, s, ...) {.fam = "branch", .mn = m, .shape = s, .gen = g_jrel, .digit = -1, __VA_ARGS__}
#define V(m, ...) {.fam = "bmi", .mn = m, .shape = "Gy,Ey", .gen = g_vex, .digit = -1, .sizes = S32 | S64, .n = 40, __VA_ARGS__}
#define STR(fa, m, s, ...) {.fam = fa, .mn = m, .shape = s, .gen = g_string, .digit = -1, __VA_ARGS__}
#define O1(x) .op = {x}, .oplen = 1
#define O2(x, y) .op = {x, y}, .oplen = 2
#define O3(x, y, z) .op = {x, y, z}, .oplen = 3

#define LOGIC AF
#define MULU (SF | ZF | AF | PF)
#define BTU (OF | SF | AF | PF)

/* the nine shapes of ADD/OR/ADC/SBB/AND/SUB/XOR/CMP */
#define ALU(m, b, d, u)                                                                            \
    M("alu", m, "Eb,Gb", O1(b), .sizes = S8, .undef = u, .n = 36),                                 \
    M("alu", m, "Ev,Gv", O1(b + 1), .sizes = SV, .undef = u, .n = 54),                             \
    M("alu", m, "Gb,Eb", O1(b + 2), .sizes = S8, .undef = u, .n = 36),                             \
    M("alu", m, "Gv,Ev", O1(b + 3), .sizes = SV, .undef = u, .n = 54),                             \
    A("alu", m, "AL,Ib", O1(b + 4), .sizes = S8, .undef = u, .n = 30),                             \
    A("alu", m, "rAX,Iz", O1(b + 5), .sizes = SV, .undef = u, .n = 36),                            \
    M("alu", m, "Eb,Ib", O1(0x80), .digit = d, .imm = IB, .sizes = S8, .undef = u, .n = 36),       \
    M("alu", m, "Ev,Iz", O1(0x81), .digit = d, .imm = IZ, .sizes = SV, .undef = u, .n = 54),       \
    M("alu", m, "Ev,Ib", O1(0x83), .digit = d, .imm = IB, .sizes = SV, .undef = u, .n = 54),       \
    M("alu", m, "Eb,Ib 82", O1(0x82), .digit = d, .imm = IB, .sizes = S8, .undef = u, .n = 20, .fl = F_M32)

/* lockable read-modify-write forms */
#define LK(m, s, ...) M("atomic", "lock " m, s, .fl = F_LOCK | F_MEM, .n = 20, __VA_ARGS__)
#define LKALU(m, b, d, u)                                                                          \
    LK(m, "Eb,Gb", O1(b), .sizes = S8, .undef = u), LK(m, "Ev,Gv", O1(b + 1), .sizes = SV, .undef = u), \
    LK(m, "Eb,Ib", O1(0x80), .digit = d, .imm = IB, .sizes = S8, .undef = u),                      \
    LK(m, "Ev,Iz", O1(0x81), .digit = d, .imm = IZ, .sizes = SV, .undef = u),                      \
    LK(m, "Ev,Ib", O1(0x83), .digit = d, .imm = IB, .sizes = SV, .undef = u)

/* ROL ROR RCL RCR SHL SHR SAL SAR: by 1, by CL, by imm8 */
#define SH(m, d)                                                                                   \
    M("shift", m, "Eb,1", O1(0xd0), .digit = d, .sizes = S8, .vh = VH_SHIFT, .a = 0, .n = 24),      \
    M("shift", m, "Ev,1", O1(0xd1), .digit = d, .sizes = SV, .vh = VH_SHIFT, .a = 0, .n = 36),      \
    M("shift", m, "Eb,CL", O1(0xd2), .digit = d, .sizes = S8, .vh = VH_SHIFT, .a = 1, .n = 36),     \
    M("shift", m, "Ev,CL", O1(0xd3), .digit = d, .sizes = SV, .vh = VH_SHIFT, .a = 1, .n = 54),     \
    M("shift", m, "Eb,Ib", O1(0xc0), .digit = d, .sizes = S8, .imm = IB, .vh = VH_SHIFT, .a = 2, .n = 36), \
    M("shift", m, "Ev,Ib", O1(0xc1), .digit = d, .sizes = SV, .imm = IB, .vh = VH_SHIFT, .a = 2, .n = 54)

#define CC16(X)                                                                                    \
    X(0, "o") X(1, "no") X(2, "b") X(3, "ae") X(4, "e") X(5, "ne") X(6, "be") X(7, "a") X(8, "s")  \
    X(9, "ns") X(10, "p") X(11, "np") X(12, "l") X(13, "ge") X(14, "le") X(15, "g")
#define CMOVX(i, c) M("cmov", "cmov" c, "Gv,Ev", O2(0x0f, 0x40 + i), .sizes = SV, .n = 36),
#define SETX(i, c) M("flags", "set" c, "Eb", O2(0x0f, 0x90 + i), .digit = 0, .sizes = S8, .n = 24),
#define JCC8(i, c) J("j" c, "rel8", O1(0x70 + i), .imm = IB, .n = 26),
#define JCC32(i, c) J("j" c, "rel32", O2(0x0f, 0x80 + i), .imm = ID4, .n = 26),

const form_t forms[] = {
    /* ---------------------------------------------------------------- mov */
    M("mov", "mov", "Eb,Gb", O1(0x88), .sizes = S8, .n = 36),
    M("mov", "mov", "Ev,Gv", O1(0x89), .sizes = SV, .n = 45),
    M("mov", "mov", "Gb,Eb", O1(0x8a), .sizes = S8, .n = 36),
    M("mov", "mov", "Gv,Ev", O1(0x8b), .sizes = SV, .n = 45),
    M("mov", "mov", "Ev,Sw", O1(0x8c), .sizes = SV, .msz = 2, .vh = VH_SREG, .n = 36),
    M("mov", "mov", "Ev,S6", O1(0x8c), .digit = 6, .sizes = S16 | S32, .fl = F_UD, .n = 20),
    M("mov", "mov", "Eb,Ib", O1(0xc6), .digit = 0, .imm = IB, .sizes = S8, .n = 30),
    M("mov", "mov", "Ev,Iz", O1(0xc7), .digit = 0, .imm = IZ, .sizes = SV, .n = 36),
    R("mov", "mov", "Zb,Ib", O1(0xb0), .imm = IB, .sizes = S8, .n = 30),
    R("mov", "mov", "Zv,Iv", O1(0xb8), .imm = IV, .sizes = SV, .n = 36),
    {.fam = "mov", .mn = "mov", .shape = "AL,Ob", .gen = g_moffs, O1(0xa0), .sizes = S8, .n = 30},
    {.fam = "mov", .mn = "mov", .shape = "rAX,Ov", .gen = g_moffs, O1(0xa1), .sizes = SV, .n = 36},
    {.fam = "mov", .mn = "mov", .shape = "Ob,AL", .gen = g_moffs, O1(0xa2), .sizes = S8, .n = 30},
    {.fam = "mov", .mn = "mov", .shape = "Ov,rAX", .gen = g_moffs, O1(0xa3), .sizes = SV, .n = 36},
    M("mov", "movzx", "Gv,Eb", O2(0x0f, 0xb6), .sizes = SV, .msz = 1, .n = 36),
    M("mov", "movzx", "Gv,Ew", O2(0x0f, 0xb7), .sizes = SV, .msz = 2, .n = 36),
    M("mov", "movsx", "Gv,Eb", O2(0x0f, 0xbe), .sizes = SV, .msz = 1, .n = 36),
    M("mov", "movsx", "Gv,Ew", O2(0x0f, 0xbf), .sizes = SV, .msz = 2, .n = 36),
    M("mov", "movsxd", "Gv,Ed", O1(0x63), .sizes = SV, .msz = 4, .fl = F_M64, .n = 36),
    M("mov", "arpl", "Ew,Gw", O1(0x63), .sizes = S32, .msz = 2, .fl = F_M32, .n = 30),
    M("mov", "lea", "Gv,M", O1(0x8d), .sizes = SV, .fl = F_MEM | F_NOACC, .n = 45),
    M("mov", "lea", "Gv,M wild", O1(0x8d), .sizes = SV, .fl = F_MEM | F_NOACC | F_WILD, .n = 30),
    M("mov", "lea", "Gv,reg", O1(0x8d), .sizes = S32, .fl = F_REG | F_UD, .n = 20),
    P("mov", "xlat", "", O1(0xd7), .vh = VH_XLAT, .n = 24),
    P("mov", "xlat", "a", O1(0xd7), .vh = VH_XLAT, .a = 1, .n = 24),
    P("mov", "cbw", "", O1(0x98), .sizes = SV, .vh = VH_SIGN, .n = 30),
    P("mov", "cwd", "", O1(0x99), .sizes = SV, .vh = VH_SIGN, .n = 30),
    M("mov", "movbe", "Gv,Mv", O3(0x0f, 0x38, 0xf0), .sizes = SV, .fl = F_MEM, .n = 36),
    M("mov", "movbe", "Mv,Gv", O3(0x0f, 0x38, 0xf1), .sizes = SV, .fl = F_MEM, .n = 36),
    M("mov", "movbe", "Gv,reg", O3(0x0f, 0x38, 0xf0), .sizes = S32, .fl = F_REG | F_UD, .n = 20),
    R("mov", "bswap", "Zv", O2(0x0f, 0xc8), .sizes = S32 | S64, .n = 30),
    M("mov", "xchg", "Eb,Gb", O1(0x86), .sizes = S8, .n = 36),
    M("mov", "xchg", "Ev,Gv", O1(0x87), .sizes = SV, .n = 45),
    R("mov", "xchg", "Zv,rAX", O1(0x90), .sizes = SV, .vh = VH_SIGN, .n = 36),

    /* ---------------------------------------------------------------- cmov */
    CC16(CMOVX)

    /* ---------------------------------------------------------------- alu */
    ALU("add", 0x00, 0, 0), ALU("or", 0x08, 1, LOGIC), ALU("adc", 0x10, 2, 0), ALU("sbb", 0x18, 3, 0),
    ALU("and", 0x20, 4, LOGIC), ALU("sub", 0x28, 5, 0), ALU("xor", 0x30, 6, LOGIC), ALU("cmp", 0x38, 7, 0),
    M("alu", "add", "Eb,Ib 82", O1(0x82), .digit = 0, .imm = IB, .sizes = S8, .fl = F_M64 | F_UD, .n = 20),
    M("alu", "inc", "Eb", O1(0xfe), .digit = 0, .sizes = S8, .n = 36),
    M("alu", "dec", "Eb", O1(0xfe), .digit = 1, .sizes = S8, .n = 36),
    M("alu", "inc", "Ev", O1(0xff), .digit = 0, .sizes = SV, .n = 45),
    M("alu", "dec", "Ev", O1(0xff), .digit = 1, .sizes = SV, .n = 45),
    R("alu", "inc", "Zv", O1(0x40), .sizes = S16 | S32, .fl = F_M32, .n = 30),
    R("alu", "dec", "Zv", O1(0x48), .sizes = S16 | S32, .fl = F_M32, .n = 30),
    M("alu", "not", "Eb", O1(0xf6), .digit = 2, .sizes = S8, .n = 30),
    M("alu", "not", "Ev", O1(0xf7), .digit = 2, .sizes = SV, .n = 36),
    M("alu", "neg", "Eb", O1(0xf6), .digit = 3, .sizes = S8, .n = 36),
    M("alu", "neg", "Ev", O1(0xf7), .digit = 3, .sizes = SV, .n = 45),
    M("alu", "test", "Eb,Gb", O1(0x84), .sizes = S8, .undef = LOGIC, .n = 36),
    M("alu", "test", "Ev,Gv", O1(0x85), .sizes = SV, .undef = LOGIC, .n = 45),
    A("alu", "test", "AL,Ib", O1(0xa8), .sizes = S8, .undef = LOGIC, .n = 30),
    A("alu", "test", "rAX,Iz", O1(0xa9), .sizes = SV, .undef = LOGIC, .n = 36),
    M("alu", "test", "Eb,Ib", O1(0xf6), .digit = 0, .imm = IB, .sizes = S8, .undef = LOGIC, .n = 36),
    M("alu", "test", "Ev,Iz", O1(0xf7), .digit = 0, .imm = IZ, .sizes = SV, .undef = LOGIC, .n = 45),

    /* ---------------------------------------------------------------- mul/div */
    M("muldiv", "mul", "Eb", O1(0xf6), .digit = 4, .sizes = S8, .undef = MULU, .n = 40),
    M("muldiv", "mul", "Ev", O1(0xf7), .digit = 4, .sizes = SV, .undef = MULU, .n = 54),
    M("muldiv", "imul", "Eb", O1(0xf6), .digit = 5, .sizes = S8, .undef = MULU, .n = 40),
    M("muldiv", "imul", "Ev", O1(0xf7), .digit = 5, .sizes = SV, .undef = MULU, .n = 54),
    M("muldiv", "imul", "Gv,Ev", O2(0x0f, 0xaf), .sizes = SV, .undef = MULU, .n = 54),
    M("muldiv", "imul", "Gv,Ev,Iz", O1(0x69), .imm = IZ, .sizes = SV, .undef = MULU, .n = 45),
    M("muldiv", "imul", "Gv,Ev,Ib", O1(0x6b), .imm = IB, .sizes = SV, .undef = MULU, .n = 45),
    M("muldiv", "div", "Eb", O1(0xf6), .digit = 6, .sizes = S8, .undef = ARITH, .vh = VH_DIV, .n = 50),
    M("muldiv", "div", "Ev", O1(0xf7), .digit = 6, .sizes = SV, .undef = ARITH, .vh = VH_DIV, .n = 75),
    M("muldiv", "idiv", "Eb", O1(0xf6), .digit = 7, .sizes = S8, .undef = ARITH, .vh = VH_IDIV, .n = 50),
    M("muldiv", "idiv", "Ev", O1(0xf7), .digit = 7, .sizes = SV, .undef = ARITH, .vh = VH_IDIV, .n = 75),

    /* ---------------------------------------------------------------- bcd */
    P("bcd", "daa", "", O1(0x27), .undef = OF, .vh = VH_BCD, .fl = F_M32, .n = 50),
    P("bcd", "das", "", O1(0x2f), .undef = OF, .vh = VH_BCD, .fl = F_M32, .n = 50),
    P("bcd", "aaa", "", O1(0x37), .undef = OF | SF | ZF | PF, .vh = VH_BCD, .fl = F_M32, .n = 50),
    P("bcd", "aas", "", O1(0x3f), .undef = OF | SF | ZF | PF, .vh = VH_BCD, .fl = F_M32, .n = 50),
    P("bcd", "aam", "Ib", O1(0xd4), .imm = IB, .undef = OF | AF | CF, .vh = VH_AAM, .fl = F_M32, .n = 50),
    P("bcd", "aad", "Ib", O1(0xd5), .imm = IB, .undef = OF | AF | CF, .vh = VH_AAM, .fl = F_M32, .n = 50),
    P("bcd", "daa", "#UD", O1(0x27), .fl = F_M64 | F_UD, .n = 20),
    P("bcd", "das", "#UD", O1(0x2f), .fl = F_M64 | F_UD, .n = 20),
    P("bcd", "aaa", "#UD", O1(0x37), .fl = F_M64 | F_UD, .n = 20),
    P("bcd", "aas", "#UD", O1(0x3f), .fl = F_M64 | F_UD, .n = 20),
    P("bcd", "aam", "#UD", O1(0xd4), .imm = IB, .fl = F_M64 | F_UD, .n = 20),
    P("bcd", "aad", "#UD", O1(0xd5), .imm = IB, .fl = F_M64 | F_UD, .n = 20),

    /* ---------------------------------------------------------------- shifts */
    SH("rol", 0), SH("ror", 1), SH("rcl", 2), SH("rcr", 3), SH("shl", 4), SH("shr", 5), SH("sal", 6), SH("sar", 7),
    M("shift", "shld", "Ev,Gv,Ib", O2(0x0f, 0xa4), .imm = IB, .sizes = SV, .vh = VH_SHLD, .a = 2, .n = 66),
    M("shift", "shld", "Ev,Gv,CL", O2(0x0f, 0xa5), .sizes = SV, .vh = VH_SHLD, .a = 1, .n = 66),
    M("shift", "shrd", "Ev,Gv,Ib", O2(0x0f, 0xac), .imm = IB, .sizes = SV, .vh = VH_SHLD, .a = 2, .n = 66),
    M("shift", "shrd", "Ev,Gv,CL", O2(0x0f, 0xad), .sizes = SV, .vh = VH_SHLD, .a = 1, .n = 66),

    /* ---------------------------------------------------------------- bit */
    M("bit", "bt", "Ev,Gv", O2(0x0f, 0xa3), .sizes = SV, .undef = BTU, .vh = VH_BT, .n = 54),
    M("bit", "bts", "Ev,Gv", O2(0x0f, 0xab), .sizes = SV, .undef = BTU, .vh = VH_BT, .n = 54),
    M("bit", "btr", "Ev,Gv", O2(0x0f, 0xb3), .sizes = SV, .undef = BTU, .vh = VH_BT, .n = 54),
    M("bit", "btc", "Ev,Gv", O2(0x0f, 0xbb), .sizes = SV, .undef = BTU, .vh = VH_BT, .n = 54),
    M("bit", "bt", "Ev,Ib", O2(0x0f, 0xba), .digit = 4, .imm = IB, .sizes = SV, .undef = BTU, .vh = VH_BT, .n = 36),
    M("bit", "bts", "Ev,Ib", O2(0x0f, 0xba), .digit = 5, .imm = IB, .sizes = SV, .undef = BTU, .vh = VH_BT, .n = 36),
    M("bit", "btr", "Ev,Ib", O2(0x0f, 0xba), .digit = 6, .imm = IB, .sizes = SV, .undef = BTU, .vh = VH_BT, .n = 36),
    M("bit", "btc", "Ev,Ib", O2(0x0f, 0xba), .digit = 7, .imm = IB, .sizes = SV, .undef = BTU, .vh = VH_BT, .n = 36),
    M("bit", "bt", "Ev,Ib /0", O2(0x0f, 0xba), .digit = 0, .imm = IB, .sizes = S32, .fl = F_UD, .n = 20),
    M("bit", "bsf", "Gv,Ev", O2(0x0f, 0xbc), .sizes = SV, .undef = CF | OF | SF | AF | PF, .vh = VH_BSF, .n = 54),
    M("bit", "bsr", "Gv,Ev", O2(0x0f, 0xbd), .sizes = SV, .undef = CF | OF | SF | AF | PF, .vh = VH_BSF, .n = 54),
    M("bit", "popcnt", "Gv,Ev", O2(0x0f, 0xb8), .pfx = 0xf3, .sizes = SV, .vh = VH_ZERO, .n = 45),
    M("bit", "lzcnt", "Gv,Ev", O2(0x0f, 0xbd), .pfx = 0xf3, .sizes = SV, .undef = OF | SF | PF | AF, .vh = VH_ZERO, .n = 45),
    M("bit", "tzcnt", "Gv,Ev", O2(0x0f, 0xbc), .pfx = 0xf3, .sizes = SV, .undef = OF | SF | PF | AF, .vh = VH_ZERO, .n = 45),

    /* ---------------------------------------------------------------- bmi (VEX) */
    V("andn", O1(0xf2), .a = 0, .b = 2, .pfx = 0, .undef = AF | PF),
    V("bextr", O1(0xf7), .a = 1, .b = 2, .pfx = 0, .undef = AF | SF | PF),
    V("blsi", O1(0xf3), .a = 2, .b = 2, .pfx = 0, .digit = 3, .undef = AF | PF),
    V("blsmsk", O1(0xf3), .a = 2, .b = 2, .pfx = 0, .digit = 2, .undef = AF | PF),
    V("blsr", O1(0xf3), .a = 2, .b = 2, .pfx = 0, .digit = 1, .undef = AF | PF),
    V("bzhi", O1(0xf5), .a = 1, .b = 2, .pfx = 0, .undef = AF | PF),
    V("mulx", O1(0xf6), .a = 0, .b = 2, .pfx = 3),
    V("pdep", O1(0xf5), .a = 0, .b = 2, .pfx = 3),
    V("pext", O1(0xf5), .a = 0, .b = 2, .pfx = 2),
    V("rorx", O1(0xf0), .a = 3, .b = 3, .pfx = 3),
    V("sarx", O1(0xf7), .a = 1, .b = 2, .pfx = 2),
    V("shlx", O1(0xf7), .a = 1, .b = 2, .pfx = 1),
    V("shrx", O1(0xf7), .a = 1, .b = 2, .pfx = 3),
    V("andn L1", O1(0xf2), .a = 0, .b = 2, .vh = 1, .n = 20),
    V("andn 66", O1(0xf2), .a = 0, .b = 2, .vh = 2, .n = 20),
    V("andn rex", O1(0xf2), .a = 0, .b = 2, .vh = 3, .n = 20, .fl = F_M64),
    V("andn f3", O1(0xf2), .a = 0, .b = 2, .vh = 4, .n = 20),
    V("rorx vvvv", O1(0xf0), .a = 3, .b = 3, .pfx = 3, .vh = 5, .n = 20),
    M("bmi", "adcx", "Gy,Ey", O3(0x0f, 0x38, 0xf6), .pfx = 0x66, .sizes = S32 | S64, .fl = F_NO16, .n = 45),
    M("bmi", "adox", "Gy,Ey", O3(0x0f, 0x38, 0xf6), .pfx = 0xf3, .sizes = S32 | S64, .fl = F_NO16, .n = 45),

    /* ---------------------------------------------------------------- branch */
    CC16(JCC8) CC16(JCC32)
    J("jmp", "rel8", O1(0xeb), .imm = IB, .n = 26),
    J("jmp", "rel32", O1(0xe9), .imm = ID4, .n = 26),
    J("call", "rel32", O1(0xe8), .imm = ID4, .b = 1, .n = 30),
    J("jrcxz", "rel8", O1(0xe3), .imm = IB, .b = 2, .n = 45),
    J("loop", "rel8", O1(0xe2), .imm = IB, .b = 3, .n = 45),
    J("loope", "rel8", O1(0xe1), .imm = IB, .b = 3, .n = 45),
    J("loopne", "rel8", O1(0xe0), .imm = IB, .b = 3, .n = 45),
    M("branch", "jmp", "Ev", O1(0xff), .digit = 4, .sizes = S32, .vh = VH_TARGET, .fl = F_W64 | F_BRANCH, .n = 36),
    M("branch", "call", "Ev", O1(0xff), .digit = 2, .sizes = S32, .vh = VH_TARGET, .fl = F_W64 | F_BRANCH | F_STACK, .n = 36),
    P("branch", "ret", "", O1(0xc3), .vh = VH_RET, .fl = F_W64 | F_BRANCH, .n = 30),
    P("branch", "ret", "Iw", O1(0xc2), .imm = IW, .vh = VH_RET, .fl = F_W64 | F_BRANCH, .n = 30),

    /* ---------------------------------------------------------------- string */
    STR("string", "movs", "Yb,Xb", O1(0xa4), .sizes = S8, .a = 0, .n = 72),
    STR("string", "movs", "Yv,Xv", O1(0xa4), .sizes = SV, .a = 0, .n = 108),
    STR("string", "cmps", "Xb,Yb", O1(0xa6), .sizes = S8, .a = 1, .n = 72),
    STR("string", "cmps", "Xv,Yv", O1(0xa6), .sizes = SV, .a = 1, .n = 108),
    STR("string", "stos", "Yb,AL", O1(0xaa), .sizes = S8, .a = 2, .n = 72),
    STR("string", "stos", "Yv,rAX", O1(0xaa), .sizes = SV, .a = 2, .n = 108),
    STR("string", "lods", "AL,Xb", O1(0xac), .sizes = S8, .a = 3, .n = 72),
    STR("string", "lods", "rAX,Xv", O1(0xac), .sizes = SV, .a = 3, .n = 108),
    STR("string", "scas", "AL,Yb", O1(0xae), .sizes = S8, .a = 4, .n = 72),
    STR("string", "scas", "rAX,Yv", O1(0xae), .sizes = SV, .a = 4, .n = 108),

    /* ---------------------------------------------------------------- flags */
    P("flags", "clc", "", O1(0xf8), .n = 20),
    P("flags", "stc", "", O1(0xf9), .n = 20),
    P("flags", "cmc", "", O1(0xf5), .n = 20),
    P("flags", "cld", "", O1(0xfc), .n = 20),
    P("flags", "std", "", O1(0xfd), .n = 20),
    P("flags", "lahf", "", O1(0x9f), .n = 30),
    P("flags", "sahf", "", O1(0x9e), .n = 30),
    CC16(SETX)

    /* ---------------------------------------------------------------- stack */
    R("stack", "push", "Zv", O1(0x50), .sizes = S16 | S32, .fl = F_W64 | F_STACK, .n = 36),
    R("stack", "pop", "Zv", O1(0x58), .sizes = S16 | S32, .fl = F_W64 | F_STACK, .n = 36),
    M("stack", "push", "Ev", O1(0xff), .digit = 6, .sizes = S16 | S32, .fl = F_W64 | F_STACK, .n = 40),
    M("stack", "pop", "Ev", O1(0x8f), .digit = 0, .sizes = S16 | S32, .fl = F_W64 | F_STACK | F_RSPADJ, .n = 40),
    P("stack", "push", "Ib", O1(0x6a), .imm = IB, .sizes = S16 | S32, .fl = F_W64 | F_STACK, .n = 30),
    P("stack", "push", "Iz", O1(0x68), .imm = IZ, .sizes = S16 | S32, .fl = F_W64 | F_STACK, .n = 30),
    P("stack", "pushf", "", O1(0x9c), .sizes = S16 | S32, .fl = F_W64 | F_STACK, .n = 30),
    P("stack", "popf", "", O1(0x9d), .sizes = S16 | S32, .fl = F_W64, .vh = VH_POPF, .n = 45),
    P("stack", "push", "fs", O2(0x0f, 0xa0), .sizes = S16 | S32, .fl = F_W64 | F_STACK, .vh = VH_PUSHSREG, .n = 24),
    P("stack", "push", "gs", O2(0x0f, 0xa8), .sizes = S16 | S32, .fl = F_W64 | F_STACK, .vh = VH_PUSHSREG, .n = 24),
    P("stack", "push", "es", O1(0x06), .sizes = S16 | S32, .fl = F_M32 | F_STACK, .vh = VH_PUSHSREG, .n = 24),
    P("stack", "push", "cs", O1(0x0e), .sizes = S16 | S32, .fl = F_M32 | F_STACK, .vh = VH_PUSHSREG, .n = 24),
    P("stack", "push", "ss", O1(0x16), .sizes = S16 | S32, .fl = F_M32 | F_STACK, .vh = VH_PUSHSREG, .n = 24),
    P("stack", "push", "ds", O1(0x1e), .sizes = S16 | S32, .fl = F_M32 | F_STACK, .vh = VH_PUSHSREG, .n = 24),
    P("stack", "pusha", "", O1(0x60), .sizes = S16 | S32, .fl = F_M32, .vh = VH_PUSHA, .n = 30),
    P("stack", "popa", "", O1(0x61), .sizes = S16 | S32, .fl = F_M32, .vh = VH_PUSHA, .n = 30),
    P("stack", "enter", "Iw,Ib", O1(0xc8), .sizes = S16 | S32, .fl = F_W64, .vh = VH_ENTER, .n = 60),
    P("stack", "leave", "", O1(0xc9), .sizes = S16 | S32, .fl = F_W64, .vh = VH_LEAVE, .n = 36),

    /* ---------------------------------------------------------------- atomic */
    M("atomic", "cmpxchg", "Eb,Gb", O2(0x0f, 0xb0), .sizes = S8, .vh = VH_CMPXCHG, .n = 40),
    M("atomic", "cmpxchg", "Ev,Gv", O2(0x0f, 0xb1), .sizes = SV, .vh = VH_CMPXCHG, .n = 54),
    M("atomic", "cmpxchg8b", "Mq", O2(0x0f, 0xc7), .digit = 1, .sizes = S32, .vh = VH_CX8, .fl = F_MEM, .n = 36),
    M("atomic", "cmpxchg16b", "Mdq", O2(0x0f, 0xc7), .digit = 1, .sizes = S64, .vh = VH_CX8, .fl = F_MEM | F_M64, .n = 40),
    M("atomic", "cmpxchg8b", "reg", O2(0x0f, 0xc7), .digit = 1, .sizes = S32, .fl = F_REG | F_UD, .n = 20),
    M("atomic", "xadd", "Eb,Gb", O2(0x0f, 0xc0), .sizes = S8, .n = 36),
    M("atomic", "xadd", "Ev,Gv", O2(0x0f, 0xc1), .sizes = SV, .n = 45),
    LKALU("add", 0x00, 0, 0), LKALU("or", 0x08, 1, LOGIC), LKALU("adc", 0x10, 2, 0), LKALU("sbb", 0x18, 3, 0),
    LKALU("and", 0x20, 4, LOGIC), LKALU("sub", 0x28, 5, 0), LKALU("xor", 0x30, 6, LOGIC),
    LK("inc", "Eb", O1(0xfe), .digit = 0, .sizes = S8), LK("dec", "Eb", O1(0xfe), .digit = 1, .sizes = S8),
    LK("inc", "Ev", O1(0xff), .digit = 0, .sizes = SV), LK("dec", "Ev", O1(0xff), .digit = 1, .sizes = SV),
    LK("not", "Eb", O1(0xf6), .digit = 2, .sizes = S8), LK("neg", "Eb", O1(0xf6), .digit = 3, .sizes = S8),
    LK("not", "Ev", O1(0xf7), .digit = 2, .sizes = SV), LK("neg", "Ev", O1(0xf7), .digit = 3, .sizes = SV),
    LK("bts", "Ev,Gv", O2(0x0f, 0xab), .sizes = SV, .undef = BTU, .vh = VH_BT),
    LK("btr", "Ev,Gv", O2(0x0f, 0xb3), .sizes = SV, .undef = BTU, .vh = VH_BT),
    LK("btc", "Ev,Gv", O2(0x0f, 0xbb), .sizes = SV, .undef = BTU, .vh = VH_BT),
    LK("bts", "Ev,Ib", O2(0x0f, 0xba), .digit = 5, .imm = IB, .sizes = SV, .undef = BTU, .vh = VH_BT),
    LK("btr", "Ev,Ib", O2(0x0f, 0xba), .digit = 6, .imm = IB, .sizes = SV, .undef = BTU, .vh = VH_BT),
    LK("btc", "Ev,Ib", O2(0x0f, 0xba), .digit = 7, .imm = IB, .sizes = SV, .undef = BTU, .vh = VH_BT),
    LK("cmpxchg", "Eb,Gb", O2(0x0f, 0xb0), .sizes = S8, .vh = VH_CMPXCHG),
    LK("cmpxchg", "Ev,Gv", O2(0x0f, 0xb1), .sizes = SV, .vh = VH_CMPXCHG),
    LK("cmpxchg8b", "Mq", O2(0x0f, 0xc7), .digit = 1, .sizes = S32, .vh = VH_CX8),
    LK("cmpxchg16b", "Mdq", O2(0x0f, 0xc7), .digit = 1, .sizes = S64, .vh = VH_CX8, .fl = F_LOCK | F_MEM | F_M64),
    LK("xadd", "Eb,Gb", O2(0x0f, 0xc0), .sizes = S8), LK("xadd", "Ev,Gv", O2(0x0f, 0xc1), .sizes = SV),
    LK("xchg", "Eb,Gb", O1(0x86), .sizes = S8), LK("xchg", "Ev,Gv", O1(0x87), .sizes = SV),
    M("atomic", "lock add", "Ev,Gv reg", O1(0x01), .sizes = SV, .fl = F_LOCK | F_REG | F_UD, .n = 20),
    M("atomic", "lock xchg", "Ev,Gv reg", O1(0x87), .sizes = SV, .fl = F_LOCK | F_REG | F_UD, .n = 20),
    M("atomic", "lock cmp", "Ev,Gv", O1(0x39), .sizes = SV, .fl = F_LOCK | F_MEM | F_UD, .n = 20),
    M("atomic", "lock cmp", "Ev,Ib", O1(0x83), .digit = 7, .imm = IB, .sizes = SV, .fl = F_LOCK | F_MEM | F_UD, .n = 20),
    M("atomic", "lock mov", "Ev,Gv", O1(0x89), .sizes = SV, .fl = F_LOCK | F_MEM | F_UD, .n = 20),
    M("atomic", "lock bt", "Ev,Gv", O2(0x0f, 0xa3), .sizes = SV, .fl = F_LOCK | F_MEM | F_UD, .n = 20),
    M("atomic", "lock test", "Ev,Gv", O1(0x85), .sizes = SV, .fl = F_LOCK | F_MEM | F_UD, .n = 20),
    P("atomic", "lock clc", "", O2(0xf0, 0xf8), .fl = F_UD, .n = 20),

    /* ---------------------------------------------------------------- misc */
    P("misc", "nop", "", O1(0x90), .sizes = S16 | S32, .n = 24),
    M("misc", "nop", "Ev", O2(0x0f, 0x1f), .digit = 0, .sizes = SV, .fl = F_NOACC, .n = 36),
    M("misc", "nop", "Ev wild", O2(0x0f, 0x1f), .digit = 0, .sizes = SV, .fl = F_NOACC | F_WILD | F_MEM, .n = 24),
    P("misc", "pause", "", O1(0x90), .pfx = 0xf3, .n = 20),
    P("misc", "ud2", "", O2(0x0f, 0x0b), .fl = F_UD, .n = 20),
    M("misc", "ud0", "Gv,Ev", O2(0x0f, 0xff), .sizes = S32, .fl = F_UD, .n = 20),
    M("misc", "ud1", "Gv,Ev", O2(0x0f, 0xb9), .sizes = S32, .fl = F_UD, .n = 20),
    P("misc", "into", "", O1(0xce), .vh = VH_INTO, .fl = F_M32, .n = 30),
    P("misc", "into", "#UD", O1(0xce), .fl = F_M64 | F_UD, .n = 20),
    M("misc", "bound", "Gv,Ma", O1(0x62), .sizes = S16 | S32, .vh = VH_BOUND, .fl = F_M32 | F_MEM, .n = 45),
    P("misc", "push", "es #UD", O1(0x06), .fl = F_M64 | F_UD, .n = 20),
    P("misc", "pop", "es #UD", O1(0x07), .fl = F_M64 | F_UD, .n = 20),
    P("misc", "push", "cs #UD", O1(0x0e), .fl = F_M64 | F_UD, .n = 20),
    P("misc", "push", "ss #UD", O1(0x16), .fl = F_M64 | F_UD, .n = 20),
    P("misc", "pop", "ss #UD", O1(0x17), .fl = F_M64 | F_UD, .n = 20),
    P("misc", "push", "ds #UD", O1(0x1e), .fl = F_M64 | F_UD, .n = 20),
    P("misc", "pop", "ds #UD", O1(0x1f), .fl = F_M64 | F_UD, .n = 20),
    P("misc", "pusha", "#UD", O1(0x60), .fl = F_M64 | F_UD, .n = 20),
    P("misc", "popa", "#UD", O1(0x61), .fl = F_M64 | F_UD, .n = 20),
    P("misc", "salc", "#UD", O1(0xd6), .fl = F_M64 | F_UD, .n = 20),

    /* ---------------------------------------------------------------- prefixes */
    M("prefix", "add", "Ev,Gv 66 66", O1(0x01), .pfx = 0x66, .sizes = S16, .n = 30),
    M("prefix", "add", "Ev,Gv seg", O1(0x01), .sizes = SV, .fl = F_SEGPFX | F_MEM, .a = 1, .n = 30),
    M("prefix", "mov", "Gv,Ev seg", O1(0x8b), .sizes = SV, .fl = F_SEGPFX | F_MEM, .a = 1, .n = 30),
    M("prefix", "add", "Ev,Gv seg seg", O1(0x01), .sizes = SV, .fl = F_SEGPFX | F_MEM, .a = 2, .n = 30),
    M("prefix", "add", "Ev,Gv rex 66", O1(0x01), .pfx = 0x66, .sizes = S16, .fl = F_STALEREX | F_M64, .n = 30),
    M("prefix", "add", "Ev,Gv rex f3", O1(0x01), .pfx = 0xf3, .sizes = S32, .fl = F_STALEREX | F_M64, .n = 24),
    M("prefix", "mov", "Gv,Ev rex 3e", O1(0x8b), .pfx = 0x3e, .sizes = S32, .fl = F_STALEREX | F_M64, .n = 24),
    M("prefix", "add", "Ev,Gv 66 rex.w", O1(0x01), .sizes = S64, .fl = F_66W | F_M64, .n = 30),
    M("prefix", "mov", "Ev,Iz 66 rex.w", O1(0xc7), .digit = 0, .imm = IZ, .sizes = S64, .fl = F_66W | F_M64, .n = 24),
    M("prefix", "add", "Ev,Gv f3", O1(0x01), .pfx = 0xf3, .sizes = SV, .n = 30),
    M("prefix", "add", "Ev,Gv f2", O1(0x01), .pfx = 0xf2, .sizes = SV, .n = 30),
    M("prefix", "mov", "Gv,Ev f3", O1(0x8b), .pfx = 0xf3, .sizes = SV, .n = 24),
    M("prefix", "xor", "Eb,Gb f2", O1(0x30), .pfx = 0xf2, .sizes = S8, .undef = LOGIC, .n = 24),
    STR("prefix", "movs", "Yb,Xb f3 f3", O1(0xa4), .sizes = S8, .a = 0, .b = 1, .n = 24),
    STR("prefix", "stos", "Yv,rAX f3 f3", O1(0xaa), .sizes = SV, .a = 2, .b = 1, .n = 30),
    STR("prefix", "cmps", "Xb,Yb f2 f3", O1(0xa6), .sizes = S8, .a = 1, .b = 2, .n = 30),
    STR("prefix", "cmps", "Xv,Yv f3 f2", O1(0xa6), .sizes = SV, .a = 1, .b = 3, .n = 30),
    STR("prefix", "scas", "AL,Yb f2 f3", O1(0xae), .sizes = S8, .a = 4, .b = 2, .n = 30),
    STR("prefix", "scas", "rAX,Yv f3 f2", O1(0xae), .sizes = SV, .a = 4, .b = 3, .n = 30),
    STR("prefix", "movs", "Yv,Xv seg", O1(0xa4), .sizes = SV, .a = 0, .b = 4, .n = 36),
    STR("prefix", "lods", "AL,Xb seg", O1(0xac), .sizes = S8, .a = 3, .b = 4, .n = 24),
    STR("prefix", "cmps", "Xv,Yv seg", O1(0xa6), .sizes = SV, .a = 1, .b = 4, .n = 30),
    M("prefix", "add", "Ev,Iz len15", O1(0x81), .digit = 0, .imm = IZ, .sizes = SV, .fl = F_MEM | F_PAD15, .n = 30),
    M("prefix", "add", "Ev,Iz len16", O1(0x81), .digit = 0, .imm = IZ, .sizes = SV, .fl = F_MEM | F_PAD16, .n = 24),
    M("prefix", "mov", "Gv,Ev len15", O1(0x8b), .sizes = SV, .fl = F_PAD15, .n = 24),
    M("prefix", "mov", "Gv,Ev len16", O1(0x8b), .sizes = SV, .fl = F_PAD16, .n = 24),
    J("je", "rel8 2e", O1(0x74), .imm = IB, .pfx = 0x2e, .n = 24, .fam = "prefix"),
    J("jne", "rel32 3e", O2(0x0f, 0x85), .imm = ID4, .pfx = 0x3e, .n = 24, .fam = "prefix"),
    M("prefix", "mov", "Gv,Ev noncanon", O1(0x8b), .sizes = SV, .fl = F_MEM | F_NONCANON | F_M64, .n = 36),
    M("prefix", "mov", "Ev,Gv noncanon", O1(0x89), .sizes = SV, .fl = F_MEM | F_NONCANON | F_M64, .n = 30),
    M("prefix", "add", "Ev,Gv noncanon", O1(0x01), .sizes = SV, .fl = F_MEM | F_NONCANON | F_M64, .n = 30),
    M("prefix", "push", "Ev noncanon", O1(0xff), .digit = 6, .sizes = S32, .fl = F_W64 | F_MEM | F_NONCANON | F_M64 | F_STACK, .n = 24),
    M("prefix", "lock inc", "Ev noncanon", O1(0xff), .digit = 0, .sizes = SV, .fl = F_LOCK | F_MEM | F_NONCANON | F_M64, .n = 24),
};
const int nforms = sizeof forms / sizeof *forms;
