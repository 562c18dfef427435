/*
 * Disassembly around RIP through Capstone, in the CPU's current mode.
 * x86 cannot be decoded backwards, so decoding starts at the enclosing
 * symbol when RIP is near its start (else at RIP itself) and runs forward
 * past RIP. Code is read with rs_read_virt, page by page, so an unmapped
 * page ends the listing instead of failing it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/debug/font.h"
#include "frontend/debug/theme.h"
#include "frontend/debug/window.h"
#include "frontend/symbols.h"

#define BEFORE_MAX 512          /* decode from the symbol if RIP is at most this far in */
#define AFTER 160               /* bytes decoded past RIP */
#define MAX_INSNS 256

int disasm_open(struct disasm *d)
{
    static const cs_mode modes[3] = { CS_MODE_16, CS_MODE_32, CS_MODE_64 };
    for (int i = 0; i < 3; i++)
        d->ok[i] = cs_open(CS_ARCH_X86, modes[i], &d->cs[i]) == CS_ERR_OK;
    return d->ok[2] ? 0 : -1;
}

void disasm_close(struct disasm *d)
{
    for (int i = 0; i < 3; i++)
        if (d->ok[i])
            cs_close(&d->cs[i]);
    memset(d, 0, sizeof(*d));
}

/* Read what is mapped of [addr, addr + len); returns the bytes read. */
static size_t read_code(rs_machine *m, uint64_t addr, uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        uint64_t a = addr + done;
        size_t chunk = 4096 - (size_t)(a & 4095);
        if (chunk > len - done)
            chunk = len - done;
        if (rs_read_virt(m, a, buf + done, chunk) != RS_OK)
            break;
        done += chunk;
    }
    return done;
}

struct line {
    uint64_t addr;
    char text[128];
};

/* Decode [start, pc + AFTER); returns the number of lines, *at = the one at pc or -1. */
static int decode(struct debug_window *w, csh h, uint64_t start, uint64_t pc, struct line *out,
                  int *at)
{
    uint8_t buf[BEFORE_MAX + AFTER];
    size_t want = (size_t)(pc - start) + AFTER;
    size_t got = read_code(w->st->m, start, buf, want);
    const uint8_t *code = buf;
    uint64_t addr = start;
    cs_insn *insn = cs_malloc(h);
    int n = 0;
    *at = -1;
    if (!insn)
        return 0;
    while (n < MAX_INSNS && got && cs_disasm_iter(h, &code, &got, &addr, insn)) {
        out[n].addr = insn->address;
        char target[64] = "";
        uint64_t t;
        if (insn->op_str[0] == '0' && insn->op_str[1] == 'x' && !strchr(insn->op_str, ' ') &&
            sscanf(insn->op_str, "%" SCNx64, &t) == 1 && symtab_lookup(w->syms, t, NULL)) {
            target[0] = ' ';
            target[1] = '<';
            symtab_format(w->syms, t, target + 2, sizeof(target) - 3);
            strcat(target, ">");
        }
        snprintf(out[n].text, sizeof(out[n].text), "%-7.31s %.60s%.24s", insn->mnemonic, insn->op_str,
                 target);
        if (insn->address == pc)
            *at = n;
        n++;
        if (insn->address > pc + AFTER / 2 && *at >= 0)
            break;
    }
    cs_free(insn, 1);
    return n;
}

void draw_disasm(struct debug_window *w)
{
    struct canvas *c = &w->cv;
    const struct rect *r = &w->lay.disasm;
    c->panel = "disassembly";
    draw_panel_frame(c, *r, "disassembly");
    if (!w->regs.valid)
        return;
    canvas_clip(c, (struct rect){ r->x + 1, r->y + 1, r->w - 2, r->h - 2 });
    const struct regs_snapshot *s = &w->regs;
    int mi = s->mode == RS_MODE_LONG64 ? 2 : s->mode == RS_MODE_REAL ||
             s->mode == RS_MODE_PROT16 || s->mode == RS_MODE_COMPAT16 ? 0 : 1;
    if (mi == 1 || mi == 0) {
        /* The D bit of CS decides 16 or 32 outside 64-bit mode. */
        mi = s->mode != RS_MODE_REAL && (s->seg[RS_CS].attr & 0x4000) ? 1 : 0;
    }
    uint64_t pc = s->mode == RS_MODE_LONG64 ? s->r[RS_RIP] : s->seg[RS_CS].base + s->r[RS_RIP];
    if (!w->dis.ok[mi]) {
        canvas_text(c, r->x + 6, r->y + 18, COL_DIM, "(Capstone could not be opened)");
        canvas_unclip(c);
        return;
    }
    uint64_t off = 0;
    const char *name = symtab_lookup(w->syms, pc, &off);
    uint64_t start = name && off <= BEFORE_MAX ? pc - off : pc;
    struct line *lines = malloc(MAX_INSNS * sizeof(*lines));
    if (!lines) {
        canvas_unclip(c);
        return;
    }
    int at, n = decode(w, w->dis.cs[mi], start, pc, lines, &at);
    if (at < 0 && start != pc)
        n = decode(w, w->dis.cs[mi], pc, pc, lines, &at);   /* RIP is not on the path */
    char where[64];
    canvas_textf(c, r->x + 110, r->y + 1, COL_DIM, "%d-bit at %s", mi == 2 ? 64 : mi ? 32 : 16,
                 symtab_format(w->syms, pc, where, sizeof(where)));
    if (!n) {
        canvas_text(c, r->x + 6, r->y + 18, COL_DIM, "(no code mapped at RIP)");
        free(lines);
        canvas_unclip(c);
        return;
    }
    int rows = (r->h - 20) / FONT_H;
    int first = at - rows / 3;
    if (first < 0)
        first = 0;
    int y = r->y + 18;
    for (int i = first; i < n && y + FONT_H <= r->y + r->h; i++) {
        uint64_t o;
        const char *label = symtab_lookup(w->syms, lines[i].addr, &o);
        if (label && o == 0 && i > first) {
            canvas_textf(c, r->x + 6, y, COL_TITLE, "%s:", label);
            y += FONT_H;
            if (y + FONT_H > r->y + r->h)
                break;
        }
        bool cur = i == at, brk = false;
        for (unsigned b = 0; b < w->ctl.nbreaks; b++)
            brk |= w->ctl.breaks[b] == lines[i].addr;
        if (cur)
            canvas_fill(c, r->x + 1, y, r->w - 2, FONT_H, COL_HIGHLIGHT);
        if (brk)
            canvas_fill(c, r->x + 3, y + 4, 6, 8, COL_BREAK);
        canvas_textf(c, r->x + 12, y, cur ? 0xffffff : COL_DIM, "%s%016llx", cur ? ">" : " ",
                     (unsigned long long)lines[i].addr);
        canvas_text(c, r->x + 12 + 18 * FONT_W, y, cur ? 0xffffff : COL_TEXT, lines[i].text);
        y += FONT_H;
    }
    free(lines);
    canvas_unclip(c);
}
