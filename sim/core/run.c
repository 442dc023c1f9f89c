/* The scenario driver: phases and ramps as hard stops, records by dense output, HDF5 as
 * the run goes. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "discsim/discsim.h"
#include "physics/spine.h"

#ifndef DS_VERSION
#define DS_VERSION "0.0.0"
#endif
#include "ds_git_commit.h" /* generated at build time */

const char *ds_version(void) { return DS_VERSION; }
const char *ds_git_commit(void) { return DS_GIT_COMMIT; }

void ds_init(void) { gsl_set_error_handler_off(); }

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    ds_series_desc *desc;
    char (*paths)[96];
    int n;
} series_list;

/* Recorded series: per level the chosen outputs, then per muscle group and level it
 * crosses its activation and force. src[] says where each value is found in d. */
typedef struct {
    int kind;  /* 0 level output, 1 muscle activation, 2 muscle force */
    int level; /* index 0..nlevel-1 */
    int which; /* output id or group */
} series_src;

static ds_status make_series(const ds_scenario *sc, series_list *sl, series_src **src, ds_error *err)
{
    const ds_model *m = &sc->model;
    int n = sc->nlevel * sc->nrecord;
    if (sc->record_muscles)
        for (int g = 0; g < m->ngroup; g++)
            for (int i = 0; i < m->nlevel; i++)
                n += 2 * m->group[g].crosses[m->level_id[i]];
    sl->n = n;
    sl->desc = calloc((size_t)n, sizeof *sl->desc);
    sl->paths = calloc((size_t)n, sizeof *sl->paths);
    *src = calloc((size_t)n, sizeof **src);
    if (!sl->desc || !sl->paths || !*src)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    int s = 0;
    for (int i = 0; i < sc->nlevel; i++)
        for (int k = 0; k < sc->nrecord; k++, s++) {
            int v = sc->record[k];
            snprintf(sl->paths[s], sizeof sl->paths[s], "/levels/%s/%s", ds_level_names[sc->level_id[i]],
                     ds_level_output_names[v]);
            sl->desc[s] = (ds_series_desc){sl->paths[s], ds_level_output_units[v], ds_level_output_descs[v]};
            (*src)[s] = (series_src){0, i, v};
        }
    if (sc->record_muscles)
        for (int g = 0; g < m->ngroup; g++)
            for (int i = 0; i < m->nlevel; i++) {
                if (!m->group[g].crosses[m->level_id[i]])
                    continue;
                for (int k = 1; k <= 2; k++, s++) {
                    snprintf(sl->paths[s], sizeof sl->paths[s], "/muscles/%s/%s/%s", m->group[g].name,
                             ds_level_names[m->level_id[i]], k == 1 ? "activation" : "force");
                    sl->desc[s] = k == 1 ? (ds_series_desc){sl->paths[s], "1",
                                                            "activation at this level, fraction of maximum voluntary "
                                                            "contraction (tone + task)"}
                                         : (ds_series_desc){sl->paths[s], "N",
                                                            "force of the group (both sides) at this level, active + "
                                                            "passive"};
                    (*src)[s] = (series_src){k, i, g};
                }
            }
    return DS_OK;
}

