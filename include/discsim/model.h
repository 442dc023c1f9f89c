/* The model: immutable parameters compiled once from a model YAML file (DESIGN §3, §6).
 *
 * ds_model is read-only once compiled (io reads a model file into one, model/model_build.h
 * holds the steps): every stepping function takes it as const.
 * Per-level disc parameters are stored structure-of-arrays, one array per parameter laid
 * out [level][lane] with `stride` lanes per level, so that a cohort can vary any parameter
 * per subject and the hot loops read contiguous, aligned lanes.
 *
 * Units everywhere inside: mm, N, s, MPa (= N/mm^2), tonne (= N s^2/mm). */
#ifndef DISCSIM_MODEL_H
#define DISCSIM_MODEL_H

#include <stdint.h>

#include "discsim/constants.h"
#include "discsim/status.h"

enum {
    DS_MAX_LEVELS = 5,     /* L1L2 ... L5S1 */
    DS_MAX_POSTURES = 32,
    DS_MAX_GROUPS = 8,     /* muscle groups */
    DS_NAME_LEN = 64,
    DS_LANE_ALIGN = 8      /* lanes are padded to a multiple of this (one AVX-512 vector of doubles) */
};

/* The lumbar levels in chain order, top to bottom. */
extern const char *const ds_level_names[DS_MAX_LEVELS];

/* Per-level disc parameters: X(field, yaml key, unit, description).
 * The unit is checked against the `unit` the model file gives for each number. */
#define DS_DISC_PARAMS(X)                                                                          \
    X(A_p, endplate_area, "mm^2", "end-plate area on which the nucleus pressure acts")              \
    X(A_n, nucleus_area, "mm^2", "nucleus cross-section: volume change per unit height change")     \
    X(h0, height, "mm", "disc height at which the annulus/matrix carries no force")                 \
    X(k_a, annulus_stiffness, "N/mm", "axial stiffness of annulus and matrix (drained stiffness)")  \
    X(C_b, bulk_compliance, "mm^3/MPa", "nucleus volume gained by the annulus bulge per MPa")        \
    X(c, damping, "N*s/mm", "axial viscous damping of the disc")                                    \
    X(K0, permeability, "mm^3/(MPa*s)", "hydraulic conductance of end-plates and annulus at V0")    \
    X(pi0, osmotic_pressure, "MPa", "osmotic (swelling) pressure of the nucleus at V0")             \
    X(n_osm, osmotic_exponent, "1", "exponent of pi(V) = pi0 (V0/V)^n")                           \
    X(k_v, creep_stiffness, "N/mm", "stiffness of the fast viscoelastic element of annulus and matrix") \
    X(tau_v, creep_time, "s", "relaxation time of the fast viscoelastic element")

enum {
#define DS_X_ENUM(f, key, unit, desc) DS_PAR_##f,
    DS_DISC_PARAMS(DS_X_ENUM)
#undef DS_X_ENUM
    DS_NDISC_PARAMS
};

/* Parameters derived once at compile time so that hot loops never divide by a parameter. */
#define DS_DISC_DERIVED(X)                                                                         \
    X(V0, "mm^3", "reference fluid volume A_n h0 + C_b pi0")                                      \
    X(inv_V0, "1/mm^3", "1/V0")                                                                   \
    X(inv_Cb, "MPa/mm^3", "1/C_b")                                                                \
    X(k_u, "N/mm", "undrained axial stiffness k_a + A_p A_n / C_b")                                \
    X(inv_ku, "mm/N", "1/k_u")                                                                    \
    X(inv_kuv, "mm/N", "1/(k_u + k_v): the force balance at fixed fluid volume and creep state")  \
    X(inv_tau_v, "1/s", "1/tau_v")                                                                \
    X(m, "t", "mass moved by the vertebra above the disc: the body above the top simulated level, a trunk slice below it") \
    X(inv_m, "1/t", "1/m")

