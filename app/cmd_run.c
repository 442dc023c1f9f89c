/* discsim run: a scenario, its arms or its sweep, into an HDF5 file (and figures). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "discsim/clock.h"

static void usage_run(FILE *out)
{
    fprintf(out,
            "Usage: discsim run SCENARIO [-o OUT.h5] [--set key=value]... [--quiet]\n\n"
            "Runs a scenario and writes an HDF5 file (to a temporary name, renamed when complete).\n\n"
            "  -o, --output FILE   output file (default: <scenario name>.h5 in the current folder); an existing\n"
            "                      file is replaced only if it is empty or an HDF5 file (an earlier output)\n"
            "  --set key=value     override a scenario key, e.g. --set solver.rtol=1e-8,\n"
            "                      --set timeline.repeat=1, --set 'parameters.levels.L4L5.permeability=0.25 mm^3/(MPa*s)'\n"
            "                      (values are YAML: --set record.variables=[height,pressure])\n"
            "  -q, --quiet         no progress line and no summary\n"
            "  --plot [DIR]        draw the figures of the output into DIR (default: figures)\n"
            "  --threads N         run on N threads: a sweep's points, or the blocks of a run's subjects\n"
            "                      (the output does not change)\n"
            "  --block N           subjects per block of lanes (default 32 quasi-static, 8 inertial)\n"
            "  --record summary    keep only each subject's summary metrics, no time series (cohorts)\n"
            "  --resume            go on from OUT.h5.resume, where a cohort or arms run keeps each block of\n"
            "                      subjects that finishes (its series too) until the run completes: the blocks\n"
            "                      a killed run finished are not run again (under mpirun, each rank keeps its\n"
            "                      own, OUT.h5.resume-RANK-of-N)\n"
            "  --compression C     the series' compression: fast (the default: deflate level 1, runs only,\n"
            "                      after a shuffle), none (stored as they are, files 3 to 5 times larger) or\n"
            "                      small (level 6); the datasets are the same\n"
            "  --table FORMAT      the arms, sweep and cohort tables as text (default), csv or json, alone on\n"
            "                      stdout (the notes on steps and times are left out); printed even with\n"
            "                      --quiet\n"
            "  -h, --help          this help\n\n%s",
            ds_cli_exit_codes);
}

/* The run's time, split: loading the scenario and model, simulating, and writing the file
 * (its records as they came, then provenance, summaries and closing). */
static void print_times(double load, double total, double sim, double records)
{
    printf("time %.3f s: %.3f s loading, %.3f s simulating, %.3f s writing the file (%.3f s of it the records)\n",
           load + total, load, sim, total - sim, records);
}

static void print_run(const ds_scenario *sc, const char *out, const ds_run_result *r)
{
    const ds_method *m = ds_method_get(sc->solver.method);
    printf("discsim: wrote %s: %zu records of %d subject%s over %.4g h (%s, %d level%s)\n", out, r->nrecords, sc->nsubj,
           sc->nsubj == 1 ? "" : "s", ds_scenario_duration(sc) / 3600.0, sc->name, sc->nlevel, sc->nlevel == 1 ? "" : "s");
    printf("solver %s (rtol %g, atol %g%s): %lld steps, %lld rejected, %lld RHS evaluations, %lld Jacobians, "
           "%lld Newton iterations, %lld Newton failures, smallest step %.3g s\n",
           m->name, sc->solver.rtol, sc->solver.atol, m->adaptive && !(sc->solver.h_fixed > 0) ? "" : ", fixed step",
           (long long)r->steps, (long long)r->rejected, (long long)r->rhs_evals, (long long)r->jac_evals,
           (long long)r->newton_iters, (long long)r->newton_fails, r->h_min);
}

/* The output's default name: the scenario's name with .h5, made a plain file name. */
static const char *default_out(const ds_scenario *sc, char *buf, size_t n)
{
    snprintf(buf, n, "%s.h5", sc->name);
    for (char *p = buf; *p; p++)
        if (*p == '/' || *p == ' ')
            *p = '_';
    return buf;
}

#ifdef DS_WITH_MPI
#include "discsim/mpi.h"

