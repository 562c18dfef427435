/*
 * Guest symbols through libelf: every STT_FUNC/STT_OBJECT/STT_NOTYPE symbol
 * with a name and a nonzero value from .symtab (or .dynsym), sorted by
 * address for a binary search. Absolute symbols (SHN_ABS) are constants
 * (an assembler's `.set vec, 0x100`, a linker script's KERNEL_VMA), not
 * places in the image, so they name nothing.
 */
#include "frontend/symbols.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NEAREST_LIMIT 0x10000   /* size-0 symbols (assembly labels) cover this much at most */

struct symbol {
    uint64_t addr, size;
    char *name;
    bool global;
};

struct symtab {
    struct symbol *sym;
    size_t count;
};

static int by_address(const void *a, const void *b)
{
    const struct symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    /* Prefer a sized symbol (a function) over a label at the same address,
     * then a global one over a local one, then the first name, so that
     * aliases (__switch_to_asm and swtch) always give the same answer. */
    if ((x->size == 0) != (y->size == 0))
        return (x->size == 0) - (y->size == 0);
    if (x->global != y->global)
        return y->global - x->global;
    return strcmp(x->name, y->name);
}

static int add_section(struct symtab *t, Elf *e, Elf_Scn *scn, const GElf_Shdr *sh)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    if (!d || !sh->sh_entsize)
        return 0;
    size_t n = sh->sh_size / sh->sh_entsize;
    struct symbol *grown = realloc(t->sym, (t->count + n) * sizeof(*grown) + 1);
    if (!grown)
        return -1;
    t->sym = grown;
    for (size_t i = 0; i < n; i++) {
        GElf_Sym s;
        if (!gelf_getsym(d, (int)i, &s) || !s.st_name || !s.st_value ||
            s.st_shndx == SHN_UNDEF || s.st_shndx == SHN_ABS)
            continue;
        int type = GELF_ST_TYPE(s.st_info);
        if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
            continue;
        const char *name = elf_strptr(e, sh->sh_link, s.st_name);
        if (!name || !name[0] || name[0] == '$' || !strncmp(name, ".L", 2))
            continue;
        char *copy = strdup(name);
        if (!copy)
            return -1;
        t->sym[t->count++] = (struct symbol){ s.st_value, s.st_size, copy,
                                              GELF_ST_BIND(s.st_info) != STB_LOCAL };
    }
    return 0;
}

struct symtab *symtab_load(const char *path, char *err, size_t errlen)
{
    if (elf_version(EV_CURRENT) == EV_NONE) {
        snprintf(err, errlen, "libelf cannot be initialised: %s", elf_errmsg(-1));
        return NULL;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    struct symtab *t = calloc(1, sizeof(*t));
    if (!e || elf_kind(e) != ELF_K_ELF || !t) {
        snprintf(err, errlen, "'%s' is not an ELF file%s%s", path, e ? "" : ": ",
                 e ? "" : elf_errmsg(-1));
        goto fail;
    }
    /* .symtab when present (it is the full table), else .dynsym. */
    for (int want = SHT_SYMTAB; want >= 0 && !t->count; want = want == SHT_SYMTAB ? SHT_DYNSYM : -1) {
        Elf_Scn *scn = NULL;
        while ((scn = elf_nextscn(e, scn))) {
            GElf_Shdr sh;
            if (gelf_getshdr(scn, &sh) && sh.sh_type == (GElf_Word)want &&
                add_section(t, e, scn, &sh)) {
                snprintf(err, errlen, "out of memory reading the symbols of '%s'", path);
                goto fail;
            }
        }
    }
    if (t->count)
        qsort(t->sym, t->count, sizeof(t->sym[0]), by_address);
    elf_end(e);
    close(fd);
    return t;
fail:
    if (e)
        elf_end(e);
    close(fd);
    symtab_free(t);
    return NULL;
}

void symtab_free(struct symtab *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++)
        free(t->sym[i].name);
    free(t->sym);
    free(t);
}

const char *symtab_lookup(const struct symtab *t, uint64_t addr, uint64_t *offset)
{
    if (!t || !t->count)
        return NULL;
    /* The last symbol starting at or below addr. */
    size_t lo = 0, hi = t->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->sym[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo)
        return NULL;
    /* Among symbols at that address, the sorted order put sized ones first. */
    size_t i = lo - 1;
    while (i > 0 && t->sym[i - 1].addr == t->sym[i].addr)
        i--;
    const struct symbol *s = &t->sym[i];
    uint64_t off = addr - s->addr;
    if (s->size ? off >= s->size : off >= NEAREST_LIMIT) {
        /* Past a sized symbol: a label inside it (size 0) may still name it. */
        s = &t->sym[lo - 1];
        off = addr - s->addr;
        if (s->size ? off >= s->size : off >= NEAREST_LIMIT)
            return NULL;
    }
    if (offset)
        *offset = off;
    return s->name;
}

const char *symtab_format(const struct symtab *t, uint64_t addr, char *buf, size_t len)
{
    uint64_t off = 0;
    const char *name = symtab_lookup(t, addr, &off);
    if (!name)
        snprintf(buf, len, "0x%llx", (unsigned long long)addr);
    else if (off)
        snprintf(buf, len, "%s+0x%llx", name, (unsigned long long)off);
    else
        snprintf(buf, len, "%s", name);
    return buf;
}

uint64_t symtab_address(const struct symtab *t, const char *name)
{
    for (size_t i = 0; t && i < t->count; i++)
        if (!strcmp(t->sym[i].name, name))
            return t->sym[i].addr;
    return 0;
}
