/* Running a study: every variant into one sink, the arms' paired effects and the sweep's
 * summaries beside them, and the table for people. */
#include "discsim/study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "discsim/clock.h"
#include "study/checkpoint.h"
#include "study/cohort_bands.h"
#include "study/cohort_stats.h"
#include "study/sink_put.h"


/* The metric of `name` in a summary, or NULL. */
static const ds_metric *metric(const ds_summary *s, const char *name)
{
    for (int q = 0; q < s->nmetric; q++)
        if (!strcmp(s->metric[q].name, name))
            return &s->metric[q];
    return NULL;
}

/* The mean over the subjects kept (keep NULL: all). */
static double mean_over(const double *v, int n, const unsigned char *keep)
{
    double a = 0.0;
    int k = 0;
    for (int l = 0; l < n; l++)
        if (!keep || keep[l])
            a += v[l], k++;
    return k ? a / k : NAN;
}

/* The subjects that finished every variant (NULL if out of memory: then every subject). */
static unsigned char *finished(const ds_study *st, const ds_summary *sum, int *nkept)
{
    const int n = st->variant[0].nsubj;
    unsigned char *keep = malloc((size_t)n);
    *nkept = keep ? ds_finished_subjects(sum, st->nvariant, n, keep) : n;
    return keep;
}

static void print_arms(FILE *out, const ds_study *st, const ds_summary *sum)
{
    const int n = st->variant[0].nsubj;
    int nkept;
    unsigned char *keep = finished(st, sum, &nkept);
    char head[64];
    if (nkept < n)
        snprintf(head, sizeof head, "metric (mean over %d finished)", nkept);
    else
        snprintf(head, sizeof head, "%s", n > 1 ? "metric (mean over subjects)" : "metric");
    fprintf(out, "\n%-34s", head);
    for (int a = 0; a < st->nvariant; a++)
        fprintf(out, " %12.12s", st->name[a]);
    for (int a = 1; a < st->nvariant; a++) {
        char h[132];
        snprintf(h, sizeof h, "%s-%s", st->name[a], st->name[0]);
        fprintf(out, " %18.18s", h);
    }
    fprintf(out, "\n");
    for (int q = 0; q < sum[0].nmetric; q++) {
        const ds_metric *m0 = &sum[0].metric[q];
        char label[200];
        snprintf(label, sizeof label, "%s (%s)", m0->name, m0->unit);
        fprintf(out, "%-34s", label);
        double ref = mean_over(m0->value, n, keep);
        for (int a = 0; a < st->nvariant; a++) {
            const ds_metric *ma = metric(&sum[a], m0->name);
            if (ma)
                fprintf(out, " %12.4g", mean_over(ma->value, n, keep));
            else
                fprintf(out, " %12s", "-");
        }
        for (int a = 1; a < st->nvariant; a++) {
            const ds_metric *ma = metric(&sum[a], m0->name);
            if (ma) {
                double v = mean_over(ma->value, n, keep), diff = v - ref;
                char cell[64];
                if (ref != 0.0)
                    snprintf(cell, sizeof cell, "%+.3g (%+.1f%%)", diff, 100.0 * diff / fabs(ref));
                else
                    snprintf(cell, sizeof cell, "%+.3g", diff);
                fprintf(out, " %18s", cell);
            } else
                fprintf(out, " %18s", "-");
        }
        fprintf(out, "\n");
    }
    fprintf(out, "effect = arm minus %s, paired by subject (negative: lower with the arm); window %g h to %g h\n",
            st->name[0], sum[0].from / 3600.0, sum[0].to / 3600.0);
    free(keep);
}

/* A column heading short enough for a table. */
static void short_name(const char *name, char *buf, size_t n)
{
    static const struct {
        const char *from, *to;
    } abbr[] = {{"minutes_above_", "min>"}, {"peak_contact_pressure", "peak_contact"},
                {"mean_contact_pressure", "mean_contact"}, {"mean_protrusion", "protrusion"},
                {"mean_nucleus_pressure", "mean_P"}, {"peak_nucleus_pressure", "peak_P"}};
    for (size_t k = 0; k < sizeof abbr / sizeof abbr[0]; k++) {
        size_t len = strlen(abbr[k].from);
        if (!strncmp(name, abbr[k].from, len)) {
            snprintf(buf, n, "%s%s", abbr[k].to, name + len);
            return;
        }
    }
    snprintf(buf, n, "%s", name);
}

