/* discsim command line: run, check, info (DESIGN §7).
 *
 * Exit codes: 0 success; 2 usage error; 3 bad scenario or model (the message names file,
 * line and key); 4 the simulation diverged (time, subject, level, variable); 5 a file could
 * not be read or written, or -o would replace an input or a file that is not an output; 6 out
 * of memory. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discsim/discsim.h"

static const char *const exit_codes =
    "Exit codes:\n"
    "  0  success\n"
    "  1  validate: at least one target was missed\n"
    "  2  usage error (unknown command or option)\n"
    "  3  bad scenario or model file (the message names file, line and key)\n"
    "  4  the simulation diverged (the message names time, subject, level and variable)\n"
    "  5  a file could not be read or written, or -o names the scenario, its model, a folder or a\n"
    "     file that is not HDF5 (refused before the run)\n"
    "  6  out of memory\n"
    "  7  gnuplot (for figures) is missing or failed\n";

static void usage_main(FILE *out)
{
    fprintf(out,
            "discsim %s: lumbar disc and muscle biomechanics simulator\n\n"
            "Usage:\n"
            "  discsim run SCENARIO [-o OUT.h5] [--set key=value]... [--quiet] [--plot [DIR]] [--threads N]\n"
            "  discsim check SCENARIO [--set key=value]...\n"
            "  discsim info OUT.h5\n"
            "  discsim validate [CHECKS.yaml] [--plot [DIR]]\n"
            "  discsim plot OUT.h5 [-o DIR] [--format png|svg|pdf] [--figure NAME]... [--size WxH]\n"
            "  discsim --version\n\n"
            "Run 'discsim COMMAND --help' for a command's options.\n\n%s",
            ds_version(), exit_codes);
}

static void usage_run(FILE *out)
{
    fprintf(out,
            "Usage: discsim run SCENARIO [-o OUT.h5] [--set key=value]... [--quiet]\n\n"
            "Runs a scenario and writes an HDF5 file (to a temporary name, renamed when complete).\n\n"
            "  -o, --output FILE   output file (default: <scenario name>.h5 in the current folder); an existing\n"
            "                      file is replaced only if it is empty or an HDF5 file (an earlier output)\n"
            "  --set key=value     override a scenario key, e.g. --set solver.rtol=1e-8,\n"
            "                      --set timeline.repeat=1, --set parameters.levels.L4L5.permeability.value=0.25\n"
            "                      (values are YAML: --set record.variables=[height,pressure])\n"
            "  -q, --quiet         no progress line and no summary\n"
            "  --plot [DIR]        draw the figures of the output into DIR (default: figures)\n"
            "  --threads N         run a sweep's points on N threads (the output does not change)\n"
            "  -h, --help          this help\n\n%s",
            exit_codes);
}

static void usage_check(FILE *out)
{
    fprintf(out,
            "Usage: discsim check SCENARIO [--set key=value]...\n\n"
            "Loads and compiles a scenario and its model without running it, and prints what it would run.\n\n%s",
            exit_codes);
}

static void usage_validate(FILE *out)
{
    fprintf(out,
            "Usage: discsim validate [CHECKS.yaml] [--plot [DIR]]\n\n"
            "Runs the validation scenarios named by a checks file (default: scenarios/validation/checks.yaml),\n"
            "compares the model with the published targets it names and prints a table: quantity, condition,\n"
            "target range, model value, pass or fail. Exits with 1 if any target is missed.\n\n%s",
            exit_codes);
}

static int cmd_validate(int argc, char **argv)
{
    const char *checks = "scenarios/validation/checks.yaml", *plot = NULL;
    int have = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage_validate(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--plot")) {
            plot = i + 1 < argc && argv[i + 1][0] != '-' ? argv[++i] : "figures";
            continue;
        }
        if (argv[i][0] == '-' || have) {
            usage_validate(stderr);
            return DS_ERR_USAGE;
        }
        checks = argv[i];
        have = 1;
    }
    ds_validation_row *rows;
    int n, nfail;
    ds_error err = {0};
    if (ds_validate(checks, stdout, &rows, &n, &nfail, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    if (plot) {
        ds_plot_opts po = {.out_dir = plot, .log = stdout};
        int nw;
        if (ds_plot_validation(rows, n, &po, &nw, &err)) {
            fprintf(stderr, "discsim: %s\n", err.msg);
            free(rows);
            return err.status;
        }
    }
    free(rows);
    return nfail ? 1 : 0;
}

static void usage_info(FILE *out)
{
    fprintf(out,
            "Usage: discsim info OUT.h5\n\n"
            "Shows what an output file holds: scenario, datasets with units, time span, solver statistics.\n\n%s",
            exit_codes);
}

typedef struct {
    const char *scenario, *out, *plot;
    const char **set;
    int nset, quiet, threads;
} args;

/* Parses options shared by run and check; returns 0, or an exit code. */
static int parse(int argc, char **argv, args *a, int allow_out, void (*help)(FILE *))
{
    a->set = calloc((size_t)argc, sizeof *a->set);
    if (!a->set)
        return DS_ERR_NOMEM;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            help(stdout);
            exit(0);
        } else if (!strcmp(s, "--set") && i + 1 < argc) {
            a->set[a->nset++] = argv[++i];
        } else if (!strncmp(s, "--set=", 6)) {
            a->set[a->nset++] = s + 6;
        } else if (allow_out && (!strcmp(s, "-o") || !strcmp(s, "--output")) && i + 1 < argc) {
            a->out = argv[++i];
        } else if (allow_out && (!strcmp(s, "-q") || !strcmp(s, "--quiet"))) {
            a->quiet = 1;
        } else if (allow_out && !strcmp(s, "--threads") && i + 1 < argc) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            a->threads = *end || t < 1 || t > 1024 ? 0 : (int)t; /* "4x" or "" is not a number */
            if (a->threads < 1) {
                fprintf(stderr, "discsim: --threads expects a number from 1 to 1024\n");
                return DS_ERR_USAGE;
            }
        } else if (allow_out && !strcmp(s, "--plot")) {
            a->plot = i + 1 < argc && argv[i + 1][0] != '-' && a->scenario ? argv[++i] : "figures";
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "discsim: unknown or incomplete option '%s'\n\n", s);
            help(stderr);
            return DS_ERR_USAGE;
        } else if (!a->scenario) {
            a->scenario = s;
        } else {
            fprintf(stderr, "discsim: unexpected argument '%s'\n\n", s);
            help(stderr);
            return DS_ERR_USAGE;
        }
    }
    if (!a->scenario) {
        fprintf(stderr, "discsim: no scenario file given\n\n");
        help(stderr);
        return DS_ERR_USAGE;
    }
    return 0;
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
    printf("wall time %.3f s\n", r->wall_time);
}

