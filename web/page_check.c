/* The teaching page's core natively: one page_run with the settings given, its summary
 * metrics printed as JSON with every digit, and the scenario file its "copy as scenario"
 * writes, so that tests/web_page_check.py can run the command line on that file and compare.
 * Usage: page_check PRESET TONE SIZE_MM GAP_MM GRADE MINUTE CLAIMED OUT.yaml */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page_core.h"

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: page_check PRESET TONE SIZE_MM GAP_MM GRADE MINUTE CLAIMED OUT.yaml\n");
        return 2;
    }
    int preset = -1;
    for (int k = 0; k < page_npreset(); k++)
        if (!strcmp(argv[1], page_preset_key(k)))
            preset = k;
    const double tone = strtod(argv[2], NULL), size = strtod(argv[3], NULL), gap = strtod(argv[4], NULL);
    const int grade = atoi(argv[5]), minute = atoi(argv[6]), claimed = atoi(argv[7]);
    if (page_run(preset, tone, size, gap, grade, minute, claimed)) {
        fprintf(stderr, "page_check: %s\n", page_error());
        return 1;
    }
    FILE *f = fopen(argv[8], "w");
    if (!f || fputs(page_scenario_yaml(preset, tone, size, gap, grade, minute, claimed), f) < 0 || fclose(f)) {
        fprintf(stderr, "page_check: cannot write %s\n", argv[8]);
        return 1;
    }
    printf("{\"records\": %d, \"steps\": [%d, %d], \"metrics\": {", page_nrecords(), page_steps(0), page_steps(1));
    for (int k = 0; k < page_nmetrics(); k++)
        printf("%s\"%s\": [%.17g, %.17g]", k ? ", " : "", page_metric_name(k), page_metric(0, k), page_metric(1, k));
    printf("}}\n");
    return 0;
}