static void print_sweep(FILE *out, const ds_study *st, const ds_summary *sum)
{
    const int n = st->variant[0].nsubj;
    int nkept;
    unsigned char *keep = finished(st, sum, &nkept);
    fprintf(out, "\nsweep of %s%s%s\n", st->param[0], st->nparam > 1 ? " x " : "", st->nparam > 1 ? st->param[1] : "");
    fprintf(out, "%-16s", "point");
    for (int q = 0; q < sum[0].nmetric; q++) {
        char h[64];
        short_name(sum[0].metric[q].name, h, sizeof h);
        fprintf(out, " %14.14s", h);
    }
    fprintf(out, "\n%-16s", "");
    for (int q = 0; q < sum[0].nmetric; q++)
        fprintf(out, " %14.14s", sum[0].metric[q].unit);
    fprintf(out, "\n");
    for (int v = 0; v < st->nvariant; v++) {
        fprintf(out, "%-16s", st->name[v]);
        for (int q = 0; q < sum[v].nmetric; q++)
            fprintf(out, " %14.4g", mean_over(sum[v].metric[q].value, n, keep));
        fprintf(out, "\n");
    }
    if (nkept < n)
        fprintf(out, "means over the %d of %d subjects that finished every point\n", nkept, n);
    free(keep);
}

/* Where the study's notes on its runs go (steps, times, blocks resumed): with the tables as
 * text; nowhere when the tables are CSV or JSON, which must be alone on their stream. */
static FILE *notes(const ds_study_opts *o)
{
    return o->table_format == DS_TABLE_TEXT ? o->table : NULL;
}

/* The arms table for programs: per metric, each arm's mean over the subjects that finished,
 * and each arm's difference from the reference, absolute and in percent. */
static ds_status table_arms(ds_table *t, const ds_study *st, const ds_summary *sum, ds_error *err)
{
    const int V = st->nvariant, n = st->variant[0].nsubj;
    static const char *const first[] = {"metric", "unit", "subjects"};
    ds_status s = ds_table_init(t, "arms", 3, first, err);
    for (int a = 0; !s && a < V; a++)
        ds_table_column(t, "%s", st->name[a]);
    for (int a = 1; !s && a < V; a++) {
        ds_table_column(t, "%s-%s", st->name[a], st->name[0]);
        ds_table_column(t, "%s-%s_percent", st->name[a], st->name[0]);
    }
    int nkept = 0;
    unsigned char *keep = s ? NULL : finished(st, sum, &nkept);
    for (int q = 0; !s && q < sum[0].nmetric; q++) {
        const ds_metric *m0 = &sum[0].metric[q];
        int r = ds_table_row(t);
        ds_table_text(t, r, 0, m0->name);
        ds_table_text(t, r, 1, m0->unit);
        ds_table_num(t, r, 2, nkept);
        double ref = mean_over(m0->value, n, keep);
        for (int a = 0; a < V; a++) {
            const ds_metric *ma = metric(&sum[a], m0->name);
            double v = ma ? mean_over(ma->value, n, keep) : NAN;
            ds_table_num(t, r, 3 + a, v);
            if (a > 0) {
                ds_table_num(t, r, 3 + V + 2 * (a - 1), v - ref);
                ds_table_num(t, r, 4 + V + 2 * (a - 1), ref != 0.0 ? 100.0 * (v - ref) / fabs(ref) : NAN);
            }
        }
    }
    free(keep);
    return s;
}

