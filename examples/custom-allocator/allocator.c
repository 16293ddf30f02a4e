/*
 * allocator: a program that manages the untyped memory its starter gave it
 * ("memory") with an allocator of its own, through the SDK alone. It
 * carves the memory into page frames in free slots of its own CSpace until
 * the kernel says it is exhausted, maps them, and serves a linked list of
 * nodes from them with a bump allocator; then it gives every frame back
 * by revoking its memory and carves it again, whole. Its exit status is
 * the pages it carved, or an ALLOCATOR_ failure.
 */
#include <stddef.h>

#include <kaal/cspace.h>
#include <kaal/program.h>

#include "allocator.h"

#define PAGE_BYTES  ((size_t)1 << KAAL_PAGE_BITS)
#define WINDOW_PAGE 0u

/* The program's own allocator: frames carved from its untyped memory, bytes bumped from them. */
struct arena {
	kaal_cptr memory;
	struct kaal_cspace *cs;
	kaal_cptr frame[ALLOCATOR_PAGES];
	uint8_t *page[ALLOCATOR_PAGES];
	unsigned pages;
	size_t used; /* bytes handed out from the last page */
};

struct node {
	struct node *next;
	uint64_t value;
};

/* One more page frame from the memory, mapped; KAAL_UNTYPED_EXHAUSTED when none is left. */
static kaal_status grow(struct arena *a)
{
	kaal_cptr slot;
	kaal_status st = kaal_cspace_alloc(a->cs, &slot);
	if (st != KAAL_OK)
		return st;
	st = kaal_untyped_retype(a->memory, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1,
	                         kaal_root_slot(a->cs->root, a->cs->root), slot, NULL);
	void *at = NULL;
	if (st == KAAL_OK && a->pages == ALLOCATOR_PAGES)
		st = KAAL_LIMIT_REACHED; /* more than the memory can hold: the kernel let too much
		                            go */
	if (st == KAAL_OK)
		st = kaal_program_map(slot, WINDOW_PAGE + a->pages,
		                      KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &at);
	if (st != KAAL_OK) {
		kaal_cspace_delete(a->cs, slot);
		return st;
	}
	a->frame[a->pages] = slot;
	a->page[a->pages++] = at;
	a->used = 0;
	return KAAL_OK;
}

static void *allocate(struct arena *a, size_t bytes)
{
	if (a->pages == 0 || a->used + bytes > PAGE_BYTES) {
		if (grow(a) != KAAL_OK)
			return NULL;
	}
	void *p = a->page[a->pages - 1] + a->used;
	a->used += bytes;
	return p;
}

/* Every frame back: revoking the memory deletes them, and the memory starts again at its base. */
static kaal_status give_back(struct arena *a)
{
	kaal_status st = kaal_cspace_revoke(a->cs, a->memory);
	for (unsigned i = 0; i < a->pages; i++)
		kaal_cspace_free(a->cs, a->frame[i]);
	a->pages = 0;
	return st;
}

static int carve_all(struct arena *a)
{
	kaal_status st;
	while ((st = grow(a)) == KAAL_OK)
		;
	if (st == KAAL_LIMIT_REACHED)
		return ALLOCATOR_OVERCOMMIT;
	return st == KAAL_UNTYPED_EXHAUSTED ? (int)a->pages : ALLOCATOR_CARVE;
}

static int allocator_main(const struct kaal_start_info *si)
{
	static struct kaal_cspace cs;
	static struct arena a;
	a = (struct arena){0}; /* on the host, what an earlier start left stays */
	struct kaal_untyped_info info;
	if (kaal_start_cap(si, "memory", &a.memory) != KAAL_OK ||
	    kaal_untyped_info(a.memory, &info) != KAAL_OK ||
	    kaal_cspace_init(&cs, KAAL_PROGRAM_SLOT_CNODE, si->first_free_slot, si->slot_count) !=
	        KAAL_OK)
		return ALLOCATOR_NO_MEMORY;
	a.cs = &cs;
	struct node *head = NULL;
	for (uint64_t i = 0; i < ALLOCATOR_NODES; i++) {
		struct node *n = allocate(&a, sizeof(*n));
		if (!n)
			return ALLOCATOR_CARVE;
		*n = (struct node){head, i};
		head = n;
	}
	uint64_t sum = 0, count = 0;
	for (const struct node *n = head; n; n = n->next, count++)
		sum += n->value;
	if (count != ALLOCATOR_NODES ||
	    sum != (uint64_t)ALLOCATOR_NODES * (ALLOCATOR_NODES - 1) / 2)
		return ALLOCATOR_LIST;
	int first = carve_all(&a);
	if (first < 0)
		return first;
	if (give_back(&a) != KAAL_OK)
		return ALLOCATOR_NOT_REUSED;
	int again = carve_all(&a);
	return again == first ? again : ALLOCATOR_NOT_REUSED;
}

KAAL_PROGRAM(allocator, allocator_main)
