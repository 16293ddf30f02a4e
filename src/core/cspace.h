/* Capability pointer lookup through a thread's CSpace. */
#ifndef KAAL_CORE_CSPACE_H
#define KAAL_CORE_CSPACE_H

#include "object.h"

/*
 * Resolve depth bits of cptr from the CNode capability root. With exact, the
 * walk must use all depth bits; without, it stops early at a capability that
 * is not a CNode (an invocation names an object, not a slot).
 */
kaal_status cspace_resolve(const struct cap *root, kaal_cptr cptr, unsigned depth, bool exact,
                           struct cte **slot);

/* The slot an invocation names: cptr resolved through all 64 bits. */
kaal_status cspace_lookup_slot(struct thread *t, kaal_cptr cptr, struct cte **slot);

/*
 * The capability an invocation names, checked for type and rights. Each
 * failure is reported in this order: lookup, empty slot, type, rights.
 */
kaal_status cspace_lookup_cap(struct thread *t, kaal_cptr cptr, unsigned type, unsigned rights,
                              struct cte **slot);

/* A CNode operation's slot: the CNode at root_cptr, then index over depth bits. */
kaal_status cspace_lookup_op_slot(struct thread *t, kaal_cptr root_cptr, kaal_word index,
                                  kaal_word depth, struct cte **slot);

/* The root task's CNode, named at boot; threads whose CSpace root it is may shut down. */
void cspace_set_root(const struct cte *root_cnode);
bool cspace_is_root(const struct thread *t);

#endif
