/*
 * --debug-script FILE: commands that drive the window without a person
 * (docs/debug-window.md lists them). The whole file is parsed before the
 * run, so a bad line is reported (with its number) before anything runs;
 * a command that fails at run time (an unwritable screenshot path, an
 * event that does not exist) ends the run with one line and status 2.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/debug/window.h"
#include "frontend/symbols.h"

#define MAX_ARGS 4

struct parse {
    const char *path;
    unsigned line;
    const struct symtab *syms;
};

static int bad(const struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(const struct parse *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "ringscope: --debug-script %s:%u: %s\n", p->path, p->line, msg);
    return -1;
}

static int number(const struct parse *p, const char *cmd, const char *s, uint64_t *v)
{
    if (run_parse_u64(s, v, true))
        return bad(p, "%s wants a number (e.g. 1000, 0x400, 5M), not '%s'", cmd, s);
    return 0;
}

static int kind_arg(const struct parse *p, const char *cmd, const char *s, int *kind)
{
    *kind = parse_kind(s);
    if (*kind < 0)
        return bad(p, "%s: unknown transition kind '%s' (syscall, sysret, sysenter, sysexit, "
                   "soft_int, exception, irq, nmi, iret, far_call, far_jmp, far_ret, cr3_write, "
                   "mode_switch, triple_fault)", cmd, s);
    return 0;
}

/* One command from its words; 0, or -1 after printing one line. */
static int parse_command(const struct parse *p, char **a, int n, struct command *c)
{
    const char *op = a[0];
    memset(c, 0, sizeof(*c));
    c->line = p->line;
    c->kind = -1;
    c->n = 1;
#define ARGS(lo, hi)                                                                   \
    do {                                                                               \
        if (n - 1 < (lo) || n - 1 > (hi))                                              \
            return bad(p, "%s takes %s", op, (hi) == 0 ? "no arguments" :               \
                       (lo) == (hi) ? ((lo) == 1 ? "one argument" : "two arguments") :  \
                       "at most two arguments");                                        \
    } while (0)
    if (!strcmp(op, "step")) {
        ARGS(0, 1);
        c->op = CMD_STEP;
        return n > 1 ? number(p, op, a[1], &c->n) : 0;
    }
    if (!strcmp(op, "step-transition")) {
        ARGS(0, 1);
        c->op = CMD_STEP_TRANSITION;
        return n > 1 ? kind_arg(p, op, a[1], &c->kind) : 0;
    }
    if (!strcmp(op, "step-switch")) {
        ARGS(0, 0);
        c->op = CMD_STEP_SWITCH;
        return 0;
    }
    if (!strcmp(op, "run-to") || !strcmp(op, "run-for")) {
        ARGS(1, 1);
        c->op = op[4] == 't' ? CMD_RUN_TO : CMD_RUN_FOR;
        return number(p, op, a[1], &c->n);
    }
    if (!strcmp(op, "continue")) {
        ARGS(0, 0);
        c->op = CMD_CONTINUE;
        return 0;
    }
    if (!strcmp(op, "break")) {
        ARGS(1, 1);
        c->op = CMD_BREAK;
        if (parse_location(p->syms, a[1], &c->n))
            return bad(p, "break: '%s' is neither an address nor a symbol of the image", a[1]);
        return 0;
    }
    if (!strcmp(op, "break-kind")) {
        ARGS(1, 1);
        c->op = CMD_BREAK_KIND;
        return kind_arg(p, op, a[1], &c->kind);
    }
    if (!strcmp(op, "clear-breaks")) {
        ARGS(0, 0);
        c->op = CMD_CLEAR_BREAKS;
        return 0;
    }
    if (!strcmp(op, "select-event")) {
        ARGS(1, 2);
        c->op = CMD_SELECT_EVENT;
        if (!strcmp(a[1], "last"))
            c->sub = 1;
        else if (run_parse_u64(a[1], &c->n, false))
            return bad(p, "select-event wants an index or 'last', not '%s'", a[1]);
        return n > 2 ? kind_arg(p, op, a[2], &c->kind) : 0;
    }
    if (!strcmp(op, "key")) {
        ARGS(1, 1);
        c->op = CMD_KEY;
        const char *name = a[1];
        if (!strncmp(name, "shift+", 6)) {
            c->keymod = KMOD_LSHIFT;
            name += 6;
        }
        c->key = SDL_GetKeyFromName(name);
        if (c->key == SDLK_UNKNOWN)
            return bad(p, "key: unknown key name '%s' (SDL key names: Space, F1, Left, t, ...)",
                       a[1]);
        return 0;
    }
    if (!strcmp(op, "resize")) {
        ARGS(2, 2);
        c->op = CMD_RESIZE;
        if (number(p, op, a[1], &c->n) || number(p, op, a[2], &c->n2))
            return -1;
        if (c->n < 640 || c->n > 8192 || c->n2 < 480 || c->n2 > 8192)
            return bad(p, "resize wants a width of 640 to 8192 and a height of 480 to 8192");
        return 0;
    }
    if (!strcmp(op, "zoom")) {
        ARGS(1, 2);
        c->op = CMD_ZOOM;
        static const struct { const char *word; int sub; } words[] = {
            { "all", ZOOM_ALL }, { "in", ZOOM_IN }, { "out", ZOOM_OUT },
            { "follow", ZOOM_FOLLOW }, { "selected", ZOOM_SELECTED },
        };
        for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (!strcmp(a[1], words[i].word)) {
                if (n > 2 && words[i].sub != ZOOM_SELECTED)
                    return bad(p, "zoom %s takes no further argument", a[1]);
                c->sub = words[i].sub;
                /* zoom selected [WIDTH]: centred on the selected event */
                c->n = 0;
                return n > 2 ? number(p, op, a[2], &c->n) : 0;
            }
        if (number(p, op, a[1], &c->n))
            return -1;
        c->sub = ZOOM_WIDTH;
        if (n > 2) {
            c->sub = ZOOM_RANGE;
            if (number(p, op, a[2], &c->n2))
                return -1;
            if (c->n2 <= c->n)
                return bad(p, "zoom FROM TO wants TO above FROM");
        } else if (!c->n) {
            return bad(p, "zoom wants a width above 0");
        }
        return 0;
    }
    if (!strcmp(op, "screenshot") || !strcmp(op, "dump-text")) {
        ARGS(1, 1);
        c->op = op[0] == 's' ? CMD_SCREENSHOT : CMD_DUMP_TEXT;
        c->text = strdup(a[1]);
        return c->text ? 0 : bad(p, "out of memory");
    }
    if (!strcmp(op, "print-state")) {
        ARGS(0, 0);
        c->op = CMD_PRINT_STATE;
        return 0;
    }
    if (!strcmp(op, "quit")) {
        ARGS(0, 0);
        c->op = CMD_QUIT;
        return 0;
    }
#undef ARGS
    return bad(p, "unknown command '%s' (see docs/debug-window.md)", op);
}

