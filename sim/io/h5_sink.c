/* The HDF5 sink: a run's records streamed into an output file, and at the end of each
 * stream its provenance (/meta: scenario, model, program, solver statistics, compiled
 * parameters, timeline), the subjects that failed and the summary metrics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "discsim/discsim.h"

#define TRY(x)                                                                                                         \
    do {                                                                                                               \
        ds_status st_ = (x);                                                                                           \
        if (st_)                                                                                                       \
            return st_;                                                                                                \
    } while (0)

/* A list given as lines of text ("a\nb\n") written as a list of strings. */
static ds_status write_lines(ds_h5_writer *w, const char *path, const char *text, const char *description,
                             ds_error *err)
{
    size_t n = 0, len = strlen(text);
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    n += len > 0 && text[len - 1] != '\n'; /* a last line without its newline */
    char *copy = malloc(len + 1);
    const char **line = malloc((n ? n : 1) * sizeof *line);
    ds_status st = DS_OK;
    if (!copy || !line)
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
    size_t k = 0;
    if (!st) {
        memcpy(copy, text, len + 1);
        for (char *p = copy; k < n; k++) {
            line[k] = p;
            char *nl = strchr(p, '\n');
            if (!nl)
                break;
            *nl = '\0';
            p = nl + 1;
        }
        st = ds_h5_write_strings(w, path, n, line, description, err);
    }
    free(line);
    free(copy);
    return st;
}

/* The dataset at <prefix>/<rel> is per subject: its first axis is the stream's subjects. */
static ds_status per_subject(ds_h5_writer *w, const char *prefix, const char *path, ds_error *err)
{
    char scale[300];
    snprintf(scale, sizeof scale, "%s/subject", prefix);
    return ds_h5_attach_scale(w, path, 0, scale, "subject", err);
}

/* SOURCE_DATE_EPOCH, the reproducible-builds convention, as a time (-1: not set or not a
 * time): when set, the file holds nothing that differs between two identical runs. */
static long long source_date_epoch(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end = NULL;
    long long e = sde ? strtoll(sde, &end, 10) : -1;
    return sde && *sde && end && !*end && e >= 0 ? e : -1;
}

