/* Units of measure (see units.h). A recursive-descent parser over a fixed table of unit
 * names; the grammar is   expr := term (('*' | '/') term)*,   term := atom ('^' int)?,
 * atom := name | number 1 | '%' | '(' expr ')'.  Depth is bounded so that no input, however
 * crafted, can exhaust the stack. */
#include "discsim/constants.h"
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    double factor;
    signed char dim[DS_NDIM]; /* L M T A */
} unit_row;

/* Internal units: mm, t, s, rad; N = t mm s^-2, MPa = N/mm^2 = t mm^-1 s^-2. */
static const unit_row table[] = {
    {"mm", 1.0, {1, 0, 0, 0}},      {"cm", 10.0, {1, 0, 0, 0}},         {"m", 1000.0, {1, 0, 0, 0}},
    {"um", 1e-3, {1, 0, 0, 0}},     {"t", 1.0, {0, 1, 0, 0}},           {"kg", 1e-3, {0, 1, 0, 0}},
    {"g", 1e-6, {0, 1, 0, 0}},      {"s", 1.0, {0, 0, 1, 0}},           {"ms", 1e-3, {0, 0, 1, 0}},
    {"min", 60.0, {0, 0, 1, 0}},    {"h", 3600.0, {0, 0, 1, 0}},        {"d", 86400.0, {0, 0, 1, 0}},
    {"week", 604800.0, {0, 0, 1, 0}}, {"N", 1.0, {1, 1, -2, 0}},        {"kN", 1000.0, {1, 1, -2, 0}},
    {"MPa", 1.0, {-1, 1, -2, 0}},   {"kPa", 1e-3, {-1, 1, -2, 0}},      {"Pa", 1e-6, {-1, 1, -2, 0}},
    {"mmHg", DS_KPA_PER_MMHG * 1e-3, {-1, 1, -2, 0}}, {"rad", 1.0, {0, 0, 0, 1}},
    {"deg", DS_RAD_PER_DEG, {0, 0, 0, 1}},
};

enum { MAX_DEPTH = 8 };

typedef struct {
    const char *p;
    char *why;
    size_t nwhy;
    int depth;
} parser;

static void skip(parser *ps)
{
    while (*ps->p == ' ')
        ps->p++;
}

static int fail(parser *ps, const char *msg)
{
    snprintf(ps->why, ps->nwhy, "%s", msg);
    return -1;
}

static int expr(parser *ps, ds_unit *u);

static int atom(parser *ps, ds_unit *u)
{
    skip(ps);
    memset(u, 0, sizeof *u);
    u->factor = 1.0;
    if (*ps->p == '(') {
        if (++ps->depth > MAX_DEPTH)
            return fail(ps, "too many parentheses");
        ps->p++;
        if (expr(ps, u))
            return -1;
        skip(ps);
        if (*ps->p != ')')
            return fail(ps, "a '(' is not closed");
        ps->p++;
        ps->depth--;
        return 0;
    }
    if (*ps->p == '1' && !isalnum((unsigned char)ps->p[1])) {
        ps->p++;
        return 0;
    }
    if (*ps->p == '%') {
        ps->p++;
        u->factor = 0.01;
        return 0;
    }
    size_t n = 0;
    while (isalpha((unsigned char)ps->p[n]))
        n++;
    for (size_t k = 0; n && k < sizeof table / sizeof table[0]; k++)
        if (strlen(table[k].name) == n && !strncmp(ps->p, table[k].name, n)) {
            u->factor = table[k].factor;
            memcpy(u->dim, table[k].dim, sizeof u->dim);
            ps->p += n;
            return 0;
        }
    char msg[96];
    snprintf(msg, sizeof msg, "unknown unit '%.*s'", n ? (int)(n < 32 ? n : 32) : 1, n ? ps->p : ps->p[0] ? ps->p : "?");
    return fail(ps, msg);
}

