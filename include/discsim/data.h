/* The data: mutable state of one batch of subjects, separate from the immutable model.
 *
 * Arrays are structure-of-arrays, [variable][lane] with model->stride lanes, 64-byte
 * aligned. Threads (later) each own a ds_data for a disjoint block of subjects. */
#ifndef DISCSIM_DATA_H
#define DISCSIM_DATA_H

#include <stddef.h>

#include "discsim/model.h"

/* Outputs per level: X(field, unit, description). One list drives the struct layout, the
 * HDF5 dataset names, their attributes and the scenario's `record.variables` keys. */
#define DS_LEVEL_OUTPUTS(X)                                                                        \
    X(height, "mm", "disc height h = h0 + u_i - u_(i+1)")                                          \
    X(pressure, "MPa", "nucleus pressure P = (V - A_n h) / C_b")                                   \
    X(fluid_volume, "mm^3", "nucleus fluid volume V")                                              \
    X(creep_force, "N", "force of the fast viscoelastic element of annulus and matrix, k_v (h_v - h)")  \
    X(osmotic_pressure, "MPa", "osmotic pressure of the nucleus pi(V) = pi0 (V0/V)^n")             \
    X(axial_force, "N", "axial force carried by the disc N = P A_p + k_a (h0 - h) + k_v (h_v - h) - c dh/dt")      \
    X(axial_load, "N", "compressive load applied at the level: gravity, hand load and muscles")   \
    X(muscle_compression, "N", "the part of the axial load that comes from muscle forces")        \
    X(cocontraction, "N", "compression the tone adds beyond what balancing the posture needs (muscle compression with the tone floor minus without it)") \
    X(external_moment, "N*mm", "flexion moment of gravity and hand load about the disc centre")   \
    X(moment_residual, "N*mm", "muscle moment minus external moment (nonzero: muscles saturated)") \
    X(fluid_flux, "mm^3/s", "Darcy flux into the nucleus dV/dt = -K(V) (P - pi(V))")             \
    X(flexion, "deg", "flexion of the level (the posture's lumbar flexion times the level's share)")

enum {
#define DS_X_ENUM(f, u, d) DS_OUT_##f,
    DS_LEVEL_OUTPUTS(DS_X_ENUM)
#undef DS_X_ENUM
    DS_NLEVEL_OUTPUTS
};

/* Herniation and nerve root outputs (DESIGN §3.4). */
#define DS_ROOT_OUTPUTS(X)                                                                         \
    X(protrusion, "mm", "protrusion of the herniation: size + C_delta P + G_theta theta + G_h (h_ref - h)") \
    X(gap, "mm", "distance from the fragment to the nerve root at zero protrusion")               \
    X(displacement, "mm", "how far the fragment at rest has pushed the root from its resting position") \
    X(penetration, "mm", "protrusion beyond the root's position (> 0: compression)")                \
    X(contact_pressure, "kPa", "nerve-root contact pressure E_root s(d) / D_root")               \
    X(contact_pressure_mmHg, "mmHg", "nerve-root contact pressure in mmHg (1 mmHg = 0.133322387 kPa)")

enum {
#define DS_X_ENUM(f, u, d) DS_ROOT_##f,
    DS_ROOT_OUTPUTS(DS_X_ENUM)
#undef DS_X_ENUM
    DS_NROOT_OUTPUTS
};

extern const char *const ds_root_output_names[DS_NROOT_OUTPUTS];
extern const char *const ds_root_output_units[DS_NROOT_OUTPUTS];
extern const char *const ds_root_output_descs[DS_NROOT_OUTPUTS];

/* The C1 contact ramp: 0 for d <= 0, d^2/(2 eps) on (0, eps), d - eps/2 beyond. */
double ds_contact_ramp(double d, double eps);

extern const char *const ds_level_output_names[DS_NLEVEL_OUTPUTS];
extern const char *const ds_level_output_units[DS_NLEVEL_OUTPUTS];
extern const char *const ds_level_output_descs[DS_NLEVEL_OUTPUTS];