/* Who made the file from what: scenario, model, program, herniation, thresholds. */
static ds_status meta_provenance(ds_h5_writer *w, const char *meta, const ds_run_report *rep, ds_error *err)
{
    const ds_scenario *sc = rep->sc;
    const ds_model *m = &sc->model;
    char path[400];
    TRY(ds_h5_attr_string(w, meta, "scenario_name", sc->name, err));
    TRY(ds_h5_attr_string(w, meta, "scenario_file", sc->path, err));
    TRY(ds_h5_attr_string(w, meta, "model_name", m->name, err));
    TRY(ds_h5_attr_string(w, meta, "model_file", m->path, err));
    TRY(ds_h5_attr_string(w, meta, "program", "discsim", err));
    TRY(ds_h5_attr_string(w, meta, "program_version", ds_version(), err));
    TRY(ds_h5_attr_string(w, meta, "git_commit", ds_git_commit(), err));
    TRY(ds_h5_attr_string(w, meta, "variant", m->variant == DS_QUASI_STATIC ? "quasi_static" : "inertial", err));
    TRY(ds_h5_attr_string(w, meta, "units", "mm, N, s, MPa, tonne", err));
    TRY(ds_h5_attr_int64(w, meta, "seed", (int64_t)sc->seed, err));
    TRY(ds_h5_attr_int64(w, meta, "subjects", sc->nsubj, err));
    if (source_date_epoch() < 0) { /* timings differ from run to run: left out of reproducible files */
        TRY(ds_h5_attr_double(w, meta, "wall_time_s", rep->wall_time, err));
        TRY(ds_h5_attr_double(w, meta, "write_time_s", rep->write_time, err)); /* of wall_time_s: the records */
    }
    TRY(ds_h5_attr_double(w, meta, "clock_start_s", sc->clock_start, err));
    if (m->nthreshold > 0) {
        double thr[DS_MAX_THRESHOLDS];
        char names[DS_MAX_THRESHOLDS * (DS_NAME_LEN + 1) + 1] = "";
        size_t nlen = 0;
        for (int k = 0; k < m->nthreshold; k++) {
            thr[k] = m->threshold[k].mmHg;
            ds_append(names, sizeof names, &nlen, "%s\n", m->threshold[k].name);
        }
        size_t td[1] = {(size_t)m->nthreshold};
        snprintf(path, sizeof path, "%s/thresholds", meta);
        TRY(ds_h5_write_doubles(w, path, 1, td, thr, "mmHg", "root compression thresholds of the model", err));
        snprintf(path, sizeof path, "%s/threshold_names", meta);
        TRY(write_lines(w, path, names, "names of the thresholds, in the order of thresholds", err));
    }
    if (m->site.enabled) {
        const ds_herniation_site *hs = &m->site;
        snprintf(path, sizeof path, "%s/herniation", meta);
        TRY(ds_h5_attr_string(w, path, "level", ds_level_names[m->level_id[hs->level]], err));
        TRY(ds_h5_attr_string(w, path, "type", hs->type == DS_FORAMINAL ? "foraminal" : "paracentral", err));
        TRY(ds_h5_attr_string(w, path, "side", hs->side ? "right" : "left", err));
        TRY(ds_h5_attr_double(w, path, "size_mm", hs->size, err));
        TRY(ds_h5_attr_double(w, path, "gap_mm", hs->gap, err));
        TRY(ds_h5_attr_double(w, path, "reference_height_mm", hs->h_ref, err));
        TRY(ds_h5_attr_int64(w, path, "pfirrmann_grade", hs->grade, err));
    }
    snprintf(path, sizeof path, "%s/scenario_text", meta);
    TRY(ds_h5_write_text(w, path, sc->text, "the scenario file as given", err));
    snprintf(path, sizeof path, "%s/overrides", meta);
    return write_lines(w, path, sc->overrides, "--set key=value and arm overrides, in order", err);
}

