/*
 * The capability derivation tree at the level of single slots: placing,
 * copying and moving capabilities. Nothing here ends an object; deleting a
 * capability is cnode.c's, above the object files.
 */
#ifndef KAAL_CORE_CDT_H
#define KAAL_CORE_CDT_H

#include "object.h"

/* Place cap in the empty slot dst as a child of src in the derivation tree. */
void cdt_insert(struct cte *src, struct cte *dst, const struct cap *cap, bool revocable,
                bool first_badged);
/* Place a capability to a new object in dst as a child of the untyped in parent. */
void cdt_insert_new(struct cte *parent, struct cte *dst, const struct cap *cap);
/* Place a capability with no parent in dst (boot time). */
void cdt_insert_root(struct cte *dst, const struct cap *cap);
/* Take slot out of the tree, leaving its capability in place. */
void cdt_unlink(struct cte *slot);
/* Whether slot has derived capabilities below it. */
bool cdt_has_children(const struct cte *slot);
/* Whether slot holds the last capability to its object. */
bool cdt_is_final(const struct cte *slot);

/* Copy or mint src into dst: rights are masked, a badge is set when set_badge. */
kaal_status cdt_derive(struct cte *dst, struct cte *src, unsigned rights, kaal_word badge,
                       bool set_badge);
/*
 * Move the capability in src, which the caller has checked is not empty, to
 * dst, masking rights (a plain move passes KAAL_RIGHTS_ALL).
 */
kaal_status cdt_move(struct cte *dst, struct cte *src, unsigned rights);

#endif
