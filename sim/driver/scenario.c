/* A compiled scenario's lifetime and length (the loader is io/scenario_load.c). */
#include "discsim/scenario.h"

#include <stdlib.h>

void ds_scenario_free(ds_scenario *sc)
{
    if (!sc)
        return;
    free(sc->text);
    free(sc->overrides);
    sc->text = sc->overrides = NULL;
    ds_model_free(&sc->model);
    ds_cohort_free(&sc->cohort);
}

double ds_scenario_duration(const ds_scenario *sc)
{
    double day = 0.0;
    for (int i = 0; i < sc->nphase; i++)
        day += sc->phase[i].duration;
    return day * sc->repeat;
}

