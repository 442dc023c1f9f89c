/* discsim: lumbar spine biomechanics, the public API in one include. */
#ifndef DISCSIM_H
#define DISCSIM_H

#include "discsim/cleanup.h"
#include "discsim/data.h"
#include "discsim/datadir.h"
#include "discsim/model.h"
#include "discsim/output.h"
#include "discsim/plot.h"
#include "discsim/run.h"
#include "discsim/scenario.h"
#include "discsim/solver.h"
#include "discsim/status.h"
#include "discsim/study.h"
#include "discsim/summary.h"
#include "discsim/table.h"
#include "discsim/validate.h"
#include "discsim/version.h"

#endif