/* States per level: quasi-static (V, h_v) or inertial (u, w, V, h_v, then one activation
 * per muscle group); h_v is the rest height of the fast viscoelastic element. The
 * quasi-static variant is the limit of massless vertebrae and instantaneous activation
 * (a = excitation); the inertial one keeps both fast scales. */
enum { DS_QS_NSTATE = 2, DS_IN_NSTATE = 4 };
enum { DS_QS_V = 0, DS_QS_HV = 1 };
enum { DS_IN_U = 0, DS_IN_W = 1, DS_IN_V = 2, DS_IN_HV = 3, DS_IN_A0 = 4 };

static inline int ds_level_block(const ds_model *m)
{
    return m->variant == DS_QUASI_STATIC ? DS_QS_NSTATE : DS_IN_NSTATE + m->ngroup;
}

/* The static load model's answer for one posture, per level and lane: loads from gravity,
 * hand load and muscles, with the muscle activations and forces that balance the posture. */
typedef struct ds_posture_load {
    double *load;        /* [level][stride] compressive load carried at the level, N */
    double *muscle_comp; /* [level][stride] muscle part of it, N */
    double *moment;      /* [level][stride] external flexion moment, N*mm */
    double *residual;    /* [level][stride] muscle moment - external moment, N*mm */
    double *cocontraction; /* [level][stride] compression the tone floor adds beyond the task's, N */
    double *act;         /* [group][level][stride] activation, 1 */
    double *force;       /* [group][level][stride] force, N */
    double *gain;        /* [group][level][stride] active force per unit activation sigma PCSA f_l, N */
    double *theta;       /* [level][stride] flexion of the level, rad */
} ds_posture_load;

/* A massage session (DESIGN §3.5). Each route's effect E rises over [start, start + duration]
 * as 1 - exp(-(t - start)/onset) and then decays as E_end exp(-(t - end)/decay), with its own
 * onset and decay: the neural route scales the chosen groups' tone by
 * (1 - tone_reduction E_n), the mechanical one their passive force by
 * (1 - passive_reduction E_m). The carry-over hypothesis lowers the tone further by
 * carry_over C, C rising over the session to 1 and recovering as exp(-(t - end)/carry_recovery).
 * Nothing else: no shortcut acts on the disc. */
typedef struct ds_session {
    double start, duration;      /* s */
    unsigned groups;             /* bit g set: muscle group g is treated */
    ds_massage_defaults p;       /* sizes (fractions) and time constants (s) */
} ds_session;

/* One route's effect at time t (0 outside its reach), for a subject whose clock of massage is
 * time_scale times the session's; and the tone and passive factors of every group at t for a
 * subject whose reductions are size times the session's (both 1: the session as given). */
double ds_route_effect(double start, double duration, double onset, double decay, double t, double time_scale);
/* The last time any route of s acts (its effect is exactly nil 40 time constants after). */
double ds_session_reach(const ds_session *s, double time_scale);
typedef struct ds_muscle_mod {
    double tone[DS_MAX_GROUPS], passive[DS_MAX_GROUPS];
} ds_muscle_mod;
void ds_muscle_mod_at(const ds_session *s, int n, int ngroup, double t, double size, double time_scale,
                      ds_muscle_mod *mod);

/* The current segment: loads move from `from` to `to` over [t0, t1] along a C2 smoothstep
 * and stay at `to` after. In a dynamic segment (a massage acting) the loads also depend on
 * time through the tone, and each lane's columns of from/to are recomputed for its own time
 * from the postures pa, pb whenever the physics evaluates. */
typedef struct ds_load_segment {
    double t0, t1;
    ds_posture_load from, to;
    int dynamic;
    ds_posture_params pa, pb;
    const ds_session *sessions;
    int nsession;
} ds_load_segment;

/* The rows of ds_data.scratch. */
enum { DS_SCRATCH_ZERO = 4, DS_SCRATCH_OK = 5, DS_SCRATCH_ROWS = 6 };