/* The method, its tolerances and the per-subject statistics. */
static ds_status meta_solver(ds_h5_writer *w, const char *prefix, const char *solver, const ds_run_report *rep,
                             ds_error *err)
{
    const ds_scenario *sc = rep->sc;
    const ds_method *meth = ds_method_get(sc->solver.method);
    const ds_lane_stats *stt = rep->stats;
    size_t dims[1] = {(size_t)sc->nsubj};
    char path[400];
    TRY(ds_h5_attr_string(w, solver, "method", meth->name, err));
    TRY(ds_h5_attr_string(w, solver, "method_description", meth->description, err));
    TRY(ds_h5_attr_double(w, solver, "rtol", sc->solver.rtol, err));
    TRY(ds_h5_attr_double(w, solver, "atol", sc->solver.atol, err));
    TRY(ds_h5_attr_double(w, solver, "fixed_step_s", sc->solver.h_fixed, err));
#define DS_X_WRITE(f, u, dsc)                                                                                          \
    snprintf(path, sizeof path, "%s/" #f, solver);                                                                    \
    TRY(ds_h5_write_int64s(w, path, 1, dims, stt->f, u, dsc, err));                                                   \
    TRY(per_subject(w, prefix, path, err));
    DS_STATS_FIELDS(DS_X_WRITE)
#undef DS_X_WRITE
    snprintf(path, sizeof path, "%s/h_min", solver);
    TRY(ds_h5_write_doubles(w, path, 1, dims, stt->h_min, "s",
                            "smallest accepted step (steps shortened to land on a phase boundary excluded)", err));
    return per_subject(w, prefix, path, err);
}

/* The path of per-subject parameter row r (disc parameters level by level, then the
 * subject's own), or 0 when the row is not written. */
static int param_row(const ds_model *m, int r, char *path, size_t cap, const char *meta, const char **units,
                     const char **desc, const double **row)
{
    const int nd = DS_NDISC_PARAMS * m->nlevel;
    if (r < nd) {
        const int i = r / DS_NDISC_PARAMS, k = r % DS_NDISC_PARAMS;
        snprintf(path, cap, "%s/parameters/%s/%s", meta, ds_level_names[m->level_id[i]], ds_disc_param_keys[k]);
        *units = ds_disc_param_units[k];
        *desc = ds_disc_param_descs[k];
        *row = m->par[k] + (size_t)i * m->stride;
        return 1;
    }
    const int k = r - nd;
    if (k != DS_LP_body_mass && !m->site.enabled) /* the rest belong to the herniation */
        return 0;
    snprintf(path, cap, "%s/parameters/subject/%s", meta, ds_lane_param_keys[k]);
    *units = ds_lane_param_units[k];
    *desc = ds_lane_param_descs[k];
    *row = m->lane[k];
    return 1;
}

/* The compiled disc parameters, per level and subject. A cohort's subjects are made in
 * pieces (ds_scenario_lanes), each piece written into every dataset where it differs from
 * the template's value, so that no whole cohort's model is ever held. */
static ds_status meta_parameters(ds_h5_writer *w, const char *prefix, const char *meta, const ds_scenario *sc,
                                 ds_error *err)
{
    enum { PIECE = 1024 }; /* subjects: a piece's model is about 1.7 MB */
    const ds_model *m = &sc->model;
    const int nrow = DS_NDISC_PARAMS * m->nlevel + DS_NLANE_PARAMS;
    char path[400];
    const char *units, *desc;
    const double *row;
    ds_status st = DS_OK;
    const bool whole = sc->nsubj <= PIECE; /* one piece: each dataset made and written at once */
    /* in pieces: the template's value (what every subject has where the cohort does not
     * vary it, as for most parameters) fills each dataset, and a piece equal to it everywhere
     * is not written, so that a constant parameter takes no room nor time */
    double fill[DS_NDISC_PARAMS * DS_MAX_LEVELS + DS_NLANE_PARAMS];
    for (int r = 0; r < nrow && !st && !whole; r++)
        if (param_row(m, r, path, sizeof path, meta, &units, &desc, &row) &&
            !(st = ds_h5_create_doubles(w, path, (size_t)sc->nsubj, &row[0], PIECE, units, desc, err))) {
            fill[r] = row[0];
            st = per_subject(w, prefix, path, err);
        }
    /* a cohort's whole pieces share one model: each piece sets the same varied parameters
     * (every setter overwrites, and derives from the values it leaves), so the lanes hold
     * what a model made afresh holds, without allocating and filling 1.7 MB a piece */
    ds_model piece = {0}, shared = {0};
    for (int l0 = 0; l0 < sc->nsubj && !st; l0 += PIECE) {
        const int n = sc->nsubj - l0 < PIECE ? sc->nsubj - l0 : PIECE;
        const bool reuse = sc->cohort.enabled && n == PIECE;
        if (reuse && shared.mem_)
            st = ds_cohort_apply_lanes(&sc->cohort, l0, &shared, err);
        else {
            if (!reuse) /* the last piece, a part: one model at a time */
                ds_model_free(&shared);
            st = ds_scenario_lanes(sc, l0, n, reuse ? &shared : &piece, err);
        }
        if (st)
            break;
        const ds_model *pm = reuse ? &shared : &piece;
        const size_t dims[1] = {(size_t)n};
        for (int r = 0; r < nrow && !st; r++)
            if (param_row(pm, r, path, sizeof path, meta, &units, &desc, &row)) {
                if (whole) {
                    st = ds_h5_write_doubles(w, path, 1, dims, row, units, desc, err);
                    continue;
                }
                int j = 0;
                while (j < n && !memcmp(&row[j], &fill[r], sizeof(double)))
                    j++;
                if (j < n)
                    st = ds_h5_write_doubles_at(w, path, (size_t)l0, (size_t)n, row, err);
            }
        for (int r = 0; r < nrow && !st && whole; r++)
            if (param_row(pm, r, path, sizeof path, meta, &units, &desc, &row))
                st = per_subject(w, prefix, path, err);
        if (!reuse)
            ds_model_free(&piece);
    }
    ds_model_free(&shared);
    return st;
}

/* The timeline as run, for plots that shade phases and massage sessions. */
static ds_status meta_timeline(ds_h5_writer *w, const char *meta, const ds_scenario *sc, ds_error *err)
{
    const ds_model *m = &sc->model;
    char path[400];
    int np = sc->nphase * sc->repeat;
    double *se = malloc((size_t)np * 2 * sizeof(double));
    size_t tl = 1, len = 0;
    for (int k = 0; k < sc->nphase; k++)
        tl += strlen(m->posture[sc->phase[k].posture].name) + 1;
    size_t cap = tl * (size_t)sc->repeat + 1;
    char *names = malloc(cap);
    ds_status st = DS_OK;
    if (!se || !names)
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
    double t = 0.0;
    if (names)
        names[0] = '\0';
    for (int r = 0, j = 0; !st && r < sc->repeat; r++)
        for (int k = 0; k < sc->nphase; k++, j++) {
            se[2 * j] = t;
            t += sc->phase[k].duration;
            se[2 * j + 1] = t;
            ds_append(names, cap, &len, "%s\n", m->posture[sc->phase[k].posture].name);
        }
    size_t pd[2] = {(size_t)np, 2};
    snprintf(path, sizeof path, "%s/timeline/phase_span", meta);
    if (!st)
        st = ds_h5_write_doubles(w, path, 2, pd, se, "s", "start and end of each phase", err);
    snprintf(path, sizeof path, "%s/timeline/phase_posture", meta);
    if (!st)
        st = write_lines(w, path, names, "posture of each phase, in the order of phase_span", err);
    free(se);
    free(names);
    if (st || sc->nsession == 0)
        return st;
    double *ms = malloc((size_t)sc->nsession * 2 * sizeof(double));
    if (!ms)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int k = 0; k < sc->nsession; k++) {
        ms[2 * k] = sc->session[k].start;
        ms[2 * k + 1] = sc->session[k].start + sc->session[k].duration;
    }
    size_t md[2] = {(size_t)sc->nsession, 2};
    snprintf(path, sizeof path, "%s/timeline/massage_span", meta);
    st = ds_h5_write_doubles(w, path, 2, md, ms, "s", "start and end of each massage session", err);
    free(ms);
    return st;
}

