/*
 * The debug window's state: one struct, hung off the run_state through the
 * attach and tap context pointers, and passed to every part explicitly.
 * Each part of the window is its own file; their functions are declared
 * here by part.
 */
#ifndef RINGSCOPE_DEBUG_WINDOW_STATE_H
#define RINGSCOPE_DEBUG_WINDOW_STATE_H

#include <SDL.h>
#include <capstone/capstone.h>
#include <stdbool.h>
#include <stdint.h>

#include "frontend/debug/canvas.h"
#include "frontend/debug/recorder.h"
#include "frontend/run.h"

struct symtab;

/* ---- control.c: running, stepping, breakpoints --------------------------- */

enum run_mode { MODE_PAUSED, MODE_RUNNING, MODE_ENDED };

/* What ends the current run (besides breakpoints and the guest ending). */
enum goal_kind { GOAL_NONE, GOAL_STEPS, GOAL_TRANSITION, GOAL_SWITCH, GOAL_CYCLE };

#define MAX_BREAKS 16

struct control {
    enum run_mode mode;
    enum goal_kind goal;
    uint64_t goal_steps;            /* GOAL_STEPS: steps left */
    int goal_kind;                  /* GOAL_TRANSITION: rs_event_kind, or -1 for any */
    uint64_t goal_cycle;            /* GOAL_CYCLE */
    uint64_t breaks[MAX_BREAKS];    /* linear addresses */
    unsigned nbreaks;
    uint32_t break_kinds;           /* bit per rs_event_kind */
    bool hit;                       /* the event callback asked the machine to stop */
    long hit_event;                 /* the event that did, or -1 */
    char why[96];                   /* why the machine last stopped, for the status bar */
    int exit_status;                /* MODE_ENDED: run_slice's status */
    uint64_t slice_steps;           /* sized so a slice takes a few ms of host time */
    double mips;                    /* measured while running */
};

/* ---- regs.c: the registers panel ----------------------------------------- */

#define NMSRS 7
struct regs_snapshot {
    bool valid;
    uint64_t r[RS_REG_COUNT];
    rs_segment seg[RS_SREG_COUNT];
    rs_table_reg gdtr, idtr;
    uint64_t msr[NMSRS];
    bool msr_ok[NMSRS];
    rs_mode mode;
};

/* ---- disasm.c ------------------------------------------------------------- */

struct disasm {
    csh cs[3];                      /* 16-, 32- and 64-bit */
    bool ok[3];
};

/* ---- console.c: the serial console and the VGA screen ------------------- */

#define CON_LINES 400
#define CON_COLS 160
struct console {
    char lines[CON_LINES][CON_COLS + 1];
    unsigned first, count;          /* ring of lines; the last one is being written */
    unsigned col;
    bool show_vga;
    int esc;                        /* inside an ANSI escape sequence: 1 after ESC, 2 after [ */
    uint64_t bytes[3];              /* per port: COM1, COM2, debugcon */
};

/* ---- layout.c ------------------------------------------------------------- */

struct layout {
    struct rect status, timeline, stack, event, regs, disasm, console;
    /* Inside the timeline: */
    int label_w;                    /* the band and lane names on the left */
    int plot_x, plot_w;             /* the time axis in pixels */
    int legend_y;
    int band_y[BAND_COUNT], band_h; /* band_y -1: a band the run has not visited */
    int bands_top, bands_bottom;
    int lane_y[LANE_COUNT], lane_h;
    int axis_y;
    /* Inside the stack view: */
    int stack_plot_y, stack_plot_h;
};

/* ---- view.c: the visible range of time and the selection ---------------- */

struct view {
    double start, width;            /* cycles; width >= MIN_WIDTH */
    bool follow;                    /* keep the current cycle at the right edge */
    bool all;                       /* keep the whole run in view */
    long selected;                  /* event index, or -1 */
    bool dragging, drag_moved;
    int drag_x;
    double drag_start;
};

/* ---- script.c ------------------------------------------------------------ */

enum cmd_op {
    CMD_STEP, CMD_STEP_TRANSITION, CMD_STEP_SWITCH, CMD_RUN_TO, CMD_RUN_FOR, CMD_CONTINUE,
    CMD_BREAK, CMD_BREAK_KIND, CMD_CLEAR_BREAKS, CMD_SELECT_EVENT, CMD_KEY, CMD_RESIZE,
    CMD_ZOOM, CMD_SCREENSHOT, CMD_DUMP_TEXT, CMD_PRINT_STATE, CMD_QUIT,
};

struct command {
    enum cmd_op op;
    unsigned line;
    uint64_t n, n2;                 /* counts, cycles, addresses, sizes */
    int kind;                       /* an rs_event_kind, or -1 */
    int sub;                        /* select-event: 1 = last; zoom: ZOOM_* */
    SDL_Keycode key;
    SDL_Keymod keymod;
    char *text;                     /* paths, the breakpoint's spelling */
};
enum { ZOOM_ALL, ZOOM_IN, ZOOM_OUT, ZOOM_RANGE, ZOOM_WIDTH, ZOOM_FOLLOW, ZOOM_SELECTED };

