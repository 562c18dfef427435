/*
 * Keyboard shortcuts, as one table: the window's key handling, the script's
 * `key NAME` and the help overlay all read it. Three keys open a prompt in
 * the status bar (run to a cycle, break at an address, break on a kind);
 * while it is open, typed text goes to it.
 */
#include <stdio.h>
#include <string.h>

#include "frontend/debug/window.h"

#define ZOOM_STEP 1.6

static void toggle_run(struct debug_window *w)
{
    if (w->ctl.mode == MODE_RUNNING)
        ctl_pause(w, "paused");
    else
        ctl_run(w, GOAL_NONE, 0, -1);
}

static void step(struct debug_window *w) { ctl_run(w, GOAL_STEPS, 1, -1); }
static void step_transition(struct debug_window *w) { ctl_run(w, GOAL_TRANSITION, 0, -1); }
static void step_switch(struct debug_window *w) { ctl_run(w, GOAL_SWITCH, 0, -1); }

static void open_prompt(struct debug_window *w, enum prompt_kind p)
{
    w->prompt = p;
    w->prompt_buf[0] = 0;
    SDL_StartTextInput();
    w->dirty = true;
}

static void prompt_run_to(struct debug_window *w) { open_prompt(w, PROMPT_RUN_TO); }
static void prompt_break(struct debug_window *w) { open_prompt(w, PROMPT_BREAK); }
static void prompt_kind(struct debug_window *w) { open_prompt(w, PROMPT_BREAK_KIND); }

static void clear_breaks(struct debug_window *w)
{
    ctl_clear_breaks(w);
    snprintf(w->ctl.why, sizeof(w->ctl.why), "breakpoints cleared");
    w->dirty = true;
}

static double anchor(struct debug_window *w)
{
    if (w->view.selected >= 0)
        return (double)w->rec.ev[w->view.selected].ev.cycle;
    return w->view.start + w->view.width / 2;
}

static void zoom_in(struct debug_window *w) { view_zoom(w, 1 / ZOOM_STEP, anchor(w)); }
static void zoom_out(struct debug_window *w) { view_zoom(w, ZOOM_STEP, anchor(w)); }
static void scroll_left(struct debug_window *w) { view_scroll(w, -0.25); }
static void scroll_right(struct debug_window *w) { view_scroll(w, 0.25); }
static void show_all(struct debug_window *w) { view_show_all(w); }

static void follow(struct debug_window *w)
{
    w->view.all = false;
    w->view.follow = !w->view.follow;
    w->dirty = true;
}

static void select_step(struct debug_window *w, int dir, bool same_kind)
{
    long n = (long)w->rec.n, i = w->view.selected;
    if (!n)
        return;
    if (i < 0) {
        view_select(w, dir > 0 ? 0 : n - 1, true);
        return;
    }
    rs_event_kind k = w->rec.ev[i].ev.kind;
    for (long j = i + dir; j >= 0 && j < n; j += dir)
        if (!same_kind || w->rec.ev[j].ev.kind == k) {
            view_select(w, j, true);
            return;
        }
}

static void prev_event(struct debug_window *w) { select_step(w, -1, false); }
static void next_event(struct debug_window *w) { select_step(w, 1, false); }
static void prev_same(struct debug_window *w) { select_step(w, -1, true); }
static void next_same(struct debug_window *w) { select_step(w, 1, true); }
static void first_event(struct debug_window *w) { view_select(w, 0, true); }
static void last_event(struct debug_window *w) { view_select(w, (long)w->rec.n - 1, true); }

static void center_selected(struct debug_window *w)
{
    if (w->view.selected >= 0)
        view_center(w, (double)w->rec.ev[w->view.selected].ev.cycle);
}

static void toggle_vga(struct debug_window *w)
{
    w->con.show_vga = !w->con.show_vga;
    w->dirty = true;
}

static void toggle_help(struct debug_window *w)
{
    w->help = !w->help;
    w->dirty = true;
}

static void screenshot_key(struct debug_window *w)
{
    char path[64], err[160];
    snprintf(path, sizeof(path), "ringscope-debug-%llu.bmp", (unsigned long long)w->frames);
    if (dw_screenshot(w, path, err, sizeof(err)))
        snprintf(w->ctl.why, sizeof(w->ctl.why), "%.90s", err);
    else
        snprintf(w->ctl.why, sizeof(w->ctl.why), "wrote %s", path);
    w->dirty = true;
}

static void quit(struct debug_window *w)
{
    w->quit = true;
    w->closed_by_user = true;
}

struct binding {
    SDL_Keycode key;
    void (*fn)(struct debug_window *w);
};

/* What the help overlay lists; `bindings` below maps the keys. */
const struct key_help key_help[] = {
    { "Space", "run / pause" },
    { "s", "single-step one instruction" },
    { "t", "step to the next transition (any kind)" },
    { "w", "step to the next context switch (CR3 write)" },
    { "g", "run to a cycle (prompt; 150M, 0x1000 ...)" },
    { "b", "break at an address or symbol (prompt)" },
    { "k", "break on a transition kind, toggles (prompt)" },
    { "x", "clear all breakpoints" },
    { "+ / -", "zoom the time axis in / out" },
    { "Left / Right", "scroll the time axis" },
    { "a", "show the whole run" },
    { "f", "follow the machine (keep the present in view)" },
    { "[ / ]", "select the previous / next event" },
    { ", / .", "previous / next event of the same kind" },
    { "Home / End", "select the first / last event" },
    { "Enter", "centre the view on the selected event" },
    { "v", "console panel: serial / VGA text screen" },
    { "F12", "screenshot (ringscope-debug-N.bmp)" },
    { "F1 / ? / h", "this help" },
    { "q / Escape", "close the window (Escape closes help first)" },
};
const unsigned key_help_count = sizeof(key_help) / sizeof(key_help[0]);

