/* Deleting and revoking capabilities: where the last capability to an object ends it. */
#ifndef KAAL_CORE_CNODE_H
#define KAAL_CORE_CNODE_H

#include "object.h"

/* Empty a slot; the last capability to an object destroys the object. */
void cte_delete(struct cte *slot);
/*
 * Delete every capability derived from slot, keeping slot. False when an
 * interrupt waits and some remain: the ones deleted stay deleted, and
 * calling it again goes on from there.
 */
bool cte_revoke(struct cte *slot);

#endif
