/* discsim over MPI ranks (build option DS_MPI): a study's blocks of subjects split over the
 * ranks, their records (series) and results gathered on rank 0, which writes the file. */
#ifndef DISCSIM_MPI_H
#define DISCSIM_MPI_H

#include "discsim/run.h"

typedef struct ds_mpi {
    int rank, size, block;
    double *buf;   /* a record's columns on their way to rank 0 (kept from record to record) */
    size_t cap;    /* its doubles */
} ds_mpi;

void ds_mpi_init(int *argc, char ***argv, ds_mpi *m);
/* The hooks that give rank r the blocks i with i mod size = r and gather them on rank 0
 * (block: subjects per block, as the run uses). */
ds_block_hooks ds_mpi_hooks(ds_mpi *m, int block);
/* The largest exit code over the ranks (every rank returns the same). */
int ds_mpi_agree(int rc);
/* Frees m's buffer and ends MPI. */
void ds_mpi_finalize(ds_mpi *m);

#endif