static int cmd_run(int argc, char **argv)
{
    args a = {0};
    int rc = parse(argc, argv, &a, 1, usage_run);
    if (rc) {
        free(a.set);
        return rc;
    }
    ds_study study;
    ds_error err = {0};
    if (ds_study_load(a.scenario, a.nset, a.set, &study, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        free(a.set);
        return err.status;
    }
    const ds_scenario *sc = &study.variant[0];
    char defout[200];
    if (!a.out) {
        snprintf(defout, sizeof defout, "%s.h5", sc->name);
        for (char *p = defout; *p; p++)
            if (*p == '/' || *p == ' ')
                *p = '_';
        a.out = defout;
    }
    int progress = !a.quiet && isatty(STDERR_FILENO);
    ds_status st;
    if (study.kind == DS_STUDY_SINGLE) {
        ds_run_opts o = {.progress = progress};
        ds_run_result r;
        st = ds_run(sc, a.out, &o, &r, &err);
        if (!st && !a.quiet)
            print_run(sc, a.out, &r);
    } else {
        ds_study_opts o = {.progress = progress, .table = a.quiet ? NULL : stdout, .threads = a.threads};
        st = ds_study_run(&study, a.out, &o, &err);
        if (!st && !a.quiet)
            printf("discsim: wrote %s (%s, %d %s)\n", a.out, sc->name, study.nvariant,
                   study.kind == DS_STUDY_ARMS ? "arms" : "sweep points");
    }
    if (st)
        fprintf(stderr, "%sdiscsim: %s\n", progress ? "\n" : "", err.msg);
    if (!st && a.plot) {
        ds_plot_opts po = {.out_dir = a.plot, .log = a.quiet ? NULL : stdout};
        int nw;
        if ((st = ds_plot_file(a.out, &po, &nw, &err)))
            fprintf(stderr, "discsim: %s\n", err.msg);
    }
    ds_study_free(&study);
    free(a.set);
    return st;
}

static void usage_plot(FILE *out)
{
    fprintf(out,
            "Usage: discsim plot OUT.h5 [-o DIR] [--format png|svg|pdf] [--figure NAME]... [--size WxH]\n\n"
            "Draws the figures an output file supports, through gnuplot, and lists what it wrote:\n"
            "  day        nucleus pressure and disc height per level, postures shaded\n"
            "  root       nerve-root contact pressure, thresholds, massage shaded, arms overlaid\n"
            "  effect     each arm minus the reference: time course and change of the key metrics\n"
            "  dose       dose-response of a sweep\n"
            "  muscles    muscle forces (stacked) and their share of the disc load\n"
            "  schematic  the herniated segment at four times, and an animated GIF over the day\n"
            "A figure the file has no data for is skipped with a one-line reason.\n\n"
            "  -o, --output DIR    folder for the figures (default: figures)\n"
            "  --format FMT        png (default), svg or pdf\n"
            "  --figure NAME       only this figure (repeatable)\n"
            "  --size WxH          size in pixels (default 1200x800)\n"
            "  --gnuplot PROGRAM   gnuplot to run (default: gnuplot on PATH)\n\n%s",
            exit_codes);
}

static int cmd_plot(int argc, char **argv)
{
    ds_plot_opts o = {.out_dir = "figures", .format = "png", .log = stdout};
    const char *file = NULL;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            usage_plot(stdout);
            return 0;
        } else if ((!strcmp(s, "-o") || !strcmp(s, "--output")) && i + 1 < argc)
            o.out_dir = argv[++i];
        else if (!strcmp(s, "--format") && i + 1 < argc)
            o.format = argv[++i];
        else if (!strcmp(s, "--gnuplot") && i + 1 < argc)
            o.gnuplot = argv[++i];
        else if (!strcmp(s, "--figure") && i + 1 < argc && o.nfigure < DS_PLOT_MAX_FIGURES)
            o.figure[o.nfigure++] = argv[++i];
        else if (!strcmp(s, "--size") && i + 1 < argc) {
            if (sscanf(argv[++i], "%dx%d", &o.width, &o.height) != 2 || o.width < 100 || o.height < 100 ||
                o.width > 8000 || o.height > 8000) {
                fprintf(stderr, "discsim: --size expects WxH in pixels, e.g. 1200x800\n");
                return DS_ERR_USAGE;
            }
        } else if (s[0] == '-' || file) {
            fprintf(stderr, "discsim: unexpected argument '%s'\n\n", s);
            usage_plot(stderr);
            return DS_ERR_USAGE;
        } else
            file = s;
    }
    if (!file) {
        usage_plot(stderr);
        return DS_ERR_USAGE;
    }
    int nw;
    ds_error err = {0};
    ds_status st = ds_plot_file(file, &o, &nw, &err);
    if (st) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return st;
    }
    printf("discsim: %d figure file%s in %s\n", nw, nw == 1 ? "" : "s", o.out_dir);
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    args a = {0};
    int rc = parse(argc, argv, &a, 0, usage_check);
    if (rc) {
        free(a.set);
        return rc;
    }
    ds_study study;
    ds_error err = {0};
    if (ds_study_load(a.scenario, a.nset, a.set, &study, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        free(a.set);
        return err.status;
    }
    ds_scenario sc = study.variant[0];
    if (study.kind != DS_STUDY_SINGLE) {
        printf("%s: %d %s:", a.scenario, study.nvariant, study.kind == DS_STUDY_ARMS ? "arms" : "sweep points");
        for (int v = 0; v < study.nvariant; v++)
            printf(" %s", study.name[v]);
        printf(" (the first is shown)\n");
    }
    printf("%s: ok\n  scenario %s, model %s (%s)\n  %s variant, %d subject%s, levels", a.scenario, sc.name,
           sc.model.name, sc.model_path, sc.variant == DS_QUASI_STATIC ? "quasi-static" : "inertial", sc.nsubj,
           sc.nsubj == 1 ? "" : "s");
    for (int i = 0; i < sc.nlevel; i++)
        printf(" %s", ds_level_names[sc.level_id[i]]);
    printf("\n  timeline: %d phase%s x %d = %.4g h, ramps %g s\n", sc.nphase, sc.nphase == 1 ? "" : "s", sc.repeat,
           ds_scenario_duration(&sc) / 3600.0, sc.ramp);
    ds_data d;
    int have_data = ds_data_create(&sc.model, &d, &err) == DS_OK;
    printf("    %-18s %10s   %s\n", "posture", "duration", "load per level, N (muscle part), subject 0");
    for (int k = 0; k < sc.nphase; k++) {
        printf("    %-18s %8.4g h ", sc.model.posture[sc.phase[k].posture].name, sc.phase[k].duration / 3600.0);
        if (have_data) {
            ds_posture_loads(&sc.model, &sc.phase[k].p, &d.seg.to);
            for (int i = 0; i < sc.nlevel; i++) {
                size_t q = (size_t)i * sc.model.stride;
                printf("  %s %.0f (%.0f)%s", ds_level_names[sc.level_id[i]], d.seg.to.load[q], d.seg.to.muscle_comp[q],
                       fabs(d.seg.to.residual[q]) > 1e-6 ? " UNBALANCED" : "");
            }
        }
        printf("\n");
    }
    if (have_data)
        ds_data_free(&d);
    printf("  record every %g s:", sc.record_interval);
    for (int k = 0; k < sc.nrecord; k++)
        printf(" %s", ds_level_output_names[sc.record[k]]);
    const ds_method *m = ds_method_get(sc.solver.method);
    printf("\n  solver %s, rtol %g, atol %g", m->name, sc.solver.rtol, sc.solver.atol);
    if (sc.solver.h_fixed > 0)
        printf(", step %g s", sc.solver.h_fixed);
    printf("\n");
    if (sc.model.site.enabled) {
        const ds_herniation_site *h = &sc.model.site;
        printf("  herniation at %s (%s, %s), size %g mm, gap %g mm, Pfirrmann grade %d\n",
               ds_level_names[sc.level_id[h->level]], h->type == DS_FORAMINAL ? "foraminal" : "paracentral",
               h->side ? "right" : "left", h->size, h->gap, h->grade);
    }
    for (int k = 0; k < sc.nsession; k++)
        printf("  massage at %.4g h for %g min: tone -%g %%, passive -%g %%, decay %g min\n", sc.session[k].start / 3600.0,
               sc.session[k].duration / 60.0, 100.0 * sc.session[k].tone_reduction,
               100.0 * sc.session[k].passive_reduction, sc.session[k].decay / 60.0);
    ds_study_free(&study);
    free(a.set);
    return 0;
}

static int cmd_info(int argc, char **argv)
{
    if (argc >= 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))) {
        usage_info(stdout);
        return 0;
    }
    if (argc != 1 || argv[0][0] == '-') {
        usage_info(stderr);
        return DS_ERR_USAGE;
    }
    ds_error err = {0};
    if (ds_h5_info(argv[0], stdout, &err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* Ctrl-C, a hang-up or a kill must not leave a temporary output or a gnuplot behind */
    ds_error err = {0};
    if (ds_install_signal_cleanup(&err)) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return err.status;
    }
    if (argc < 2) {
        usage_main(stderr);
        return DS_ERR_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage_main(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("discsim %s (%s)\n", ds_version(), ds_git_commit());
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "check"))
        return cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "info"))
        return cmd_info(argc - 2, argv + 2);
    if (!strcmp(cmd, "validate"))
        return cmd_validate(argc - 2, argv + 2);
    if (!strcmp(cmd, "plot"))
        return cmd_plot(argc - 2, argv + 2);
    fprintf(stderr, "discsim: unknown command '%s'\n\n", cmd);
    usage_main(stderr);
    return DS_ERR_USAGE;
}
