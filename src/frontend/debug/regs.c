/*
 * The registers panel: general registers, RIP, RFLAGS decoded, the segment
 * registers with their cached descriptors, the control registers, EFER,
 * GDTR/IDTR and the system-call MSRs. A value that differs from the last
 * stop (or, while running, the last frame) is drawn in COL_CHANGED.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frontend/debug/font.h"
#include "frontend/debug/theme.h"
#include "frontend/debug/window.h"
#include "frontend/symbols.h"

/* The MSRs shown, as data. */
static const struct { uint32_t index; const char *name; } msrs[NMSRS] = {
    { 0xc0000081, "STAR" }, { 0xc0000082, "LSTAR" }, { 0xc0000084, "FMASK" }, { 0x174, "SYSENTER_CS" }, { 0x175, "SYSENTER_ESP" },
    { 0x176, "SYSENTER_EIP" }, { 0xc0000102, "KERNEL_GS_BASE" },
};

static const char *const gpr_names[16] = {
    "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
    "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15",
};

void regs_read(struct regs_snapshot *s, rs_machine *m)
{
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < RS_REG_COUNT; i++)
        rs_get_reg(m, (rs_reg)i, &s->r[i]);
    for (int i = 0; i < RS_SREG_COUNT; i++)
        rs_get_segment(m, (rs_sreg)i, &s->seg[i]);
    rs_descriptor_table(m, 0, false, &s->gdtr);
    rs_descriptor_table(m, 1, false, &s->idtr);
    for (int i = 0; i < NMSRS; i++)
        s->msr_ok[i] = rs_get_msr(m, msrs[i].index, &s->msr[i]) == RS_OK;
    rs_get_mode(m, &s->mode);
    s->valid = true;
}

struct cursor {
    struct debug_window *w;
    int x0, x, y;
};

static void newline(struct cursor *k)
{
    k->x = k->x0;
    k->y += FONT_H;
}

