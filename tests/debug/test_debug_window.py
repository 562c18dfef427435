#!/usr/bin/env python3
"""The debug window, headless (SDL's offscreen driver): scripts drive it,
and the checks read its screenshots, the text it drew (dump-text) and its
own account (print-state), and hold them against sources outside the window:
the event counts of a headless `ringscope run --stats`, the guest's symbols
from `nm`, and the glyphs of the font it was built with.

usage: test_debug_window.py RINGSCOPE"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bmp  # noqa: E402

RS = os.path.abspath(sys.argv[1])
FONT_C = os.path.join(HERE, '..', '..', 'src', 'frontend', 'debug', 'font_data.c')
GUEST = os.path.join(os.path.dirname(RS), 'ringscope-guest.elf')
TMP = tempfile.mkdtemp(prefix='rs-debug-')

# A stretch of the bundled guest's run (its first system calls: hello64,
# the INT 0x80 and SYSENTER programs, the start of pingpong) where the
# events are far enough apart that each gets its own pixel column.
VIEW_FROM, VIEW_TO = 130100000, 131200000

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what)
    return cond


def env(driver='offscreen'):
    e = dict(os.environ)
    e.pop('DISPLAY', None)
    e.pop('WAYLAND_DISPLAY', None)
    if driver:
        e['SDL_VIDEODRIVER'] = driver
    else:
        e.pop('SDL_VIDEODRIVER', None)
    return e


def window(script_text, name, driver='offscreen', extra=()):
    """Run the window with a script; returns (status, states, stderr)."""
    path = os.path.join(TMP, name + '.script')
    with open(path, 'w') as f:
        f.write(script_text)
    p = subprocess.run([RS, 'run', '--debug', '--debug-script', path, '--serial', 'none'] +
                       list(extra), env=env(driver), cwd=TMP, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=600)
    states = [json.loads(l[len('debug-state '):]) for l in p.stdout.splitlines()
              if l.startswith('debug-state ')]
    return p.returncode, states, p.stderr


def stats_until(cycle):
    """Event counts per kind of a headless run stopped at `cycle`."""
    p = subprocess.run([RS, 'run', '--stats', '--max-cycles', str(cycle), '--serial', 'none'],
                       cwd=TMP, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=600)
    counts = {}
    for m in re.finditer(r'^\s+([a-z_0-9]+)\s+(\d+)\s+total', p.stderr, re.M):
        counts[m.group(1)] = int(m.group(2))
    return counts


def symbol(name):
    out = subprocess.run(['nm', '-S', GUEST], stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    for line in out.splitlines():
        f = line.split()
        if f[-1] == name:
            return int(f[0], 16), int(f[1], 16) if len(f) == 4 else 0
    raise KeyError(name)


def font():
    """The glyphs the window draws with, from its source."""
    rows = re.findall(r'\{ ((?:0x[0-9a-f]{2}, ){15}0x[0-9a-f]{2}) \}', open(FONT_C).read())
    glyphs = [[int(v, 16) for v in r.split(', ')] for r in rows]
    assert len(glyphs) == 95, 'font_data.c: %d glyphs' % len(glyphs)
    return glyphs


def rgb(s):
    return int(s.lstrip('#'), 16)


def marker_columns(img, lane, state):
    """Pixel columns of the plot whose lane row shows the lane's colour."""
    y = lane['y'] + lane['h'] // 2
    colour = rgb(lane['color'])
    x0, w = state['view']['plot_x'], state['view']['plot_w']
    return sum(1 for x in range(x0, x0 + w) if img.pixel(x, y) == colour)


def text_lines(path):
    out = []
    for line in open(path):
        panel, x, y, colour, text = line.rstrip('\n').split('\t', 4)
        out.append((panel, int(x), int(y), int(colour, 16), text))
    return out


def glyphs_match(img, x, y, colour, text, background, glyphs):
    """Every pixel of the string's cells: the text colour where the font
    has a bit, the panel's background elsewhere."""
    for i, ch in enumerate(text):
        g = glyphs[ord(ch) - 0x20]
        for r in range(16):
            for b in range(8):
                want = colour if g[r] & (0x80 >> b) else background
                if img.pixel(x + 8 * i + b, y + r) != want:
                    return False
    return True


