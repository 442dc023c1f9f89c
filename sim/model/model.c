/* The model's layout and its compilation steps (DESIGN §3, §4): one allocation holds every
 * per-lane array, [parameter][level][lane]; derived values are kept beside the parameters
 * so that hot loops never divide by a parameter. After compilation the model is read-only.
 * Reading a model file is io/model_load.c; this file needs libc and libm only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_build.h"

const char *const ds_level_names[DS_MAX_LEVELS] = {"L1L2", "L2L3", "L3L4", "L4L5", "L5S1"};

const char *const ds_disc_param_keys[DS_NDISC_PARAMS + 1] = {
#define DS_X(f, key, unit, desc) #key,
    DS_DISC_PARAMS(DS_X)
#undef DS_X
    NULL /* end marker: the list is also a key list for ds_ycheck_keys */
};
const char *const ds_disc_param_units[DS_NDISC_PARAMS] = {
#define DS_X(f, key, unit, desc) unit,
    DS_DISC_PARAMS(DS_X)
#undef DS_X
};
const char *const ds_disc_param_descs[DS_NDISC_PARAMS] = {
#define DS_X(f, key, unit, desc) desc,
    DS_DISC_PARAMS(DS_X)
#undef DS_X
};

const char *const ds_lane_param_keys[DS_NLANE_PARAMS] = {
#define DS_X(f, unit, range, desc) #f,
    DS_LANE_PARAMS(DS_X)
#undef DS_X
};
const char *const ds_lane_param_units[DS_NLANE_PARAMS] = {
#define DS_X(f, unit, range, desc) unit,
    DS_LANE_PARAMS(DS_X)
#undef DS_X
};
const char *const ds_lane_param_descs[DS_NLANE_PARAMS] = {
#define DS_X(f, unit, range, desc) desc,
    DS_LANE_PARAMS(DS_X)
#undef DS_X
};
const ds_range ds_lane_param_ranges[DS_NLANE_PARAMS] = {
#define DS_X(f, unit, range, desc) range,
    DS_LANE_PARAMS(DS_X)
#undef DS_X
};

int ds_range_ok(ds_range r, double v)
{
    return isfinite(v) && (r == DS_RANGE_ANY || (r == DS_RANGE_POS && v > 0) || (r == DS_RANGE_NONNEG && v >= 0) ||
                           (r == DS_RANGE_FRAC && v >= 0 && v <= 1));
}

const char *ds_range_text(ds_range r)
{
    static const char *const need[] = {[DS_RANGE_ANY] = "a finite number", [DS_RANGE_POS] = "positive",
                                       [DS_RANGE_NONNEG] = "zero or positive", [DS_RANGE_FRAC] = "between 0 and 1"};
    return r >= DS_RANGE_ANY && r <= DS_RANGE_FRAC ? need[r] : "?";
}

const char *const ds_massage_keys[] = {
#define DS_X(f, u, r, d) #f,
    DS_MASSAGE_PARAMS(DS_X)
#undef DS_X
    NULL};

int ds_level_id(const char *name)
{
    for (int i = 0; i < DS_MAX_LEVELS; i++)
        if (strcmp(name, ds_level_names[i]) == 0)
            return i;
    return -1;
}

int ds_model_posture(const ds_model *m, const char *name)
{
    for (int i = 0; i < m->nposture; i++)
        if (strcmp(m->posture[i].name, name) == 0)
            return i;
    return -1;
}

