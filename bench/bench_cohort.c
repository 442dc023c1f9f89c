/* Cohort throughput, end to end: one simulated day of the five-level chain with muscles
 * (scenarios/chain_day.yaml, rtol 1e-6), for a cohort of heterogeneous subjects (discs,
 * tone and body mass drawn), written as summaries to an HDF5 file (--record summary), as
 * `discsim run` does it: loading, drawing, simulating and writing, in a child process whose
 * peak memory is measured.
 *
 * Each configuration runs in its own process (subj-steps/s: the subjects' accepted steps per
 * second of the simulation, read from the file after the run): one subject at a time through the same method
 * (blocks of one lane: each subject its own integrator, as a loop over single-subject runs
 * would be), the whole cohort as one block of lanes, and in the default blocks (32 lanes
 * quasi-static, 8 inertial: ds_run_opts_for) on 1 and 2 threads; the ratios are the
 * batching's gain, of the simulation alone (the study's runs without loading and writing,
 * ds_study_outcome.simulating) and of the whole run (loading to the file's close). Reported,
 * never asserted: subject-days per second of both, peak resident memory.
 *
 * With --large N, the quasi-static cohort also runs with 1,000 and N subjects on 2 threads,
 * through the library as above and through the program itself (`discsim run`, next to this
 * benchmark in the build folder), for the ratio of their peak memories.
 *
 * With --flops-per-step Q,I (the floating-point operations of one accepted step of one
 * subject, quasi-static and inertial, as bench/kernel_flops.sh counts them for the method),
 * it also reports the simulation's GFLOP/s in the default blocks and their fraction of this
 * machine's peak, measured here (bench/fma_peak.h).
 *
 * Usage: bench_cohort [--subjects N] [--inertial-subjects N] [--large N] [--method Q[,I]]
 *                     [--reps N] [--flops-per-step Q,I]
 * (--reps N: each configuration run N times, the runs of all configurations in turn, and the
 * best kept: this machine's timings vary by up to a half from one minute to the next)
 * (run from the repository root; the method defaults to the scenario's, trbdf2; --method
 * dopri5,trbdf2 runs the quasi-static cohort with dopri5 and the inertial with trbdf2, and
 * --large the quasi-static method) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "discsim/clock.h"
#include "cohort_draws.h"
#include "fma_peak.h"
#include "bench_data.h"
#include "discsim//discsim.h"

typedef struct {
    double wall, sim; /* s: the whole run, and its simulation alone (the study's runs without
                         loading and writing: ds_study_outcome.simulating) */
    double steps;     /* accepted steps of all subjects (0: not read) */
    long rss_kb;
} result;

static char method[2][32] = {"trbdf2", "trbdf2"}; /* --method: quasi-static, inertial */

/* The program itself, `discsim run ... --record summary --threads 2`, quasi-static, in a
 * child process: its wall time and peak memory (its checkpoint for --resume included). */
