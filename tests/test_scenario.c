/* Scenario input end to end through the command line: every kind of bad input gets a
 * message naming file, line and key, a non-zero exit code, and no output file; a
 * diverging run names time, subject and variable; --set overrides work and are checked. */
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testkit.h"

static char dir[256];

/* Runs the discsim binary with argv (NULL-terminated), stderr+stdout into *out (malloc'ed). */
static int run_cli(const char *const *argv, char **out)
{
    char log[300];
    snprintf(log, sizeof log, "%s/cli.log", dir);
    return tk_run_cli(argv, log, out);
}

/* No file but the scenario and the log may be left in the folder. */
static void assert_no_output(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "cli.log") || strstr(e->d_name, ".yaml"))
            continue;
        fail_msg("unexpected file left behind: %s", e->d_name);
    }
    closedir(d);
}

static const char *const base =
    "name: bad_input\n"                                  /* 1 */
    "model: " DS_SOURCE_DIR "/models/lumbar_adult.yaml\n" /* 2 */
    "levels: [L4L5]\n"                                   /* 3 */
    "timeline:\n"                                        /* 4 */
    "  repeat: 1\n"                                      /* 5 */
    "  phases:\n"                                        /* 6 */
    "    - {posture: standing, duration: 2h}\n"          /* 7 */
    "    - {posture: lying, duration: 1h}\n"             /* 8 */
    "record: {interval: 10min}\n"                        /* 9 */
    "solver: {method: trbdf2, rtol: 1e-6}\n";            /* 10 */

typedef struct {
    const char *what, *from, *to; /* replace `from` in base by `to` */
    int line;                     /* line the message must name (0: none, e.g. the model file's) */
    const char *key, *words;      /* substrings the message must hold */
} bad_case;

static void check_case(const bad_case *c)
{
    char *text = malloc(strlen(base) + 512);
    const char *at = strstr(base, c->from);
    assert_non_null(at);
    sprintf(text, "%.*s%s%s", (int)(at - base), base, c->to, at + strlen(c->from));
    char scen[300], out[300];
    snprintf(scen, sizeof scen, "%s/case.yaml", dir);
    snprintf(out, sizeof out, "%s/out.h5", dir);
    tk_write_text(scen, text);
    const char *argv[] = {"discsim", "run", scen, "-o", out, "--quiet", NULL};
    char *msg;
    int rc = run_cli(argv, &msg);
    printf("%-22s exit %d: %s", c->what, rc, msg);
    assert_int_equal(rc, DS_ERR_INPUT);
    assert_non_null(strstr(msg, scen));
    if (c->line) {
        char where[320];
        snprintf(where, sizeof where, "%s:%d", scen, c->line);
        assert_non_null(strstr(msg, where));
    }
    assert_non_null(strstr(msg, c->key));
    assert_non_null(strstr(msg, c->words));
    assert_no_output();
    /* `check` finds the same problem without running */
    const char *argv2[] = {"discsim", "check", scen, NULL};
    char *msg2;
    assert_int_equal(run_cli(argv2, &msg2), DS_ERR_INPUT);
    assert_string_equal(msg, msg2);
    free(msg);
    free(msg2);
    free(text);
    unlink(scen);
}

