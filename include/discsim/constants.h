/* Conversion constants, each spelled once (DESIGN §2: angles in radians inside, degrees in
 * files for people; contact pressure also in mmHg, the unit of the nerve-root literature). */
#ifndef DISCSIM_CONSTANTS_H
#define DISCSIM_CONSTANTS_H

#define DS_RAD_PER_DEG 0.017453292519943295 /* pi / 180 */
#define DS_DEG_PER_RAD 57.29577951308232    /* 180 / pi */
#define DS_KPA_PER_MMHG 0.133322387415      /* 1 mmHg = 133.322387415 Pa (conventional millimetre of mercury) */

#endif