enum {
#define DS_X_ENUM(f, unit, desc) DS_DER_##f,
    DS_DISC_DERIVED(DS_X_ENUM)
#undef DS_X_ENUM
    DS_NDISC_DERIVED
};

extern const char *const ds_disc_param_keys[DS_NDISC_PARAMS + 1]; /* NULL-terminated */
extern const char *const ds_disc_param_units[DS_NDISC_PARAMS];
extern const char *const ds_disc_param_descs[DS_NDISC_PARAMS];

typedef enum ds_variant {
    DS_QUASI_STATIC = 0, /* massless vertebrae: algebraic force balance, state = fluid volumes */
    DS_INERTIAL = 1      /* vertebral inertia: state = axial displacement, velocity, fluid volume */
} ds_variant;

/* What a posture does to the spine (DESIGN §3.6). Scenario phases may override flexion and
 * the hand load. Angles in radians. */
typedef struct ds_posture_params {
    double support;       /* fraction of the upper body's weight carried externally (bed, backrest), 1 */
    double inclination;   /* trunk inclination from vertical, rad (lying: pi/2) */
    double flexion;       /* total lumbar flexion, rad, shared over the levels by flexion_share */
    double hand_load;     /* mass held in the hands, t */
    double hand_distance; /* its horizontal distance from the L4L5 disc, mm */
    double tone;          /* factor on every group's resting tone in this posture (DESIGN §3.3): relaxed
                             lying a fifth of standing, asleep none */
} ds_posture_params;

/* The range a model number must lie in (checked when the model is compiled, so that a
 * scenario override out of range is an error that names the scenario's line). */
typedef enum ds_range {
    DS_RANGE_ANY,    /* any finite number */
    DS_RANGE_POS,    /* > 0 */
    DS_RANGE_NONNEG, /* >= 0 */
    DS_RANGE_FRAC    /* 0 to 1 */
} ds_range;

/* Whether v lies in range r, and the range in words ("positive", ...; "" for any). */
int ds_range_ok(ds_range r, double v);
const char *ds_range_text(ds_range r);

/* Per-subject scalars (one value a lane): X(field, unit, description). Every parameter a
 * study may vary that is not per level lives here, so that a cohort can draw it per subject;
 * the herniation's are filled from the scenario's herniation and the model's table when it
 * is placed. */
#define DS_LANE_PARAMS(X)                                                                          \
    X(body_mass, "t", DS_RANGE_POS, "body mass")                                                                 \
    X(hern_size, "mm", DS_RANGE_NONNEG, "protrusion of the herniation at zero pressure, flexion and height loss")   \
    X(hern_gap, "mm", DS_RANGE_NONNEG, "fragment to nerve root at the reference height")                            \
    X(hern_h_ref, "mm", DS_RANGE_POS, "reference height of the herniated disc (h0 after degeneration)")          \
    X(pressure_gain, "mm/MPa", DS_RANGE_NONNEG, "protrusion per MPa of nucleus pressure")                           \
    X(flexion_gain, "mm/rad", DS_RANGE_ANY, "protrusion per radian of the level's flexion")                      \
    X(height_gain, "1", DS_RANGE_NONNEG, "protrusion per mm of height lost")                                        \
    X(foraminal_narrowing, "1", DS_RANGE_NONNEG, "narrowing of the foraminal gap per mm of height lost")            \
    X(foraminal_opening, "mm/rad", DS_RANGE_ANY, "opening of the foraminal gap per radian of the level's flexion") \
    X(hern_h_healthy, "mm", DS_RANGE_POS, "height of the herniated disc before degeneration (the foramen's reference)") \
    X(root_modulus, "MPa", DS_RANGE_POS, "effective compressive modulus of the nerve root and its sleeve")       \
    X(root_diameter, "mm", DS_RANGE_POS, "diameter of the nerve root")                                           \
    X(root_smoothing, "mm", DS_RANGE_POS, "width of the C1 onset of contact")                                    \
    X(root_tension, "MPa/mm", DS_RANGE_NONNEG, "contact pressure per mm the fragment has displaced the root from its resting position") \
    X(massage_size, "1", DS_RANGE_NONNEG, "this subject's response to massage: multiplies every session's reductions") \
    X(massage_time, "1", DS_RANGE_POS, "this subject's clock of massage: multiplies every session's onset and decay")