static void test_bad_input(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"unknown key", "levels: [L4L5]\n", "levels: [L4L5]\ncolour: blue\n", 4, "colour", "unknown key"},
        {"unknown nested key", "repeat: 1\n", "repaet: 1\n", 5, "timeline.repaet", "unknown key"},
        {"wrong type (list)", "levels: [L4L5]", "levels: L4L5", 3, "levels", "expected a list"},
        {"wrong type (number)", "rtol: 1e-6", "rtol: tight", 10, "solver.rtol", "expected a number"},
        {"wrong type (count)", "repeat: 1", "repeat: [1]", 5, "timeline.repeat", "expected a whole number"},
        {"negative duration", "duration: 1h", "duration: -5min", 8, "timeline.phases[1].duration", "positive"},
        {"unparsable duration", "duration: 2h", "duration: 2 hours", 7, "timeline.phases[0].duration",
         "cannot read duration"},
        {"missing model file", DS_SOURCE_DIR "/models/lumbar_adult.yaml", "no_such_model.yaml", 2, "model",
         "no model file no_such_model.yaml beside the scenario nor in the data"},
        {"missing model path", DS_SOURCE_DIR "/models/lumbar_adult.yaml", "models/no_such_model.yaml", 2, "model",
         "cannot open"},
        {"unknown posture", "posture: lying", "posture: handstand", 8, "timeline.phases[1].posture",
         "unknown posture 'handstand'"},
        {"unknown solver", "method: trbdf2", "method: magic", 10, "solver.method", "unknown solver 'magic'"},
        {"empty timeline", "  phases:\n    - {posture: standing, duration: 2h}\n    - {posture: lying, duration: 1h}\n",
         "  phases: []\n", 6, "timeline.phases", "empty"},
        {"YAML syntax error", "levels: [L4L5]", "levels: [L4L5", 4, "", "YAML syntax error"},
        {"unknown level", "levels: [L4L5]", "levels: [L4L6]", 3, "levels", "unknown level 'L4L6'"},
        {"levels not neighbours", "levels: [L4L5]", "levels: [L2L3, L4L5]", 3, "levels", "must be neighbours"},
        {"unknown variable", "record: {interval: 10min}", "record: {interval: 10min, variables: [pressure, mood]}",
         9, "record.variables", "unknown variable 'mood'"},
        {"fixed step missing", "method: trbdf2", "method: rk4", 10, "solver.step", "fixed step"},
        /* esdirk3 where its records were measured far off: refused, not run */
        {"esdirk3 too loose", "method: trbdf2, rtol: 1e-6", "method: esdirk3, rtol: 1e-5", 10, "solver.rtol",
         "esdirk3 needs rtol <= 1e-06 on the quasi-static variant"},
        {"unknown model parameter", "levels: [L4L5]", "levels: [L4L5]\nparameters: {levels: {L4L5: {stiffnes: 2}}}",
         4, "parameters.levels.L4L5.stiffnes", "no such parameter"},
        /* a dimensional number without a unit is an error, wherever it stands */
        {"duration without unit", "duration: 1h", "duration: 60", 8, "timeline.phases[1].duration",
         "cannot read duration '60'"},
        {"angle without unit", "duration: 2h}", "duration: 2h, flexion: 45}", 7, "timeline.phases[0].flexion",
         "without a unit: write it with its unit, e.g. 45 rad"},
        {"mass without unit", "duration: 2h}", "duration: 2h, hand_load: 10}", 7, "timeline.phases[0].hand_load",
         "without a unit"},
        {"unit of another kind", "duration: 2h}", "duration: 2h, hand_load: 10mm}", 7, "timeline.phases[0].hand_load",
         "not a unit of the same kind"},
        {"angle out of range", "duration: 2h}", "duration: 2h, flexion: 200deg}", 7, "timeline.phases[0].flexion",
         "must lie from -90 deg to 90 deg"},
        {"negative distance", "duration: 2h}", "duration: 2h, hand_distance: -3cm}", 7,
         "timeline.phases[0].hand_distance", "must lie"},
        {"size without unit", "levels: [L4L5]", "levels: [L4L5]\nherniation: {level: L4L5, size: 4}", 4,
         "herniation.size", "without a unit"},
        {"negative size", "levels: [L4L5]", "levels: [L4L5]\nherniation: {level: L4L5, size: -2mm}", 4,
         "herniation.size", "must lie from 0 to 20 mm"},
        {"parameter without unit", "levels: [L4L5]", "levels: [L4L5]\nparameters: {levels: {L4L5: {permeability: 0.25}}}",
         4, "parameters.levels.L4L5.permeability", "without a unit: write it with its unit, e.g. 0.25 mm^3/(MPa*s)"},
        {"parameter in a wrong unit", "levels: [L4L5]", "levels: [L4L5]\nparameters: {body: {mass: 85 mm}}", 4,
         "parameters.body.mass", "not a unit of the same kind as t"},
        /* the model rejects the value, the message names the scenario's line, not the model's */
        {"parameter out of range", "levels: [L4L5]",
         "levels: [L4L5]\nparameters:\n  levels: {L4L5: {permeability: -1 mm^3/(MPa*s)}}", 5,
         "levels.L4L5.permeability", "must be positive"},
        {"decay without unit", "levels: [L4L5]",
         "levels: [L4L5]\ninterventions: [{type: massage, at: 1h, duration: 30min, groups: [multifidus], decay: 60}]",
         4, "interventions[0].decay", "cannot read duration '60'"},
        /* what would silently not happen, or divide by an empty window */
        /* a clock time before the run starts, and one that is not a clock time */
        {"clock time before the start", "levels: [L4L5]",
         "levels: [L4L5]\nclock: '07:00'\ninterventions: [{at: day 1 06:30, duration: 30min, groups: [multifidus]}]", 5,
         "interventions[0].at", "day 1 06:30 is before the scenario starts (clock: 07:00 on day 1)"},
        {"bad clock time", "levels: [L4L5]",
         "levels: [L4L5]\ninterventions: [{at: day 1 7h, duration: 30min, groups: [multifidus]}]", 4,
         "interventions[0].at", "'day N HH:MM'"},
        /* a misspelt key is named with the nearest known one */
        {"misspelt key", "rtol: 1e-6}", "rtlo: 1e-6}", 10, "solver.rtlo", "did you mean 'rtol'?"},
        {"massage after the end", "levels: [L4L5]",
         "levels: [L4L5]\ninterventions: [{type: massage, at: 5h, duration: 30min, groups: [multifidus]}]", 4,
         "interventions[0]", "ends after the run, which lasts 3 h"},
        {"a session of a schedule after the end", "levels: [L4L5]",
         "levels: [L4L5]\ninterventions: [{at: 1h, duration: 30min, groups: [multifidus], every: 1h, count: 3}]", 4,
         "interventions[0]", "session 3 of 3"},
        {"summary after the end", "levels: [L4L5]", "levels: [L4L5]\nsummary: {from: 100h}", 4, "summary.from",
         "inside the run"},
        {"summary ends after the end", "levels: [L4L5]", "levels: [L4L5]\nsummary: {to: 4h}", 4, "summary.to",
         "inside the run"},
        /* durations that cannot end */
        {"infinite duration", "duration: 2h", "duration: 1e308week", 7, "timeline.phases[0].duration",
         "longer than 10 years"},
        {"endless duration", "duration: 2h", "duration: 1e300s", 7, "timeline.phases[0].duration",
         "longer than 10 years"},
        {"endless timeline", "repeat: 1", "repeat: 100000", 5, "timeline", "more than the 10 years"},
        {"records without end", "interval: 10min", "interval: 1ms", 9, "record.interval", "record less often"},
        /* studies: names and sweeps */
        {"duplicate arm names", "record: {interval: 10min}", "record: {interval: 10min}\narms: {a: , a: }", 10, "arms.a",
         "two arms have this name"},
        {"arm name as a list", "record: {interval: 10min}", "record: {interval: 10min}\narms: {[a, b]: }", 10, "arms",
         "not a list or mapping"},
        {"arm name with a slash", "record: {interval: 10min}", "record: {interval: 10min}\narms: {a/b: }", 10, "arms",
         "without '/'"},
        {"sweep over nothing", "record: {interval: 10min}",
         "record: {interval: 10min}\nsweep: [{parameter: '', values: [1]}]", 10, "sweep[0].parameter",
         "not a dotted key path"},
        {"sweep over the model", "record: {interval: 10min}",
         "record: {interval: 10min}\nsweep: [{parameter: model, values: [a.yaml]}]", 10, "sweep[0].parameter",
         "cannot vary 'model'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_case(&cases[i]);
}