static int term(parser *ps, ds_unit *u)
{
    if (atom(ps, u))
        return -1;
    skip(ps);
    if (*ps->p != '^')
        return 0;
    ps->p++;
    char *end;
    errno = 0;
    long e = strtol(ps->p, &end, 10);
    if (end == ps->p || errno || e < -4 || e > 4 || e == 0)
        return fail(ps, "a power must be a whole number from -4 to 4, not 0");
    ps->p = end;
    u->factor = pow(u->factor, (double)e);
    for (int k = 0; k < DS_NDIM; k++)
        u->dim[k] = (signed char)(u->dim[k] * e);
    return 0;
}

static int expr(parser *ps, ds_unit *u)
{
    if (term(ps, u))
        return -1;
    for (;;) {
        skip(ps);
        char op = *ps->p;
        if (op != '*' && op != '/')
            return 0;
        ps->p++;
        ds_unit r;
        if (term(ps, &r))
            return -1;
        int s = op == '*' ? 1 : -1;
        u->factor = s > 0 ? u->factor * r.factor : u->factor / r.factor;
        for (int k = 0; k < DS_NDIM; k++) {
            int v = u->dim[k] + s * r.dim[k];
            if (v < -12 || v > 12)
                return fail(ps, "powers too large");
            u->dim[k] = (signed char)v;
        }
    }
}

int ds_unit_parse(const char *text, ds_unit *out, char *why, size_t nwhy)
{
    parser ps = {.p = text, .why = why, .nwhy = nwhy};
    skip(&ps);
    if (!*ps.p)
        return fail(&ps, "no unit");
    if (expr(&ps, out))
        return -1;
    skip(&ps);
    if (*ps.p)
        return fail(&ps, *ps.p == ')' ? "a ')' has no '('" : "unexpected text after the unit");
    return 0;
}

int ds_unit_dimensionless(const char *unit)
{
    ds_unit u;
    char why[8];
    if (ds_unit_parse(unit, &u, why, sizeof why))
        return 0;
    for (int k = 0; k < DS_NDIM; k++)
        if (u.dim[k])
            return 0;
    return 1;
}

int ds_quantity_parse(const char *text, const char *unit, double *out, char *why, size_t nwhy)
{
    ds_unit want, got;
    if (ds_unit_parse(unit, &want, why, nwhy))
        return -1;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno == ERANGE || !isfinite(v)) {
        snprintf(why, nwhy, "expected a number%s%s", ds_unit_dimensionless(unit) ? "" : " with its unit, e.g. 1 ",
                 ds_unit_dimensionless(unit) ? "" : unit);
        return -1;
    }
    while (*end == ' ')
        end++;
    if (!*end) {
        if (v != 0.0 && !ds_unit_dimensionless(unit)) {
            snprintf(why, nwhy, "a number without a unit: write it with its unit, e.g. %g %s", v, unit);
            return -1;
        }
        *out = v;
        return 0;
    }
    char sub[128];
    if (ds_unit_parse(end, &got, sub, sizeof sub)) {
        snprintf(why, nwhy, "cannot read the unit '%s': %s", end, sub);
        return -1;
    }
    if (memcmp(got.dim, want.dim, sizeof got.dim) != 0) {
        snprintf(why, nwhy, "unit '%s' is not a unit of the same kind as %s", end, unit);
        return -1;
    }
    double r = v * (got.factor / want.factor);
    if (!isfinite(r)) {
        snprintf(why, nwhy, "out of range");
        return -1;
    }
    *out = r;
    return 0;
}

int ds_clock_time_parse(const char *text, double clock_start, double *t)
{
    int day, hh, mm;
    char extra;
    if (sscanf(text, "day %d %d:%d%c", &day, &hh, &mm, &extra) != 3 || day < 1 || day > 100000 || hh < 0 || hh > 23 ||
        mm < 0 || mm > 59)
        return -1;
    *t = 86400.0 * (day - 1) + 3600.0 * hh + 60.0 * mm - clock_start;
    return 0;
}
