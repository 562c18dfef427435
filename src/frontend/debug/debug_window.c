/*
 * --debug: the SDL2 debug window (docs/debug-window.md). This file opens
 * and closes it and runs its loop: SDL input, the next script command, a
 * slice of the machine, and a frame at a steady rate. The emulation and the
 * drawing share one thread, so the machine runs in slices sized to end
 * before the next frame is due.
 *
 * Exit statuses: the guest's when it ended the run; RUN_EXIT_SIGNAL + 2
 * (130, as Ctrl-C) when a person closed the window first; RUN_EXIT_BUDGET
 * when a script ended before the guest did (as --max-cycles would);
 * RUN_EXIT_ERROR after a script command failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/debug/debug_window.h"
#include "frontend/debug/theme.h"
#include "frontend/debug/window.h"
#include "frontend/symbols.h"

#define WINDOW_W 1280
#define WINDOW_H 800
#define MIN_W 1024
#define MIN_H 640
#define FPS 30

double dw_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- The machine's side --------------------------------------------------- */

static void on_event(void *ctx, const rs_event *ev)
{
    struct debug_window *w = ctx;
    long index = rec_event(&w->rec, w->st->m, ev);
    ctl_on_event(w, w->st->m, ev, index);
}

/* st->attach: every machine, at power-on and after each reboot. */
static void attach(void *ctx, rs_machine *m)
{
    struct debug_window *w = ctx;
    rs_subscribe(m, on_event, w);
    ctl_machine(w, m);
    rec_machine(&w->rec, m, w->st->base_cycles);
    w->regs_prev.valid = false;
    regs_read(&w->regs, m);
}

/* ---- Drawing ------------------------------------------------------------ */

int dw_resize(struct debug_window *w, int width, int height)
{
    if (width < MIN_W)
        width = MIN_W;
    if (height < MIN_H)
        height = MIN_H;
    if (w->frame && width == w->cv.w && height == w->cv.h)
        return 0;
    if (canvas_resize(&w->cv, width, height))
        return -1;
    SDL_FreeSurface(w->frame);
    w->frame = SDL_CreateRGBSurfaceWithFormatFrom(w->cv.px, width, height, 32, width * 4,
                                                  SDL_PIXELFORMAT_ARGB8888);
    if (!w->frame)
        return -1;
    layout_compute(&w->lay, width, height);
    w->dirty = true;
    return 0;
}

void dw_render(struct debug_window *w)
{
    double t0 = dw_now();
    struct canvas *c = &w->cv;
    canvas_begin(c);
    if (w->ctl.mode == MODE_RUNNING) {
        w->regs_prev = w->regs;
        regs_read(&w->regs, w->st->m);
    }
    view_update(w);
    canvas_fill(c, 0, 0, c->w, c->h, COL_BG);
    draw_status(w);
    draw_timeline(w);
    draw_stackview(w);
    draw_event_panel(w);
    draw_regs(w);
    draw_disasm(w);
    draw_console(w);
    if (w->help)
        draw_help(w);
    /* The window's own surface (re-fetched: a resize replaces it). */
    SDL_Surface *win = SDL_GetWindowSurface(w->win);
    if (win && SDL_BlitSurface(w->frame, NULL, win, NULL) == 0)
        SDL_UpdateWindowSurface(w->win);
    w->frames++;
    w->dirty = false;
    w->last_frame = dw_now();
    w->frame_cost = w->last_frame - t0;
}

int dw_screenshot(struct debug_window *w, const char *path, char *err, size_t errlen)
{
    /* 24-bit BMP: the plainest kind, which every reader (and the tests) knows. */
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(w->frame, SDL_PIXELFORMAT_BGR24, 0);
    int rc = rgb && SDL_SaveBMP(rgb, path) == 0 ? 0 : -1;
    if (rc)
        snprintf(err, errlen, "cannot write '%s': %s", path, SDL_GetError());
    SDL_FreeSurface(rgb);
    return rc;
}

/* ---- Input ----------------------------------------------------------------- */