static ds_status write_meta(ds_h5_writer *w, const ds_scenario *sc, const ds_evolver *ev, double wall,
                            ds_error *err)
{
    const ds_model *m = &sc->model;
    const ds_method *meth = ds_method_get(sc->solver.method);
    ds_status st;
#define TRY(x)                                                                                                         \
    do {                                                                                                               \
        if ((st = (x)))                                                                                                \
            return st;                                                                                                 \
    } while (0)
    TRY(ds_h5_attr_string(w, "/meta", "scenario_name", sc->name, err));
    TRY(ds_h5_attr_string(w, "/meta", "scenario_file", sc->path, err));
    TRY(ds_h5_attr_string(w, "/meta", "model_name", m->name, err));
    TRY(ds_h5_attr_string(w, "/meta", "model_file", m->path, err));
    TRY(ds_h5_attr_string(w, "/meta", "program", "discsim", err));
    TRY(ds_h5_attr_string(w, "/meta", "program_version", ds_version(), err));
    TRY(ds_h5_attr_string(w, "/meta", "git_commit", ds_git_commit(), err));
    TRY(ds_h5_attr_string(w, "/meta", "variant", m->variant == DS_QUASI_STATIC ? "quasi_static" : "inertial", err));
    TRY(ds_h5_attr_string(w, "/meta", "units", "mm, N, s, MPa, tonne", err));
    TRY(ds_h5_attr_int64(w, "/meta", "seed", (int64_t)sc->seed, err));
    TRY(ds_h5_attr_int64(w, "/meta", "subjects", sc->nsubj, err));
    TRY(ds_h5_attr_double(w, "/meta", "wall_time_s", wall, err));
    TRY(ds_h5_write_text(w, "/meta/scenario_text", sc->text, "the scenario file as given", err));
    TRY(ds_h5_write_text(w, "/meta/overrides", sc->overrides, "--set key=value overrides, one per line", err));

    TRY(ds_h5_attr_string(w, "/meta/solver", "method", meth->name, err));
    TRY(ds_h5_attr_string(w, "/meta/solver", "method_description", meth->description, err));
    TRY(ds_h5_attr_double(w, "/meta/solver", "rtol", sc->solver.rtol, err));
    TRY(ds_h5_attr_double(w, "/meta/solver", "atol", sc->solver.atol, err));
    TRY(ds_h5_attr_double(w, "/meta/solver", "fixed_step_s", sc->solver.h_fixed, err));
    const ds_lane_stats *stt = ds_evolver_stats(ev);
    size_t dims[1] = {(size_t)sc->nsubj};
#define DS_X_WRITE(f, u, dsc) TRY(ds_h5_write_int64s(w, "/meta/solver/" #f, 1, dims, stt->f, u, dsc, err));
    DS_STATS_FIELDS(DS_X_WRITE)
#undef DS_X_WRITE
    TRY(ds_h5_write_doubles(w, "/meta/solver/h_min", 1, dims, stt->h_min, "s",
                            "smallest accepted step (steps shortened to land on a phase boundary excluded)", err));

    /* compiled parameters, per level and subject */
    double *buf = malloc((size_t)sc->nsubj * sizeof(double));
    if (!buf)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int i = 0; i < m->nlevel && !st; i++)
        for (int k = 0; k < DS_NDISC_PARAMS && !st; k++) {
            char path[160];
            snprintf(path, sizeof path, "/meta/parameters/%s/%s", ds_level_names[m->level_id[i]], ds_disc_param_keys[k]);
            memcpy(buf, m->par[k] + (size_t)i * m->stride, (size_t)sc->nsubj * sizeof(double));
            st = ds_h5_write_doubles(w, path, 1, dims, buf, ds_disc_param_units[k], ds_disc_param_descs[k], err);
        }
    free(buf);
    if (st)
        return st;

    /* the timeline as run, for plots that shade phases */
    int np = sc->nphase * sc->repeat;
    double *se = malloc((size_t)np * 2 * sizeof(double));
    size_t tl = 1;
    for (int k = 0; k < sc->nphase; k++)
        tl += strlen(m->posture[sc->phase[k].posture].name) + 1;
    char *names = malloc(tl * (size_t)sc->repeat + 1);
    if (!se || !names) {
        free(se);
        free(names);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    }
    double t = 0.0;
    names[0] = '\0';
    for (int r = 0, j = 0; r < sc->repeat; r++)
        for (int k = 0; k < sc->nphase; k++, j++) {
            se[2 * j] = t;
            t += sc->phase[k].duration;
            se[2 * j + 1] = t;
            strcat(names, m->posture[sc->phase[k].posture].name);
            strcat(names, "\n");
        }
    size_t pd[2] = {(size_t)np, 2};
    st = ds_h5_write_doubles(w, "/meta/timeline/phase_span", 2, pd, se, "s", "start and end of each phase", err);
    if (!st)
        st = ds_h5_write_text(w, "/meta/timeline/phase_posture", names, "posture of each phase, one per line", err);
    free(se);
    free(names);
    return st;
#undef TRY
}

static void progress(double t, double T, double *last_print)
{
    double w = now();
    if (w - *last_print < 0.2 && t < T)
        return;
    *last_print = w;
    fprintf(stderr, "\r[discsim] t = %8.2f h of %.2f h (%3.0f%%)", t / 3600.0, T / 3600.0, 100.0 * t / T);
    if (t >= T)
        fputc('\n', stderr);
    fflush(stderr);
}