int script_load(struct script *s, const char *path, const struct symtab *syms)
{
    memset(s, 0, sizeof(*s));
    s->path = path;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "ringscope: --debug-script: cannot read '%s': %s\n", path, strerror(errno));
        return -1;
    }
    struct parse p = { path, 0, syms };
    char buf[1024];
    size_t cap = 0;
    int rc = 0;
    while (rc == 0 && fgets(buf, sizeof(buf), f)) {
        p.line++;
        size_t len = strlen(buf);
        if (len == sizeof(buf) - 1 && buf[len - 1] != '\n') {
            rc = bad(&p, "line too long");
            break;
        }
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = 0;
        char *a[MAX_ARGS + 1];
        int n = 0;
        for (char *tok = strtok(buf, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
            if (n == MAX_ARGS) {
                rc = bad(&p, "too many words");
                break;
            }
            a[n++] = tok;
        }
        if (rc || !n)
            continue;
        if (s->n == cap) {
            cap = cap ? cap * 2 : 32;
            struct command *grown = realloc(s->cmd, cap * sizeof(*grown));
            if (!grown) {
                rc = bad(&p, "out of memory");
                break;
            }
            s->cmd = grown;
        }
        if (parse_command(&p, a, n, &s->cmd[s->n]))
            rc = -1;
        else
            s->n++;
    }
    if (!rc && ferror(f)) {
        fprintf(stderr, "ringscope: --debug-script: cannot read '%s': %s\n", path,
                strerror(errno));
        rc = -1;
    }
    fclose(f);
    if (rc) {
        script_free(s);
        return -1;
    }
    s->active = true;
    return 0;
}

void script_free(struct script *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->cmd[i].text);
    free(s->cmd);
    s->cmd = NULL;
    s->n = 0;
}

/* A command failed at run time: one line, and the run ends with status 2. */
static void fail(struct debug_window *w, const struct command *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct debug_window *w, const struct command *c, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "ringscope: --debug-script %s:%u: %s\n", w->script.path, c->line, msg);
    w->script_error = RUN_EXIT_ERROR;
    w->quit = true;
}

