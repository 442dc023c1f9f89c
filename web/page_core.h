/* What the teaching page asks of the core (web/page.js calls these through WebAssembly; the
 * native page_check calls them to compare with the command line).
 *
 * A run is one preset day (web/presets/) for one subject with the page's settings: the tone
 * of the paraspinals (erector spinae and multifidus), a paracentral L4-L5 herniation of a
 * size, gap and degeneration grade, and two arms, control and one 30-min massage of the
 * paraspinals at a clock time of the reported day, with the model's measured effect or the
 * article's claim. page_scenario_yaml writes the scenario the command line runs for the same
 * settings; it compiles to the same scenario, so it gives the same numbers. */
#ifndef DS_PAGE_CORE_H
#define DS_PAGE_CORE_H

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define PAGE_API EMSCRIPTEN_KEEPALIVE
#else
#define PAGE_API
#endif

enum { PAGE_CONTROL = 0, PAGE_MASSAGE = 1, PAGE_ARMS = 2 };

/* The series kept for the reported day (the preset's summary window), by arm: X(key, the
 * run's series it is (NULL: the clock), unit). */
#define PAGE_SERIES(X)                                                                             \
    X(time, NULL, "h") /* clock time, hours from midnight of the day the reported day starts */ \
    X(pressure, "/levels/L4L5/pressure", "MPa")                                                    \
    X(height, "/levels/L4L5/height", "mm")                                                         \
    X(contact, "/root/contact_pressure_mmHg", "mmHg")                                              \
    X(protrusion, "/root/protrusion", "mm")                                                        \
    X(gap, "/root/gap", "mm")                                                                      \
    X(flexion, "/levels/L4L5/flexion", "deg")                                                      \
    X(load, "/levels/L4L5/axial_load", "N")                                                        \
    X(muscle, "/levels/L4L5/muscle_compression", "N")

enum {
#define PAGE_X(f, path, u) PAGE_S_##f,
    PAGE_SERIES(PAGE_X)
#undef PAGE_X
    PAGE_NSERIES
};

/* Runs both arms; 0, or -1 with page_error() saying why. massage_minute: clock time of the
 * session's start in minutes after midnight (in the reported day, which starts at the
 * preset's clock); claimed: 0 the model's measured effect, 1 the article's claim (tone
 * halved, passive stiffness -20 %, lasting an hour). */
PAGE_API int page_run(int preset, double tone, double size, double gap, int grade, int massage_minute, int claimed);
PAGE_API const char *page_error(void);

/* Results of the last page_run. */
PAGE_API int page_nrecords(void);
PAGE_API const double *page_series(int arm, int series);
PAGE_API const char *page_series_key(int series); /* PAGE_SERIES's key: "pressure", ... */
PAGE_API int page_nmetrics(void);
PAGE_API const char *page_metric_name(int k);
PAGE_API const char *page_metric_unit(int k);
PAGE_API double page_metric(int arm, int k);
PAGE_API int page_steps(int arm);
PAGE_API double page_session_start(void); /* h, on the series' clock */

/* The presets and the model's tables the controls and figures need. */
PAGE_API int page_npreset(void);
PAGE_API const char *page_preset_key(int preset);
PAGE_API const char *page_preset_name(int preset); /* the scenario's name, e.g. office_day */
PAGE_API double page_preset_clock(int preset); /* h: the clock at the start */
PAGE_API int page_nthreshold(void);
PAGE_API const char *page_threshold_name(int k);
PAGE_API double page_threshold_mmhg(int k);
PAGE_API double page_default_gap(void);  /* mm, the model's for a paracentral herniation */
PAGE_API double page_root_diameter(void); /* mm */

/* The scenario file the command line runs for the same settings (a static buffer). */
PAGE_API const char *page_scenario_yaml(int preset, double tone, double size, double gap, int grade,
                                        int massage_minute, int claimed);

#endif