static int run_program(const char *bin, int n, result *r)
{
    char cohort[600], meth[64], out[64];
    bench_cohort_set(cohort, sizeof cohort, n);
    snprintf(meth, sizeof meth, "solver.method=%s", method[0]);
    snprintf(out, sizeof out, "/tmp/bench_cohort_prog_%d.h5", (int)getpid());
    double t0 = ds_seconds();
    pid_t pid = fork();
    if (pid == 0) {
        execl(bin, bin, "run", bench_data("scenarios/chain_day.yaml", 0), "-o", out, "--set", "timeline.repeat=1", "--set", cohort,
              "--set", meth, "--record", "summary", "--threads", "2", "-q", (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
        return -1;
    r->wall = r->sim = ds_seconds() - t0;
    r->rss_kb = ru.ru_maxrss;
    unlink(out);
    return 0;
}

/* One configuration in a child process: its times come back through a pipe, its peak
 * memory from wait4. */

static int run_case(const char *variant, int n, int threads, int block, result *r)
{
    int fd[2];
    if (pipe(fd))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        ds_process_heap_setup(); /* as discsim run does, and its --threads N */
        ds_threads_default(threads);
        char cohort[600], var[64];
        bench_cohort_set(cohort, sizeof cohort, n);
        char meth[64];
        snprintf(var, sizeof var, "variant=%s", variant);
        snprintf(meth, sizeof meth, "solver.method=%s", method[strcmp(variant, "inertial") == 0]);
        const char *set[] = {"timeline.repeat=1", cohort, var, meth};
        double t0 = ds_seconds();
        ds_study st;
        ds_error err = {0};
        if (ds_study_load(bench_data("scenarios/chain_day.yaml", 0), 4, set, &st, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            _exit(3);
        }
        char out[64];
        snprintf(out, sizeof out, "/tmp/bench_cohort_%d.h5", (int)getpid());
        ds_study_opts o = {.threads = threads, .block = block, .summary_only = 1};
        ds_study_outcome oc;
        ds_status s = ds_study_run_outcome(&st, out, &o, &oc, &err);
        double s1 = ds_seconds(), wall = s1 - t0, steps = 0.0;
        ds_study_free(&st);
        if (!s && n <= 20000) { /* the subjects' steps, read after the run (and its peak memory) */
            double *v = NULL;
            size_t nv = 0;
            if (!ds_h5_read_flat(out, "/meta/solver/steps", &nv, &v, &err))
                for (size_t j = 0; j < nv; j++)
                    steps += v[j];
            free(v);
        }
        unlink(out);
        if (s) {
            fprintf(stderr, "%s\n", err.msg);
            _exit(4);
        }
        double times[3] = {wall, oc.simulating, steps};
        if (write(fd[1], times, sizeof times) != (ssize_t)sizeof times)
            _exit(5);
        _exit(0);
    }
    close(fd[1]);
    double times[3] = {0, 0, 0};
    ssize_t got = read(fd[0], times, sizeof times);
    close(fd[0]);
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) ||
        got != (ssize_t)sizeof times)
        return -1;
    r->wall = times[0];
    r->sim = times[1];
    r->steps = times[2];
    r->rss_kb = ru.ru_maxrss;
    return 0;
}

static FILE *csv;       /* --csv: every row also here */
static char csv_tag[1024];

static void row(const char *variant, const char *what, int n, const result *r, const result *ref)
{
    if (csv)
        fprintf(csv, "%s,%s,%s,\"%s\",%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", csv_tag,
                method[strcmp(variant, "inertial") == 0], variant, what, n, r->wall, n / r->wall, n / r->sim,
                r->rss_kb / 1024.0, r->steps > 0.0 ? r->steps / r->sim : 0.0, ref ? ref->sim / r->sim : 1.0,
                ref ? ref->wall / r->wall : 1.0);
    printf("%-12s %-36s %8d %10.2f %14.0f %14.0f %10.1f", variant, what, n, r->wall, n / r->wall, n / r->sim,
           r->rss_kb / 1024.0);
    if (r->steps > 0.0)
        printf(" %13.0f", r->steps / r->sim);
    else
        printf(" %13s", "-");
    if (ref)
        printf(" %9.2fx %9.2fx", ref->sim / r->sim, ref->wall / r->wall);
    printf("\n");
}

int main(int argc, char **argv)
{
    int nq = 1000, ni = 100, large = 0, reps = 1;
    double flops[2] = {0.0, 0.0}; /* per accepted subject-step: quasi-static, inertial */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--subjects") && i + 1 < argc)
            nq = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--inertial-subjects") && i + 1 < argc)
            ni = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--large") && i + 1 < argc)
            large = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc && atoi(argv[i + 1]) > 0)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--method") && i + 1 < argc) {
            const char *v = argv[++i], *comma = strchr(v, ',');
            snprintf(method[0], sizeof method[0], "%.*s", comma ? (int)(comma - v) : (int)strlen(v), v);
            snprintf(method[1], sizeof method[1], "%s", comma ? comma + 1 : method[0]);
        }
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc) {
            if (!(csv = fopen(argv[++i], "w"))) {
                fprintf(stderr, "bench_cohort: cannot write %s\n", argv[i]);
                return 5;
            }
        } else if (!strcmp(argv[i], "--flops-per-step") && i + 1 < argc &&
                 sscanf(argv[++i], "%lf,%lf", &flops[0], &flops[1]) == 2 && flops[0] > 0.0 && flops[1] > 0.0)
            ;
        else
            return bench_usage(argv[i], "usage: bench_cohort [--subjects N] [--inertial-subjects N] [--large N] [--method Q[,I]] "
                            "[--reps N] [--flops-per-step Q,I] [--csv FILE]\n");
    }
    printf("discsim %s (%s): one day of scenarios/chain_day.yaml (five levels, muscles, %s at rtol 1e-6), "
           "heterogeneous cohort, --record summary, whole process\n",
           ds_version(), ds_git_commit(), strcmp(method[0], method[1]) ? "methods below" : method[0]);
    if (strcmp(method[0], method[1]))
        printf("methods: quasi_static %s, inertial %s\n", method[0], method[1]);
    printf("%-12s %-36s %8s %10s %14s %14s %10s %13s %10s %10s\n", "variant", "configuration", "subjects", "wall (s)",
           "subj-days/s", "sim subj-d/s", "peak MB", "subj-steps/s", "vs 1-at-a", "(whole)");
    printf("(wall and subj-days/s: the whole run, loading to the file's close; sim: the simulation alone; "
           "vs 1-at-a: one subject at a time's simulation over this row's, and (whole) the same of the whole run)\n");
    if (csv) { /* every row carries the machine and the build it was measured on */
        bench_machine_tag(csv_tag, sizeof csv_tag);
        fprintf(csv, "commit,date,cpu,os,compiler,isa,method,variant,configuration,subjects,wall_s,subject_days_per_s,"
                     "sim_subject_days_per_s,peak_mb,subject_steps_per_s,speedup_vs_one_at_a_time,"
                     "speedup_vs_one_at_a_time_whole\n");
    }
    static const char *const variants[] = {"quasi_static", "inertial"};
    /* each variant's four configurations: one subject at a time, one block of all, the default
     * blocks on 1 and 2 threads; with --reps, the repetitions go round all eight in turn, so
     * that a busy spell of the machine falls on all alike, and each keeps its best (the
     * shortest simulation, with its run's other numbers) */
    result best[2][4];
    for (int r = 0; r < reps; r++)
        for (int v = 0; v < 2; v++) {
            const int n = v ? ni : nq;
            const int threads[4] = {1, 1, 1, 2}, block[4] = {1, n, 0, 0};
            for (int c = 0; c < 4; c++) {
                result one;
                if (run_case(variants[v], n, threads[c], block[c], &one)) {
                    fprintf(stderr, "bench_cohort: a run failed\n");
                    return 1;
                }
                if (r == 0 || one.sim < best[v][c].sim)
                    best[v][c] = one;
            }
        }
    if (reps > 1)
        printf("(each row the best of %d runs, the configurations' runs in turn)\n", reps);
    result blocked[2][2]; /* default blocks on 1 and 2 threads, for the fraction of peak */
    for (int v = 0; v < 2; v++) {
        const int n = v ? ni : nq;
        const result *one = &best[v][0], *all = &best[v][1], *b1 = &best[v][2], *b2 = &best[v][3];
        /* the default block of the variant, as discsim run takes it */
        const ds_study_opts dflt = {.threads = 1};
        const int blk = ds_run_opts_for(&dflt, v ? DS_INERTIAL : DS_QUASI_STATIC).block;
        char lab1[64], lab2[64];
        snprintf(lab1, sizeof lab1, "batched, blocks of %d, 1 thread", blk);
        snprintf(lab2, sizeof lab2, "batched, blocks of %d, 2 threads", blk);
        row(variants[v], "one subject at a time, 1 thread", n, one, NULL);
        row(variants[v], "batched, one block of all, 1 thread", n, all, one);
        row(variants[v], lab1, n, b1, one);
        row(variants[v], lab2, n, b2, one);
        printf("%-12s 1 -> 2 threads: %.2fx on the simulation, %.2fx on the whole process\n", variants[v],
               b1->sim / b2->sim, b1->wall / b2->wall);
        blocked[v][0] = *b1, blocked[v][1] = *b2;
    }
    if (large > 0) {
        result small, big;
        if (run_case("quasi_static", 1000, 2, 0, &small) || run_case("quasi_static", large, 2, 0, &big)) {
            fprintf(stderr, "bench_cohort: a run failed\n");
            return 1;
        }
        row("quasi_static", "batched, 2 threads", 1000, &small, NULL);
        row("quasi_static", "batched, 2 threads", large, &big, NULL);
        printf("peak memory %d subjects / 1000 subjects: %.2fx\n", large, (double)big.rss_kb / (double)small.rss_kb);
        /* the same through the program, next to this one in the build folder */
        char bin[4096];
        bench_program(bin, sizeof bin);
        if (run_program(bin, 1000, &small) || run_program(bin, large, &big)) {
            fprintf(stderr, "bench_cohort: %s run failed\n", bin);
            return 1;
        }
        printf("%-12s %-36s %8d %10.2f %14.0f %14s %10.1f\n", "quasi_static", "discsim run, 2 threads", 1000, small.wall,
               1000 / small.wall, "", small.rss_kb / 1024.0);
        printf("%-12s %-36s %8d %10.2f %14.0f %14s %10.1f\n", "quasi_static", "discsim run, 2 threads", large, big.wall,
               large / big.wall, "", big.rss_kb / 1024.0);
        printf("discsim run: peak memory %d subjects / 1000 subjects: %.2fx\n", large,
               (double)big.rss_kb / (double)small.rss_kb);
    }
    if (flops[0] > 0.0) { /* last: OpenMP's threads started here would not survive a fork */
        fma_peak peak = fma_peak_measure(2);
        printf("this machine's measured peak (%s fused multiply-add, bench/fma_peak.h): %.1f GFLOP/s on 1 thread, "
               "%.1f on %d\n",
               peak.isa, peak.gflops_1, peak.gflops_n, peak.threads);
        for (int v = 0; v < 2; v++) {
            const result *b1 = &blocked[v][0], *b2 = &blocked[v][1];
            if (b1->steps <= 0.0 || b2->steps <= 0.0)
                continue;
            double g1 = flops[v] * b1->steps / b1->sim * 1e-9, g2 = flops[v] * b2->steps / b2->sim * 1e-9;
            printf("%-12s simulation in default blocks (%.0f operations per subject-step): %.2f GFLOP/s on 1 thread, "
                   "%.1f%% of peak; %.2f GFLOP/s on 2 threads, %.1f%% of peak\n",
                   variants[v], flops[v], g1, 100.0 * g1 / peak.gflops_1, g2, 100.0 * g2 / peak.gflops_n);
        }
    }
    if (csv && fclose(csv)) {
        fprintf(stderr, "bench_cohort: cannot write the CSV\n");
        return 5;
    }
    return 0;
}