/* The sweep table for programs: a row per point, its swept values, each metric's mean. */
static ds_status table_sweep(ds_table *t, const ds_study *st, const ds_summary *sum, ds_error *err)
{
    const int n = st->variant[0].nsubj, nm = sum[0].nmetric;
    static const char *const first[] = {"point"};
    ds_status s = ds_table_init(t, "sweep", 1, first, err);
    for (int k = 0; !s && k < st->nparam; k++)
        ds_table_column(t, "%s (%s)", st->param[k], st->unit[k]);
    if (!s)
        ds_table_column(t, "subjects");
    for (int q = 0; !s && q < nm; q++)
        ds_table_column(t, "%s (%s)", sum[0].metric[q].name, sum[0].metric[q].unit);
    int nkept = 0;
    unsigned char *keep = s ? NULL : finished(st, sum, &nkept);
    const int n2 = st->nparam > 1 ? st->nval[1] : 1;
    for (int v = 0; !s && v < st->nvariant; v++) {
        int r = ds_table_row(t), c = 0;
        ds_table_text(t, r, c++, st->name[v]);
        ds_table_num(t, r, c++, st->val[0][v / n2]); /* points run [values_1][values_2] */
        if (st->nparam > 1)
            ds_table_num(t, r, c++, st->val[1][v % n2]);
        ds_table_num(t, r, c++, nkept);
        for (int q = 0; q < nm; q++)
            ds_table_num(t, r, c++, mean_over(sum[v].metric[q].value, n, keep));
    }
    free(keep);
    return s;
}

/* Counts a variant's failed subjects; the first failure of the study is kept as a message. */
static void note_failures(ds_study_outcome *out, const char *what, const char *name, const ds_run_result *r)
{
    if (r->nfailed && !out->nfailed)
        snprintf(out->failure, sizeof out->failure, "%s%.64s%s%.900s", what, name, *name ? ": " : "", r->failure);
    out->nfailed += r->nfailed;
}

/* Whether two variants differ only in what the model's lanes carry, so that a sweep's points
 * can run as lanes of one batch. */
static int same_but_lanes(const ds_scenario *a, const ds_scenario *b)
{
    if (!ds_model_same_but_lanes(&a->model, &b->model) || a->cohort.enabled != b->cohort.enabled)
        return 0;
    if (a->cohort.enabled && memcmp(a->cohort.value, b->cohort.value,
                                    (size_t)a->cohort.n * (size_t)a->cohort.nvary * sizeof *a->cohort.value))
        return 0;
    ds_scenario *x = malloc(2 * sizeof *x);
    if (!x)
        return 0;
    x[0] = *a;
    x[1] = *b;
    for (int k = 0; k < 2; k++) {
        x[k].text = x[k].overrides = NULL;
        x[k].cohort.value = NULL;
        memset(&x[k].model, 0, sizeof x[k].model);
    }
    int same = !memcmp(&x[0], &x[1], sizeof *x);
    free(x);
    return same;
}

/* A sweep whose points differ only in per-lane parameters: one batched run of points x
 * subjects lanes, on the threads as blocks, its summaries split back by point. The lanes'
 * arithmetic is their own, so every point's numbers are those of its own run. */