enum {
#define DS_X_ENUM(f, unit, range, desc) DS_LP_##f,
    DS_LANE_PARAMS(DS_X_ENUM)
#undef DS_X_ENUM
    DS_NLANE_PARAMS
};

extern const char *const ds_lane_param_keys[DS_NLANE_PARAMS];
extern const char *const ds_lane_param_units[DS_NLANE_PARAMS];
extern const char *const ds_lane_param_descs[DS_NLANE_PARAMS];
extern const ds_range ds_lane_param_ranges[DS_NLANE_PARAMS];


/* field, unit in the model file, factor to the code's unit, range */
#define DS_POSTURE_PARAMS(X)                                                                       \
    X(support, "1", 1.0, DS_RANGE_FRAC)                                                           \
    X(inclination, "deg", DS_RAD_PER_DEG, DS_RANGE_ANY)                                                   \
    X(flexion, "deg", DS_RAD_PER_DEG, DS_RANGE_ANY)                                                       \
    X(hand_load, "t", 1.0, DS_RANGE_NONNEG)                                                       \
    X(hand_distance, "mm", 1.0, DS_RANGE_NONNEG)                                                  \
    X(tone, "1", 1.0, DS_RANGE_NONNEG)

typedef struct ds_posture {
    char name[DS_NAME_LEN];
    ds_posture_params p;
} ds_posture;

/* The body above each level (by level id). */
/* field, unit, range, description */
#define DS_BODY_LEVEL_PARAMS(X)                                                                    \
    X(mass_above, "1", DS_RANGE_FRAC, "fraction of body mass above the disc")                      \
    X(com_offset, "mm", DS_RANGE_ANY, "anterior offset of that mass's centre from the disc centre, upright") \
    X(com_distance, "mm", DS_RANGE_NONNEG, "distance from the disc centre to that centre of mass along the spine") \
    X(flexion_share, "1", DS_RANGE_FRAC, "share of the lumbar flexion taken by the level")         \
    X(lordosis, "deg", DS_RANGE_ANY, "forward tilt of the disc's axis from vertical, standing upright") \
    X(preload, "N", DS_RANGE_NONNEG, "compression by passive tissues (ligaments, capsules) at rest")  \
    X(ligament_moment, "N*mm", DS_RANGE_NONNEG, "flexion moment the osteoligamentous segment resists at full lumbar flexion") \
    X(ligament_arm, "mm", DS_RANGE_POS, "moment arm of that resistance: it compresses the disc by moment / arm")

typedef struct ds_body {
    double gravity;                      /* mm/s^2 */
    double height_scale;                 /* subject stature / reference stature: scales com_distance */
    double full_flexion;                 /* lumbar flexion at which each level is fully flexed, rad */
    double ligament_shape;               /* b of the osteoligamentous moment's rise, (e^(b x) - 1)/(e^b - 1) */
    double ligament_den;                 /* e^b - 1, derived when the model is read */
#define DS_X_FIELD(f, u, r, d) double f[DS_MAX_LEVELS];
    DS_BODY_LEVEL_PARAMS(DS_X_FIELD)
#undef DS_X_FIELD
} ds_body;

/* A lumped bilateral muscle group (DESIGN §3.3); per-level arrays by level id. */
typedef struct ds_muscle_group {
    char name[DS_NAME_LEN];
    double sigma;                 /* specific tension, MPa */
    double l_opt;                 /* optimal fibre length, mm */
    double passive;               /* scale of the passive force, 1 */
    double tau_act, tau_deact;    /* activation and deactivation time constants, s */
    int crosses[DS_MAX_LEVELS];   /* 1 where the group crosses the level */
    double pcsa[DS_MAX_LEVELS];   /* physiological cross-section, both sides, mm^2 */
    double arm[DS_MAX_LEVELS];    /* sagittal moment arm, posterior positive, mm */
    double cosine[DS_MAX_LEVELS]; /* axial part of the unit line of action, 1 */
} ds_muscle_group;