static void test_set_overrides(void **state)
{
    (void)state;
    char scen[300], out[300];
    snprintf(scen, sizeof scen, "%s/ok.yaml", dir);
    snprintf(out, sizeof out, "%s/ok.h5", dir);
    tk_write_text(scen, base);
    /* a bad override names --set and the key */
    const char *bad[] = {"discsim", "run", scen, "-o", out, "--set", "solver.rtol=loose", NULL};
    char *msg;
    assert_int_equal(run_cli(bad, &msg), DS_ERR_INPUT);
    printf("bad --set: %s", msg);
    assert_non_null(strstr(msg, "--set"));
    assert_non_null(strstr(msg, "solver.rtol"));
    free(msg);
    assert_no_output();
    /* good overrides change the run: 1 phase of 30 min recorded every 5 min -> 7 records */
    const char *good[] = {"discsim", "run", scen, "-o", out, "--set", "timeline.phases=[{posture: sitting, duration: 30min}]",
                          "--set", "record.interval=5min", "--set", "parameters.levels.L4L5.permeability=0.25 mm^3/(MPa*s)", NULL};
    int rc = run_cli(good, &msg);
    printf("good --set: %s", msg);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(msg, "7 records"));
    free(msg);
    double *perm;
    int rank;
    size_t dims[2];
    ds_error err;
    assert_int_equal(ds_h5_read_doubles(out, "/meta/parameters/L4L5/permeability", &rank, dims, &perm, &err), DS_OK);
    assert_true(perm[0] == 0.25);
    free(perm);
    /* a factor on the model's own value: {scale: 0.5} halves the L4L5 height's 11 mm */
    const char *half[] = {"discsim", "run", scen, "-o", out, "--quiet", "--set", "timeline.repeat=1", "--set",
                          "parameters.levels.L4L5.height={scale: 0.5}", NULL};
    assert_int_equal(run_cli(half, &msg), 0);
    free(msg);
    assert_int_equal(ds_h5_read_doubles(out, "/meta/parameters/L4L5/height", &rank, dims, &perm, &err), DS_OK);
    assert_true(fabs(perm[0] - 5.5) < 1e-12);
    free(perm);
    /* a value in another unit of the same kind is converted: 1.1 cm is 11 mm */
    const char *conv[] = {"discsim", "run", scen, "-o", out, "--quiet", "--set", "timeline.repeat=1", "--set",
                          "parameters.levels.L4L5.height=1.1cm", NULL};
    assert_int_equal(run_cli(conv, &msg), 0);
    free(msg);
    double *h0;
    assert_int_equal(ds_h5_read_doubles(out, "/meta/parameters/L4L5/height", &rank, dims, &h0, &err), DS_OK);
    assert_true(fabs(h0[0] - 11.0) < 1e-12);
    free(h0);
    unlink(out);
    unlink(scen);
}

