/* The method descriptor table: one const row per integrator. */
#include <string.h>

#include "workspace.h"

static const ds_method methods[DS_NMETHODS] = {
    {DS_EULER, "euler", "explicit Euler, fixed step", 1, 0, 0, 0, 0, 0, ds_step_euler},
    {DS_RK4, "rk4", "classical Runge-Kutta, order 4, fixed step", 4, 0, 0, 0, 0, 3, ds_step_rk4},
    {DS_DOPRI5, "dopri5", "Dormand-Prince 5(4), adaptive, FSAL", 5, 4, 1, 0, 1, 6, ds_step_dopri5},
    {DS_BEULER, "beuler", "backward Euler, fixed step, Newton with analytic Jacobian", 1, 0, 0, 1, 0, 0,
     ds_step_beuler},
    {DS_TRBDF2, "trbdf2", "TR-BDF2 (L-stable ESDIRK, order 2, embedded order 3), adaptive", 2, 3, 1, 1, 0, 2,
     ds_step_trbdf2},
    {DS_ESDIRK3, "esdirk3",
     "ESDIRK3(2)4L[2]SA (Kennedy & Carpenter 2003: L-stable, stiffly accurate, order 3, embedded order 2), adaptive",
     3, 2, 1, 1, 0, 3, ds_step_esdirk3},
};

const ds_method *ds_method_get(ds_method_id id)
{
    return (id >= 0 && id < DS_NMETHODS) ? &methods[id] : NULL;
}

const ds_method *ds_method_find(const char *name)
{
    for (int i = 0; i < DS_NMETHODS; i++)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

ds_solver_opts ds_solver_defaults(void)
{
    return (ds_solver_opts){
        .method = DS_TRBDF2,
        .rtol = 1e-6,
        .atol = 1e-6,
        .h_fixed = 0.0,
        .h_init = 1e-3,
        .h_max = 0.0,
        .h_min = 1e-12,
        .max_steps = 0,
        .newton_maxit = 8,
    };
}