/* Herniation and root contact coefficients (DESIGN §3.4). */
enum { DS_PARACENTRAL = 0, DS_FORAMINAL = 1, DS_MAX_THRESHOLDS = 8, DS_GRADES = 5 };

/* The disc parameters a Pfirrmann grade multiplies; the model file names them by their disc
 * keys (herniation.degeneration.gradeN.<key>). */
#define DS_GRADE_FACTORS(X) X(pi0) X(h0) X(K0) X(k_a)
enum {
#define DS_X_ENUM(p) DS_GF_##p,
    DS_GRADE_FACTORS(DS_X_ENUM)
#undef DS_X_ENUM
    DS_NGRADE_FACTORS
};
extern const int ds_grade_params[DS_NGRADE_FACTORS]; /* DS_PAR_* of each factor */
typedef struct ds_herniation_model {
    double pressure_gain;       /* C_delta, mm/MPa */
    double flexion_gain;        /* G_theta, mm/rad */
    double height_gain;         /* G_h, 1 */
    double foraminal_narrowing; /* G_f, 1 */
    double foraminal_opening;   /* G_o, mm/rad: the foramen opens with flexion, closes with extension */
    double root_modulus;        /* E_root, MPa */
    double root_diameter;       /* D_root, mm */
    double smoothing;           /* eps of the C1 contact onset, mm */
    double root_tension;        /* MPa/mm: pressure of the stretched root per mm it is displaced */
    double gap[2];              /* default gap by type, mm */
    double grade[DS_GRADES][DS_NGRADE_FACTORS]; /* Pfirrmann 1..5: multipliers, DS_GF_* */
} ds_herniation_model;

/* The herniation a scenario places (compiled with the model; enabled = 0 when none). */
typedef struct ds_herniation_site {
    int enabled;
    int level;      /* index 0..nlevel-1 */
    int type;       /* DS_PARACENTRAL (traversing root) or DS_FORAMINAL (exiting root) */
    int side;       /* 0 left, 1 right (reported; the sagittal model is symmetric) */
    int grade;      /* Pfirrmann 1..5 */
    double size;    /* delta0: protrusion at zero pressure, flexion and height loss, mm */
    double gap;     /* g0: fragment to root at the reference height, mm */
    double h_ref;   /* reference height (h0 of the level after degeneration), mm */
} ds_herniation_site;

typedef struct ds_threshold {
    char name[DS_NAME_LEN];
    double mmHg;
} ds_threshold;

/* A massage's effect (DESIGN §3.5): X(field, unit, range, description). Two routes with their
 * own clocks, and carry-over as a hypothesis knob (off when carry_over is 0). The model's
 * `massage` table gives the measured defaults; an intervention may override any of them. */
#define DS_MASSAGE_PARAMS(X)                                                                       \
    X(tone_reduction, "1", DS_RANGE_FRAC, "neural route: fall of the treated groups' tone while massaged") \
    X(onset, "s", DS_RANGE_POS, "neural route: time constant of its rise")                          \
    X(decay, "s", DS_RANGE_POS, "neural route: time constant of its fall after the session")        \
    X(passive_reduction, "1", DS_RANGE_FRAC, "mechanical route: fall of the treated groups' passive stiffness") \
    X(passive_onset, "s", DS_RANGE_POS, "mechanical route: time constant of its rise")              \
    X(passive_decay, "s", DS_RANGE_POS, "mechanical route: time constant of its fall after the session") \
    X(carry_over, "1", DS_RANGE_FRAC, "hypothesis: fall of the guarding tone a session leaves behind (0: none)") \
    X(carry_recovery, "s", DS_RANGE_POS, "hypothesis: time constant of that fall's recovery")