static void test_divergence(void **state)
{
    (void)state;
    char scen[300], out[300];
    snprintf(scen, sizeof scen, "%s/div.yaml", dir);
    snprintf(out, sizeof out, "%s/div.h5", dir);
    tk_write_text(scen, base);
    /* explicit Euler at 10 ms is unstable for the 40 Hz vertebral mode */
    const char *argv[] = {"discsim", "run", scen, "-o", out, "--set", "variant=inertial", "--set", "solver.method=euler",
                          "--set", "solver.step=10ms", NULL};
    char *msg;
    int rc = run_cli(argv, &msg);
    printf("divergence: exit %d: %s", rc, msg);
    assert_int_equal(rc, DS_ERR_NUMERIC);
    assert_non_null(strstr(msg, "diverged at t = "));
    assert_non_null(strstr(msg, "subject 0"));
    assert_non_null(strstr(msg, "L4"));
    assert_non_null(strstr(msg, "(phase "));
    assert_non_null(strstr(msg, ", posture "));
    free(msg);
    assert_no_output();
    unlink(scen);
}

/* Runs `discsim check` on a file (or with --set) and requires exit `code` and `words`. */
static void check_refused_as(int code, const char *what, const char *scen, const char *set, const char *words)
{
    const char *argv[] = {"discsim", "check", scen, set ? "--set" : NULL, set, NULL};
    char *msg;
    int rc = run_cli(argv, &msg);
    printf("%-22s exit %d: %.300s%s", what, rc, msg, strlen(msg) > 300 ? "...\n" : "");
    assert_int_equal(rc, code);
    assert_non_null(strstr(msg, words));
    free(msg);
}

