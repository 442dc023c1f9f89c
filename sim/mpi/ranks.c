/* A summaries-only study over MPI ranks (DESIGN §5: MPI at the edge): block i of every run
 * is run by rank i mod size; when a run's blocks are done, every other rank sends its blocks'
 * results to rank 0, which alone writes the file. A subject's numbers are its own lanes'
 * arithmetic, so the file equals a one-process run's, dataset for dataset. */
#include "discsim/mpi.h"

#include <mpi.h>
#include <stdlib.h>

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

ds_block_hooks ds_mpi_hooks(ds_mpi *m, int block)
{
    m->block = block > 0 ? block : DS_LANE_ALIGN;
    return (ds_block_hooks){.ctx = m, .restore = restore, .gather = gather};
}

void ds_mpi_init(int *argc, char ***argv, ds_mpi *m)
{
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

void ds_mpi_finalize(void) { MPI_Finalize(); }
