/* A cohort's answer (DESIGN §6): every arm's effect paired by subject, summarised over the
 * subjects that finished: mean with its 95 % confidence interval, quantiles, the share of
 * responders, and the rank correlation of the effect with every drawn parameter (which
 * unknowns predict who responds). One-offs after the runs, so GSL does the statistics. */
#include "study/cohort_stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "study/sink_put.h"

static ds_status sobol_all(const ds_cohort *c, const ds_summary *sum, ds_cohort_stats *out, ds_error *err);

static const char *const stat_names = "n,mean,ci95_low,ci95_high,sd,q05,q25,median,q75,q95";

/* Statistics of x[0..n) (sorted in place): DS_NSTAT values in the order of stat_names. */
static void describe(double *x, size_t n, double *out)
{
    for (int k = 0; k < DS_NSTAT; k++)
        out[k] = NAN;
    out[0] = (double)n;
    if (n == 0)
        return;
    gsl_sort(x, 1, n);
    double mean = gsl_stats_mean(x, 1, n), sd = n > 1 ? gsl_stats_sd_m(x, 1, n, mean) : NAN;
    double half = n > 1 ? gsl_cdf_tdist_Qinv(0.025, (double)(n - 1)) * sd / sqrt((double)n) : NAN;
    static const double q[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    out[1] = mean;
    out[2] = mean - half;
    out[3] = mean + half;
    out[4] = sd;
    for (int k = 0; k < 5; k++)
        out[5 + k] = gsl_stats_quantile_from_sorted_data(x, 1, n, q[k]);
}

/* Spearman's rank correlation of effect and each drawn parameter over the subjects kept. */
static void rank_correlations(const ds_cohort *c, const double *eff, const unsigned char *keep, size_t n, double *rho,
                              double *a, double *b, double *work)
{
    for (int k = 0; k < c->nvary; k++) {
        size_t m = 0;
        for (int l = 0; l < c->n; l++)
            if (keep[l]) {
                a[m] = eff[l];
                b[m++] = c->value[(size_t)k * c->n + l];
            }
        rho[k] = n > 2 ? gsl_stats_spearman(a, 1, b, 1, m, work) : NAN;
    }
}

int ds_finished_subjects(const ds_summary *sum, int nvariant, int n, unsigned char *keep)
{
    int kept = 0;
    for (int l = 0; l < n; l++) {
        keep[l] = 1;
        for (int v = 0; v < nvariant; v++)
            for (int q = 0; q < sum[v].nmetric; q++)
                keep[l] &= !isnan(sum[v].metric[q].value[l]);
        kept += keep[l];
    }
    return kept;
}

ds_status ds_cohort_effects(const ds_cohort *c, int narm, int paired, const ds_summary *sum, ds_cohort_stats *out,
                            ds_error *err)
{
    memset(out, 0, sizeof *out);
    const int n = c->n, nm = sum[0].nmetric;
    out->narm = paired ? narm : 1;
    out->nmetric = nm;
    out->keep = calloc((size_t)n, sizeof *out->keep);
    size_t cells = (size_t)(narm > 1 ? narm - 1 : 1) * nm;
    out->stat = calloc(cells * DS_NSTAT, sizeof *out->stat);
    out->rho = calloc(cells * (c->nvary ? c->nvary : 1), sizeof *out->rho);
    out->responders = calloc(cells, sizeof *out->responders);
    double *eff = malloc((size_t)n * sizeof *eff), *x = malloc((size_t)n * sizeof *x);
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    double *work = malloc(2 * (size_t)n * sizeof *work);
    ds_status st = DS_OK;
    if (!out->keep || !out->stat || !out->rho || !out->responders || !eff || !x || !a || !b || !work)
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory for the cohort's statistics");
    /* a subject counts only where it finished in every arm: effects stay paired */
    if (!st)
        out->nkept = ds_finished_subjects(sum, narm, n, out->keep);
    for (int v = 1; !st && v < out->narm; v++)
        for (int q = 0; q < nm; q++) {
            const ds_metric *m0 = &sum[0].metric[q], *mv = &sum[v].metric[q];
            size_t cell = (size_t)(v - 1) * nm + q, k = 0, resp = 0;
            int minutes = !strncmp(m0->name, "minutes_above_", 14);
            for (int l = 0; l < n; l++) {
                eff[l] = mv->value[l] - m0->value[l];
                if (out->keep[l]) {
                    x[k++] = eff[l];
                    resp += minutes && c->responder >= 0 && -eff[l] * 60.0 > c->responder;
                }
            }
            describe(x, k, &out->stat[cell * DS_NSTAT]);
            out->responders[cell] = minutes && c->responder >= 0 && k ? (double)resp / (double)k : NAN;
            rank_correlations(c, eff, out->keep, k, &out->rho[cell * c->nvary], a, b, work);
        }
    free(eff);
    free(x);
    free(a);
    free(b);
    free(work);
    if (!st && c->design == DS_DESIGN_SALTELLI)
        st = sobol_all(c, sum, out, err);
    if (st)
        ds_cohort_stats_free(out);
    return st;
}

/* Sobol indices of the reference arm's metrics and of every arm's paired effects. */
static ds_status sobol_all(const ds_cohort *c, const ds_summary *sum, ds_cohort_stats *out, ds_error *err)
{
    const int n = c->n, d = c->nvary, nm = out->nmetric;
    out->sobol = calloc((size_t)out->narm * nm * d * DS_NSOBOL, sizeof *out->sobol);
    double *f = malloc((size_t)n * sizeof *f), *S = malloc(6 * (size_t)d * sizeof *S);
    ds_status st = DS_OK;
    if (!out->sobol || !f || !S)
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory for the Sobol indices");
    for (int v = 0; !st && v < out->narm; v++)
        for (int q = 0; !st && q < nm; q++) {
            for (int l = 0; l < n; l++)
                f[l] = !out->keep[l] ? NAN
                       : v == 0      ? sum[0].metric[q].value[l]
                                     : sum[v].metric[q].value[l] - sum[0].metric[q].value[l];
            double *ST = S + d, *Sci = S + 2 * d, *STci = S + 4 * d;
            st = ds_sobol_indices(f, c->nbase, d, c->seed, DS_NBOOT, S, ST, Sci, STci, &out->sobol_blocks, err);
            for (int i = 0; !st && i < d; i++) {
                double *o = &out->sobol[(((size_t)v * nm + q) * d + i) * DS_NSOBOL];
                o[0] = S[i], o[1] = Sci[2 * i], o[2] = Sci[2 * i + 1];
                o[3] = ST[i], o[4] = STci[2 * i], o[5] = STci[2 * i + 1];
            }
        }
    free(f);
    free(S);
    return st;
}

void ds_cohort_stats_free(ds_cohort_stats *s)
{
    free(s->sobol);
    free(s->keep);
    free(s->stat);
    free(s->rho);
    free(s->responders);
    memset(s, 0, sizeof *s);
}

/* The metric the table's predictors are shown for: the root's mean contact pressure when a
 * herniation is simulated, else the mean nucleus pressure. */
static int headline_metric(const ds_summary *s)
{
    for (int q = 0; q < s->nmetric; q++)
        if (!strcmp(s->metric[q].name, s->root ? "mean_contact_pressure" : "mean_nucleus_pressure"))
            return q;
    return 0;
}

void ds_cohort_print(FILE *out, const ds_cohort *c, char (*arm)[64], const ds_summary *sum, const ds_cohort_stats *cs)
{
    const int nm = cs->nmetric;
    fprintf(out, "\ncohort: %d subjects (%s design, seed %llu), %d finished%s\n", c->n,
            ds_design_names[c->design], (unsigned long long)c->seed, cs->nkept, cs->narm > 1 ? " every arm" : "");
    for (int v = 1; v < cs->narm; v++) {
        fprintf(out, "effect of %s (minus %s), paired by subject:\n", arm[v], arm[0]);
        fprintf(out, "  %-40s %10s %23s %10s %10s %10s\n", "metric", "mean", "95% CI of the mean", "median", "5%", "95%");
        for (int q = 0; q < nm; q++) {
            const double *s = &cs->stat[((size_t)(v - 1) * nm + q) * DS_NSTAT];
            char label[200], ci[64];
            snprintf(label, sizeof label, "%s (%s)", sum[0].metric[q].name, sum[0].metric[q].unit);
            snprintf(ci, sizeof ci, "%.3g to %.3g", s[2], s[3]);
            fprintf(out, "  %-40.40s %10.3g %23s %10.3g %10.3g %10.3g\n", label, s[1], ci, s[7], s[5], s[9]);
        }
        if (c->responder >= 0) {
            fprintf(out, "  responders (minutes above the threshold down by more than %g min):", c->responder / 60.0);
            for (int q = 0; q < nm; q++) {
                double r = cs->responders[(size_t)(v - 1) * nm + q];
                if (!isnan(r))
                    fprintf(out, " %s %.1f%%", sum[0].metric[q].name + 14, 100.0 * r);
            }
            fprintf(out, "\n");
        }
        if (c->nvary) {
            int q = headline_metric(&sum[0]);
            fprintf(out, "  rank correlation (Spearman) of the effect on %s with:", sum[0].metric[q].name);
            for (int k = 0; k < c->nvary; k++)
                fprintf(out, " %s %+.2f", c->vary[k].key, cs->rho[((size_t)(v - 1) * nm + q) * c->nvary + k]);
            fprintf(out, "\n");
        }
    }
    if (cs->sobol) {
        int q = headline_metric(&sum[0]);
        for (int v = 0; v < cs->narm; v++) {
            if (v == 0)
                fprintf(out, "Sobol indices of %s in %s (%d base points, 95%% bootstrap intervals):\n",
                        sum[0].metric[q].name, arm[0], cs->sobol_blocks);
            else
                fprintf(out, "Sobol indices of the effect of %s on %s:\n", arm[v], sum[0].metric[q].name);
            fprintf(out, "  %-32s %24s %24s\n", "parameter", "first order", "total");
            for (int i = 0; i < c->nvary; i++) {
                const double *o = &cs->sobol[(((size_t)v * nm + q) * c->nvary + i) * DS_NSOBOL];
                char a[64], b[64];
                snprintf(a, sizeof a, "%.2f (%.2f to %.2f)", o[0], o[1], o[2]);
                snprintf(b, sizeof b, "%.2f (%.2f to %.2f)", o[3], o[4], o[5]);
                fprintf(out, "  %-32s %24s %24s\n", c->vary[i].key, a, b);
            }
        }
    }
}

ds_status ds_cohort_tables(ds_table t[3], int *n, const ds_cohort *c, char (*arm)[64], const ds_summary *sum,
                           const ds_cohort_stats *cs, ds_error *err)
{
    static const char *const eff[] = {"arm", "metric", "unit", "n", "mean", "ci95_low", "ci95_high", "sd", "q05", "q25",
                                      "median", "q75", "q95", "responder_share"};
    static const char *const cor[] = {"arm", "metric", "parameter", "spearman"};
    static const char *const sob[] = {"arm", "of", "metric", "parameter", "first_order", "first_order_low",
                                      "first_order_high", "total", "total_low", "total_high"};
    const int nm = cs->nmetric;
    *n = 0;
    ds_status st = ds_table_init(&t[0], "cohort_effects", 14, eff, err);
    if (!st)
        *n = 1;
    if (!st && !(st = ds_table_init(&t[1], "cohort_correlations", 4, cor, err)))
        *n = 2;
    if (!st && cs->sobol && !(st = ds_table_init(&t[2], "sobol", 10, sob, err)))
        *n = 3;
    for (int v = 1; !st && v < cs->narm; v++)
        for (int q = 0; q < nm; q++) {
            const double *s = &cs->stat[((size_t)(v - 1) * nm + q) * DS_NSTAT];
            int r = ds_table_row(&t[0]);
            ds_table_text(&t[0], r, 0, arm[v]);
            ds_table_text(&t[0], r, 1, sum[0].metric[q].name);
            ds_table_text(&t[0], r, 2, sum[0].metric[q].unit);
            for (int k = 0; k < DS_NSTAT; k++)
                ds_table_num(&t[0], r, 3 + k, s[k]);
            if (c->responder >= 0)
                ds_table_num(&t[0], r, 13, cs->responders[(size_t)(v - 1) * nm + q]);
            for (int k = 0; k < c->nvary; k++) {
                int rr = ds_table_row(&t[1]);
                ds_table_text(&t[1], rr, 0, arm[v]);
                ds_table_text(&t[1], rr, 1, sum[0].metric[q].name);
                ds_table_text(&t[1], rr, 2, c->vary[k].key);
                ds_table_num(&t[1], rr, 3, cs->rho[((size_t)(v - 1) * nm + q) * c->nvary + k]);
            }
        }
    for (int v = 0; !st && cs->sobol && v < cs->narm; v++) {
        const int q = headline_metric(&sum[0]);
        for (int i = 0; i < c->nvary; i++) {
            const double *o = &cs->sobol[(((size_t)v * nm + q) * c->nvary + i) * DS_NSOBOL];
            int r = ds_table_row(&t[2]);
            ds_table_text(&t[2], r, 0, arm[v]);
            ds_table_text(&t[2], r, 1, v ? "paired effect" : "metric");
            ds_table_text(&t[2], r, 2, sum[0].metric[q].name);
            ds_table_text(&t[2], r, 3, c->vary[i].key);
            for (int k = 0; k < DS_NSOBOL; k++)
                ds_table_num(&t[2], r, 4 + k, o[k]);
        }
    }
    return st;
}

ds_status ds_cohort_put(const ds_record_sink *w, const ds_cohort *c, char (*arm)[64], const ds_summary *sum,
                        const ds_cohort_stats *cs, ds_error *err)
{
    static const char *const dist_names[] = {"normal", "lognormal", "uniform"};
    size_t dn[1] = {(size_t)c->n};
    ds_status st = put_attr(w, "/cohort", "design", ds_design_names[c->design], err);
    char buf[400];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->seed);
    if (!st)
        st = put_attr(w, "/cohort", "seed", buf, err);
    for (int k = 0; !st && k < c->nvary; k++) {
        const ds_vary *v = &c->vary[k];
        char path[200], desc[300];
        snprintf(path, sizeof path, "/cohort/parameters/%s", v->key);
        snprintf(desc, sizeof desc, "%s drawn for each subject: %s (%g, %g)%s, in %s", v->key, dist_names[v->dist], v->a,
                 v->b, v->dist == DS_VARY_NORMAL && (isfinite(v->lo) || isfinite(v->hi)) ? " truncated" : "", v->unit);
        st = put_doubles(w, path, 1, dn, &c->value[(size_t)k * c->n], v->unit, desc, err);
        if (!st)
            st = put_scale(w, path, 0, "/subject", "subject", err);
    }
    double *failed = st ? NULL : malloc((size_t)c->n * sizeof *failed);
    if (!st && !failed)
        st = ds_fail(err, DS_ERR_NOMEM, "out of memory");
    for (int l = 0; !st && l < c->n; l++)
        failed[l] = !cs->keep[l];
    if (!st)
        st = put_doubles(w, "/cohort/failed", 1, dn, failed, "1",
                         "1 where the subject failed in some arm (left out of the cohort's statistics)", err);
    if (!st)
        st = put_scale(w, "/cohort/failed", 0, "/subject", "subject", err);
    free(failed);
    const int nm = cs->nmetric;
    for (int v = 1; !st && v < cs->narm; v++)
        for (int q = 0; !st && q < nm; q++) {
            const ds_metric *m = &sum[0].metric[q];
            size_t cell = (size_t)(v - 1) * nm + q, d1[1] = {DS_NSTAT}, dr[1] = {(size_t)c->nvary};
            char path[300], desc[500];
            snprintf(path, sizeof path, "/cohort/effect/%s/%s/statistics", arm[v], m->name);
            snprintf(desc, sizeof desc, "%s, %s minus %s paired by subject, over the subjects that finished: %s", m->name,
                     arm[v], arm[0], stat_names);
            st = put_doubles(w, path, 1, d1, &cs->stat[cell * DS_NSTAT], m->unit, desc, err);
            if (!st)
                st = put_attr(w, path, "columns", stat_names, err);
            if (!st && c->nvary) {
                size_t len = 0;
                char keys[DS_MAX_VARY * 130] = "";
                for (int k = 0; k < c->nvary; k++)
                    ds_append(keys, sizeof keys, &len, "%s%s", k ? "," : "", c->vary[k].key);
                snprintf(path, sizeof path, "/cohort/effect/%s/%s/rank_correlation", arm[v], m->name);
                snprintf(desc, sizeof desc, "Spearman's rank correlation of the effect on %s with each drawn parameter",
                         m->name);
                st = put_doubles(w, path, 1, dr, &cs->rho[cell * c->nvary], "1", desc, err);
                if (!st)
                    st = put_attr(w, path, "parameters", keys, err);
            }
            if (!st && !isnan(cs->responders[cell])) {
                snprintf(path, sizeof path, "/cohort/effect/%s/%s/responder_share", arm[v], m->name);
                snprintf(desc, sizeof desc, "share of subjects whose %s falls by more than %g min", m->name,
                         c->responder / 60.0);
                st = put_doubles(w, path, 1, (size_t[1]){1}, &cs->responders[cell], "1", desc, err);
            }
        }
    for (int v = 0; !st && cs->sobol && v < cs->narm; v++)
        for (int q = 0; !st && q < nm; q++) {
            const ds_metric *m = &sum[0].metric[q];
            size_t dims[2] = {(size_t)c->nvary, DS_NSOBOL}, len = 0;
            char path[300], desc[500], keys[DS_MAX_VARY * 130] = "";
            for (int k = 0; k < c->nvary; k++)
                ds_append(keys, sizeof keys, &len, "%s%s", k ? "," : "", c->vary[k].key);
            snprintf(path, sizeof path, "/cohort/sobol/%s/%s", arm[v], m->name);
            snprintf(desc, sizeof desc, "Sobol indices of %s%s%s%s over the drawn parameters: first order (Saltelli 2010) "
                     "and total (Jansen), each with its 95 %% bootstrap interval", v ? "the effect of " : "", v ? arm[v] : "",
                     v ? " on " : "", m->name);
            st = put_doubles(w, path, 2, dims, &cs->sobol[((size_t)v * nm + q) * c->nvary * DS_NSOBOL], "1", desc, err);
            if (!st)
                st = put_attr(w, path, "columns", "first_order,first_order_low,first_order_high,total,total_low,total_high",
                              err);
            if (!st)
                st = put_attr(w, path, "parameters", keys, err);
        }
    return st;
}