static const struct binding bindings[] = {
    { SDLK_SPACE, toggle_run }, { SDLK_s, step }, { SDLK_t, step_transition },
    { SDLK_w, step_switch }, { SDLK_g, prompt_run_to }, { SDLK_b, prompt_break },
    { SDLK_k, prompt_kind }, { SDLK_x, clear_breaks },
    { SDLK_PLUS, zoom_in }, { SDLK_EQUALS, zoom_in }, { SDLK_KP_PLUS, zoom_in },
    { SDLK_MINUS, zoom_out }, { SDLK_KP_MINUS, zoom_out },
    { SDLK_LEFT, scroll_left }, { SDLK_RIGHT, scroll_right },
    { SDLK_a, show_all }, { SDLK_f, follow },
    { SDLK_LEFTBRACKET, prev_event }, { SDLK_RIGHTBRACKET, next_event },
    { SDLK_COMMA, prev_same }, { SDLK_PERIOD, next_same },
    { SDLK_HOME, first_event }, { SDLK_END, last_event },
    { SDLK_RETURN, center_selected }, { SDLK_KP_ENTER, center_selected },
    { SDLK_v, toggle_vga }, { SDLK_F12, screenshot_key },
    { SDLK_F1, toggle_help }, { SDLK_QUESTION, toggle_help }, { SDLK_h, toggle_help },
    { SDLK_q, quit },
};

/* Enter in a prompt: act on what was typed. */
static void finish_prompt(struct debug_window *w)
{
    enum prompt_kind p = w->prompt;
    const char *s = w->prompt_buf;
    w->prompt = PROMPT_NONE;
    SDL_StopTextInput();
    uint64_t v;
    int kind;
    switch (p) {
    case PROMPT_RUN_TO:
        if (run_parse_u64(s, &v, true))
            snprintf(w->ctl.why, sizeof(w->ctl.why), "not a cycle: '%s'", s);
        else
            ctl_run(w, GOAL_CYCLE, v, -1);
        break;
    case PROMPT_BREAK:
        if (parse_location(w->syms, s, &v))
            snprintf(w->ctl.why, sizeof(w->ctl.why), "not an address or symbol: '%s'", s);
        else if (ctl_add_break(w, v))
            snprintf(w->ctl.why, sizeof(w->ctl.why), "too many breakpoints (%d)", MAX_BREAKS);
        else
            snprintf(w->ctl.why, sizeof(w->ctl.why), "breakpoint at %llx",
                     (unsigned long long)v);
        break;
    case PROMPT_BREAK_KIND:
        kind = parse_kind(s);
        if (kind < 0) {
            snprintf(w->ctl.why, sizeof(w->ctl.why), "not a kind: '%s'", s);
        } else {
            ctl_toggle_break_kind(w, kind);
            snprintf(w->ctl.why, sizeof(w->ctl.why), "breakpoint on %s %s", s,
                     (w->ctl.break_kinds >> kind) & 1 ? "set" : "cleared");
        }
        break;
    case PROMPT_NONE:
        break;
    }
}

void keys_text(struct debug_window *w, const char *text)
{
    if (w->prompt == PROMPT_NONE)
        return;
    size_t n = strlen(w->prompt_buf);
    for (; *text && n + 1 < sizeof(w->prompt_buf); text++)
        if ((unsigned char)*text >= 0x20 && (unsigned char)*text < 0x7f)
            w->prompt_buf[n++] = *text;
    w->prompt_buf[n] = 0;
    w->dirty = true;
}

void keys_handle(struct debug_window *w, SDL_Keycode key, SDL_Keymod mod)
{
    w->dirty = true;
    if (w->prompt != PROMPT_NONE) {
        size_t n = strlen(w->prompt_buf);
        if (key == SDLK_RETURN || key == SDLK_KP_ENTER) {
            finish_prompt(w);
        } else if (key == SDLK_ESCAPE) {
            w->prompt = PROMPT_NONE;
            SDL_StopTextInput();
        } else if (key == SDLK_BACKSPACE && n) {
            w->prompt_buf[n - 1] = 0;
        }
        return;
    }
    if (key == SDLK_ESCAPE) {
        if (w->help)
            w->help = false;
        else
            quit(w);
        return;
    }
    /* '+' and '?' come shifted on most layouts. */
    if ((mod & KMOD_SHIFT) && key == SDLK_EQUALS)
        key = SDLK_PLUS;
    if ((mod & KMOD_SHIFT) && key == SDLK_SLASH)
        key = SDLK_QUESTION;
    for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++)
        if (bindings[i].key == key) {
            bindings[i].fn(w);
            return;
        }
}
