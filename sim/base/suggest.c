/* "Did you mean": the nearest candidate by optimal string alignment distance (see
 * discsim/status.h). Words are keys, options and command names, so short: longer ones are
 * compared on their first 63 characters. */
#include <string.h>

#include "discsim/status.h"

enum { SUGGEST_MAX = 64 };

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

static int distance(const char *a, const char *b)
{
    int na = (int)strnlen(a, SUGGEST_MAX - 1), nb = (int)strnlen(b, SUGGEST_MAX - 1);
    int d[SUGGEST_MAX][SUGGEST_MAX];
    for (int i = 0; i <= na; i++)
        d[i][0] = i;
    for (int j = 0; j <= nb; j++)
        d[0][j] = j;
    for (int i = 1; i <= na; i++)
        for (int j = 1; j <= nb; j++) {
            int cost = a[i - 1] != b[j - 1];
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    return d[na][nb];
}

const char *ds_suggest(const char *word, const char *const *cands)
{
    size_t len = strlen(word);
    int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3, best = limit + 1, ties = 0;
    const char *pick = NULL;
    for (int i = 0; cands && cands[i]; i++) {
        int dist = distance(word, cands[i]);
        if (dist < best) {
            best = dist;
            pick = cands[i];
            ties = 0;
        } else if (dist == best && pick && strcmp(pick, cands[i])) {
            ties = 1;
        }
    }
    return pick && !ties && best > 0 ? pick : NULL;
}
