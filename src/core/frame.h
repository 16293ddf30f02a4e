/* Frames: physical pages a thread maps to use. */
#ifndef KAAL_CORE_FRAME_H
#define KAAL_CORE_FRAME_H

#include "object.h"

kaal_status frame_map(struct cap *c, struct vspace *v, kaal_word vaddr, unsigned rights,
                      kaal_word *mapped);
void frame_unmap_cap(struct cap *c);

#endif