/* "NAME value", the value in COL_CHANGED if it changed. */
static void field(struct cursor *k, const char *name, bool changed, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void field(struct cursor *k, const char *name, bool changed, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    struct canvas *c = &k->w->cv;
    k->x = canvas_text(c, k->x, k->y, COL_DIM, name) + FONT_W;
    k->x = canvas_text(c, k->x, k->y, changed ? COL_CHANGED : COL_TEXT, buf) + FONT_W;
}

static void segment(struct cursor *k, const char *name, const rs_segment *s, bool changed)
{
    unsigned a = s->attr;
    const char *type = !(a & 0x10) ? "system" : (a & 0x08) ? "code" : "data";
    field(k, name, changed, "%04x", s->selector);
    canvas_textf(&k->w->cv, k->x, k->y, COL_DIM, "DPL%u %s%s%s base %llx lim %x", (a >> 5) & 3,
                 type, (a & 0x2000) ? " L" : "", (a & 0x4000) ? " D" : "",
                 (unsigned long long)s->base, s->limit);
    newline(k);
}

static bool seg_changed(const struct regs_snapshot *a, const struct regs_snapshot *b, int i)
{
    return b->valid && memcmp(&a->seg[i], &b->seg[i], sizeof(a->seg[i])) != 0;
}

void draw_regs(struct debug_window *w)
{
    struct canvas *c = &w->cv;
    const struct rect *r = &w->lay.regs;
    c->panel = "registers";
    draw_panel_frame(c, *r, "registers");
    if (!w->regs.valid)
        return;
    canvas_clip(c, (struct rect){ r->x + 1, r->y + 1, r->w - 2, r->h - 2 });
    const struct regs_snapshot *s = &w->regs, *p = &w->regs_prev;
#define CHANGED(i) (p->valid && p->r[i] != s->r[i])
    struct cursor k = { w, r->x + 6, r->x + 6, r->y + 18 };
    for (int i = 0; i < 8; i++) {
        field(&k, gpr_names[i], CHANGED(i), "%016llx", (unsigned long long)s->r[i]);
        field(&k, gpr_names[i + 8], CHANGED(i + 8), "%016llx", (unsigned long long)s->r[i + 8]);
        newline(&k);
    }
    char sym[64];
    field(&k, "RIP", CHANGED(RS_RIP), "%016llx", (unsigned long long)s->r[RS_RIP]);
    canvas_text(c, k.x, k.y, COL_DIM, symtab_format(w->syms, s->r[RS_RIP], sym, sizeof(sym)));
    newline(&k);
    uint64_t f = s->r[RS_RFLAGS];
    field(&k, "RFLAGS", CHANGED(RS_RFLAGS), "%08llx", (unsigned long long)f);
    static const struct { unsigned bit; const char *name; } fl[] = {
        { 0, "CF" }, { 2, "PF" }, { 4, "AF" }, { 6, "ZF" }, { 7, "SF" }, { 8, "TF" },
        { 9, "IF" }, { 10, "DF" }, { 11, "OF" }, { 16, "RF" }, { 18, "AC" },
    };
    for (unsigned i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
        bool on = f & (1ull << fl[i].bit);
        bool ch = p->valid && ((p->r[RS_RFLAGS] ^ f) & (1ull << fl[i].bit));
        k.x = canvas_text(c, k.x, k.y, ch ? COL_CHANGED : on ? COL_TEXT : 0x3a4250, fl[i].name) +
              4;
    }
    canvas_textf(c, k.x + 4, k.y, COL_TEXT, "IOPL%u", (unsigned)(f >> 12) & 3);
    newline(&k);
    segment(&k, "CS", &s->seg[RS_CS], seg_changed(s, p, RS_CS));
    segment(&k, "SS", &s->seg[RS_SS], seg_changed(s, p, RS_SS));
    static const int small[] = { RS_DS, RS_ES, RS_FS, RS_GS, RS_TR };
    static const char *const small_names[] = { "DS", "ES", "FS", "GS", "TR" };
    for (int i = 0; i < 5; i++)
        field(&k, small_names[i], seg_changed(s, p, small[i]), "%04x", s->seg[small[i]].selector);
    newline(&k);
    field(&k, "FS.base", seg_changed(s, p, RS_FS), "%llx", (unsigned long long)s->seg[RS_FS].base);
    field(&k, "GS.base", seg_changed(s, p, RS_GS), "%llx", (unsigned long long)s->seg[RS_GS].base);
    newline(&k);
    field(&k, "CR0", CHANGED(RS_CR0), "%016llx", (unsigned long long)s->r[RS_CR0]);
    field(&k, "CR2", CHANGED(RS_CR2), "%016llx", (unsigned long long)s->r[RS_CR2]);
    newline(&k);
    field(&k, "CR3", CHANGED(RS_CR3), "%016llx", (unsigned long long)s->r[RS_CR3]);
    field(&k, "CR4", CHANGED(RS_CR4), "%016llx", (unsigned long long)s->r[RS_CR4]);
    newline(&k);
    uint64_t efer = s->r[RS_EFER];
    field(&k, "EFER", CHANGED(RS_EFER), "%llx", (unsigned long long)efer);
    canvas_textf(c, k.x, k.y, COL_DIM, "%s%s%s%s", (efer & 1) ? "SCE " : "",
                 (efer & 0x100) ? "LME " : "", (efer & 0x400) ? "LMA " : "",
                 (efer & 0x800) ? "NXE" : "");
    k.x = r->x + 6 + 34 * FONT_W;
    field(&k, "LDTR", seg_changed(s, p, RS_LDTR), "%04x", s->seg[RS_LDTR].selector);
    newline(&k);
    field(&k, "GDT", p->valid && p->gdtr.base != s->gdtr.base, "%llx+%x",
          (unsigned long long)s->gdtr.base, s->gdtr.limit);
    field(&k, "IDT", p->valid && p->idtr.base != s->idtr.base, "%llx+%x",
          (unsigned long long)s->idtr.base, s->idtr.limit);
    newline(&k);
    /* One row per pair of MSRs; an MSR that holds a code address is
     * alone on its row, with its symbol. */
    static const int rows[][2] = { { 0, 2 }, { 1, -1 }, { 3, 4 }, { 5, -1 }, { 6, -1 } };
    for (unsigned row = 0; row < sizeof(rows) / sizeof(rows[0]); row++) {
        for (int j = 0; j < 2; j++) {
            int i = rows[row][j];
            if (i < 0)
                continue;
            bool ch = p->valid && p->msr[i] != s->msr[i];
            bool code = rows[row][1] < 0 && i != 6;      /* not KERNEL_GS_BASE */
            if (!s->msr_ok[i])
                field(&k, msrs[i].name, false, "-");
            else if (code && symtab_lookup(w->syms, s->msr[i], NULL))
                field(&k, msrs[i].name, ch, "%llx %s", (unsigned long long)s->msr[i],
                      symtab_format(w->syms, s->msr[i], sym, sizeof(sym)));
            else
                field(&k, msrs[i].name, ch, "%llx", (unsigned long long)s->msr[i]);
        }
        newline(&k);
    }
#undef CHANGED
    canvas_unclip(c);
}