static ds_status sweep_as_lanes(const ds_study *st, const ds_study_opts *opts, ds_summary *sum, ds_study_outcome *out,
                                ds_error *err)
{
    const int V = st->nvariant, N = st->variant[0].nsubj;
    const ds_model **parts = calloc((size_t)V, sizeof *parts);
    ds_model *full = calloc((size_t)V, sizeof *full); /* each point's subjects (a cohort's made from its draws) */
    ds_scenario *comb = malloc(sizeof *comb);
    ds_status s = parts && full && comb ? DS_OK : ds_fail(err, DS_ERR_NOMEM, "out of memory for the sweep's lanes");
    for (int v = 0; !s && v < V; v++) {
        s = ds_scenario_lanes(&st->variant[v], 0, N, &full[v], err);
        parts[v] = &full[v];
    }
    if (!s) {
        *comb = st->variant[0]; /* a view: its text, overrides and cohort are variant 0's, never freed here */
        comb->cohort.enabled = 0;
        s = ds_model_concat(parts, V, &comb->model, err);
        comb->nsubj = comb->model.nsubj;
    }
    ds_summary all;
    memset(&all, 0, sizeof all);
    ds_run_result r;
    if (!s) {
        ds_run_opts ro = ds_run_opts_for(opts, comb->model.variant);
        s = ds_run_stream(comb, NULL, "sweep", &ro, &r, &all, err);
        ds_model_free(&comb->model);
    }
    for (int v = 0; !s && v < V; v++) {
        const ds_scenario *sv = &st->variant[v];
        s = ds_summary_init(&sum[v], &sv->model, N, sv->summary_from,
                            sv->summary_to < 0 ? ds_scenario_duration(sv) : sv->summary_to, err);
        for (int q = 0; !s && q < sum[v].nmetric; q++)
            memcpy(sum[v].metric[q].value, all.metric[q].value + (size_t)v * N, (size_t)N * sizeof(double));
    }
    if (!s) {
        if (r.nfailed)
            snprintf(r.failure + strlen(r.failure), sizeof r.failure - strlen(r.failure),
                     " (the sweep's lanes: subject k is point k / %d, subject k mod %d)", N, N);
        note_failures(out, "sweep", "", &r);
        out->simulating += r.wall_time;
        if (notes(opts))
            fprintf(notes(opts), "sweep as lanes: %d points x %d subject%s in one batch, %lld steps, %.3f s\n", V, N,
                    N == 1 ? "" : "s", (long long)r.steps, r.wall_time);
    }
    ds_summary_free(&all);
    for (int v = 0; full && v < V; v++)
        ds_model_free(&full[v]);
    free(full);
    free(parts);
    free(comb);
    return s;
}

/* Sweep points are independent and write nothing while they run (their summaries are written
 * afterwards, in order), so they run on threads; each point's arithmetic is its own, so the
 * file is the same whatever the number of threads. */
static ds_status run_sweep(const ds_study *st, const ds_study_opts *opts, ds_summary *sum, ds_study_outcome *out,
                           ds_error *err)
{
    ds_status s = DS_OK;
    if (opts->resume)
        return ds_fail(err, DS_ERR_USAGE, "--resume goes on from the blocks of a cohort or arms run; a sweep's points "
                                          "are not checkpointed");
    int lanes = 1;
    for (int v = 1; lanes && v < st->nvariant; v++)
        lanes = same_but_lanes(&st->variant[0], &st->variant[v]);
    if (lanes)
        return sweep_as_lanes(st, opts, sum, out, err);
    ds_run_result *rr = calloc((size_t)st->nvariant, sizeof *rr);
    ds_status *ss = calloc((size_t)st->nvariant, sizeof *ss);
    ds_error *ee = calloc((size_t)st->nvariant, sizeof *ee);
    if (!rr || !ss || !ee)
        s = ds_fail(err, DS_ERR_NOMEM, "out of memory");
    ds_run_opts quiet = {.progress = 0, .summary_only = opts->summary_only, .block = opts->block};
    int points_done = 0;
    const int nthreads = opts->threads > 0 ? opts->threads : 1;
    const double t0 = ds_seconds(); /* the points run side by side: their wall time together */
#pragma omp parallel for schedule(dynamic, 1) num_threads(nthreads) if (!s && nthreads > 1)
    for (int v = 0; v < (s ? 0 : st->nvariant); v++) {
        ss[v] = ds_run_stream(&st->variant[v], NULL, "", &quiet, &rr[v], &sum[v], &ee[v]);
        if (opts->progress) {
            int k;
#pragma omp atomic capture
            k = ++points_done;
            fprintf(stderr, "[discsim] sweep: point %d of %d done\n", k, st->nvariant);
        }
    }
    out->simulating += ds_seconds() - t0;
    for (int v = 0; !s && v < st->nvariant; v++) {
        if (ss[v])
            s = ds_fail(err, ss[v], "sweep point %s: %s", st->name[v], ee[v].msg);
        else
            note_failures(out, "sweep point ", st->name[v], &rr[v]);
        if (!s && notes(opts))
            fprintf(notes(opts), "point %-12s %lld steps, %.3f s\n", st->name[v], (long long)rr[v].steps,
                    rr[v].wall_time);
    }
    free(rr);
    free(ss);
    free(ee);
    return s;
}