typedef struct ds_data {
    const ds_model *m;
    int nx;                 /* states per lane: nlevel * (1 or 3) */
    ds_load_segment seg;    /* the driver's current segment */
    double *x;              /* [nx][stride] state */
    double *out;            /* [nlevel][DS_NLEVEL_OUTPUTS][stride] outputs at the last observation */
    double *mact, *mforce;  /* [group][level][stride] muscle activation and force at the last observation */
    double *root;           /* [DS_NROOT_OUTPUTS][stride] herniation and root at the last observation */
    double *mtone;          /* [group][stride] tone at the last observation (massage lowers it) */
    double *scratch;        /* [DS_SCRATCH_ROWS][stride] for the right-hand sides' lane loops; row
                               DS_SCRATCH_ZERO stays 0, row DS_SCRATCH_OK: 1 while a lane has fluid
                               at every level so far */
    double *lv_scratch;     /* [level][stride] for the right-hand sides' per-level lane loops */
    int osm_other;          /* 1 if a lane, padding too, has an osmotic exponent other than 2 (NaN
                               included): found once, the model being frozen (each right-hand
                               side looked at every level's lanes again) */
    double *t_lanes;        /* [stride] the lanes' times for ds_segment_refresh_all, copied there:
                               a right-hand side that hands its own times to a call no longer
                               vectorizes (GCC then cannot tell them from its other arrays) */
    /* what a dynamic segment's loads were last refreshed for (ds_segment_refresh_all): each
     * lane's time, and the segment's times, postures and sessions; a vector of lanes asked
     * again at the times it holds (a Newton iteration, the stage before it) keeps its loads */
    double *refresh_t;      /* [stride] */
    double refresh_t0, refresh_t1;
    ds_posture_params refresh_pa, refresh_pb;
    const ds_session *refresh_sessions;
    int refresh_nsession;
    int refresh_valid;      /* 0: none; 1: without the cocontraction; 2: with it */
    void *mem_;
} ds_data;

ds_status ds_data_create(const ds_model *m, ds_data *d, ds_error *err);
void ds_data_free(ds_data *d);

/* The segment's loads (from, to) were set anew, not by ds_segment_refresh_all: the loads it
 * refreshed last are forgotten. */
void ds_segment_changed(ds_data *d);

/* Sets the segment to loads given per level, the same for every lane, without muscles
 * (tests and benchmarks that drive the disc directly). */
void ds_segment_set(ds_data *d, double t0, double t1, const double *from, const double *to);

/* The static load model (loads.c): loads and muscle state of a posture for every lane, or
 * for lanes l0 .. l0 + n - 1 with lane l0 + k's tone and passive force scaled by mod[k]
 * (mod NULL: unchanged); the balances of DS_LANE_ALIGN lanes at once. The cocontraction (an
 * output, from a second balance without the tone floor) only if `cocontraction`; else it
 * is left as it was. */
void ds_posture_loads(const ds_model *m, const ds_posture_params *p, int cocontraction, ds_posture_load *out);
void ds_posture_loads_lanes(const ds_model *m, const ds_posture_params *p, const ds_muscle_mod *mod, int l0, int n,
                            int cocontraction, ds_posture_load *out);

/* In a dynamic segment, recomputes every subject's loads, lane l's for time t[l * t_step]
 * (t_step 0: one time for all), a vector of lanes at a time (no-op otherwise); the
 * cocontraction only if `cocontraction` (observations; the right-hand sides do not read it). */
void ds_segment_refresh_all(ds_data *d, const double *t, size_t t_step, int cocontraction);

/* A posture load of one's own: the doubles it needs, and its fields bound to p (64-byte
 * aligned, that many doubles; returns the end). */
size_t ds_posture_load_doubles(const ds_model *m);
double *ds_posture_load_bind(const ds_model *m, ds_posture_load *pl, double *p);

/* Copies a posture load (sizes from the model). */
void ds_posture_load_copy(const ds_model *m, ds_posture_load *dst, const ds_posture_load *src);
/* Fills a posture load's padding lanes (nsubj .. stride - 1) with lane 0's values. */
void ds_posture_load_pad(const ds_model *m, ds_posture_load *pl);

#endif
