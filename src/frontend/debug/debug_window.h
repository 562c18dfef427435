/*
 * --debug: the SDL2 debug window (docs/debug-window.md). It drives the
 * machine through run_slice() and watches the event stream.
 */
#ifndef RINGSCOPE_DEBUG_WINDOW_H
#define RINGSCOPE_DEBUG_WINDOW_H

#include "frontend/run.h"

/* Before the machine is built: open the window (SDL video), read
 * --debug-script, load the symbols of st->o.image, and set st->attach and
 * st->io.tap so the window sees every machine's events and the console.
 * Returns 0, or -1 after printing one line (e.g. no display: suggest
 * SDL_VIDEODRIVER=offscreen). */
int debug_window_open(struct run_state *st);

/* Run the booted machine under the window until the guest ends the run or
 * the window is closed; then close the window. Returns the exit status
 * (run.h; closing the window is RUN_EXIT_SIGNAL + SIGINT's number... see
 * docs/debug-window.md). */
int debug_window_run(struct run_state *st);

/* Close a window debug_window_open opened when the run cannot start (the
 * machine could not be built). */
void debug_window_close(struct run_state *st);

#endif