typedef struct ds_massage_defaults {
#define DS_X_FIELD(f, u, r, d) double f;
    DS_MASSAGE_PARAMS(DS_X_FIELD)
#undef DS_X_FIELD
} ds_massage_defaults;

extern const char *const ds_massage_keys[];

typedef struct ds_model {
    char name[DS_NAME_LEN];
    char path[4096];               /* the model file, as resolved */

    int nlevel;                    /* simulated levels, contiguous, top to bottom */
    int level_id[DS_MAX_LEVELS];   /* index into ds_level_names */
    ds_variant variant;

    int nsubj;                     /* subjects (lanes in use) */
    int stride;                    /* lanes per level in every array, nsubj padded to DS_LANE_ALIGN */

    const double *par[DS_NDISC_PARAMS];  /* [level*stride + lane] */
    const double *der[DS_NDISC_DERIVED]; /* [level*stride + lane] */

    int nposture;
    ds_posture posture[DS_MAX_POSTURES];

    ds_body body;
    const double *lane[DS_NLANE_PARAMS]; /* [lane]: per-subject scalars (DS_LP_*) */
    const double *body_mass;       /* [lane] t, = lane[DS_LP_body_mass] */
    int ngroup;
    ds_muscle_group group[DS_MAX_GROUPS];
    const double *tone;            /* [group][lane] floor of activation, fraction of MVC */
    /* Muscle geometry and strength per subject (the group's table holds the file's values):
     * PCSA and moment arm by level id (0 where the group does not cross it), and specific
     * tension. */
    const double *pcsa;            /* [group][DS_MAX_LEVELS][lane] mm^2 */
    const double *arm;             /* [group][DS_MAX_LEVELS][lane] mm, posterior positive */
    const double *sigma;           /* [group][lane] MPa */

    ds_herniation_model hern;
    ds_herniation_site site;
    int nthreshold;
    ds_threshold threshold[DS_MAX_THRESHOLDS];
    ds_massage_defaults massage;

    void *mem_;                    /* the one allocation behind the per-lane arrays */
} ds_model;

void ds_model_free(ds_model *m);

/* A model of subjects l0 .. l0 + n - 1 of m, in a new allocation (ds_model_free it): a
 * block of a batch, whose lanes hold exactly the values m holds for those subjects. */
ds_status ds_model_lanes(const ds_model *m, int l0, int n, ds_model *out, ds_error *err);

/* A model of n subjects that are all lane `lane` of m, in a new allocation: a cohort's
 * block before its draws are written in. */
ds_status ds_model_repeat(const ds_model *m, int lane, int n, ds_model *out, ds_error *err);

/* One model of every subject of parts[0..nparts), in order (a sweep's points as lanes); the
 * parts must be the same but for their lanes (ds_model_same_but_lanes). */
ds_status ds_model_concat(const ds_model *const *parts, int nparts, ds_model *out, ds_error *err);

/* 1 if a and b differ only in what their lanes carry (parameters, per-subject scalars, tone,
 * muscle strength and geometry, and the herniation coefficients filled into the lanes), so
 * that their subjects can run as lanes of one batch. */
int ds_model_same_but_lanes(const ds_model *a, const ds_model *b);

/* Compilation steps, before the model is handed to a run (after that it is read-only):
 * Pfirrmann grade 1..5 applied to level index i (scales pi0, h0, K0), and one subject's
 * value of disc parameter k (DS_PAR_*) at level index i, as a cohort draws it. Both update the
 * derived values. */
void ds_model_degenerate(ds_model *m, int i, int grade);
ds_status ds_model_set_disc(ds_model *m, int k, int i, int lane, double v, ds_error *err);

/* Index of a posture by name, -1 if absent. */
int ds_model_posture(const ds_model *m, const char *name);

/* Index of a level name in ds_level_names, -1 if not a lumbar level name. */
int ds_level_id(const char *name);

/* Lanes padded to the alignment. */
static inline int ds_pad_lanes(int n) { return (n + DS_LANE_ALIGN - 1) / DS_LANE_ALIGN * DS_LANE_ALIGN; }

#endif