def test_timeline():
    shot = os.path.join(TMP, 'timeline.bmp')
    rc, states, err = window('run-to %d\nzoom %d %d\nprint-state\nscreenshot %s\n' %
                             (VIEW_TO + 100000, VIEW_FROM, VIEW_TO, shot), 'timeline')
    if not check(rc == 6 and len(states) == 1, 'timeline script: status %d, %d states, %s' %
                 (rc, len(states), err.strip())):
        return
    st = states[0]
    check(st['view']['first_cycle'] == VIEW_FROM and st['view']['end_cycle'] == VIEW_TO,
          'visible range %r' % st['view'])
    before, after = stats_until(VIEW_FROM), stats_until(VIEW_TO)
    img = bmp.read_bmp(shot)
    check((img.width, img.height) == (1280, 800), 'screenshot is %dx%d' % (img.width, img.height))
    for kind, lane in (('syscall', 'syscall'), ('sysret', 'sysret'), ('cr3_write', 'cr3 write'),
                       ('sysenter', 'sysenter'), ('soft_int', 'int n')):
        expected = after.get(kind, 0) - before.get(kind, 0)
        columns = marker_columns(img, st['lanes'][lane], st)
        check(expected > 0, '--stats counts no %s events in the range' % kind)
        check(st['in_view'][lane] == expected,
              '%s: the window counts %d in view, --stats %d' % (kind, st['in_view'][lane], expected))
        check(columns == expected, '%s: %d marker columns drawn, %d events' % (kind, columns, expected))
    # Both rings' bands: their tint at the band's top row, spans in other colours inside.
    x0, w = st['view']['plot_x'], st['view']['plot_w']
    for band, tint in (('ring 3 64-bit', 'band_r3'), ('ring 0 64-bit', 'band_r0')):
        b = st['bands'].get(band)
        if not check(b is not None, 'no %s band' % band):
            continue
        check(img.pixel(x0 + 5, b['y']) == rgb(st['colors'][tint]), '%s band: not tinted' % band)
        mid = b['y'] + b['h'] // 2
        spans = sum(1 for x in range(x0, x0 + w)
                    if img.pixel(x, mid) != rgb(st['colors'][tint]))
        check(spans > 20, '%s band: spans in only %d columns' % (band, spans))


def test_event_panel(glyphs):
    shot, text = os.path.join(TMP, 'event.bmp'), os.path.join(TMP, 'event.txt')
    rc, states, err = window('run-to %d\nselect-event last soft_int\nzoom selected 200000\n'
                             'print-state\nscreenshot %s\ndump-text %s\n' %
                             (VIEW_TO, shot, text), 'event')
    if not check(rc == 6 and len(states) == 1, 'event script: status %d, %s' % (rc, err.strip())):
        return
    sel = states[0]['selected']
    check(sel['kind'] == 'soft_int' and sel['vector'] == 0x80, 'selected %r' % sel)
    check(sel['cpl_before'] == 3 and sel['cpl_after'] == 0, 'INT 0x80 from ring 3 to ring 0')
    check(sel['stack_source'] == 'TSS.RSP0', 'new stack from %s' % sel['stack_source'])
    base, size = symbol('kstacks')
    rsp = int(sel['rsp_after'], 16)
    check(base <= rsp < base + size, 'RSP after %x is not in kstacks' % rsp)
    img = bmp.read_bmp(shot)
    panel_bg = rgb(states[0]['colors']['panel'])
    ex, ey, ew, eh = states[0]['panels']['event']
    lines = [t for t in text_lines(text) if t[0] == 'event']
    hits = [t for t in lines if sel['rsp_after'] in t[4]]
    if check(hits, 'the event panel does not show the kernel stack %s' % sel['rsp_after']):
        _, x, y, colour, s = hits[0]
        check(ex <= x and y + 16 <= ey + eh, 'the stack line lies outside the panel')
        check(glyphs_match(img, x, y, colour, s, panel_bg, glyphs),
              'the pixels at (%d, %d) are not the text "%s"' % (x, y, s))
    for want in ('TSS.RSP0', 'frame pushed at %x' % int(sel['frame_addr'], 16), 'RIP', 'SS'):
        check(any(want in t[4] for t in lines), 'the event panel lacks "%s"' % want)
    # The frame the CPU pushed: its RIP slot names where ring 3 resumes.
    rip_before = int(sel['rip_before'], 16)
    check(any(('%016x' % rip_before) in t[4] and 'RIP' in t[4] for t in lines),
          'the frame view lacks the return RIP %x' % rip_before)


def test_controls():
    sysc, _ = symbol('do_syscall_64')
    script = '''
        step-transition syscall     # stops right after the instruction
        print-state
        step 3
        print-state
        key w                       # to the next context switch
        print-state
        break do_syscall_64
        continue
        print-state
        clear-breaks
        break-kind exception
        continue
        print-state
        clear-breaks
        key F1
        print-state
        run-for 1000000
        print-state
        quit
    '''
    rc, s, err = window(script, 'controls')
    if not check(rc == 6 and len(s) == 7, 'controls: status %d, %d states, %s' %
                 (rc, len(s), err.strip())):
        return
    check(s[0]['selected']['kind'] == 'syscall' and s[0]['selected']['index'] == s[0]['events'] - 1,
          'step-transition syscall: selected %r' % s[0]['selected'])
    check(s[0]['rip'] == s[0]['selected']['rip_after'], 'stopped at the entry point')
    check(s[1]['insns'] - s[0]['insns'] == 3, 'step 3 ran %d instructions' %
          (s[1]['insns'] - s[0]['insns']))
    check(s[2]['selected']['kind'] == 'cr3_write', 'key w: selected %r' % s[2]['selected'])
    check(int(s[3]['rip'], 16) == sysc and 'breakpoint' in s[3]['why'],
          'break do_syscall_64: stopped at %s (%s)' % (s[3]['rip'], s[3]['why']))
    check(s[4]['selected']['kind'] == 'exception', 'break-kind exception: %r' % s[4]['selected'])
    check(s[5]['help'] is True, 'the help overlay did not open')
    check(s[6]['cycle'] >= s[5]['cycle'] + 1000000, 'run-for 1000000 reached %d from %d' %
          (s[6]['cycle'], s[5]['cycle']))