static bool in_plots(const struct debug_window *w, int x, int y)
{
    const struct layout *l = &w->lay;
    return x >= l->plot_x && x < l->plot_x + l->plot_w && y >= l->timeline.y &&
           y < l->stack.y + l->stack.h;
}

static void handle(struct debug_window *w, const SDL_Event *e)
{
    struct view *v = &w->view;
    switch (e->type) {
    case SDL_QUIT:
        w->quit = true;
        w->closed_by_user = true;
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            dw_resize(w, e->window.data1, e->window.data2);
        w->dirty = true;
        break;
    case SDL_KEYDOWN:
        keys_handle(w, e->key.keysym.sym, (SDL_Keymod)e->key.keysym.mod);
        break;
    case SDL_TEXTINPUT:
        keys_text(w, e->text.text);
        break;
    case SDL_MOUSEWHEEL: {
        int x, y;
        SDL_GetMouseState(&x, &y);
        if (in_plots(w, x, y) && e->wheel.y)
            view_zoom(w, e->wheel.y > 0 ? 1 / 1.25 : 1.25, view_cycle_at(w, x));
        break;
    }
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT && in_plots(w, e->button.x, e->button.y)) {
            view_update(w);
            v->dragging = true;
            v->drag_moved = false;
            v->drag_x = e->button.x;
            v->drag_start = v->start;
        }
        break;
    case SDL_MOUSEMOTION:
        if (v->dragging && (v->drag_moved || abs(e->motion.x - v->drag_x) > 3)) {
            v->drag_moved = true;
            v->all = v->follow = false;
            v->start = v->drag_start - (e->motion.x - v->drag_x) * v->width / w->lay.plot_w;
            if (v->start < 0)
                v->start = 0;
            w->dirty = true;
        }
        break;
    case SDL_MOUSEBUTTONUP:
        if (e->button.button == SDL_BUTTON_LEFT && v->dragging) {
            v->dragging = false;
            if (!v->drag_moved) {
                long i = view_nearest_event(w, e->button.x, e->button.y);
                if (i >= 0)
                    view_select(w, i, false);
            }
        }
        break;
    }
}

/* ---- Open, run, close ------------------------------------------------------ */

static void close_window(struct debug_window *w)
{
    struct run_state *st = w->st;
    if (st->m)
        rs_unsubscribe(st->m, on_event, w);
    st->attach = NULL;
    st->attach_ctx = NULL;
    st->io.tap = NULL;
    st->io.tap_ctx = NULL;
    disasm_close(&w->dis);
    script_free(&w->script);
    rec_free(&w->rec);
    canvas_free(&w->cv);
    symtab_free(w->syms);
    SDL_FreeSurface(w->frame);
    if (w->win)
        SDL_DestroyWindow(w->win);
    SDL_Quit();
    free(w);
}

void debug_window_close(struct run_state *st)
{
    if (st->attach == attach && st->attach_ctx)
        close_window(st->attach_ctx);
}

static int no_display(const char *why)
{
    fprintf(stderr, "ringscope: --debug: no display (%s); for a headless run set "
            "SDL_VIDEODRIVER=offscreen\n", why);
    return -1;
}

