/* Writes the teaching page's presets as C (web/page_presets.h): each preset file is
 * compiled by the command line's own loader and written out as the scalars, bytes and rows
 * page_preset_scenario makes it again from. Run at build time (CMake, scripts/web.sh).
 * Usage: page_gen OUT.c PRESET.yaml... */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discsim/scenario.h"
#include "model/model_build.h"

static void put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '\n')
            fputs("\\n\"\n    \"", f);
        else if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void put_bytes(FILE *f, const char *name, const void *p, size_t n)
{
    const unsigned char *b = p;
    fprintf(f, "static const unsigned char %s[%zu] = {", name, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%u,", i % 24 ? "" : "\n    ", b[i]);
    fprintf(f, "%s};\n", n ? "\n" : "0");
}

static void put_ints(FILE *f, const int *v, int n)
{
    fputc('{', f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%d", i ? ", " : "", v[i]);
    fputc('}', f);
}

/* One preset's tables, named p<k>_*; its initializer goes to g. */
static int put_preset(FILE *f, FILE *g, int k, const char *path)
{
    ds_scenario sc;
    ds_error err = {0};
    if (ds_scenario_load(path, 0, NULL, &sc, &err)) {
        fprintf(stderr, "page_gen: %s\n", err.msg);
        return 1;
    }
    const ds_model *m = &sc.model;
    if (m->site.enabled || sc.cohort.enabled || sc.nsubj != 1 || sc.nsession || (sc.overrides && sc.overrides[0])) {
        fprintf(stderr, "page_gen: %s: a preset is one subject without a herniation, a cohort or a massage\n", path);
        ds_scenario_free(&sc);
        return 1;
    }
    char name[64], key[256];
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(key, sizeof key, "%.*s", (int)(strcspn(base, ".")), base);
#define BYTES(part, ptr, n)                                                                                            \
    (snprintf(name, sizeof name, "p%d_" part, k), put_bytes(f, name, ptr, n))
    BYTES("phase", sc.phase, (size_t)sc.nphase * sizeof sc.phase[0]);
    BYTES("initial", &sc.initial, sizeof sc.initial);
    BYTES("solver", &sc.solver, sizeof sc.solver);
    BYTES("posture", m->posture, (size_t)m->nposture * sizeof m->posture[0]);
    BYTES("body", &m->body, sizeof m->body);
    BYTES("group", m->group, (size_t)m->ngroup * sizeof m->group[0]);
    BYTES("hern", &m->hern, sizeof m->hern);
    BYTES("site", &m->site, sizeof m->site);
    BYTES("threshold", m->threshold, (size_t)m->nthreshold * sizeof m->threshold[0]);
    BYTES("massage", &m->massage, sizeof m->massage);
#undef BYTES
    const size_t nrows = ds_model_rows(m);
    const double *mem = m->mem_;
    fprintf(f, "static const double p%d_rows[%zu] = {", k, nrows);
    for (size_t r = 0; r < nrows; r++) /* lane 0 of each row: %a keeps every bit */
        fprintf(f, "%s%a,", r % 4 ? " " : "\n    ", mem[r * (size_t)m->stride]);
    fprintf(f, "\n};\n");
    fprintf(f, "static const char p%d_yaml[] =\n    ", k);
    put_string(f, sc.text);
    fprintf(f, ";\n\n");

    fprintf(g, "    {.key = \"%s\", .yaml = p%d_yaml, .name = ", key, k);
    put_string(g, sc.name);
    fprintf(g, ",\n     .nlevel = %d, .level_id = ", sc.nlevel);
    put_ints(g, sc.level_id, sc.nlevel);
    fprintf(g, ", .variant = %d, .nsubj = %d, .nphase = %d, .repeat = %d, .initial_posture = %d,\n", (int)sc.variant,
            sc.nsubj, sc.nphase, sc.repeat, sc.initial_posture);
    fprintf(g, "     .nrecord = %d, .record = ", sc.nrecord);
    put_ints(g, sc.record, sc.nrecord);
    fprintf(g, ", .record_muscles = %d, .seed = %lluull,\n", sc.record_muscles, (unsigned long long)sc.seed);
    fprintf(g, "     .ramp = %a, .record_interval = %a, .summary_from = %a, .summary_to = %a, .clock_start = %a,\n",
            sc.ramp, sc.record_interval, sc.summary_from, sc.summary_to, sc.clock_start);
    fprintf(g, "     .phase = p%d_phase, .initial = p%d_initial, .solver = p%d_solver,\n     .model_name = ", k, k, k);
    put_string(g, m->name);
    fprintf(g, ", .nposture = %d, .ngroup = %d, .nthreshold = %d,\n", m->nposture, m->ngroup, m->nthreshold);
    fprintf(g, "     .posture = p%d_posture, .body = p%d_body, .group = p%d_group, .hern = p%d_hern, .site = p%d_site,\n",
            k, k, k, k, k);
    fprintf(g, "     .threshold = p%d_threshold, .massage = p%d_massage, .nrows = %zu, .rows = p%d_rows},\n", k, k,
            nrows, k);
    ds_scenario_free(&sc);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: page_gen OUT.c PRESET.yaml...\n");
        return 2;
    }
    char tmp[4200], *inits = NULL;
    size_t ninits = 0;
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    /* the tables go to the file as they are made, the presets' initializers after them */
    FILE *f = fopen(tmp, "w"), *g = open_memstream(&inits, &ninits);
    if (!f || !g) {
        fprintf(stderr, "page_gen: cannot write %s\n", argv[1]);
        return 1;
    }
    fprintf(f, "/* Generated by web/page_gen.c from web/presets/: do not edit. */\n#include \"page_presets.h\"\n\n");
    /* the parts kept as bytes must be laid out in the browser as here */
#define SIZE(T) fprintf(f, "_Static_assert(sizeof(" #T ") == %zu, \"" #T " is laid out differently\");\n", sizeof(T))
    SIZE(ds_phase);
    SIZE(ds_posture_params);
    SIZE(ds_solver_opts);
    SIZE(ds_posture);
    SIZE(ds_body);
    SIZE(ds_muscle_group);
    SIZE(ds_herniation_model);
    SIZE(ds_herniation_site);
    SIZE(ds_threshold);
    SIZE(ds_massage_defaults);
#undef SIZE
    fputc('\n', f);
    int bad = 0;
    for (int k = 2; k < argc && !bad; k++)
        bad = put_preset(f, g, k - 2, argv[k]);
    fclose(g);
    fprintf(f, "const page_preset page_presets[] = {\n%s};\nconst int page_npresets = %d;\n", inits ? inits : "",
            argc - 2);
    free(inits);
    if (fclose(f) || bad || rename(tmp, argv[1])) {
        remove(tmp);
        if (!bad)
            fprintf(stderr, "page_gen: cannot write %s\n", argv[1]);
        return 1;
    }
    return 0;
}
