/* A parsed YAML document with line numbers, typed getters whose errors name file, line
 * and key, and `--set key=value` overrides (private to the library).
 *
 * libyaml's document API keeps every node's start mark; libcyaml maps straight into C
 * structs but does not report where in the file a bad value stands, which is the one
 * thing a user needs from an error message, so the schema walk is done here by hand. */
#ifndef DS_YDOC_H
#define DS_YDOC_H

#include <yaml.h>

#include "discsim/status.h"

typedef struct ds_ydoc {
    yaml_document_t doc;
    char file[4096];
    char origin[4096]; /* the file that nodes marked DS_YCOL_ORIGIN came from ("" if none) */
    char *text;
} ds_ydoc;

/* Line numbers of nodes created or replaced by --set are set to this. */
#define DS_YLINE_CLI ((size_t)-1)
/* Column of nodes copied in from another document (a scenario's `parameters` written into its
 * model): their line is a line of d->origin, so that errors blame the file the value is in. */
#define DS_YCOL_ORIGIN ((size_t)-2)

/* Limits on what is read as a scenario or model: a file larger than this, nested deeper, or
 * with more values once aliases are expanded is refused with a message (a careless or hostile
 * file must not take minutes or exhaust memory before the first error). */
enum { DS_YDOC_MAX_BYTES = 1 << 20, DS_YDOC_MAX_DEPTH = 32, DS_YDOC_MAX_NODES = 200000 };

/* The longest duration any key may hold: 10 years. */
#define DS_MAX_DURATION (3650.0 * 86400.0)

ds_status ds_ydoc_load(const char *path, ds_ydoc **out, ds_error *err);
ds_status ds_ydoc_parse(const char *name, const char *text, ds_ydoc **out, ds_error *err);
void ds_ydoc_free(ds_ydoc *d);

/* Refuses alias cycles, nesting over DS_YDOC_MAX_DEPTH and more than DS_YDOC_MAX_NODES values
 * with aliases expanded. Parsing runs it; run it again after editing a document. */
ds_status ds_ydoc_check_graph(const ds_ydoc *d, ds_error *err);

int ds_yroot(const ds_ydoc *d); /* 0 for an empty document */
yaml_node_t *ds_ynode(const ds_ydoc *d, int id);

/* "file:line" of a node, or "command line" for --set values; buf >= 4200 bytes recommended. */
const char *ds_yloc(const ds_ydoc *d, int id, char *buf, size_t n);

/* Value node of key in mapping `map`, 0 if absent (or map is not a mapping). */
int ds_ymap_get(const ds_ydoc *d, int map, const char *key);

/* Fails with "file:line: unknown key 'ctx.key' (expected one of: a, b, c)" for the first key
 * of mapping `map` not in `allowed` (NULL-terminated); also fails if map is not a mapping. */
ds_status ds_ycheck_keys(const ds_ydoc *d, int map, const char *ctx, const char *const *allowed, ds_error *err);

/* Typed readers of a node; `key` is the dotted path shown in messages. */
ds_status ds_yas_mapping(const ds_ydoc *d, int node, const char *key, ds_error *err);
ds_status ds_yas_sequence(const ds_ydoc *d, int node, const char *key, int *len, ds_error *err);
int ds_yseq_item(const ds_ydoc *d, int seq, int index);
ds_status ds_yas_string(const ds_ydoc *d, int node, const char *key, const char **out, ds_error *err);
ds_status ds_yas_double(const ds_ydoc *d, int node, const char *key, double *out, ds_error *err);
ds_status ds_yas_int(const ds_ydoc *d, int node, const char *key, long lo, long hi, long *out, ds_error *err);
/* A duration written the human way: "45s", "30min", "16h", "2d", "1.5 h", "500ms", "1h 30min";
 * a bare number is refused (it has no unit) except 0. Must be > 0 unless allow_zero, and at
 * most DS_MAX_DURATION. */
ds_status ds_yas_duration(const ds_ydoc *d, int node, const char *key, int allow_zero, double *out,
                          ds_error *err);

/* A physical quantity written with its unit ("85kg", "30 deg", "0.25 mm^3/(MPa*s)"), converted
 * to `unit` (see base/units.h); a bare number is refused unless `unit` is dimensionless or the
 * number is 0, with a message that names the unit expected. */
ds_status ds_yas_quantity(const ds_ydoc *d, int node, const char *key, const char *unit, double *out, ds_error *err);

/* Parses a duration string (as above) into seconds; returns 0 on success, -1 if it cannot be
 * read (a bare number other than 0 included), -2 if it overflows. */
int ds_parse_duration(const char *s, double *out);

/* Points the value at dotted path `path` (mappings walked, missing keys created) to node
 * `id` of the same document. */
ds_status ds_yset_node(ds_ydoc *d, const char *path, int id, ds_error *err);

/* Merges mapping `src` into mapping `dst` (same document): keys of src replace those of dst,
 * except that mappings present in both are merged recursively. */
ds_status ds_ymerge(ds_ydoc *d, int dst, int src, ds_error *err);

/* Applies one "a.b.c=value" override: walks mappings (and sequences by index), creating
 * missing mapping keys, and sets the final scalar (replacing whatever node was there). */
ds_status ds_yset(ds_ydoc *d, const char *assignment, ds_error *err);

#endif