/* Arms (or a single run) one after the other, each a stream of the sink; a cohort's streams
 * pass through a sink that keeps its quantile bands over time. */
static ds_status run_streams(const ds_study *st, const ds_record_sink *w, const ds_study_opts *opts, ds_summary *sum,
                             ds_study_outcome *out, ds_error *err)
{
    ds_run_opts ro = ds_run_opts_for(opts, st->variant[0].model.variant);
    ds_status s = DS_OK;
    ds_checkpoint ck = {0};
    ds_checkpoint_variant cv;
    ds_block_hooks hooks;
    const int checkpoints = opts->checkpoint != NULL;
    if (!checkpoints && opts->resume)
        return ds_fail(err, DS_ERR_USAGE, "--resume goes on from a checkpoint, and this run has none");
    if (opts->hooks && !opts->summary_only && (!opts->hooks->sync || !checkpoints))
        return ds_fail(err, DS_ERR_USAGE, "a series run split over processes needs a checkpoint and the hooks' sync");
    if (checkpoints && (s = ds_checkpoint_open(&ck, opts->checkpoint, st, ro.block, !opts->summary_only,
                                               opts->resume, err)))
        return s;
    out->checkpointed = checkpoints;
    ro.hooks = opts->hooks;
    for (int v = 0; v < st->nvariant && !s; v++) {
        if (checkpoints) { /* over the split's, if any: the blocks run here, and the gathering */
            hooks = ds_checkpoint_hooks(&cv, &ck, v, opts->hooks);
            ro.hooks = &hooks;
        }
        const ds_scenario *sc = &st->variant[v];
        char prefix[128] = "";
        if (st->kind == DS_STUDY_ARMS)
            snprintf(prefix, sizeof prefix, "/arms/%s", st->name[v]);
        ds_bands bands;
        ds_record_sink bs;
        const ds_record_sink *sink = w;
        if (w && sc->cohort.enabled && !opts->summary_only) {
            const ds_model *m = &sc->model;
            bs = ds_bands_sink(&bands, w, st->kind == DS_STUDY_ARMS ? st->name[v] : "run",
                               ds_level_names[m->level_id[m->site.enabled ? m->site.level : 0]]);
            sink = &bs;
        }
        ds_run_result r;
        s = ds_run_stream(sc, sink, prefix, &ro, &r, &sum[v], err);
        if (sink != w)
            ds_bands_free(&bands);
        if (!s) {
            note_failures(out, st->kind == DS_STUDY_ARMS ? "arm " : "", st->kind == DS_STUDY_ARMS ? st->name[v] : "",
                          &r);
            out->simulating += r.wall_time - r.write_time;
        }
        if (!s && notes(opts)) { /* a single run's (a cohort's, a checkpointed one's) as each arm's */
            fprintf(notes(opts), "%s%-12s %lld steps, %.3f s simulating, %.3f s writing its records",
                    st->kind == DS_STUDY_SINGLE ? "" : "arm ", st->kind == DS_STUDY_SINGLE ? "run" : st->name[v],
                    (long long)r.steps, r.wall_time - r.write_time, r.write_time);
            /* blocks of several subjects: how often a lane stepped in its block's rounds, and
             * its busiest lane (what the others' waiting at stops costs, see ds_run_result) */
            if (r.lane_slots > 0 && ro.block > 1 && sc->nsubj > 1)
                fprintf(notes(opts), ", lanes busy %.1f %% (a block's busiest %.1f %%)",
                        100.0 * (double)r.lane_attempts / (double)r.lane_slots,
                        100.0 * (double)r.lane_most / (double)r.lane_rounds);
            if (r.lane_newton_slots > 0 && ro.block > 1 && sc->nsubj > 1)
                fprintf(notes(opts), ", in Newton's iterations %.1f %%",
                        100.0 * (double)r.lane_newton_iters / (double)r.lane_newton_slots);
            fputc('\n', notes(opts));
        }
    }
    if (checkpoints && !s && notes(opts) && opts->resume)
        fprintf(notes(opts), "resumed: %d blocks of %d subjects came from the checkpoint%s\n", ck.restored, ro.block,
                opts->hooks ? " (this process's: each has its own)" : "");
    if (checkpoints) /* kept unless the study completed (the caller removes it with the output's success) */
        ds_checkpoint_close(&ck, 0);
    return s;
}