ds_status ds_run(const ds_scenario *sc, const ds_run_opts *opts, ds_run_result *res, ds_error *err)
{
    const ds_model *m = &sc->model;
    const double wall0 = now();
    memset(res, 0, sizeof *res);
    ds_data d;
    ds_status st = ds_data_create(m, &d, err);
    if (st)
        return st;
    ds_system sys;
    ds_spine_system(m, &d, &sys);
    ds_evolver *ev = NULL;
    ds_h5_writer *w = NULL;
    series_list sl = {0};
    series_src *src = NULL;
    double *xr = NULL, *rec = NULL;
    if ((st = ds_evolver_create(&sys, &sc->solver, &ev, err)))
        goto fail;
    if ((st = make_series(sc, &sl, &src, err)))
        goto fail;
    xr = malloc((size_t)d.nx * m->stride * sizeof(double));
    rec = malloc((size_t)(sl.n ? sl.n : 1) * sc->nsubj * sizeof(double));
    if (!xr || !rec) {
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
        goto fail;
    }

    /* start: drained equilibrium in the initial posture */
    ds_posture_loads(m, &sc->initial, &d.seg.from);
    ds_posture_load_copy(m, &d.seg.to, &d.seg.from);
    d.seg.t0 = d.seg.t1 = 0.0;
    if ((st = ds_spine_equilibrium(m, d.seg.to.load, d.seg.to.act, d.x, err)))
        goto fail;
    ds_evolver_reset(ev, 0.0, d.x);

    if (opts->out_path && (st = ds_h5_create(opts->out_path, sc->nsubj, sl.n, sl.desc, &w, err)))
        goto fail;

    const double T = ds_scenario_duration(sc), dtr = sc->record_interval;
    const double tiny = 1e-9 * (T > 1.0 ? T : 1.0);
    long irec = 0;
    double last_print = 0.0;
#define RECORD_AT(tr, x)                                                                                               \
    do {                                                                                                               \
        ds_spine_observe(m, &d, (tr), (x));                                                                           \
        for (int s_ = 0; s_ < sl.n; s_++) {                                                                            \
            const series_src *q_ = &src[s_];                                                                           \
            const double *from_ =                                                                                      \
                q_->kind == 0 ? d.out + ((size_t)q_->level * DS_NLEVEL_OUTPUTS + (size_t)q_->which) * m->stride        \
                              : (q_->kind == 1 ? d.mact : d.mforce) +                                                  \
                                    ((size_t)q_->which * m->nlevel + (size_t)q_->level) * m->stride;                   \
            memcpy(rec + (size_t)s_ * sc->nsubj, from_, (size_t)sc->nsubj * sizeof(double));                          \
        }                                                                                                              \
        if (w && (st = ds_h5_append(w, (tr), rec, err)))                                                               \
            goto fail;                                                                                                 \
        res->nrecords++;                                                                                               \
    } while (0)

    RECORD_AT(0.0, d.x);
    irec = 1;
    double t = 0.0;
    for (int r = 0; r < sc->repeat; r++)
        for (int k = 0; k < sc->nphase; k++) {
            const ds_posture *ps = &m->posture[sc->phase[k].posture];
            const double t_ph = t, t_end = t + sc->phase[k].duration;
            for (int part = 0; part < 2; part++) {
                double te = part == 0 ? t_ph + sc->ramp : t_end;
                ds_posture_load_copy(m, &d.seg.from, &d.seg.to);
                if (part == 0) {
                    ds_posture_loads(m, &sc->phase[k].p, &d.seg.to);
                    d.seg.t0 = t_ph;
                    d.seg.t1 = te;
                } else {
                    d.seg.t0 = d.seg.t1 = te;
                }
                for (;;) {
                    double tr = (double)irec * dtr;
                    if (tr > te + tiny)
                        break;
                    if (tr > te)
                        tr = te;
                    if ((st = ds_evolver_advance(ev, tr, te, err)))
                        goto diverged;
                    ds_evolver_interp(ev, tr, xr);
                    RECORD_AT(tr, xr);
                    irec++;
                    if (opts->progress)
                        progress(tr, T, &last_print);
                }
                if ((st = ds_evolver_advance(ev, te, te, err)))
                    goto diverged;
            }
            t = t_end;
            continue;
        diverged: {
            char msg[DS_ERROR_MSG_LEN];
            snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
            ds_fail(err, st, "%s: %s (phase %d of day %d, posture %s)", sc->path, msg, k + 1, r + 1, ps->name);
            goto fail;
        }
        }
    if (opts->progress)
        progress(T, T, &last_print);

    const ds_lane_stats *stt = ds_evolver_stats(ev);
    res->h_min = INFINITY;
    for (int l = 0; l < sc->nsubj; l++) {
        res->steps += stt->steps[l];
        res->rejected += stt->rejected[l];
        res->rhs_evals += stt->rhs_evals[l];
        res->jac_evals += stt->jac_evals[l];
        res->newton_iters += stt->newton_iters[l];
        res->newton_fails += stt->newton_fails[l];
        if (stt->h_min[l] < res->h_min)
            res->h_min = stt->h_min[l];
    }
    res->wall_time = now() - wall0;
    if (w) {
        if ((st = write_meta(w, sc, ev, res->wall_time, err)))
            goto fail;
        st = ds_h5_finish(w, err);
        w = NULL;
    }
fail:
    ds_h5_abort(w);
    ds_evolver_free(ev);
    ds_data_free(&d);
    free(sl.desc);
    free(sl.paths);
    free(src);
    free(xr);
    free(rec);
    return st;
#undef RECORD_AT
}
