/* libFuzzer target: scenario and model loading, with --set overrides.
 *
 * An input is one of
 *   a scenario file's text, optionally followed by a line "#--set" and one override a line;
 *   "#model" and a line break, then a model file's text (loaded by a fixed, valid scenario).
 * The scenario is written to <tmp>/scenarios/fuzz.yaml beside a copy of the project's model at
 * <tmp>/models/lumbar_adult.yaml, so the seeds from scenarios/ resolve their model as they do
 * in the repository. Everything is loaded and compiled (ds_study_load), nothing is run: the
 * target is the reader, and a run would spend the time budget on arithmetic.
 *
 * Build and run: scripts/fuzz.sh (see tests/fuzz/README.md). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discsim/discsim.h"

static char scen_path[512], model_path[512];

static const char fixed_scenario[] =
    "name: fuzz_model\nmodel: ../models/fuzz_model.yaml\nlevels: [L4L5]\n"
    "herniation: {level: L4L5, size: 4mm}\n"
    "timeline: {phases: [{posture: standing, duration: 1h}, {posture: lying, duration: 1h}]}\n"
    "interventions: [{at: 30min, duration: 10min, groups: [multifidus]}]\n";

static int write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

static int copy_file(const char *from, const char *to)
{
    FILE *f = fopen(from, "rb");
    if (!f)
        return -1;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return write_file(to, buf, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[] = "/tmp/ds_fuzz_scenario_XXXXXX";
    if (!mkdtemp(dir))
        abort();
    char sub[600];
    snprintf(sub, sizeof sub, "%s/scenarios", dir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/models", dir);
    mkdir(sub, 0700);
    snprintf(scen_path, sizeof scen_path, "%s/scenarios/fuzz.yaml", dir);
    snprintf(model_path, sizeof model_path, "%s/models/fuzz_model.yaml", dir);
    snprintf(sub, sizeof sub, "%s/models/lumbar_adult.yaml", dir);
    if (copy_file(DS_SOURCE_DIR "/models/lumbar_adult.yaml", sub))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { MAX_SET = 8 };
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *set[MAX_SET];
    int nset = 0;
    size_t body = size;
    if (size >= 7 && !memcmp(text, "#model\n", 7)) {
        if (write_file(model_path, text + 7, size - 7) || write_file(scen_path, fixed_scenario, strlen(fixed_scenario))) {
            free(text);
            return 0;
        }
    } else {
        char *mark = strstr(text, "\n#--set\n");
        if (mark) {
            body = (size_t)(mark - text) + 1;
            char *p = mark + 8;
            while (*p && nset < MAX_SET) {
                char *nl = strchr(p, '\n');
                if (nl)
                    *nl = '\0';
                set[nset++] = p;
                p = nl ? nl + 1 : p + strlen(p);
            }
        }
        if (write_file(scen_path, data, body)) {
            free(text);
            return 0;
        }
    }
    ds_study st;
    ds_error err = {0};
    if (ds_study_load(scen_path, nset, set, &st, &err) == DS_OK)
        ds_study_free(&st);
    else if (!err.msg[0])
        abort(); /* every refusal carries a message */
    free(text);
    return 0;
}