/* Under mpirun: every rank runs its blocks; rank 0 alone writes the file and speaks. */
static int run_mpi(ds_cli_args *a, ds_study *study, ds_mpi *m, ds_error *err)
{
    if (study->kind == DS_STUDY_SWEEP) {
        if (m->rank == 0)
            fprintf(stderr, "discsim: under mpirun, a cohort or arms run is split over the ranks; a sweep is not\n");
        return DS_ERR_USAGE;
    }
    ds_block_hooks hooks = ds_mpi_hooks(m, a->block);
    /* each rank keeps the blocks it ran (their series too) in a checkpoint of its own */
    char ckpt[4200];
    snprintf(ckpt, sizeof ckpt, "%s.resume-%d-of-%d", a->out, m->rank, m->size);
    ds_study_opts o = {.table = a->quiet || m->rank ? NULL : stdout,
                       .threads = a->threads,
                       .summary_only = a->summary_only,
                       .block = m->block,
                       .hooks = &hooks,
                       .checkpoint = ckpt,
                       .resume = a->resume,
                       .command_line = ds_cli_command_line,
                       .compression = a->compression};
    ds_status st = ds_study_run(study, m->rank ? NULL : a->out, &o, err);
    if (st && m->rank == 0)
        fprintf(stderr, "discsim: %s\n", err->msg);
    if (!st && !a->quiet && m->rank == 0)
        printf("discsim: wrote %s (%s, %d ranks)\n", a->out, study->variant[0].name, m->size);
    return st;
}
#endif

int ds_cmd_run(int argc, char **argv)
{
    ds_cli_args a = {0};
    ds_study study;
    ds_error err = {0};
#ifdef DS_WITH_MPI
    ds_mpi m;
    ds_mpi_init(&argc, &argv, &m);
    if (m.size > 1) {
        int rc = ds_cli_load(argc, argv, &a, 1, usage_run, &study);
        if (!rc) {
            char out[200];
            if (!a.out)
                a.out = default_out(&study.variant[0], out, sizeof out);
            rc = run_mpi(&a, &study, &m, &err);
            ds_study_free(&study);
            free(a.set);
        }
        rc = ds_mpi_agree(rc);
        ds_mpi_finalize(&m);
        return rc;
    }
    ds_mpi_finalize(&m);
#endif
    const double t0 = ds_seconds();
    int rc = ds_cli_load(argc, argv, &a, 1, usage_run, &study);
    if (rc)
        return rc;
    const double t_load = ds_seconds() - t0;
    const ds_scenario *sc = &study.variant[0];
    char defout[200];
    if (!a.out)
        a.out = default_out(sc, defout, sizeof defout);
    int progress = !a.quiet && isatty(STDERR_FILENO);
    ds_status st;
    /* a single run prints its solver statistics; a cohort or a checkpointed run is a study */
    if (study.kind == DS_STUDY_SINGLE && !sc->cohort.enabled && a.table != DS_TABLE_TEXT) {
        ds_study_free(&study);
        free(a.set);
        return ds_cli_usage_error("run", NULL, NULL, "--table csv|json is for arms, sweeps and cohorts: a single "
                                  "run prints no table");
    }
    if (study.kind == DS_STUDY_SINGLE && !sc->cohort.enabled && !a.summary_only && !a.resume) {
        ds_study_opts so = {.progress = progress, .threads = a.threads, .summary_only = a.summary_only, .block = a.block,
                            .command_line = ds_cli_command_line, .compression = a.compression};
        ds_run_opts o = ds_run_opts_for(&so, sc->model.variant);
        ds_run_result r;
        const double t1 = ds_seconds();
        st = ds_run(sc, a.out, &o, &r, &err);
        if (!st && !a.quiet) {
            print_run(sc, a.out, &r);
            print_times(t_load, ds_seconds() - t1, r.wall_time - r.write_time, r.write_time);
        }
    } else {
        char ckpt[4200];
        snprintf(ckpt, sizeof ckpt, "%s.resume", a.out);
        ds_study_opts o = {.progress = progress,
                           .table = a.quiet && a.table == DS_TABLE_TEXT ? NULL : stdout,
                           .table_format = a.table,
                           .threads = a.threads,
                           .summary_only = a.summary_only,
                           .block = a.block,
                           .checkpoint = ckpt,
                           .resume = a.resume,
                           .command_line = ds_cli_command_line,
                           .compression = a.compression};
        const double t1 = ds_seconds();
        st = ds_study_run(&study, a.out, &o, &err);
        if (!st && !a.quiet) /* beside a CSV or JSON table on stdout, on stderr */
            fprintf(a.table == DS_TABLE_TEXT ? stdout : stderr, "discsim: wrote %s (%s, %d %s) in %.3f s, %.3f s of it "
                    "loading\n", a.out, sc->name, study.nvariant,
                    study.kind == DS_STUDY_ARMS ? "arms" : study.kind == DS_STUDY_SWEEP ? "sweep points" : "run",
                    t_load + ds_seconds() - t1, t_load);
    }
    if (st)
        fprintf(stderr, "%sdiscsim: %s\n", progress ? "\n" : "", err.msg);
    if (!st && a.plot) {
        ds_plot_opts po = {.out_dir = a.plot, .log = a.quiet ? NULL : a.table == DS_TABLE_TEXT ? stdout : stderr};
        int nw;
        if ((st = ds_plot_file(a.out, &po, &nw, &err)))
            fprintf(stderr, "discsim: %s\n", err.msg);
    }
    ds_study_free(&study);
    free(a.set);
    return st;
}