/* What depends on the scenario alone: the subjects' parameters and the timeline. */
static ds_status write_scenario_meta(ds_h5_writer *w, const char *prefix, const ds_scenario *sc, ds_error *err)
{
    char meta[256];
    snprintf(meta, sizeof meta, "%s/meta", prefix);
    TRY(meta_parameters(w, prefix, meta, sc, err));
    return meta_timeline(w, meta, sc, err);
}

static ds_status write_meta(ds_h5_writer *w, const char *prefix, const ds_run_report *rep, ds_error *err)
{
    char meta[256], solver[300];
    snprintf(meta, sizeof meta, "%s/meta", prefix);
    snprintf(solver, sizeof solver, "%s/meta/solver", prefix);
    TRY(meta_provenance(w, meta, rep, err));
    TRY(meta_solver(w, prefix, solver, rep, err));
    return rep->ahead ? DS_OK : write_scenario_meta(w, prefix, rep->sc, err);
}
#undef TRY

/* Which subjects failed, when and why (all present, so a reader need not test for them). */
static ds_status write_failures(ds_h5_writer *w, const char *prefix, const ds_run_report *rep, ds_error *err)
{
    const int n = rep->sc->nsubj;
    char path[300];
    size_t dims[1] = {(size_t)n};
    size_t nf = 0; /* counted here: the list must hold every failed subject's message */
    for (int l = 0; l < n; l++)
        nf += rep->failed[l] != 0;
    int64_t *flag = malloc((size_t)n * sizeof *flag);
    const char **what = malloc((nf ? nf : 1) * sizeof *what); /* the failed subjects' only */
    size_t *at = malloc((nf ? nf : 1) * sizeof *at);
    ds_status st = DS_OK;
    if (!flag || !what || !at)
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (int l = 0; !st && l < n; l++) {
        flag[l] = rep->failed[l];
        if (rep->failed[l])
            at[k] = (size_t)l, what[k++] = rep->fail_what[l];
    }
    snprintf(path, sizeof path, "%s/meta/failure/failed", prefix);
    if (!st && !(st = ds_h5_write_int64s(w, path, 1, dims, flag, "1",
                                         "1 where the subject failed (its series are NaN from then on)", err)))
        st = per_subject(w, prefix, path, err);
    snprintf(path, sizeof path, "%s/meta/failure/time", prefix);
    if (!st &&
        !(st = ds_h5_write_doubles(w, path, 1, dims, rep->fail_time, "s", "time the subject failed (NaN: it did not)", err)))
        st = per_subject(w, prefix, path, err);
    snprintf(path, sizeof path, "%s/meta/failure/what", prefix);
    if (!st && !(st = ds_h5_write_strings_sparse(w, path, (size_t)n, k, at, what,
                                          "per subject: level and variable that failed, why, phase and posture "
                                          "(empty: it did not fail)",
                                          err)))
        st = per_subject(w, prefix, path, err);
    snprintf(path, sizeof path, "%s/meta", prefix);
    if (!st)
        st = ds_h5_attr_int64(w, path, "failed_subjects", rep->nfailed, err);
    free(flag);
    free(what);
    free(at);
    return st;
}

