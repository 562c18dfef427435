/*
 * Open files: the serial console and pipes (blocking: a reader sleeps while
 * the pipe is empty, a writer while it is full).
 * (Linux: fs/file_table.c, fs/pipe.c pipe_read/pipe_write; xv6: file.c, pipe.c.)
 */
#include "kernel.h"

#define PIPE_SIZE 1024
#define EPIPE 32

struct pipe {
    char buf[PIPE_SIZE];
    u32 r, w;                  /* free-running read and write counts */
    int readers, writers;      /* open ends */
};

static struct file files[NFILE];

static struct file *file_alloc(void)
{
    for (int i = 0; i < NFILE; i++)
        if (files[i].ref == 0) {
            memset(&files[i], 0, sizeof(files[i]));
            files[i].ref = 1;
            return &files[i];
        }
    return 0;
}

struct file *console_file(int readable, int writable)
{
    struct file *f = file_alloc();
    if (f) {
        f->type = F_CONSOLE;
        f->readable = readable;
        f->writable = writable;
    }
    return f;
}

void file_dup(struct file *f)
{
    f->ref++;
}

void file_close(struct file *f)
{
    if (--f->ref > 0)
        return;
    if (f->type == F_PIPE) {
        struct pipe *p = f->pipe;
        if (f->readable)
            p->readers--;
        if (f->writable)
            p->writers--;
        wakeup(&p->r);
        wakeup(&p->w);
        if (p->readers == 0 && p->writers == 0)
            free_page(V2P(p));
    }
    f->type = F_NONE;
}

int pipe_alloc(struct file **rf, struct file **wf)
{
    u64 pa = alloc_page();
    if (!pa)
        return -ENOMEM;
    struct file *r = file_alloc(), *w = r ? file_alloc() : 0;
    if (!w) {
        if (r)
            r->ref = 0;
        free_page(pa);
        return -EMFILE;
    }
    struct pipe *p = P2V(pa);
    p->readers = p->writers = 1;
    r->type = w->type = F_PIPE;
    r->pipe = w->pipe = p;
    r->readable = 1;
    w->writable = 1;
    *rf = r;
    *wf = w;
    return 0;
}

/* Is [addr, addr + n) accessible to the current process (writable if write)? */
static int user_range_ok(u64 addr, u64 n, int write)
{
    u64 limit = current->is32 ? 0x100000000ull : 0x800000000000ull;
    if (addr + n < addr || addr + n > limit)
        return 0;
    for (u64 a = addr & ~0xFFFull; a < addr + n; a += PAGE_SIZE)
        if (!user_page(a, write))
            return 0;
    return 1;
}

long file_read(struct file *f, u64 ubuf, u64 n)
{
    if (!f->readable)
        return -EBADF;
    if (n == 0)
        return 0;
    if (!user_range_ok(ubuf, n, 1))
        return -EFAULT;
    if (f->type == F_CONSOLE) {
        char k[128];
        int got = console_read(k, n < sizeof(k) ? (int)n : (int)sizeof(k));
        return copy_to_user(ubuf, k, got) ? -EFAULT : got;
    }
    struct pipe *p = f->pipe;
    while (p->r == p->w) {
        if (p->writers == 0)
            return 0;                                  /* end of file */
        sleep_on(&p->r);
    }
    u64 i = 0;
    char c;
    while (i < n && p->r != p->w) {
        c = p->buf[p->r++ % PIPE_SIZE];
        if (copy_to_user(ubuf + i, &c, 1))
            return -EFAULT;
        i++;
    }
    wakeup(&p->w);
    return (long)i;
}

long file_write(struct file *f, u64 ubuf, u64 n)
{
    if (!f->writable)
        return -EBADF;
    if (!user_range_ok(ubuf, n, 0))
        return -EFAULT;
    char k[128];
    u64 done = 0;
    while (done < n) {
        u64 chunk = n - done < sizeof(k) ? n - done : sizeof(k);
        if (copy_from_user(k, ubuf + done, chunk))
            return -EFAULT;
        if (f->type == F_CONSOLE) {
            for (u64 i = 0; i < chunk; i++)
                serial_putc(k[i]);
            done += chunk;
            continue;
        }
        struct pipe *p = f->pipe;
        for (u64 i = 0; i < chunk; i++) {
            while (p->w - p->r == PIPE_SIZE) {
                if (p->readers == 0)
                    return done + i ? (long)(done + i) : -EPIPE;
                wakeup(&p->r);
                sleep_on(&p->w);
            }
            if (p->readers == 0)
                return done + i ? (long)(done + i) : -EPIPE;
            p->buf[p->w++ % PIPE_SIZE] = k[i];
        }
        done += chunk;
        wakeup(&p->r);
    }
    return (long)done;
}