ds_status ds_model_alloc(ds_model *m, int nlevel, const int *level_id, ds_variant variant, int nsubj, ds_error *err)
{
    m->nlevel = nlevel;
    m->variant = variant;
    m->nsubj = nsubj;
    m->stride = ds_pad_lanes(nsubj);
    for (int i = 0; i < nlevel; i++)
        m->level_id[i] = level_id[i];
    size_t per = (size_t)nlevel * m->stride;
    /* per-subject scalars, then tones, specific tensions, PCSAs and moment arms */
    size_t nlane = (DS_NLANE_PARAMS + 2 * DS_MAX_GROUPS + 2 * (size_t)DS_MAX_GROUPS * DS_MAX_LEVELS) * (size_t)m->stride;
    double *mem = NULL;
    if (posix_memalign((void **)&mem, 64, ((DS_NDISC_PARAMS + DS_NDISC_DERIVED) * per + nlane) * sizeof(double)) != 0)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory for model parameters");
    memset(mem, 0, ((DS_NDISC_PARAMS + DS_NDISC_DERIVED) * per + nlane) * sizeof(double));
    m->mem_ = mem;
    double *lanes = mem + (DS_NDISC_PARAMS + DS_NDISC_DERIVED) * per;
    for (int k = 0; k < DS_NLANE_PARAMS; k++)
        m->lane[k] = lanes + (size_t)k * m->stride;
    m->body_mass = m->lane[DS_LP_body_mass];
    for (int l = 0; l < m->stride; l++) /* the session as given, unless a study varies it */
        lanes[(size_t)DS_LP_massage_size * m->stride + l] = lanes[(size_t)DS_LP_massage_time * m->stride + l] = 1.0;
    m->tone = lanes + (size_t)DS_NLANE_PARAMS * m->stride;
    m->sigma = m->tone + (size_t)DS_MAX_GROUPS * m->stride;
    m->pcsa = m->sigma + (size_t)DS_MAX_GROUPS * m->stride;
    m->arm = m->pcsa + (size_t)DS_MAX_GROUPS * DS_MAX_LEVELS * m->stride;
    for (int k = 0; k < DS_NDISC_PARAMS; k++)
        m->par[k] = mem + (size_t)k * per;
    for (int k = 0; k < DS_NDISC_DERIVED; k++)
        m->der[k] = mem + (size_t)(DS_NDISC_PARAMS + k) * per;
    return DS_OK;
}

size_t ds_model_rows(const ds_model *m)
{
    return (size_t)(DS_NDISC_PARAMS + DS_NDISC_DERIVED) * m->nlevel + DS_NLANE_PARAMS + 2 * DS_MAX_GROUPS +
           2 * (size_t)DS_MAX_GROUPS * DS_MAX_LEVELS;
}

/* Lanes of m into a new model of n subjects: subject j is lane first + j * step of m (step
 * 0 repeats one lane), and the padding lanes repeat the last subject so that they hold
 * valid values. */
static ds_status copy_lanes(const ds_model *m, int first, int step, int n, ds_model *out, ds_error *err)
{
    *out = *m;
    out->mem_ = NULL;
    ds_status st = ds_model_alloc(out, m->nlevel, m->level_id, m->variant, n, err);
    if (st)
        return st;
    const size_t rows = ds_model_rows(m); /* the allocation is rows of stride lanes (ds_model_alloc) */
    const double *src = m->mem_;
    double *dst = out->mem_;
    for (size_t r = 0; r < rows; r++) {
        const double *a = src + r * m->stride + first;
        double *b = dst + r * out->stride;
        for (int l = 0; l < out->stride; l++)
            b[l] = a[(size_t)(l < n ? l : n - 1) * step];
    }
    return DS_OK;
}

ds_status ds_model_lanes(const ds_model *m, int l0, int n, ds_model *out, ds_error *err)
{
    if (l0 < 0 || n < 1 || l0 + n > m->nsubj)
        return ds_fail(err, DS_ERR_USAGE, "ds_model_lanes: lanes %d to %d of %d", l0, l0 + n - 1, m->nsubj);
    return copy_lanes(m, l0, 1, n, out, err);
}

ds_status ds_model_repeat(const ds_model *m, int lane, int n, ds_model *out, ds_error *err)
{
    if (lane < 0 || lane >= m->nsubj || n < 1)
        return ds_fail(err, DS_ERR_USAGE, "ds_model_repeat: lane %d of %d, %d times", lane, m->nsubj, n);
    return copy_lanes(m, lane, 0, n, out, err);
}

ds_status ds_model_concat(const ds_model *const *parts, int nparts, ds_model *out, ds_error *err)
{
    int n = 0;
    for (int k = 0; k < nparts; k++)
        n += parts[k]->nsubj;
    if (nparts < 1 || n < 1)
        return ds_fail(err, DS_ERR_USAGE, "ds_model_concat: %d parts, %d subjects", nparts, n);
    *out = *parts[0];
    out->mem_ = NULL;
    ds_status st = ds_model_alloc(out, parts[0]->nlevel, parts[0]->level_id, parts[0]->variant, n, err);
    if (st)
        return st;
    const size_t rows = ds_model_rows(out);
    double *dst = out->mem_;
    for (size_t r = 0; r < rows; r++) {
        double *b = dst + r * out->stride;
        int at = 0;
        for (int k = 0; k < nparts; k++) {
            memcpy(b + at, (const double *)parts[k]->mem_ + r * parts[k]->stride, (size_t)parts[k]->nsubj * sizeof *b);
            at += parts[k]->nsubj;
        }
        for (int l = n; l < out->stride; l++) /* padding: valid values, the last subject's */
            b[l] = b[n - 1];
    }
    return DS_OK;
}