struct script {
    const char *path;
    struct command *cmd;
    size_t n, pc;
    bool active;                    /* a script drives the window */
};

/* ---- The window ---------------------------------------------------------- */

enum prompt_kind { PROMPT_NONE, PROMPT_RUN_TO, PROMPT_BREAK, PROMPT_BREAK_KIND };

struct debug_window {
    struct run_state *st;
    SDL_Window *win;
    SDL_Surface *frame;             /* wraps cv.px, blitted to the window's surface */
    struct canvas cv;
    struct symtab *syms;
    char sym_note[160];             /* why there are no symbols, if there are none */
    struct recorder rec;
    struct control ctl;
    struct view view;
    struct layout lay;
    struct script script;
    struct console con;
    struct disasm dis;
    struct regs_snapshot regs, regs_prev;
    bool help;
    bool quit;                      /* the window was closed, or the script said quit */
    bool closed_by_user;
    bool dirty;                     /* something changed: draw a frame soon */
    enum prompt_kind prompt;
    char prompt_buf[96];
    double frame_interval;          /* seconds */
    double last_frame, frame_cost;  /* host time: the last frame, what drawing it took */
    uint64_t frames;
    int script_error;               /* a script command failed: the run's status */
};

/* debug_window.c */
double dw_now(void);
void dw_render(struct debug_window *w);             /* draw a frame and present it */
int dw_screenshot(struct debug_window *w, const char *path, char *err, size_t errlen);
int dw_resize(struct debug_window *w, int width, int height);

/* control.c */
void ctl_init(struct control *c);
void ctl_on_event(struct debug_window *w, rs_machine *m, const rs_event *ev, long index);
void ctl_pause(struct debug_window *w, const char *why);
void ctl_run(struct debug_window *w, enum goal_kind goal, uint64_t arg, int kind);
/* Run the machine until `deadline` (host seconds) or until it stops. */
void ctl_advance(struct debug_window *w, double deadline);
uint64_t ctl_cycle(const struct debug_window *w);   /* the global current cycle */
int ctl_add_break(struct debug_window *w, uint64_t addr);
/* Remove every address and kind breakpoint. */
void ctl_clear_breaks(struct debug_window *w);
/* A new machine (power-on, reboot): give it the address breakpoints. */
void ctl_machine(struct debug_window *w, rs_machine *m);
void ctl_toggle_break_kind(struct debug_window *w, int kind);

/* layout.c */
void layout_compute(struct layout *l, int width, int height);
void layout_bands(struct debug_window *w);          /* the visited bands, before drawing */
void draw_status(struct debug_window *w);
void draw_help(struct debug_window *w);
void draw_panel_frame(struct canvas *c, struct rect r, const char *title);

/* view.c */
void view_init(struct view *v);
void view_update(struct debug_window *w);           /* follow / all, before drawing */
double view_x_of(const struct debug_window *w, double cycle);
double view_cycle_at(const struct debug_window *w, int x);
void view_zoom(struct debug_window *w, double factor, double anchor_cycle);
void view_scroll(struct debug_window *w, double fraction);
void view_show_all(struct debug_window *w);
void view_center(struct debug_window *w, double cycle);
void view_select(struct debug_window *w, long index, bool reveal);
uint64_t cycle_ceil(double c);
uint64_t view_column_cycle(const struct debug_window *w, int column);   /* first cycle of a column */
long view_nearest_event(const struct debug_window *w, int x, int y);

/* timeline.c, stackview.c, eventpanel.c, regs.c, disasm.c, console.c */
void draw_timeline(struct debug_window *w);
void draw_stackview(struct debug_window *w);
void draw_event_panel(struct debug_window *w);
void regs_read(struct regs_snapshot *s, rs_machine *m);
void draw_regs(struct debug_window *w);
int disasm_open(struct disasm *d);
void disasm_close(struct disasm *d);
void draw_disasm(struct debug_window *w);
void console_tap(void *ctx, unsigned port, const uint8_t *data, size_t len);
void draw_console(struct debug_window *w);

/* Names of things, shared by the panels (names.c). */
const char *exception_name(unsigned vector);        /* "#PF", or NULL past the known ones */
const char *stack_source_name(rs_stack_source s, unsigned index, char *buf, size_t len);
void event_title(const struct rec_event *e, char *buf, size_t len);   /* "syscall", "exception #PF" */
int parse_kind(const char *s);      /* an rs_event_kind by its name ("syscall"), or -1 */
/* A hex or decimal address, or SYMBOL[+OFFSET]; 0, or -1 if it is neither. */
int parse_location(const struct symtab *t, const char *s, uint64_t *addr);

/* keys.c */
void keys_handle(struct debug_window *w, SDL_Keycode key, SDL_Keymod mod);
void keys_text(struct debug_window *w, const char *text);   /* typed text, for prompts */
struct key_help { const char *keys, *what; };
extern const struct key_help key_help[];
extern const unsigned key_help_count;

/* script.c */
int script_load(struct script *s, const char *path, const struct symtab *syms);
void script_free(struct script *s);
/* Run script commands while the machine is not running; returns when a
 * command started the machine, or the script ended (w->quit). */
void script_step(struct debug_window *w);
void print_state(struct debug_window *w, FILE *f);

#endif
