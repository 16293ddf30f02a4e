/* VSpaces: the address spaces threads run in and frames are mapped into. */
#ifndef KAAL_CORE_VSPACE_H
#define KAAL_CORE_VSPACE_H

#include "object.h"

struct kaal_platform;

#define VSPACE_MAX_LIVE 256u       /* VSpaces alive at once */
#define VSPACE_MAX_ID   UINT16_MAX /* VSpaces made per boot: ids fit cap.mapped_in, never reused */

/* Forget every VSpace: the kernel is booting with the platform's boot programs. */
void vspace_reset(const struct kaal_platform *p);
/* Whether count more VSpaces can be made. */
bool vspace_can_create(unsigned count);
/* Give a freshly retyped, zeroed VSpace object its id and its contents (a copy of parent's). */
void vspace_create(struct vspace *v, unsigned size_bits, const struct vspace *parent);
void vspace_destroy(struct vspace *v);
/*
 * Load boot program `program` (1..) into v in place of the copy it was made
 * with: KAAL_INVALID_ARGUMENT for no such program or a VSpace smaller than
 * it needs, KAAL_ILLEGAL_OPERATION once a thread was given v or a program
 * was loaded. Nothing changes on failure.
 */
kaal_status vspace_load(struct vspace *v, kaal_word program);
/* The live VSpace with this id, or NULL. */
struct vspace *vspace_find(uint32_t id);
/* The VSpace t runs in, or NULL when it has none. */
static inline struct vspace *thread_vspace(const struct thread *t)
{
	const struct cap *c = &t->slots[THREAD_SLOT_VSPACE].cap;
	return c->type == KAAL_CAP_VSPACE ? (struct vspace *)c->object : NULL;
}

#endif