/* Each arm's paired effect (arm minus the reference arm, by subject) of every metric. */
static ds_status put_effects(const ds_study *st, const ds_record_sink *w, const ds_summary *sum, ds_error *err)
{
    const int nsubj = st->variant[0].nsubj;
    size_t dims1[1] = {(size_t)nsubj}, len = 0;
    char names[DS_MAX_VARIANTS * 66] = "";
    for (int a = 0; a < st->nvariant; a++)
        ds_append(names, sizeof names, &len, "%s\n", st->name[a]);
    ds_status s = put_lines(w, "/meta/arms", names, "arm names; the first is the reference", err);
    double *diff = s ? NULL : malloc((size_t)nsubj * sizeof *diff);
    if (!s && !diff)
        s = ds_fail(err, DS_ERR_NOMEM, "out of memory for the arm effects");
    for (int a = 1; !s && a < st->nvariant; a++)
        for (int q = 0; !s && q < sum[a].nmetric; q++) {
            const ds_metric *ma = &sum[a].metric[q], *m0 = metric(&sum[0], ma->name);
            if (!m0)
                continue;
            for (int l = 0; l < nsubj; l++)
                diff[l] = ma->value[l] - m0->value[l];
            char path[300], desc[400];
            snprintf(path, sizeof path, "/summary/effect/%s/%s", st->name[a], ma->name);
            snprintf(desc, sizeof desc, "%s: %s minus %s, paired by subject", ma->description, st->name[a], st->name[0]);
            s = put_doubles(w, path, 1, dims1, diff, ma->unit, desc, err);
            if (!s)
                s = put_scale(w, path, 0, "/subject", "subject", err);
        }
    free(diff);
    if (!s && st->nvariant > 1) {
        char sign[200];
        snprintf(sign, sizeof sign, "arm minus %s (the reference arm), paired by subject: negative means lower with the arm",
                 st->name[0]);
        s = put_attr(w, "/summary/effect", "sign_convention", sign, err);
    }
    return s;
}

/* The swept values and every metric shaped [values_1]([values_2])[subject]. */
static ds_status put_sweep(const ds_study *st, const ds_record_sink *w, const ds_summary *sum, ds_error *err)
{
    const int nsubj = st->variant[0].nsubj;
    ds_status s = DS_OK;
    for (int k = 0; !s && k < st->nparam; k++) {
        char path[64], desc[400];
        snprintf(path, sizeof path, "/sweep/values_%d", k + 1);
        snprintf(desc, sizeof desc, "values of %s", st->param[k]);
        size_t d1[1] = {(size_t)st->nval[k]};
        s = put_doubles(w, path, 1, d1, st->val[k], st->unit[k], desc, err);
        if (!s)
            s = put_attr(w, path, "parameter", st->param[k], err);
    }
    size_t dims[4] = {(size_t)st->nval[0], 0, 0, 0};
    int rank = 1;
    if (st->nparam > 1)
        dims[rank++] = (size_t)st->nval[1];
    dims[rank++] = (size_t)nsubj;
    double *buf = s ? NULL : malloc((size_t)st->nvariant * nsubj * sizeof *buf);
    if (!s && !buf)
        s = ds_fail(err, DS_ERR_NOMEM, "out of memory for the sweep summary");
    for (int q = 0; !s && q < sum[0].nmetric; q++) {
        for (int v = 0; v < st->nvariant; v++) {
            const ds_metric *mv = metric(&sum[v], sum[0].metric[q].name);
            for (int l = 0; l < nsubj; l++)
                buf[(size_t)v * nsubj + l] = mv ? mv->value[l] : NAN;
        }
        char path[300], desc[400];
        snprintf(path, sizeof path, "/sweep/summary/%s", sum[0].metric[q].name);
        snprintf(desc, sizeof desc, "%s, shaped [values_1]%s[subject]", sum[0].metric[q].description,
                 st->nparam > 1 ? "[values_2]" : "");
        s = put_doubles(w, path, rank, dims, buf, sum[0].metric[q].unit, desc, err);
        /* the axes: each swept parameter's values, named by the parameter, and the subjects */
        for (int k = 0; !s && k < st->nparam; k++) {
            char axis[64];
            snprintf(axis, sizeof axis, "/sweep/values_%d", k + 1);
            s = put_scale(w, path, k, axis, st->param[k], err);
        }
        if (!s)
            s = put_scale(w, path, rank - 1, "/subject", "subject", err);
    }
    free(buf);
    return s;
}

