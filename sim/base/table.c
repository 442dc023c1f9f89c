/* Tables as text, CSV or JSON (see discsim/table.h). Numbers keep 10 significant digits in
 * CSV and JSON (17 would show binary noise such as 0.30000000000000004 to readers who compare
 * with the text), 4 in text. */
#include "discsim/table.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int ds_table_format_parse(const char *s, ds_table_format *fmt)
{
    static const char *const names[] = {"text", "csv", "json"};
    for (int k = 0; k < 3; k++)
        if (!strcmp(s, names[k])) {
            *fmt = (ds_table_format)k;
            return 0;
        }
    return -1;
}

ds_status ds_table_init(ds_table *t, const char *name, int ncol, const char *const *cols, ds_error *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    for (int c = 0; c < ncol; c++)
        ds_table_column(t, "%s", cols[c]);
    if (t->broken) {
        ds_table_free(t);
        return ds_fail(err, DS_ERR_NOMEM, "out of memory");
    }
    return DS_OK;
}

void ds_table_column(ds_table *t, const char *fmt, ...)
{
    char **col = t->nrow || t->broken ? NULL : realloc(t->col, (size_t)(t->ncol + 1) * sizeof *col);
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (col)
        t->col = col;
    if (!col || !(col[t->ncol] = strdup(buf)))
        t->broken = 1;
    else
        t->ncol++;
}

int ds_table_row(ds_table *t)
{
    if (t->broken)
        return -1;
    if (t->nrow == t->cap) {
        int cap = t->cap ? 2 * t->cap : 16;
        char **text = realloc(t->text, (size_t)cap * t->ncol * sizeof *text);
        if (text)
            t->text = text;
        double *num = text ? realloc(t->num, (size_t)cap * t->ncol * sizeof *num) : NULL;
        if (!num) {
            t->broken = 1;
            return -1;
        }
        t->num = num;
        t->cap = cap;
    }
    for (int c = 0; c < t->ncol; c++) {
        t->text[(size_t)t->nrow * t->ncol + c] = NULL;
        t->num[(size_t)t->nrow * t->ncol + c] = NAN;
    }
    return t->nrow++;
}

void ds_table_num(ds_table *t, int row, int col, double v)
{
    if (row >= 0 && row < t->nrow && col >= 0 && col < t->ncol)
        t->num[(size_t)row * t->ncol + col] = v;
}

void ds_table_text(ds_table *t, int row, int col, const char *s)
{
    if (row < 0 || row >= t->nrow || col < 0 || col >= t->ncol)
        return;
    char **cell = &t->text[(size_t)row * t->ncol + col];
    free(*cell);
    if (!(*cell = strdup(s)))
        t->broken = 1;
}

void ds_table_free(ds_table *t)
{
    for (int c = 0; t->col && c < t->ncol; c++)
        free(t->col[c]);
    for (size_t i = 0; t->text && i < (size_t)t->nrow * t->ncol; i++)
        free(t->text[i]);
    free(t->col);
    free(t->text);
    free(t->num);
    memset(t, 0, sizeof *t);
}

/* A cell as text: its text, a number with `digits` significant digits, or "" for NaN. */
static const char *cell(const ds_table *t, int r, int c, int digits, char *buf, size_t n)
{
    const char *s = t->text[(size_t)r * t->ncol + c];
    if (s)
        return s;
    double v = t->num[(size_t)r * t->ncol + c];
    if (isnan(v))
        return "";
    snprintf(buf, n, "%.*g", digits, v);
    return buf;
}

/* Displayed width of UTF-8 text */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void print_text(FILE *out, const ds_table *t)
{
    char buf[64];
    size_t *w = calloc((size_t)t->ncol, sizeof *w);
    if (!w)
        return;
    for (int c = 0; c < t->ncol; c++) {
        w[c] = width(t->col[c]);
        for (int r = 0; r < t->nrow; r++) {
            size_t k = width(cell(t, r, c, 4, buf, sizeof buf));
            w[c] = k > w[c] ? k : w[c];
        }
    }
    fprintf(out, "\n%s\n", t->name);
    for (int r = -1; r < t->nrow; r++) {
        for (int c = 0; c < t->ncol; c++) {
            const char *s = r < 0 ? t->col[c] : cell(t, r, c, 4, buf, sizeof buf);
            int numeric = r >= 0 && !t->text[(size_t)r * t->ncol + c];
            size_t pad = w[c] - width(s);
            fputs(c ? "  " : "", out);
            for (size_t k = 0; numeric && k < pad; k++) /* numbers right-aligned */
                fputc(' ', out);
            fputs(s, out);
            for (size_t k = 0; !numeric && c + 1 < t->ncol && k < pad; k++)
                fputc(' ', out);
        }
        fputc('\n', out);
    }
    free(w);
}

static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void print_csv(FILE *out, const ds_table *t)
{
    char buf[64];
    for (int r = -1; r < t->nrow; r++) {
        for (int c = 0; c < t->ncol; c++) {
            fputs(c ? "," : "", out);
            csv_field(out, r < 0 ? t->col[c] : cell(t, r, c, 10, buf, sizeof buf));
        }
        fputs("\r\n", out); /* RFC 4180 */
    }
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void print_json(FILE *out, const ds_table *t)
{
    json_string(out, t->name);
    fputs(": [", out);
    for (int r = 0; r < t->nrow; r++) {
        fputs(r ? ",\n    {" : "\n    {", out);
        for (int c = 0; c < t->ncol; c++) {
            fputs(c ? ", " : "", out);
            json_string(out, t->col[c]);
            fputs(": ", out);
            const char *s = t->text[(size_t)r * t->ncol + c];
            double v = t->num[(size_t)r * t->ncol + c];
            if (s)
                json_string(out, s);
            else if (isfinite(v))
                fprintf(out, "%.10g", v);
            else
                fputs("null", out);
        }
        fputc('}', out);
    }
    fputs(t->nrow ? "\n  ]" : "]", out);
}

ds_status ds_table_print(FILE *out, const ds_table *t, int n, ds_table_format fmt, ds_error *err)
{
    for (int k = 0; k < n; k++)
        if (t[k].broken)
            return ds_fail(err, DS_ERR_NOMEM, "out of memory for the table %s", t[k].name);
    if (fmt == DS_TABLE_JSON)
        fputs("{", out);
    for (int k = 0; k < n; k++) {
        if (fmt == DS_TABLE_TEXT)
            print_text(out, &t[k]);
        else if (fmt == DS_TABLE_CSV) {
            if (n > 1)
                fprintf(out, "%s# %s\r\n", k ? "\r\n" : "", t[k].name);
            print_csv(out, &t[k]);
        } else {
            fputs(k ? ",\n  " : "\n  ", out);
            print_json(out, &t[k]);
        }
    }
    if (fmt == DS_TABLE_JSON)
        fputs("\n}\n", out);
    return DS_OK;
}
