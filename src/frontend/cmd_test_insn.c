/*
 * `ringscope test-insn [--filter S] [--shard I/N] [--verbose] FILE...`:
 * run instruction test vectors and report failures with readable diffs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/commands.h"
#include "frontend/vector.h"

static void usage(FILE *f)
{
    fputs("usage: ringscope test-insn [--filter SUBSTRING] [--shard I/N] [--verbose] FILE...\n"
          "  Runs instruction test vectors (JSON Lines, docs/test-vectors.md); '-' reads stdin.\n", f);
}

int cmd_test_insn(int argc, char **argv)
{
    const char *filter = NULL;
    unsigned long shard_i = 1, shard_n = 1;
    bool verbose = false;
    int first_file = argc;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--filter") && i + 1 < argc) {
            filter = argv[++i];
        } else if (!strcmp(argv[i], "--shard") && i + 1 < argc) {
            char *end;
            shard_i = strtoul(argv[++i], &end, 10);
            if (*end != '/' || (shard_n = strtoul(end + 1, &end, 10)) == 0 || *end ||
                shard_i < 1 || shard_i > shard_n) {
                fprintf(stderr, "ringscope: --shard wants I/N with 1 <= I <= N, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--verbose")) {
            verbose = true;
        } else if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "ringscope: test-insn: unknown option '%s'\n", argv[i]);
            return 2;
        } else {
            first_file = i;
            break;
        }
    }
    if (first_file >= argc) {
        fprintf(stderr, "ringscope: test-insn needs at least one vector file\n");
        usage(stderr);
        return 2;
    }

    /* Open every file first, so a missing one is reported before any work. */
    int nfiles = argc - first_file;
    FILE **files = calloc((size_t)nfiles, sizeof(FILE *));
    for (int f = 0; f < nfiles; f++) {
        const char *path = argv[first_file + f];
        files[f] = !strcmp(path, "-") ? stdin : fopen(path, "r");
        if (!files[f]) {
            fprintf(stderr, "ringscope: cannot open '%s': %m\n", path);
            for (int k = 0; k < f; k++)
                if (files[k] != stdin)
                    fclose(files[k]);
            free(files);
            return 2;
        }
    }

    unsigned long passed = 0, failed = 0, position = 0;
    char *line = NULL;
    size_t cap = 0;
    struct strbuf diff = { 0 };
    for (int f = 0; f < nfiles; f++) {
        const char *path = argv[first_file + f];
        unsigned long lineno = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, files[f])) > 0) {
            lineno++;
            if (strspn(line, " \t\r\n") == (size_t)n)
                continue;   /* blank line */
            unsigned long pos = position++;
            if (pos % shard_n != shard_i - 1)
                continue;
            json_error_t err;
            json_t *v = json_loads(line, 0, &err);
            const char *name = v ? json_string_value(json_object_get(v, "name")) : NULL;
            if (!v || !json_is_object(v)) {
                printf("FAIL %s:%lu: not a JSON object (%s)\n", path, lineno, v ? "wrong type" : err.text);
                failed++;
                json_decref(v);
                continue;
            }
            if (filter && (!name || !strstr(name, filter))) {
                json_decref(v);
                continue;
            }
            strbuf_clear(&diff);
            enum vector_result r = vector_run(v, &diff);
            if (r == VECTOR_PASS) {
                passed++;
                if (verbose)
                    printf("ok   %s\n", name ? name : "(unnamed)");
            } else {
                failed++;
                printf("FAIL %s (%s:%lu)%s\n%s", name ? name : "(unnamed)", path, lineno,
                       r == VECTOR_INVALID ? " [invalid vector]" : "", diff.data ? diff.data : "");
            }
            json_decref(v);
        }
        if (files[f] != stdin)
            fclose(files[f]);
    }
    free(line);
    free(files);
    strbuf_free(&diff);
    printf("%lu passed, %lu failed\n", passed, failed);
    return failed ? 1 : 0;
}