static ds_status write_summary(ds_h5_writer *w, const char *prefix, const ds_run_report *rep, ds_error *err)
{
    const ds_summary *sum = rep->sum;
    const ds_model *m = &rep->sc->model;
    size_t dims[1] = {(size_t)rep->sc->nsubj};
    char path[300], text[200];
    ds_status st = DS_OK;
    for (int q = 0; q < sum->nmetric && !st; q++) {
        snprintf(path, sizeof path, "%s/summary/%s", prefix, sum->metric[q].name);
        st = ds_h5_write_doubles(w, path, 1, dims, sum->metric[q].value, sum->metric[q].unit, sum->metric[q].description,
                                 err);
        if (!st)
            st = per_subject(w, prefix, path, err);
    }
    if (st)
        return st;
    /* the window as numbers for programs, and as a sentence for people */
    const char *level = ds_level_names[m->level_id[m->site.enabled ? m->site.level : 0]];
    snprintf(path, sizeof path, "%s/summary", prefix);
    snprintf(text, sizeof text, "from %g s to %g s; nucleus metrics at level %s", sum->from, sum->to, level);
    if ((st = ds_h5_attr_double(w, path, "window_from_s", sum->from, err)) ||
        (st = ds_h5_attr_double(w, path, "window_to_s", sum->to, err)) ||
        (st = ds_h5_attr_string(w, path, "nucleus_level", level, err)))
        return st;
    return ds_h5_attr_string(w, path, "window", text, err);
}

static ds_status h5_begin(void *ctx, const char *prefix, int nsubj, int nseries, const ds_series_desc *series,
                          ds_error *err)
{
    (void)nsubj; /* the writer was opened for it */
    return ds_h5_stream(ctx, prefix, nseries, series, err);
}