int ds_model_same_but_lanes(const ds_model *a, const ds_model *b)
{
    ds_model x = *a, y = *b;
    ds_model *const m[2] = {&x, &y};
    for (int k = 0; k < 2; k++) { /* what lanes carry, or what a run never reads */
        memset(m[k]->par, 0, sizeof m[k]->par);
        memset(m[k]->der, 0, sizeof m[k]->der);
        memset(m[k]->lane, 0, sizeof m[k]->lane);
        m[k]->body_mass = m[k]->tone = m[k]->pcsa = m[k]->arm = m[k]->sigma = NULL;
        m[k]->mem_ = NULL;
        for (int g = 0; g < DS_MAX_GROUPS; g++) {
            m[k]->group[g].sigma = 0.0;
            memset(m[k]->group[g].pcsa, 0, sizeof m[k]->group[g].pcsa);
            memset(m[k]->group[g].arm, 0, sizeof m[k]->group[g].arm);
        }
        memset(&m[k]->hern, 0, sizeof m[k]->hern); /* filled into the lanes when the site is placed */
        m[k]->site.size = m[k]->site.gap = m[k]->site.h_ref = 0.0;
    }
    return !memcmp(&x, &y, sizeof x);
}

/* The per-lane arrays as the model's own, writable memory: the model owns mem_, and only
 * the compilation steps below write through these, before the model is used. */
static double *par_w(ds_model *m, int k, int i) { return (double *)m->mem_ + ((size_t)k * m->nlevel + i) * m->stride; }
static double *der_w(ds_model *m, int k, int i)
{
    return (double *)m->mem_ + ((size_t)(DS_NDISC_PARAMS + k) * m->nlevel + i) * m->stride;
}

/* The derived values of level i, lane l, from its parameters and the body. */
static void derive(ds_model *m, int i, int l)
{
    const double Ap = par_w(m, DS_PAR_A_p, i)[l], An = par_w(m, DS_PAR_A_n, i)[l], h0 = par_w(m, DS_PAR_h0, i)[l];
    const double ka = par_w(m, DS_PAR_k_a, i)[l], Cb = par_w(m, DS_PAR_C_b, i)[l], pi0 = par_w(m, DS_PAR_pi0, i)[l];
    const double kv = par_w(m, DS_PAR_k_v, i)[l], tv = par_w(m, DS_PAR_tau_v, i)[l];
    const double V0 = An * h0 + Cb * pi0, ku = ka + Ap * An / Cb;
    der_w(m, DS_DER_V0, i)[l] = V0;
    der_w(m, DS_DER_inv_V0, i)[l] = 1.0 / V0;
    der_w(m, DS_DER_inv_Cb, i)[l] = 1.0 / Cb;
    der_w(m, DS_DER_k_u, i)[l] = ku;
    der_w(m, DS_DER_inv_ku, i)[l] = 1.0 / ku;
    der_w(m, DS_DER_inv_kuv, i)[l] = 1.0 / (ku + kv);
    der_w(m, DS_DER_inv_tau_v, i)[l] = 1.0 / tv;
}

void ds_model_set_level(ds_model *m, int i, const double *v)
{
    for (int l = 0; l < m->stride; l++) { /* padding lanes hold valid values too */
        for (int k = 0; k < DS_NDISC_PARAMS; k++)
            par_w(m, k, i)[l] = v[k];
        derive(m, i, l);
    }
}

/* The per-subject scalars (DS_LP_*) and then the tones ([group][lane]), writable. */
static double *lanes_w(ds_model *m, int k)
{
    return (double *)m->mem_ + (size_t)(DS_NDISC_PARAMS + DS_NDISC_DERIVED) * m->nlevel * m->stride +
           (size_t)k * m->stride;
}

static void fill_lane(ds_model *m, int k, double v)
{
    double *p = lanes_w(m, k);
    for (int l = 0; l < m->stride; l++)
        p[l] = v;
}

/* The muscle arrays, writable (the model owns them; see lanes_w). */
static double *muscle_w(ds_model *m, const double *arr, size_t off)
{
    return (double *)m->mem_ + (size_t)(arr - (const double *)m->mem_) + off;
}