int debug_window_open(struct run_state *st)
{
    const char *driver = getenv("SDL_VIDEODRIVER");
    /* Without a display SDL would try every driver, some printing to stderr,
     * and may settle on an invisible one: say so instead. */
    if ((!driver || !*driver) && !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
        return no_display("neither DISPLAY nor WAYLAND_DISPLAY is set");
    /* The frame is drawn in software and copied to the window's surface: no
     * GL context behind that surface either (it would load the GL drivers,
     * for nothing, and they leak at exit). */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return no_display(SDL_GetError());
    const char *chosen = SDL_GetCurrentVideoDriver();
    if ((!driver || !*driver) && chosen &&
        (!strcmp(chosen, "offscreen") || !strcmp(chosen, "dummy"))) {
        SDL_Quit();
        return no_display("SDL found only its offscreen driver");
    }
    struct debug_window *w = calloc(1, sizeof(*w));
    if (!w) {
        SDL_Quit();
        fprintf(stderr, "ringscope: --debug: out of memory\n");
        return -1;
    }
    w->st = st;
    rec_init(&w->rec, NULL);
    ctl_init(&w->ctl);
    view_init(&w->view);
    w->frame_interval = 1.0 / FPS;
    if (st->o.image) {
        char err[256];
        w->syms = symtab_load(st->o.image, err, sizeof(err));
        if (!w->syms)
            snprintf(w->sym_note, sizeof(w->sym_note), "no symbols: %.140s", err);
    }
    w->rec.syms = w->syms;
    if (st->o.debug_script && script_load(&w->script, st->o.debug_script, w->syms)) {
        close_window(w);
        return -1;
    }
    w->win = SDL_CreateWindow("ringscope", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                              WINDOW_W, WINDOW_H, SDL_WINDOW_RESIZABLE);
    if (w->win)
        SDL_SetWindowMinimumSize(w->win, MIN_W, MIN_H);
    if (!w->win || dw_resize(w, WINDOW_W, WINDOW_H) || !SDL_GetWindowSurface(w->win)) {
        fprintf(stderr, "ringscope: --debug: cannot open the window: %s\n", SDL_GetError());
        close_window(w);
        return -1;
    }
    if (disasm_open(&w->dis))
        snprintf(w->sym_note, sizeof(w->sym_note), "Capstone could not be opened");
    SDL_StopTextInput();        /* on only while a prompt is open */
    st->attach = attach;
    st->attach_ctx = w;
    st->io.tap = console_tap;
    st->io.tap_ctx = w;
    return 0;
}

int debug_window_run(struct run_state *st)
{
    struct debug_window *w = st->attach_ctx;
    if (!w)
        return RUN_EXIT_ERROR;
    if (w->sym_note[0])
        snprintf(w->ctl.why, sizeof(w->ctl.why), "%.90s", w->sym_note);
    /* A person sees the machine run; a script decides itself. */
    if (!w->script.active)
        ctl_run(w, GOAL_NONE, 0, -1);
    double next_frame = dw_now();
    while (!w->quit) {
        SDL_Event e;
        while (SDL_PollEvent(&e))
            handle(w, &e);
        if (w->quit)
            break;
        if (w->script.active && w->ctl.mode != MODE_RUNNING) {
            script_step(w);
            if (w->quit)
                break;
        }
        if (w->ctl.mode == MODE_ENDED && w->ctl.exit_status >= RUN_EXIT_SIGNAL)
            break;                  /* Ctrl-C in the terminal, or a signal: no lingering */
        /* Ctrl-C while paused: run_slice, which notices signals, is not
         * being called. */
        int sig = w->ctl.mode != MODE_RUNNING ? run_pending_signal() : RUN_CONTINUE;
        if (sig != RUN_CONTINUE) {
            w->ctl.mode = MODE_ENDED;
            w->ctl.exit_status = sig;
            break;
        }
        if (w->ctl.mode == MODE_RUNNING) {
            ctl_advance(w, next_frame);
        } else if (!w->script.active && !w->dirty) {
            double wait = next_frame - dw_now();
            SDL_WaitEventTimeout(NULL, wait > 0.001 ? (int)(wait * 1000) : 1);
        }
        double now = dw_now();
        if (now >= next_frame && (w->ctl.mode == MODE_RUNNING || w->dirty)) {
            dw_render(w);
            next_frame = now + w->frame_interval;
            if (next_frame < w->last_frame + w->frame_cost)
                next_frame = w->last_frame + w->frame_cost;
        }
    }
    int rc;
    if (w->script_error)
        rc = w->script_error;
    else if (w->ctl.mode == MODE_ENDED)
        rc = w->ctl.exit_status;
    else if (w->closed_by_user)
        rc = RUN_EXIT_SIGNAL + 2;
    else
        rc = RUN_EXIT_BUDGET;       /* the script ended (or quit) before the guest did */
    if (rc == RUN_EXIT_BUDGET)
        fprintf(stderr, "ringscope: --debug-script ended the run at cycle %llu\n",
                (unsigned long long)ctl_cycle(w));
    close_window(w);
    return rc;
}