static ds_status h5_record(void *ctx, double t, const double *values, ds_error *err)
{
    return ds_h5_append(ctx, t, values, err);
}

/* The parameters of a large cohort are a few milliseconds of writing (16,000 subjects: 5 ms of
 * a 2-thread run's 140): written while the other thread runs blocks, not after them all. */
static ds_status h5_ahead(void *ctx, const char *prefix, const ds_scenario *sc, ds_error *err)
{
    return write_scenario_meta(ctx, prefix, sc, err);
}

static ds_status h5_end(void *ctx, const char *prefix, const ds_run_report *rep, ds_error *err)
{
    ds_status st = write_meta(ctx, prefix, rep, err);
    if (!st)
        st = write_failures(ctx, prefix, rep, err);
    if (!st && rep->sum)
        st = write_summary(ctx, prefix, rep, err);
    return st;
}

static ds_status h5_put_doubles(void *ctx, const char *path, int rank, const size_t *dims, const double *data,
                                const char *units, const char *description, ds_error *err)
{
    return ds_h5_write_doubles(ctx, path, rank, dims, data, units, description, err);
}

static ds_status h5_put_text(void *ctx, const char *path, const char *text, const char *description, ds_error *err)
{
    return ds_h5_write_text(ctx, path, text, description, err);
}

static ds_status h5_put_attr(void *ctx, const char *obj_path, const char *name, const char *value, ds_error *err)
{
    return ds_h5_attr_string(ctx, obj_path, name, value, err);
}

static ds_status h5_put_scale(void *ctx, const char *path, int dim, const char *scale_path, const char *name,
                              ds_error *err)
{
    return ds_h5_attach_scale(ctx, path, dim, scale_path, name, err);
}
static ds_status h5_put_lines(void *ctx, const char *path, const char *lines, const char *description, ds_error *err)
{
    return write_lines(ctx, path, lines, description, err);
}
ds_record_sink ds_h5_sink(ds_h5_writer *w)
{
    return (ds_record_sink){.ctx = w,
                            .begin = h5_begin,
                            .record = h5_record,
                            .ahead = h5_ahead,
                            .end = h5_end,
                            .put_doubles = h5_put_doubles,
                            .put_text = h5_put_text,
                            .put_attr = h5_put_attr,
                            .put_scale = h5_put_scale,
                            .put_lines = h5_put_lines};
}

/* The file's own provenance, at its root: what made it, when, from which command. The date is
 * SOURCE_DATE_EPOCH's when that is set (the reproducible-builds convention), so that two
 * runs can give byte-identical files. */
static ds_status root_provenance(ds_h5_writer *w, const char *command_line, ds_error *err)
{
    char when[64] = "";
    const long long e = source_date_epoch();
    time_t t = e >= 0 ? (time_t)e : time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ds_status st;
    if ((st = ds_h5_attr_string(w, "/", "program", "discsim", err)) ||
        (st = ds_h5_attr_string(w, "/", "program_version", ds_version(), err)) ||
        (st = ds_h5_attr_string(w, "/", "git_commit", ds_git_commit(), err)) ||
        (st = ds_h5_attr_string(w, "/", "created", when, err)))
        return st;
    return command_line ? ds_h5_attr_string(w, "/", "command_line", command_line, err) : DS_OK;
}

/* The output file for runs of the scenarios sc[0 .. nsc - 1] (a run, or a study's variants):
 * open, its compression set, its provenance written. */