void ds_model_set_lanes(ds_model *m, double mass, const double *tones)
{
    const size_t S = (size_t)m->stride;
    fill_lane(m, DS_LP_body_mass, mass);
    for (int k = 0; k < m->ngroup; k++) {
        fill_lane(m, DS_NLANE_PARAMS + k, tones[k]);
        const ds_muscle_group *g = &m->group[k];
        for (size_t l = 0; l < S; l++)
            muscle_w(m, m->sigma, k * S)[l] = g->sigma;
        for (int id = 0; id < DS_MAX_LEVELS; id++)
            for (size_t l = 0; l < S; l++) {
                muscle_w(m, m->pcsa, ((size_t)k * DS_MAX_LEVELS + id) * S)[l] = g->crosses[id] ? g->pcsa[id] : 0.0;
                muscle_w(m, m->arm, ((size_t)k * DS_MAX_LEVELS + id) * S)[l] = g->crosses[id] ? g->arm[id] : 0.0;
            }
    }
}

ds_status ds_model_set_muscle(ds_model *m, ds_muscle_field f, int g, int id, int lane, double v, ds_error *err)
{
    if (g < 0 || g >= m->ngroup || id < 0 || id >= DS_MAX_LEVELS || lane < 0 || lane >= m->nsubj || f < 0 ||
        f > DS_MUSCLE_SIGMA)
        return ds_fail(err, DS_ERR_USAGE, "ds_model_set_muscle: group %d, level %d, lane %d out of range", g, id, lane);
    const size_t S = (size_t)m->stride;
    if (f != DS_MUSCLE_SIGMA && !m->group[g].crosses[id])
        return ds_fail(err, DS_ERR_INPUT, "muscle group %s does not cross %s", m->group[g].name, ds_level_names[id]);
    if (!isfinite(v) || (f != DS_MUSCLE_ARM && !(v > 0)))
        return ds_fail(err, DS_ERR_INPUT, "muscle group %s, subject %d: %g must be %s", m->group[g].name, lane, v,
                       f == DS_MUSCLE_ARM ? "a number" : "positive");
    if (f == DS_MUSCLE_SIGMA)
        muscle_w(m, m->sigma, (size_t)g * S)[lane] = v;
    else
        muscle_w(m, f == DS_MUSCLE_PCSA ? m->pcsa : m->arm, ((size_t)g * DS_MAX_LEVELS + id) * S)[lane] = v;
    return DS_OK;
}

ds_status ds_model_set_tone(ds_model *m, int g, int lane, double v, ds_error *err)
{
    if (g < 0 || g >= m->ngroup || lane < 0 || lane >= m->nsubj)
        return ds_fail(err, DS_ERR_USAGE, "ds_model_set_tone: group %d, lane %d out of range", g, lane);
    if (!(v >= 0.0 && v <= 1.0))
        return ds_fail(err, DS_ERR_INPUT, "tone of %s, subject %d: %g is not a fraction of MVC from 0 to 1",
                       m->group[g].name, lane, v);
    lanes_w(m, DS_NLANE_PARAMS + g)[lane] = v;
    return DS_OK;
}

ds_status ds_model_set_lane(ds_model *m, int k, int lane, double v, ds_error *err)
{
    if (k < 0 || k >= DS_NLANE_PARAMS || lane < 0 || lane >= m->nsubj)
        return ds_fail(err, DS_ERR_USAGE, "ds_model_set_lane: parameter %d, lane %d out of range", k, lane);
    if (!ds_range_ok(ds_lane_param_ranges[k], v))
        return ds_fail(err, DS_ERR_INPUT, "%s of subject %d: %g %s must be %s", ds_lane_param_keys[k], lane, v,
                       ds_lane_param_units[k], ds_range_text(ds_lane_param_ranges[k]));
    lanes_w(m, k)[lane] = v;
    if (k == DS_LP_body_mass) /* the vertebral masses follow the body */
        for (int i = 0; i < m->nlevel; i++) {
            double f = m->body.mass_above[m->level_id[i]] - (i > 0 ? m->body.mass_above[m->level_id[i - 1]] : 0.0);
            der_w(m, DS_DER_m, i)[lane] = v * f;
            der_w(m, DS_DER_inv_m, i)[lane] = 1.0 / (v * f);
        }
    return DS_OK;
}

