/*
 * The memory manager: a buddy allocator in which every block is an untyped
 * capability. Splitting a block retypes it into two untyped children of
 * half its size (the watermark puts the first at the bottom and the second
 * at the top); merging two free buddies revokes their parent, which
 * deletes both children and leaves the parent whole and free again. Both
 * take one step per level: O(log n) per operation.
 */
#include <stddef.h>

#include <kaal/broker.h>
#include <kaal/sdk.h>

enum block_state { BLOCK_UNUSED, BLOCK_FREE, BLOCK_ALLOCATED, BLOCK_SPLIT };

#define NONE KAAL_MEMORY_NONE

static struct kaal_memory_block *at(struct kaal_memory_manager *m, uint32_t i)
{
	return &m->block[i];
}

static void list_push(struct kaal_memory_manager *m, uint32_t *head, uint32_t i)
{
	at(m, i)->prev = NONE;
	at(m, i)->next = *head;
	if (*head != NONE)
		at(m, *head)->prev = i;
	*head = i;
}

static void list_remove(struct kaal_memory_manager *m, uint32_t *head, uint32_t i)
{
	struct kaal_memory_block *b = at(m, i);
	if (b->prev != NONE)
		at(m, b->prev)->next = b->next;
	else
		*head = b->next;
	if (b->next != NONE)
		at(m, b->next)->prev = b->prev;
}

static uint32_t take_record(struct kaal_memory_manager *m)
{
	uint32_t i = m->unused;
	list_remove(m, &m->unused, i);
	m->unused_count--;
	return i;
}

static void give_record(struct kaal_memory_manager *m, uint32_t i)
{
	at(m, i)->state = BLOCK_UNUSED;
	list_push(m, &m->unused, i);
	m->unused_count++;
}

static void make_free(struct kaal_memory_manager *m, uint32_t i)
{
	at(m, i)->state = BLOCK_FREE;
	list_push(m, &m->free_list[at(m, i)->bits], i);
}

kaal_status kaal_memory_init(struct kaal_memory_manager *m, struct kaal_slot_allocator *slots,
                             const struct kaal_boot_info *bi)
{
	if (!bi)
		return KAAL_INVALID_ARGUMENT;
	return kaal_memory_init_regions(m, slots, bi, kaal_broker_whole_range(bi).untyped);
}

kaal_status kaal_memory_init_regions(struct kaal_memory_manager *m,
                                     struct kaal_slot_allocator *slots,
                                     const struct kaal_boot_info *bi, uint64_t untyped)
{
	if (!m || !slots || !bi || (untyped & ~kaal_broker_whole_range(bi).untyped) != 0)
		return KAAL_INVALID_ARGUMENT;
	m->slots = slots;
	m->root_cnode = bi->root_cnode_cptr;
	m->unused = NONE;
	m->unused_count = 0;
	m->free_bytes = 0;
	m->total_bytes = 0;
	for (uint32_t o = 0; o <= KAAL_MEMORY_MAX_BITS; o++)
		m->free_list[o] = NONE;
	for (uint32_t i = KAAL_MEMORY_MAX_BLOCKS; i-- > 0;) {
		at(m, i)->generation = 0;
		give_record(m, i);
	}
	for (uint32_t r = 0; r < KAAL_BOOT_INFO_MAX_UNTYPED; r++) {
		const struct kaal_boot_untyped *u = &bi->untyped[r];
		struct kaal_untyped_info info;
		/* Only whole, unused regions are managed: the broker owns what it hands out. */
		if (!((untyped >> r) & 1u) || u->size_bits < KAAL_MEMORY_MIN_BITS ||
		    u->size_bits > KAAL_MEMORY_MAX_BITS ||
		    kaal_untyped_info(u->cptr, &info) != KAAL_OK ||
		    info.bytes_left != (UINT64_C(1) << u->size_bits))
			continue;
		uint32_t i = take_record(m);
		struct kaal_memory_block *b = at(m, i);
		b->base = u->base;
		b->cap = u->cptr;
		b->bits = (uint8_t)u->size_bits;
		b->parent = NONE;
		b->child[0] = b->child[1] = NONE;
		make_free(m, i);
		m->free_bytes += UINT64_C(1) << u->size_bits;
	}
	m->total_bytes = m->free_bytes;
	return KAAL_OK;
}