static ds_status open_output(const char *out_path, const ds_scenario *sc, int nsc, ds_compression compression,
                             const char *command_line, ds_h5_writer **w, ds_error *err)
{
    static const int level[] = {[DS_COMPRESSION_NONE] = 0, [DS_COMPRESSION_FAST] = 1, [DS_COMPRESSION_SMALL] = 6};
    size_t nrec = 1;
    for (int v = 0; v < nsc; v++) {
        const size_t n = ds_run_records(&sc[v]);
        nrec = n > nrec ? n : nrec;
    }
    ds_status st = ds_h5_open(out_path, sc[0].nsubj, w, err);
    if (!st) /* chunks no longer than a stream: a day at one subject is not padded to a chunk */
        st = ds_h5_set_records(*w, nrec, err);
    if (!st && compression != DS_COMPRESSION_DEFAULT)
        st = ds_h5_set_compression(*w, level[compression], err);
    if (!st)
        st = root_provenance(*w, command_line, err);
    if (st) {
        ds_h5_abort(*w);
        *w = NULL;
    }
    return st;
}

ds_status ds_run(const ds_scenario *sc, const char *out_path, const ds_run_opts *opts, ds_run_result *res,
                 ds_error *err)
{
    ds_h5_writer *w = NULL;
    ds_summary sum;
    memset(&sum, 0, sizeof sum);
    ds_status st = DS_OK;
    if (out_path && ((st = ds_scenario_check_output(sc, out_path, err)) ||
                     (st = open_output(out_path, sc, 1, opts ? opts->compression : DS_COMPRESSION_DEFAULT,
                                       opts ? opts->command_line : NULL, &w, err))))
        return st;
    ds_record_sink sink = ds_h5_sink(w);
    st = ds_run_stream(sc, w ? &sink : NULL, "", opts, res, &sum, err);
    if (!st && w)
        st = ds_h5_finish(w, err);
    else
        ds_h5_abort(w);
    ds_summary_free(&sum);
    if (!st && res->nfailed > 0) /* the file is complete and says which subjects failed */
        st = ds_fail(err, DS_ERR_NUMERIC, "%d of %d subjects failed; the others finished%s%s. First: %s", res->nfailed,
                     sc->nsubj, out_path ? " and are in " : "", out_path ? out_path : "", res->failure);
    return st;
}

ds_status ds_study_run(const ds_study *st, const char *out_path, const ds_study_opts *opts, ds_error *err)
{
    return ds_study_run_outcome(st, out_path, opts, NULL, err);
}

ds_status ds_study_run_outcome(const ds_study *st, const char *out_path, const ds_study_opts *opts,
                               ds_study_outcome *outcome, ds_error *err)
{
    ds_study_outcome own, *out = outcome ? outcome : &own;
    memset(out, 0, sizeof *out);
    if (st->nvariant < 1 || !st->variant)
        return ds_fail(err, DS_ERR_USAGE, "ds_study_run: the study has no variant to run");
    ds_status s = DS_OK;
    /* before anything runs: the output must not replace an input of any variant */
    for (int v = 0; out_path && v < st->nvariant && !s; v++)
        s = ds_scenario_check_output(&st->variant[v], out_path, err);
    ds_h5_writer *w = NULL;
    if (!s && out_path)
        s = open_output(out_path, st->variant, st->nvariant, opts->compression, opts->command_line, &w, err);
    if (s)
        return s;
    ds_record_sink sink = ds_h5_sink(w);
    s = ds_study_run_sink(st, w ? &sink : NULL, opts, out, err);
    if (!s && w)
        s = ds_h5_finish(w, err);
    else
        ds_h5_abort(w);
    /* the study is complete, or every subject of a run failed, which resuming would only
     * repeat (a subject's numbers are its own): nothing to resume (a file of that name that
     * the study did not open is not its own) */
    if ((!s || s == DS_ERR_NUMERIC) && out->checkpointed)
        unlink(opts->checkpoint);
    if (!s && out->nfailed) /* the file is complete and lists them under <stream>/meta/failure */
        s = ds_fail(err, DS_ERR_NUMERIC, "%d subject%s failed; the rest finished%s%s. First: %s", out->nfailed,
                    out->nfailed == 1 ? "" : "s", out_path ? " and are in " : "", out_path ? out_path : "", out->failure);
    return s;
}