def test_window():
    """Closing the window (q) before the guest ends: 130; Escape closes the help first;
    a resize reaches the layout and the screenshot."""
    rc, s, err = window('key F1\nkey Escape\nprint-state\nkey q\nstep 1000\n', 'close')
    check(rc == 130, 'q before the guest ended: status %d, %s' % (rc, err.strip()))
    check(len(s) == 1 and s[0]['help'] is False, 'Escape did not close the help first')
    # Without a script the machine runs at once; Ctrl-C ends the run whether the
    # machine is running or the window lingers on the ended guest.
    for delay in (0.3, 4.0):
        p = subprocess.Popen([RS, 'run', '--debug', '--serial', 'none'], env=env(), cwd=TMP,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             universal_newlines=True)
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        try:
            _, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
        check(p.returncode == 130 and 'signal 2' in err,
              'SIGINT after %.1f s: status %s, %r' % (delay, p.returncode, err))
    shot = os.path.join(TMP, 'big.bmp')
    rc, s, err = window('run-to 131000000\nresize 1600 1000\nprint-state\nscreenshot %s\n' % shot,
                        'resize')
    if check(rc == 6 and len(s) == 1, 'resize: status %d, %s' % (rc, err.strip())):
        img = bmp.read_bmp(shot)
        check(s[0]['window'] == [1600, 1000] and (img.width, img.height) == (1600, 1000),
              'resized to %r, screenshot %dx%d' % (s[0]['window'], img.width, img.height))
        check(s[0]['view']['plot_w'] > 1096, 'the plots did not widen: %r' % s[0]['view'])


def test_to_the_end():
    shot = os.path.join(TMP, 'end.bmp')
    rc, s, err = window('continue\nprint-state\nkey v\nscreenshot %s\n' % shot, 'end')
    check(rc == 0, 'the guest under the window ended with status %d: %s' % (rc, err.strip()))
    if check(len(s) == 1, 'no state at the end'):
        check(s[0]['run'] == 'ended' and s[0]['exit_status'] == 0, 'state %s' % s[0]['why'])


def test_errors():
    # No display at all: one line, status 2, the offscreen driver suggested.
    rc, _, err = window('quit\n', 'nodisplay', driver=None)
    check(rc == 2 and len(err.splitlines()) == 1 and 'SDL_VIDEODRIVER=offscreen' in err,
          'without a display: status %d, stderr %r' % (rc, err))
    rc, _, err = window('quit\n', 'baddriver', driver='nonexistent-driver')
    check(rc == 2 and len(err.splitlines()) == 1 and 'no display' in err,
          'with a bad driver: status %d, stderr %r' % (rc, err))
    for text, word in (('step\nfrobnicate 3\n', ':2: unknown command'),
                       ('# comment\n\nrun-to soon\n', ':3: run-to wants a number'),
                       ('break no_such_symbol\n', ':1: break:'),
                       ('key NoSuchKey\n', ':1: key: unknown key name'),
                       ('select-event last nonsense\n', ':1: select-event: unknown'),
                       ('resize 10 10\n', ':1: resize wants')):
        rc, _, err = window(text, 'bad')
        check(rc == 2 and len(err.splitlines()) == 1 and word in err,
              'bad script %r: status %d, stderr %r' % (text, rc, err))
    rc, _, err = window('select-event 99999999\n', 'badevent')
    check(rc == 2 and len(err.splitlines()) == 1 and 'no such event' in err,
          'select-event past the end: status %d, stderr %r' % (rc, err))
    rc, _, err = window('screenshot /nonexistent-dir/x.bmp\n', 'badshot')
    check(rc == 2 and len(err.splitlines()) == 1 and 'cannot write' in err,
          'unwritable screenshot: status %d, stderr %r' % (rc, err))
    p = subprocess.run([RS, 'run', '--debug', '--debug-script', os.path.join(TMP, 'missing')],
                       env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    check(p.returncode == 2 and len(p.stderr.splitlines()) == 1 and 'cannot read' in p.stderr,
          'missing script: status %d, stderr %r' % (p.returncode, p.stderr))


def main():
    glyphs = font()
    tests = [('timeline', test_timeline), ('event panel', lambda: test_event_panel(glyphs)),
             ('controls', test_controls), ('window', test_window), ('errors', test_errors), ('to the end', test_to_the_end)]
    passed = 0
    for name, fn in tests:
        before = len(failures)
        fn()
        ok = len(failures) == before
        passed += ok
        print('%s: %s' % (name, 'ok' if ok else 'FAILED'))
    print('%d passed, %d failed' % (passed, len(tests) - passed))
    if passed == len(tests):
        shutil.rmtree(TMP)
    else:
        print('screenshots and scripts kept in ' + TMP)
    return 0 if passed == len(tests) else 1


if __name__ == '__main__':
    sys.exit(main())