#define check_refused(...) check_refused_as(DS_ERR_INPUT, __VA_ARGS__)

/* Input that once crashed discsim or took it minutes or gigabytes before the first error. */
static void test_input_limits(void **state)
{
    (void)state;
    char scen[300];
    snprintf(scen, sizeof scen, "%s/limits.yaml", dir);
    check_refused("/dev/zero", "/dev/zero", NULL, "larger than 1 MiB");
    check_refused("a folder", dir, NULL, "is a folder");
    /* text after a NUL byte was ignored */
    FILE *f = fopen(scen, "wb");
    fputs(base, f);
    fputc('\0', f);
    fputs("colour: blue\n", f);
    fclose(f);
    check_refused("NUL byte", scen, NULL, "NUL byte");
    /* 100000 nested lists: libyaml's composer is quadratic in depth */
    char *deep = malloc(200100);
    size_t n = (size_t)sprintf(deep, "description: ");
    for (int i = 0; i < 100000; i++)
        deep[n++] = '[';
    for (int i = 0; i < 100000; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    tk_write_text(scen, deep);
    free(deep);
    check_refused("deep nesting", scen, NULL, "nested more than 32 deep");
    /* a billion laughs: ten anchors, each ten of the one before */
    char laughs[2048];
    n = (size_t)sprintf(laughs, "%sdescription:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n", base);
    for (int k = 1; k < 10; k++)
        n += (size_t)sprintf(laughs + n, "  l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", k, k,
                             k - 1, k - 1, k - 1, k - 1, k - 1, k - 1, k - 1, k - 1, k - 1, k - 1);
    tk_write_text(scen, laughs);
    check_refused("billion laughs", scen, NULL, "once aliases are expanded");
    /* an alias to its own list: copying the --set value recursed without end */
    tk_write_text(scen, base);
    check_refused("alias cycle in --set", scen, "description=&a [*a]", "a cycle");
    /* an alias cycle created by merging an arm: the merged document is checked again */
    char cyc[2048];
    snprintf(cyc, sizeof cyc, "%sdescription: &d {x: 1}\narms: {a: {description: {y: *d}}}\n", base);
    tk_write_text(scen, cyc);
    check_refused("cycle made by an arm", scen, NULL, "a cycle");
    /* a parameter path longer than the buffer it was built in wrote past it */
    char *longkey = malloc(4096);
    n = (size_t)sprintf(longkey, "%sparameters: {levels: {L4L5: {", base);
    for (int i = 0; i < 900; i++)
        longkey[n++] = 'k';
    strcpy(longkey + n, ": 1}}}\n");
    tk_write_text(scen, longkey);
    free(longkey);
    check_refused("long parameter path", scen, NULL, "key path too long");
    check_refused_as(DS_ERR_USAGE, "--set an empty key part", scen, "timeline..repeat=2", "empty part");
    unlink(scen);
}

/* Text from a file reaches the terminal without its control characters: a scenario named
 * with an escape sequence and a line break is shown by `info` as plain text. */
static void test_info_text_is_clean(void **state)
{
    (void)state;
    char scen[300], out[300];
    snprintf(scen, sizeof scen, "%s/esc.yaml", dir);
    snprintf(out, sizeof out, "%s/esc.h5", dir);
    char *text = malloc(strlen(base) + 64);
    sprintf(text, "name: \"x\\e[2Jcleared\\nforged line\"\n%s", strchr(base, '\n') + 1);
    tk_write_text(scen, text);
    free(text);
    const char *run[] = {"discsim", "run", scen, "-o", out, "-q", NULL}, *info[] = {"discsim", "info", out, NULL};
    char *msg;
    assert_int_equal(run_cli(run, &msg), 0);
    free(msg);
    assert_int_equal(run_cli(info, &msg), 0);
    assert_null(strchr(msg, '\x1b'));
    assert_non_null(strstr(msg, "x [2Jcleared forged line"));
    free(msg);
    unlink(out);
    unlink(scen);
}

/* Clock times for interventions ("day N HH:MM" from the scenario's clock) and list indices
 * written as the messages write them (timeline.phases[1]) in --set keys. */
static void test_clock_and_index_keys(void **state)
{
    (void)state;
    char scen[300];
    snprintf(scen, sizeof scen, "%s/clock.yaml", dir);
    tk_write_text(scen, base);
    const char *set[] = {"clock=07:00", "timeline.repeat=2",
                         "interventions=[{at: day 2 08:30, duration: 30min, groups: [multifidus]}]",
                         "timeline.phases[1].duration=22h"}; /* two days of 24 h */
    ds_scenario sc;
    ds_error err = {0};
    assert_int_equal(ds_scenario_load(scen, 4, set, &sc, &err), DS_OK);
    assert_int_equal(sc.nsession, 1);
    assert_true(sc.session[0].start == 86400.0 + 1.5 * 3600.0); /* day 2 08:30 is 25.5 h after day 1 07:00 */
    assert_true(sc.phase[1].duration == 79200.0);
    ds_scenario_free(&sc);
    const char *bad[] = {"timeline.phases[x].duration=1h"};
    assert_int_equal(ds_scenario_load(scen, 1, bad, &sc, &err), DS_ERR_USAGE);
    assert_non_null(strstr(err.msg, "write a list index as [0]"));
    unlink(scen);
}

/* `info` on a study file: how it was made, the study, its groups, and a group's datasets. */
static void test_info_of_a_study(void **state)
{
    (void)state;
    char scen[300], out[300], text[2048];
    snprintf(scen, sizeof scen, "%s/study.yaml", dir);
    snprintf(out, sizeof out, "%s/study.h5", dir);
    snprintf(text, sizeof text, "%sarms:\n  control:\n  massage: {interventions: [{at: 1h, duration: 30min, groups: "
             "[multifidus]}]}\n", base);
    tk_write_text(scen, text);
    /* the arms table for programs, alone on stdout even with -q */
    const char *run[] = {"discsim", "run", scen, "-o", out, "-q", "--table", "csv", NULL};
    char *msg;
    assert_int_equal(run_cli(run, &msg), 0);
    static const char head[] = "metric,unit,subjects,control,massage,massage-control,massage-control_percent\r\n";
    assert_true(!strncmp(msg, head, strlen(head)));
    assert_non_null(strstr(msg, "\r\nmean_nucleus_pressure,MPa,1,"));
    free(msg);
    const char *json[] = {"discsim", "info", out, "/arms/massage/summary", "--json", NULL};
    assert_int_equal(run_cli(json, &msg), 0);
    assert_non_null(strstr(msg, "\"study\": \"arms\", \"arms\": \"control, massage\""));
    assert_non_null(strstr(msg, "{\"path\": \"/arms/massage/summary/height_lost\", \"shape\": \"1\", "
                                "\"dimensions\": \"subject\", \"units\": \"mm\""));
    free(msg);
    const char *all[] = {"discsim", "info", out, NULL};
    assert_int_equal(run_cli(all, &msg), 0);
    assert_non_null(strstr(msg, "study      arms: control, massage (the first is the reference)"));
    assert_non_null(strstr(msg, "made by    discsim "));
    assert_non_null(strstr(msg, "command    discsim run "));
    assert_non_null(strstr(msg, "time       per arm: 19 records")); /* 3 h every 10 min */
    assert_non_null(strstr(msg, "groups (discsim info FILE GROUP"));
    assert_null(strstr(msg, "/arms/massage/summary/peak_nucleus_pressure")); /* too many to list */
    free(msg);
    const char *one[] = {"discsim", "info", out, "/arms/massage/summary", NULL};
    assert_int_equal(run_cli(one, &msg), 0);
    assert_non_null(strstr(msg, "datasets (3 under /arms/massage/summary)")); /* no herniation: no root metrics */
    assert_non_null(strstr(msg, "/arms/massage/summary/peak_nucleus_pressure  1 (subject)  MPa"));
    assert_null(strstr(msg, "/arms/control/"));
    free(msg);
    const char *none[] = {"discsim", "info", out, "/arms/nobody", NULL};
    assert_int_equal(run_cli(none, &msg), DS_ERR_USAGE);
    assert_non_null(strstr(msg, "nothing under '/arms/nobody'"));
    free(msg);
    unlink(out);
    unlink(scen);
}

static void test_usage(void **state)
{
    (void)state;
    char *msg;
    const char *a1[] = {"discsim", "frobnicate", NULL};
    assert_int_equal(run_cli(a1, &msg), DS_ERR_USAGE);
    free(msg);
    /* a usage error is its cause on one line, a guess when the word is near a known one, and
     * where the help is: two lines, not the whole usage */
    const char *typo[] = {"discsim", "runn", NULL};
    assert_int_equal(run_cli(typo, &msg), DS_ERR_USAGE);
    assert_non_null(strstr(msg, "unknown command 'runn'; did you mean 'run'?\nTry 'discsim --help'.\n"));
    free(msg);
    const char *opt[] = {"discsim", "run", "x.yaml", "--thread", "2", NULL};
    assert_int_equal(run_cli(opt, &msg), DS_ERR_USAGE);
    assert_non_null(strstr(msg, "discsim run: unknown option '--thread'; did you mean '--threads'?\nTry 'discsim run --help'.\n"));
    free(msg);
    /* --name=value is --name value */
    char scen[300], out[300];
    snprintf(scen, sizeof scen, "%s/eq.yaml", dir);
    snprintf(out, sizeof out, "%s/eq.h5", dir);
    tk_write_text(scen, base);
    char o_eq[320];
    snprintf(o_eq, sizeof o_eq, "--output=%s", out);
    const char *eq[] = {"discsim", "run", scen, o_eq, "--threads=2", "--set=record.interval=1h", "--record=series", "-q", NULL};
    assert_int_equal(run_cli(eq, &msg), 0);
    free(msg);
    assert_int_equal(access(out, F_OK), 0);
    unlink(out);
    unlink(scen);
    const char *a2[] = {"discsim", "run", "--help", NULL};
    assert_int_equal(run_cli(a2, &msg), 0);
    assert_non_null(strstr(msg, "Exit codes"));
    free(msg);
    const char *a3[] = {"discsim", "info", "/nonexistent/file.h5", NULL};
    int rc = run_cli(a3, &msg);
    assert_int_not_equal(rc, 0);
    free(msg);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ds_scenario_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char log[300];
    snprintf(log, sizeof log, "%s/cli.log", dir);
    unlink(log);
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_set_overrides),
        cmocka_unit_test(test_input_limits),
        cmocka_unit_test(test_info_text_is_clean),
        cmocka_unit_test(test_divergence),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_clock_and_index_keys),
        cmocka_unit_test(test_info_of_a_study),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
