/*
 * VSpaces. The core keeps the live ones in a table so that a frame
 * capability, which records the id of the VSpace it is mapped in, can be
 * unmapped from it, or finds it gone; the backend builds the translation.
 */
#include "vspace.h"

static struct vspace *live[VSPACE_MAX_LIVE];
static unsigned live_count;
static uint32_t next_id;

void vspace_reset(void)
{
	for (unsigned i = 0; i < VSPACE_MAX_LIVE; i++)
		live[i] = NULL;
	live_count = 0;
	next_id = 1;
}

bool vspace_can_create(unsigned count)
{
	return count <= VSPACE_MAX_LIVE - live_count && count <= VSPACE_MAX_ID + 1u - next_id;
}

void vspace_create(struct vspace *v, unsigned size_bits, const struct vspace *parent)
{
	v->id = next_id++;
	v->size_bits = size_bits;
	for (unsigned i = 0; i < VSPACE_MAX_LIVE; i++) {
		if (!live[i]) {
			live[i] = v;
			break;
		}
	}
	live_count++;
	arch_vspace_init(v, parent);
}

void vspace_destroy(struct vspace *v)
{
	arch_vspace_destroy(v);
	for (unsigned i = 0; i < VSPACE_MAX_LIVE; i++) {
		if (live[i] == v) {
			live[i] = NULL;
			live_count--;
			break;
		}
	}
}

struct vspace *vspace_find(uint32_t id)
{
	for (unsigned i = 0; id != 0 && i < VSPACE_MAX_LIVE; i++)
		if (live[i] && live[i]->id == id)
			return live[i];
	return NULL;
}