void ds_model_vertebral_masses(ds_model *m)
{
    const double *mass = lanes_w(m, DS_LP_body_mass);
    for (int i = 0; i < m->nlevel; i++) {
        double f = m->body.mass_above[m->level_id[i]] - (i > 0 ? m->body.mass_above[m->level_id[i - 1]] : 0.0);
        for (int l = 0; l < m->stride; l++) {
            der_w(m, DS_DER_m, i)[l] = mass[l] * f;
            der_w(m, DS_DER_inv_m, i)[l] = 1.0 / (mass[l] * f);
        }
    }
}

/* Places the scenario's herniation: the model's default gap where none was given, the
 * level's degeneration, and the reference height after it. */
ds_status ds_model_place_site(ds_model *m, const ds_herniation_site *site, ds_error *err)
{
    if (isnan(m->hern.root_diameter))
        return ds_fail(err, DS_ERR_INPUT, "the model %s has no herniation table", m->path);
    m->site = *site;
    if (isnan(m->site.gap))
        m->site.gap = m->hern.gap[site->type];
    for (int l = 0; l < m->stride; l++) /* before degeneration: the foramen's healthy reference */
        lanes_w(m, DS_LP_hern_h_healthy)[l] = m->par[DS_PAR_h0][(size_t)site->level * m->stride + l];
    ds_model_degenerate(m, site->level, site->grade);
    m->site.h_ref = m->par[DS_PAR_h0][(size_t)site->level * m->stride];
    const ds_herniation_model *h = &m->hern;
    fill_lane(m, DS_LP_hern_size, m->site.size);
    fill_lane(m, DS_LP_hern_gap, m->site.gap);
    for (int l = 0; l < m->stride; l++) /* each subject's own disc height after degeneration */
        lanes_w(m, DS_LP_hern_h_ref)[l] = m->par[DS_PAR_h0][(size_t)site->level * m->stride + l];
    fill_lane(m, DS_LP_pressure_gain, h->pressure_gain);
    fill_lane(m, DS_LP_flexion_gain, h->flexion_gain);
    fill_lane(m, DS_LP_height_gain, h->height_gain);
    fill_lane(m, DS_LP_foraminal_narrowing, h->foraminal_narrowing);
    fill_lane(m, DS_LP_foraminal_opening, h->foraminal_opening);
    fill_lane(m, DS_LP_root_modulus, h->root_modulus);
    fill_lane(m, DS_LP_root_diameter, h->root_diameter);
    fill_lane(m, DS_LP_root_smoothing, h->smoothing);
    fill_lane(m, DS_LP_root_tension, h->root_tension);
    return DS_OK;
}

const int ds_grade_params[DS_NGRADE_FACTORS] = {
#define DS_X(p) DS_PAR_##p,
    DS_GRADE_FACTORS(DS_X)
#undef DS_X
};

void ds_model_degenerate(ds_model *m, int i, int grade)
{
    const double *f = m->hern.grade[grade - 1];
    for (int l = 0; l < m->stride; l++) {
        for (int k = 0; k < DS_NGRADE_FACTORS; k++)
            par_w(m, ds_grade_params[k], i)[l] *= f[k];
        derive(m, i, l);
    }
}

ds_status ds_model_set_disc(ds_model *m, int k, int i, int lane, double v, ds_error *err)
{
    if (k < 0 || k >= DS_NDISC_PARAMS || i < 0 || i >= m->nlevel || lane < 0 || lane >= m->nsubj)
        return ds_fail(err, DS_ERR_USAGE, "ds_model_set_disc: parameter %d, level %d, lane %d out of range", k, i, lane);
    int may_be_zero = k == DS_PAR_c || k == DS_PAR_n_osm;
    if (!isfinite(v) || v < 0 || (!may_be_zero && v == 0))
        return ds_fail(err, DS_ERR_INPUT, "%s of %s, subject %d: %g %s must be %s", ds_disc_param_keys[k],
                       ds_level_names[m->level_id[i]], lane, v, ds_disc_param_units[k],
                       may_be_zero ? "zero or positive" : "positive");
    par_w(m, k, i)[lane] = v;
    derive(m, i, lane);
    if (k == DS_PAR_h0 && m->site.enabled && i == m->site.level) { /* the herniation's reference heights */
        lanes_w(m, DS_LP_hern_h_ref)[lane] = v;
        lanes_w(m, DS_LP_hern_h_healthy)[lane] = v / m->hern.grade[m->site.grade - 1][DS_GF_h0];
    }
    return DS_OK;
}

void ds_model_free(ds_model *m)
{
    if (m) {
        free(m->mem_);
        m->mem_ = NULL;
    }
}
