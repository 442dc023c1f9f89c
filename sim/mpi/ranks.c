/* A study over MPI ranks (DESIGN §5: MPI at the edge): block i of every run is run by rank
 * i mod size, each rank keeping its blocks in a checkpoint of its own. Series: once every
 * block is done, at each record every other rank sends its blocks' columns of the record
 * (read back from its checkpoint) to rank 0, which alone writes the file; summaries only,
 * nothing passes until the end. When a run's blocks are done, every other rank sends its
 * blocks' results (summaries, failures, solver statistics) to rank 0. A subject's numbers
 * are its own lanes' arithmetic, so the file equals a one-process run's, dataset for
 * dataset. */
#include "discsim/mpi.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "study/block_pack.h"

static int restore(void *ctx, int l0, int n, const ds_block_results *r)
{
    const ds_mpi *m = ctx;
    (void)n, (void)r;
    return (l0 / m->block) % m->size != m->rank; /* another rank's block: nothing to run here */
}

static ds_status gather(void *ctx, const ds_block_results *r, int block, ds_error *err)
{
    const ds_mpi *m = ctx;
    (void)block;
    const int N = r->nsubj, nb = (N + m->block - 1) / m->block;
    size_t lane = ds_block_lane_bytes(r->nmetric);
    unsigned char *buf = malloc((size_t)m->block * lane);
    if (!buf)
        return ds_fail(err, DS_ERR_NOMEM, "out of memory to gather the ranks' results");
    int bad = 0;
    for (int i = 0; i < nb; i++) {
        const int owner = i % m->size, l0 = i * m->block, n = l0 + m->block <= N ? m->block : N - l0;
        const int bytes = (int)((size_t)n * lane);
        if (owner == 0)
            continue;
        if (m->rank == owner) {
            ds_block_pack(r, l0, n, buf);
            bad |= MPI_Send(buf, bytes, MPI_BYTE, 0, i, MPI_COMM_WORLD) != MPI_SUCCESS;
        } else if (m->rank == 0) {
            bad |= MPI_Recv(buf, bytes, MPI_BYTE, owner, i, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS;
            ds_block_unpack(r, l0, n, buf);
        }
    }
    free(buf);
    return bad ? ds_fail(err, DS_ERR_IO, "MPI: gathering the blocks' results failed") : DS_OK;
}

static int elsewhere(void *ctx, int l0, int n) { return restore(ctx, l0, n, NULL); }

/* Rank r's columns of a record, every series of each of its blocks in block order, to or
 * from buf (to: pack 1); returns the doubles. */
static size_t columns(const ds_mpi *m, int r, double *rec, int nseries, int nsubj, double *buf, int pack)
{
    size_t q = 0;
    for (int l0 = r * m->block; l0 < nsubj; l0 += m->size * m->block) {
        const int n = l0 + m->block <= nsubj ? m->block : nsubj - l0;
        for (int s = 0; s < nseries; s++) {
            double *col = rec + (size_t)s * nsubj + l0;
            if (buf && pack)
                memcpy(buf + q, col, (size_t)n * sizeof *col);
            else if (buf)
                memcpy(col, buf + q, (size_t)n * sizeof *col);
            q += (size_t)n;
        }
    }
    return q;
}

static ds_status sync_ranks(void *ctx, double *rec, int nseries, int nsubj, ds_status st, ds_error *err)
{
    ds_mpi *m = ctx;
    /* the lowest rank that stopped, if any: its status and message become every rank's */
    int who = st ? m->rank : m->size, first = who;
    if (MPI_Allreduce(&who, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD) != MPI_SUCCESS)
        return ds_fail(err, DS_ERR_IO, "MPI: the ranks could not agree on the run's status");
    if (first < m->size) {
        ds_error e = {0};
        if (m->rank == first)
            e = err ? *err : (ds_error){.status = st};
        int code = (int)e.status ? (int)e.status : (int)st;
        MPI_Bcast(&code, 1, MPI_INT, first, MPI_COMM_WORLD);
        MPI_Bcast(e.msg, (int)sizeof e.msg, MPI_CHAR, first, MPI_COMM_WORLD);
        e.msg[sizeof e.msg - 1] = '\0';
        if (m->rank != first)
            return ds_fail(err, (ds_status)code, "MPI rank %d: %s", first, e.msg);
        return st;
    }
    if (!rec)
        return DS_OK;
    /* the record: every other rank's columns to rank 0 */
    size_t most = 0;
    for (int r = 1; r < m->size; r++) {
        size_t q = columns(m, r, rec, nseries, nsubj, NULL, 0);
        most = q > most ? q : most;
    }
    int bad = 0, any = 0;
    if (most > m->cap) { /* the first record (every rank computes the same most) */
        double *b = realloc(m->buf, most * sizeof *b);
        bad = !b;
        if (b)
            m->buf = b, m->cap = most;
        MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD); /* before anything is sent */
        if (any)
            return ds_fail(err, DS_ERR_NOMEM, "MPI: out of memory for a record's columns");
    }
    double *buf = m->buf;
    for (int r = 1; r < m->size; r++) {
        const size_t q = columns(m, r, rec, nseries, nsubj, NULL, 0);
        if (!q)
            continue;
        if (m->rank == r) {
            columns(m, r, rec, nseries, nsubj, buf, 1);
            bad |= MPI_Send(buf, (int)q, MPI_DOUBLE, 0, r, MPI_COMM_WORLD) != MPI_SUCCESS;
        } else if (m->rank == 0) {
            bad |= MPI_Recv(buf, (int)q, MPI_DOUBLE, r, r, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS;
            columns(m, r, rec, nseries, nsubj, buf, 0);
        }
    }
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any ? ds_fail(err, DS_ERR_IO, "MPI: sending a record's columns to rank 0 failed") : DS_OK;
}

ds_block_hooks ds_mpi_hooks(ds_mpi *m, int block)
{
    m->block = block > 0 ? block : DS_LANE_ALIGN;
    return (ds_block_hooks){.ctx = m, .restore = restore, .gather = gather, .elsewhere = elsewhere, .sync = sync_ranks};
}

void ds_mpi_init(int *argc, char ***argv, ds_mpi *m)
{
    *m = (ds_mpi){0};
    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &m->size);
}

int ds_mpi_agree(int rc)
{
    int worst = rc;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return worst;
}

void ds_mpi_finalize(ds_mpi *m)
{
    free(m->buf);
    m->buf = NULL;
    m->cap = 0;
    MPI_Finalize();
}