/* Split block i into two free halves; the caller has checked records and slots suffice. */
static kaal_status split(struct kaal_memory_manager *m, uint32_t i)
{
	struct kaal_memory_block *b = at(m, i);
	uint32_t half[2];
	kaal_cptr slot[2];
	for (int k = 0; k < 2; k++) {
		kaal_slots_alloc(m->slots, &slot[k]);
		kaal_status st = kaal_untyped_retype(b->cap, KAAL_CAP_UNTYPED, b->bits - 1u, 1,
		                                     kaal_root_slot(m->root_cnode, m->root_cnode),
		                                     slot[k], NULL);
		if (st != KAAL_OK) {
			/* Someone else used this block's capability: undo and report. */
			kaal_slots_free(m->slots, slot[k]);
			if (k == 1) {
				kaal_cnode_revoke(kaal_root_slot(m->root_cnode, b->cap));
				kaal_slots_free(m->slots, slot[0]);
			}
			return st;
		}
	}
	for (int k = 0; k < 2; k++) {
		half[k] = take_record(m);
		struct kaal_memory_block *c = at(m, half[k]);
		c->base = b->base + ((kaal_paddr)k << (b->bits - 1u));
		c->cap = slot[k];
		c->bits = (uint8_t)(b->bits - 1u);
		c->parent = i;
		c->child[0] = c->child[1] = NONE;
		b->child[k] = half[k];
	}
	b->state = BLOCK_SPLIT;
	make_free(m, half[1]);
	make_free(m, half[0]);
	return KAAL_OK;
}

static unsigned bits_for(uint64_t size)
{
	unsigned bits = KAAL_MEMORY_MIN_BITS;
	while (bits < 64 && (UINT64_C(1) << bits) < size)
		bits++;
	return bits;
}

kaal_status kaal_memory_alloc(struct kaal_memory_manager *m, uint64_t size, uint64_t align,
                              struct kaal_memory *out)
{
	if (!m || !out || size == 0 || (align & (align - 1)) != 0)
		return KAAL_INVALID_ARGUMENT;
	unsigned bits = bits_for(size > align ? size : align);
	if (bits > KAAL_MEMORY_MAX_BITS)
		return KAAL_INVALID_ARGUMENT;
	unsigned o = bits;
	while (o <= KAAL_MEMORY_MAX_BITS && m->free_list[o] == NONE)
		o++;
	if (o > KAAL_MEMORY_MAX_BITS)
		return KAAL_UNTYPED_EXHAUSTED;
	unsigned splits = o - bits;
	if (m->unused_count < 2 * splits || m->slots->free_count < 2 * splits)
		return KAAL_OUT_OF_SLOTS;
	uint32_t i = m->free_list[o];
	while (at(m, i)->bits > bits) {
		list_remove(m, &m->free_list[at(m, i)->bits], i);
		kaal_status st = split(m, i);
		if (st != KAAL_OK) {
			make_free(m, i);
			return st;
		}
		i = at(m, i)->child[0];
	}
	struct kaal_memory_block *b = at(m, i);
	list_remove(m, &m->free_list[b->bits], i);
	b->state = BLOCK_ALLOCATED;
	m->free_bytes -= UINT64_C(1) << b->bits;
	out->phys = b->base;
	out->size = UINT64_C(1) << b->bits;
	out->cap = b->cap;
	out->id = i;
	out->generation = b->generation;
	return KAAL_OK;
}

kaal_status kaal_memory_check(const struct kaal_memory_manager *m, const struct kaal_memory *mem)
{
	if (!m || !mem || mem->id >= KAAL_MEMORY_MAX_BLOCKS)
		return KAAL_INVALID_ARGUMENT;
	const struct kaal_memory_block *b = &m->block[mem->id];
	/* The generation tells a live handle from a dead one naming the same block. */
	if (b->state != BLOCK_ALLOCATED || b->generation != mem->generation || b->cap != mem->cap ||
	    b->base != mem->phys || (UINT64_C(1) << b->bits) != mem->size)
		return KAAL_INVALID_ARGUMENT;
	return KAAL_OK;
}

kaal_status kaal_memory_free(struct kaal_memory_manager *m, const struct kaal_memory *mem)
{
	kaal_status st = kaal_memory_check(m, mem);
	if (st != KAAL_OK)
		return st;
	uint32_t i = mem->id;
	struct kaal_memory_block *b = at(m, i);
	/* Whatever was made from the block goes first. */
	st = kaal_cnode_revoke(kaal_root_slot(m->root_cnode, b->cap));
	if (st != KAAL_OK)
		return st;
	/* Every copy of the handle dies here; wrapping takes 2^32 frees of this one record. */
	b->generation++;
	m->free_bytes += UINT64_C(1) << b->bits;
	while (at(m, i)->parent != NONE) {
		uint32_t p = at(m, i)->parent;
		uint32_t buddy = at(m, p)->child[0] == i ? at(m, p)->child[1] : at(m, p)->child[0];
		if (at(m, buddy)->state != BLOCK_FREE)
			break;
		st = kaal_cnode_revoke(kaal_root_slot(m->root_cnode, at(m, p)->cap));
		if (st != KAAL_OK)
			break;
		list_remove(m, &m->free_list[at(m, buddy)->bits], buddy);
		kaal_slots_free(m->slots, at(m, i)->cap);
		kaal_slots_free(m->slots, at(m, buddy)->cap);
		give_record(m, i);
		give_record(m, buddy);
		at(m, p)->child[0] = at(m, p)->child[1] = NONE;
		i = p;
	}
	make_free(m, i);
	return KAAL_OK;
}