static void select_event(struct debug_window *w, const struct command *c)
{
    const struct recorder *r = &w->rec;
    long found = -1;
    if (c->kind < 0) {
        if (c->sub && r->n)
            found = (long)r->n - 1;
        else if (!c->sub && c->n < r->n)
            found = (long)c->n;
    } else {
        uint64_t seen = 0;
        for (size_t i = 0; i < r->n; i++)
            if ((int)r->ev[i].ev.kind == c->kind) {
                if (c->sub)
                    found = (long)i;
                else if (seen++ == c->n) {
                    found = (long)i;
                    break;
                }
            }
    }
    if (found < 0) {
        fail(w, c, "select-event: no such event (%zu events recorded)", r->n);
        return;
    }
    view_select(w, found, true);
}

static void zoom(struct debug_window *w, const struct command *c)
{
    struct view *v = &w->view;
    view_update(w);
    switch (c->sub) {
    case ZOOM_ALL: view_show_all(w); break;
    case ZOOM_IN: view_zoom(w, 1 / 1.6, v->start + v->width / 2); break;
    case ZOOM_OUT: view_zoom(w, 1.6, v->start + v->width / 2); break;
    case ZOOM_FOLLOW: v->all = false; v->follow = true; break;
    case ZOOM_RANGE:
        v->all = v->follow = false;
        v->start = (double)c->n;
        v->width = (double)(c->n2 - c->n);
        break;
    case ZOOM_WIDTH:
        v->all = v->follow = false;
        v->start = v->start + v->width / 2 - (double)c->n / 2;
        v->width = (double)c->n;
        if (v->start < 0)
            v->start = 0;
        break;
    case ZOOM_SELECTED:
        if (v->selected < 0) {
            fail(w, c, "zoom selected: no event is selected");
            return;
        }
        if (c->n)
            v->width = (double)c->n;
        v->all = false;
        view_center(w, (double)w->rec.ev[v->selected].ev.cycle);
        break;
    }
    w->dirty = true;
}

static void run_command(struct debug_window *w, const struct command *c)
{
    char err[300];
    FILE *f;
    switch (c->op) {
    case CMD_STEP: ctl_run(w, GOAL_STEPS, c->n, -1); break;
    case CMD_STEP_TRANSITION: ctl_run(w, GOAL_TRANSITION, 0, c->kind); break;
    case CMD_STEP_SWITCH: ctl_run(w, GOAL_SWITCH, 0, -1); break;
    case CMD_RUN_TO: ctl_run(w, GOAL_CYCLE, c->n, -1); break;
    case CMD_RUN_FOR: ctl_run(w, GOAL_CYCLE, ctl_cycle(w) + c->n, -1); break;
    case CMD_CONTINUE: ctl_run(w, GOAL_NONE, 0, -1); break;
    case CMD_BREAK:
        if (ctl_add_break(w, c->n))
            fail(w, c, "break: at most %d address breakpoints", MAX_BREAKS);
        break;
    case CMD_BREAK_KIND: w->ctl.break_kinds |= 1u << c->kind; break;
    case CMD_CLEAR_BREAKS: ctl_clear_breaks(w); break;
    case CMD_SELECT_EVENT: select_event(w, c); break;
    case CMD_KEY: keys_handle(w, c->key, c->keymod); break;
    case CMD_RESIZE:
        SDL_SetWindowSize(w->win, (int)c->n, (int)c->n2);
        if (dw_resize(w, (int)c->n, (int)c->n2))
            fail(w, c, "resize: out of memory");
        break;
    case CMD_ZOOM: zoom(w, c); break;
    case CMD_SCREENSHOT:
        dw_render(w);
        if (dw_screenshot(w, c->text, err, sizeof(err)))
            fail(w, c, "screenshot: %s", err);
        break;
    case CMD_DUMP_TEXT:
        dw_render(w);
        f = fopen(c->text, "w");
        if (!f) {
            fail(w, c, "dump-text: cannot write '%s': %s", c->text, strerror(errno));
            break;
        }
        canvas_dump_text(&w->cv, f);
        if (fclose(f))
            fail(w, c, "dump-text: cannot write '%s': %s", c->text, strerror(errno));
        break;
    case CMD_PRINT_STATE:
        view_update(w);
        print_state(w, stdout);
        fflush(stdout);
        break;
    case CMD_QUIT: w->quit = true; break;
    }
}

void script_step(struct debug_window *w)
{
    struct script *s = &w->script;
    while (!w->quit && w->ctl.mode != MODE_RUNNING) {
        if (s->pc >= s->n) {
            w->quit = true;             /* the script's end ends the run */
            return;
        }
        run_command(w, &s->cmd[s->pc++]);
    }
}