ds_status ds_study_run_sink(const ds_study *st, const ds_record_sink *sink, const ds_study_opts *opts,
                            ds_study_outcome *out, ds_error *err)
{
    if (st->nvariant < 1 || !st->variant)
        return ds_fail(err, DS_ERR_USAGE, "ds_study_run: the study has no variant to run");
    const ds_scenario *s0 = &st->variant[0];
    memset(out, 0, sizeof *out);
    ds_summary *sum = calloc((size_t)st->nvariant, sizeof *sum);
    if (!sum)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    ds_status s = st->kind == DS_STUDY_SWEEP ? run_sweep(st, opts, sum, out, err)
                                             : run_streams(st, sink, opts, sum, out, err);
    if (!s && sink) { /* provenance of the study as a whole */
        static const char *const kinds[] = {"single", "arms", "sweep"};
        s = put_text(sink, "/meta/study_scenario_text", s0->text, "the scenario file as given", err);
        if (!s)
            s = put_attr(sink, "/meta", "study", kinds[st->kind], err);
        if (!s)
            s = put_attr(sink, "/meta", "scenario_name", s0->name, err);
        /* the study's per-subject arrays (effects, a sweep's summaries, a cohort's draws) have
         * this axis; a single run's stream at the root made its own */
        if (!s && st->kind != DS_STUDY_SINGLE)
            s = put_subject_axis(sink, s0->nsubj, err);
    }
    if (!s && sink && st->kind == DS_STUDY_ARMS)
        s = put_effects(st, sink, sum, err);
    if (!s && sink && st->kind == DS_STUDY_SWEEP)
        s = put_sweep(st, sink, sum, err);
    /* tables: as text for people, printed as they come; for programs, collected and printed
     * as one CSV or JSON document at the end */
    const int text = opts->table_format == DS_TABLE_TEXT;
    ds_table tab[4];
    int ntab = 0;
    if (!s && opts->table && text) {
        if (st->kind == DS_STUDY_ARMS)
            print_arms(opts->table, st, sum);
        else if (st->kind == DS_STUDY_SWEEP)
            print_sweep(opts->table, st, sum);
    } else if (!s && opts->table && st->kind != DS_STUDY_SINGLE) {
        s = st->kind == DS_STUDY_ARMS ? table_arms(&tab[0], st, sum, err) : table_sweep(&tab[0], st, sum, err);
        ntab = s ? 0 : 1;
    }
    if (!s && s0->cohort.enabled) {
        ds_cohort_stats cs;
        s = ds_cohort_effects(&s0->cohort, st->nvariant, st->kind == DS_STUDY_ARMS, sum, &cs, err);
        if (!s && sink)
            s = ds_cohort_put(sink, &s0->cohort, (char(*)[64])st->name, sum, &cs, err);
        if (!s && opts->table && text)
            ds_cohort_print(opts->table, &s0->cohort, (char(*)[64])st->name, sum, &cs);
        int nc = 0;
        if (!s && opts->table && !text && st->kind == DS_STUDY_ARMS) {
            s = ds_cohort_tables(&tab[ntab], &nc, &s0->cohort, (char(*)[64])st->name, sum, &cs, err);
            ntab += nc;
        }
        ds_cohort_stats_free(&cs);
    }
    if (!s && ntab)
        s = ds_table_print(opts->table, tab, ntab, opts->table_format, err);
    for (int k = 0; k < ntab; k++)
        ds_table_free(&tab[k]);
    for (int v = 0; v < st->nvariant; v++)
        ds_summary_free(&sum[v]);
    free(sum);
    return s;
}
