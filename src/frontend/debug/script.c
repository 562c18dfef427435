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

/* ---- Each command's arguments (a[0] is the command) ---------------------- */

typedef int args_fn(const struct parse *p, char **a, int n, struct command *c);

static int args_count(const struct parse *p, char **a, int n, struct command *c)
{
    return n > 1 ? number(p, a[0], a[1], &c->n) : 0;
}

static int args_kind(const struct parse *p, char **a, int n, struct command *c)
{
    return n > 1 ? kind_arg(p, a[0], a[1], &c->kind) : 0;
}

static int args_cycle(const struct parse *p, char **a, int n, struct command *c)
{
    return number(p, a[0], a[1], &c->n);
}

static int args_break(const struct parse *p, char **a, int n, struct command *c)
{
    if (parse_location(p->syms, a[1], &c->n))
        return bad(p, "break: '%s' is neither an address nor a symbol of the image", a[1]);
    return 0;
}

static int args_select(const struct parse *p, char **a, int n, struct command *c)
{
    if (!strcmp(a[1], "last"))
        c->sub = 1;
    else if (run_parse_u64(a[1], &c->n, false))
        return bad(p, "select-event wants an index or 'last', not '%s'", a[1]);
    return n > 2 ? kind_arg(p, a[0], a[2], &c->kind) : 0;
}

static int args_key(const struct parse *p, char **a, int n, struct command *c)
{
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

static int args_resize(const struct parse *p, char **a, int n, struct command *c)
{
    if (number(p, a[0], a[1], &c->n) || number(p, a[0], a[2], &c->n2))
        return -1;
    if (c->n < 640 || c->n > 8192 || c->n2 < 480 || c->n2 > 8192)
        return bad(p, "resize wants a width of 640 to 8192 and a height of 480 to 8192");
    return 0;
}

/* zoom all|in|out|follow | zoom selected [WIDTH] | zoom WIDTH | zoom FROM TO */
static int args_zoom(const struct parse *p, char **a, int n, struct command *c)
{
    static const struct { const char *word; int sub; } words[] = {
        { "all", ZOOM_ALL }, { "in", ZOOM_IN }, { "out", ZOOM_OUT },
        { "follow", ZOOM_FOLLOW }, { "selected", ZOOM_SELECTED },
    };
    for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (!strcmp(a[1], words[i].word)) {
            if (n > 2 && words[i].sub != ZOOM_SELECTED)
                return bad(p, "zoom %s takes no further argument", a[1]);
            c->sub = words[i].sub;
            c->n = 0;           /* zoom selected [WIDTH]: centred on the selected event */
            return n > 2 ? number(p, a[0], a[2], &c->n) : 0;
        }
    if (number(p, a[0], a[1], &c->n))
        return -1;
    c->sub = ZOOM_WIDTH;
    if (n > 2) {
        c->sub = ZOOM_RANGE;
        if (number(p, a[0], a[2], &c->n2))
            return -1;
        if (c->n2 <= c->n)
            return bad(p, "zoom FROM TO wants TO above FROM");
    } else if (!c->n) {
        return bad(p, "zoom wants a width above 0");
    }
    return 0;
}

static int args_path(const struct parse *p, char **a, int n, struct command *c)
{
    c->text = strdup(a[1]);
    return c->text ? 0 : bad(p, "out of memory");
}

/* The script language (docs/debug-window.md), as data. */
static const struct command_spec {
    const char *name;
    enum cmd_op op;
    int min_args, max_args;
    args_fn *args;              /* NULL: no arguments to read */
} commands[] = {
    { "step",            CMD_STEP,            0, 1, args_count },
    { "step-transition", CMD_STEP_TRANSITION, 0, 1, args_kind },
    { "step-switch",     CMD_STEP_SWITCH,     0, 0, NULL },
    { "run-to",          CMD_RUN_TO,          1, 1, args_cycle },
    { "run-for",         CMD_RUN_FOR,         1, 1, args_cycle },
    { "continue",        CMD_CONTINUE,        0, 0, NULL },
    { "break",           CMD_BREAK,           1, 1, args_break },
    { "break-kind",      CMD_BREAK_KIND,      1, 1, args_kind },
    { "clear-breaks",    CMD_CLEAR_BREAKS,    0, 0, NULL },
    { "select-event",    CMD_SELECT_EVENT,    1, 2, args_select },
    { "key",             CMD_KEY,             1, 1, args_key },
    { "resize",          CMD_RESIZE,          2, 2, args_resize },
    { "zoom",            CMD_ZOOM,            1, 2, args_zoom },
    { "screenshot",      CMD_SCREENSHOT,      1, 1, args_path },
    { "dump-text",       CMD_DUMP_TEXT,       1, 1, args_path },
    { "print-state",     CMD_PRINT_STATE,     0, 0, NULL },
    { "quit",            CMD_QUIT,            0, 0, NULL },
};

/* One command from its words; 0, or -1 after printing one line. */
static int parse_command(const struct parse *p, char **a, int n, struct command *c)
{
    memset(c, 0, sizeof(*c));
    c->line = p->line;
    c->kind = -1;
    c->n = 1;
    for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        const struct command_spec *k = &commands[i];
        if (strcmp(a[0], k->name))
            continue;
        int args = n - 1;
        if (args < k->min_args || args > k->max_args)
            return bad(p, "%s takes %s", k->name, k->max_args == 0 ? "no arguments" :
                       k->min_args == k->max_args ?
                       (k->min_args == 1 ? "one argument" : "two arguments") :
                       k->max_args == 1 ? "at most one argument" : "one or two arguments");
        c->op = k->op;
        return k->args ? k->args(p, a, n, c) : 0;
    }
    return bad(p, "unknown command '%s' (see docs/debug-window.md)", a[0]);
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
