/* A block's results as bytes (see block_pack.h). */
#include "study/block_pack.h"

#include <string.h>

enum { NSTAT_I = 0
#define DS_X_COUNT(f, u, d) +1
                 DS_STATS_FIELDS(DS_X_COUNT)
#undef DS_X_COUNT
};

size_t ds_block_lane_bytes(int nmetric)
{
    return (size_t)nmetric * sizeof(double) + 1 + sizeof(double) + DS_FAILURE_TEXT + NSTAT_I * sizeof(int64_t) +
           2 * sizeof(double);
}

void ds_block_pack(const ds_block_results *r, int l0, int n, unsigned char *p)
{
#define PUT(src, len) (memcpy(p, (src), (len)), p += (len))
    for (int l = l0; l < l0 + n; l++) {
        int64_t si[NSTAT_I];
        int k = 0;
#define DS_X_GET(f, u, d) si[k++] = r->stats->f[l];
        DS_STATS_FIELDS(DS_X_GET)
#undef DS_X_GET
        double sd[2] = {r->stats->h_min[l], r->stats->h_last[l]};
        for (int q = 0; q < r->nmetric; q++)
            PUT(&r->metric[q][l], sizeof(double));
        PUT(&r->failed[l], 1);
        PUT(&r->fail_time[l], sizeof(double));
        PUT(r->fail_what[l], DS_FAILURE_TEXT);
        PUT(si, sizeof si);
        PUT(sd, sizeof sd);
    }
#undef PUT
}

void ds_block_unpack(const ds_block_results *r, int l0, int n, const unsigned char *p)
{
#define GET(dst, len) (memcpy((dst), p, (len)), p += (len))
    for (int l = l0; l < l0 + n; l++) {
        int64_t si[NSTAT_I];
        double sd[2];
        for (int q = 0; q < r->nmetric; q++)
            GET(&r->metric[q][l], sizeof(double));
        GET(&r->failed[l], 1);
        GET(&r->fail_time[l], sizeof(double));
        GET(r->fail_what[l], DS_FAILURE_TEXT);
        GET(si, sizeof si);
        GET(sd, sizeof sd);
        int k = 0;
#define DS_X_SET(f, u, d) r->stats->f[l] = si[k++];
        DS_STATS_FIELDS(DS_X_SET)
#undef DS_X_SET
        r->stats->h_min[l] = sd[0];
        r->stats->h_last[l] = sd[1];
    }
#undef GET
}
