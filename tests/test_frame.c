/* Frames: mapping and unmapping, shared pages, rights, device frames. */
#include <string.h>

#include "harness.h"

#define PAGE       (UINT64_C(1) << KAAL_PAGE_BITS)
#define LARGE_PAGE (UINT64_C(1) << KAAL_LARGE_PAGE_BITS)
#define RW         (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)

static void *map(kaal_cptr frame, unsigned rights)
{
	void *p = NULL;
	assert_status(KAAL_OK, kaal_map(frame, 0, rights, &p));
	assert_non_null(p);
	assert_int_equal(0, (uintptr_t)p & (PAGE - 1));
	return p;
}

static void map_write_read_unmap(void **state)
{
	(void)state;
	kaal_cptr f = harness_frame();
	assert_int_equal(0, harness_mapped_at(f));
	uint8_t *p = map(f, RW);
	assert_int_equal((uintptr_t)p, harness_mapped_at(f));
	for (unsigned i = 0; i < PAGE; i++)
		assert_int_equal(0, p[i]);
	memset(p, 0x3C, PAGE);
	assert_int_equal(0x3C, p[PAGE - 1]);
	/* Mapping changes no rights and no object. */
	struct kaal_cap_info ci = harness_identify(f);
	assert_int_equal(KAAL_CAP_FRAME, ci.type);
	assert_int_equal(KAAL_RIGHTS_ALL, ci.rights);
	assert_status(KAAL_OK, kaal_unmap(f));
	assert_int_equal(0, harness_mapped_at(f));

	/* Mapped again, the same memory still holds what was written. */
	p = map(f, KAAL_RIGHT_READ);
	assert_int_equal(0x3C, p[0]);
	assert_int_equal(0x3C, p[PAGE - 1]);
	assert_status(KAAL_OK, kaal_unmap(f));
}

/* identify tells an object's size: a frame's, a large frame's, a CNode's radix; none for others. */
static void identify_gives_sizes(void **state)
{
	(void)state;
	assert_int_equal(KAAL_PAGE_BITS, harness_identify(harness_frame()).size_bits);
	kaal_cptr large = harness_create(KAAL_CAP_FRAME, KAAL_LARGE_PAGE_BITS);
	struct kaal_cap_info ci = harness_identify(large);
	assert_int_equal(KAAL_LARGE_PAGE_BITS, ci.size_bits);
	assert_int_equal(KAAL_RIGHTS_ALL, ci.rights); /* the size does not spill into the rights */
	assert_int_equal(5, harness_identify(harness_create(KAAL_CAP_CNODE, 5)).size_bits);
	assert_int_equal(0, harness_identify(harness_notification()).size_bits);
	/* A copy with fewer rights keeps its size. */
	ci = harness_identify(harness_derive(large, KAAL_RIGHT_READ));
	assert_int_equal(KAAL_RIGHT_READ, ci.rights);
	assert_int_equal(KAAL_LARGE_PAGE_BITS, ci.size_bits);
}

/* Two copies map the same physical page at two addresses. */
static void copies_share_the_page(void **state)
{
	(void)state;
	kaal_cptr a = harness_frame();
	kaal_cptr b = harness_copy(a);
	assert_int_equal(harness_identify(a).object, harness_identify(b).object);
	volatile uint32_t *pa = map(a, RW);
	volatile uint32_t *pb = map(b, RW);
	assert_ptr_not_equal(pa, pb);
	assert_int_equal((uintptr_t)pa, harness_mapped_at(a));
	assert_int_equal((uintptr_t)pb, harness_mapped_at(b));
	pa[0] = 0xCAFEF00D;
	assert_int_equal(0xCAFEF00D, pb[0]);
	pb[1023] = 0x12345678;
	assert_int_equal(0x12345678, pa[1023]);

	/* Unmapping one copy leaves the other mapped and working. */
	assert_status(KAAL_OK, kaal_unmap(a));
	assert_int_equal(0, harness_mapped_at(a));
	assert_int_equal((uintptr_t)pb, harness_mapped_at(b));
	pb[2] = 7;
	assert_int_equal(7, pb[2]);

	/* A copy of a mapped capability is itself unmapped. */
	kaal_cptr c = harness_copy(b);
	assert_int_equal(0, harness_mapped_at(c));
	volatile uint32_t *pc = map(c, KAAL_RIGHT_READ);
	assert_int_equal(7, pc[2]);
	assert_int_equal(0xCAFEF00D, pc[0]);
}

/* Another frame is another page. */
static void distinct_frames_do_not_share(void **state)
{
	(void)state;
	kaal_cptr a = harness_frame();
	kaal_cptr b = harness_frame();
	assert_int_not_equal(harness_identify(a).object, harness_identify(b).object);
	uint8_t *pa = map(a, RW);
	uint8_t *pb = map(b, RW);
	pa[0] = 1;
	assert_int_equal(0, pb[0]);
}

static void read_only_mapping(void **state)
{
	(void)state;
	kaal_cptr f = harness_frame();
	kaal_cptr w = harness_copy(f);
	uint8_t *pw = map(w, RW);
	pw[5] = 0x77;
	/* A read-only mapping of a capability that has Write too. */
	const uint8_t *pr = map(f, KAAL_RIGHT_READ);
	assert_int_equal((uintptr_t)pr, harness_mapped_at(f));
	assert_int_equal(KAAL_RIGHTS_ALL, harness_identify(f).rights);
	assert_int_equal(0x77, pr[5]);
	pw[6] = 0x78;
	assert_int_equal(0x78, pr[6]);

	/* A read-only capability maps for reading only. */
	kaal_cptr ro = harness_derive(f, KAAL_RIGHT_READ);
	struct kaal_cap_info before = harness_identify(ro);
	assert_int_equal(KAAL_RIGHT_READ, before.rights);
	assert_int_equal(0, before.badge);
	void *p = NULL;
	assert_status(KAAL_MISSING_RIGHT, kaal_map(ro, 0, RW, &p));
	assert_null(p);
	assert_status(KAAL_MISSING_RIGHT, kaal_map(ro, 0, KAAL_RIGHT_WRITE, &p));
	harness_assert_holds(ro, before);
	const uint8_t *pro = map(ro, KAAL_RIGHT_READ);
	assert_int_equal(0x77, pro[5]);

	/* A write-only capability maps write-only, and not for reading. */
	kaal_cptr wo = harness_derive(w, KAAL_RIGHT_WRITE);
	before = harness_identify(wo);
	assert_status(KAAL_MISSING_RIGHT, kaal_map(wo, 0, KAAL_RIGHT_READ, &p));
	assert_status(KAAL_MISSING_RIGHT, kaal_map(wo, 0, RW, &p));
	harness_assert_holds(wo, before);
	assert_status(KAAL_OK, kaal_map(wo, 0, KAAL_RIGHT_WRITE, &p));
	assert_int_equal((uintptr_t)p, harness_mapped_at(wo));

	/* A capability with neither maps nothing. */
	kaal_cptr none = harness_derive(f, KAAL_RIGHT_GRANT);
	before = harness_identify(none);
	assert_status(KAAL_MISSING_RIGHT, kaal_map(none, 0, KAAL_RIGHT_READ, &p));
	harness_assert_holds(none, before);
}

static void map_twice_and_unmap_unmapped(void **state)
{
	(void)state;
	kaal_cptr f = harness_frame();
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_unmap(f));
	assert_int_equal(0, harness_mapped_at(f));
	uint8_t *p = map(f, RW);
	struct kaal_cap_info before = harness_identify(f);
	void *q = NULL;
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_map(f, 0, RW, &q));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_map(f, 0, KAAL_RIGHT_READ, &q));
	/* Even with arguments that are wrong as well: the mapped state is reported. */
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_map(f, 0, 0, &q));
	assert_null(q);
	harness_assert_holds(f, before);
	p[0] = 9; /* the first mapping is still there */
	assert_status(KAAL_OK, kaal_unmap(f));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_unmap(f));
	assert_int_equal(0, harness_mapped_at(f));
}

static void bad_rights_and_addresses(void **state)
{
	(void)state;
	kaal_cptr f = harness_frame();
	struct kaal_cap_info before = harness_identify(f);
	void *p = NULL;
	const unsigned bad_rights[] = {0,
	                               KAAL_RIGHT_GRANT,
	                               KAAL_RIGHT_GRANT_REPLY,
	                               RW | KAAL_RIGHT_GRANT,
	                               KAAL_RIGHT_READ | 0x10,
	                               0x100,
	                               0x80000000u};
	for (unsigned i = 0; i < sizeof(bad_rights) / sizeof(bad_rights[0]); i++) {
		assert_status(KAAL_INVALID_ARGUMENT, kaal_map(f, 0, bad_rights[i], &p));
		harness_assert_holds(f, before);
	}
	/* Rights wider than 32 bits are not truncated into valid ones. */
	struct kaal_result r =
	    kaal_syscall(KAAL_SYS_MAP, f, 0, (UINT64_C(1) << 32) | KAAL_RIGHT_READ, 0, 0, 0);
	assert_status(KAAL_INVALID_ARGUMENT, r.status);
	harness_assert_holds(f, before);

	/* A fixed address must be aligned to the frame. */
	const kaal_word bad_vaddr[] = {0x10000001, 0x10000800, 0x10000FFF, 8};
	for (unsigned i = 0; i < sizeof(bad_vaddr) / sizeof(bad_vaddr[0]); i++) {
		assert_status(KAAL_INVALID_ARGUMENT, kaal_map(f, bad_vaddr[i], RW, &p));
		harness_assert_holds(f, before);
	}
	assert_null(p);

	/* A large page needs 2 MiB alignment; 4 KiB is not enough. */
	kaal_cptr big = harness_create(KAAL_CAP_FRAME, KAAL_LARGE_PAGE_BITS);
	struct kaal_cap_info big_before = harness_identify(big);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_map(big, 0x40001000, RW, &p));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_map(big, 0x40100000, RW, &p));
	harness_assert_holds(big, big_before);
	uint8_t *q = map(big, RW);
	q[LARGE_PAGE - 1] = 0xEE;
	assert_int_equal(0xEE, q[LARGE_PAGE - 1]);
	assert_int_equal((uintptr_t)q, harness_mapped_at(big));
}

/* Only frames map; lookups fail in the usual order. */
static void map_needs_a_frame(void **state)
{
	(void)state;
	kaal_cptr n = harness_create(KAAL_CAP_NOTIFICATION, 0);
	kaal_cptr ep = harness_create(KAAL_CAP_ENDPOINT, 0);
	kaal_cptr empty = harness_slot();
	void *p = NULL;
	assert_status(KAAL_WRONG_TYPE, kaal_map(n, 0, RW, &p));
	assert_status(KAAL_WRONG_TYPE, kaal_map(ep, 0, KAAL_RIGHT_READ, &p));
	assert_status(KAAL_WRONG_TYPE, kaal_map(h.untyped, 0, RW, &p));
	assert_status(KAAL_WRONG_TYPE, kaal_map(h.root, 0, RW, &p));
	assert_status(KAAL_WRONG_TYPE, kaal_map(h.bi->root_thread_cptr, 0, RW, &p));
	assert_status(KAAL_SLOT_EMPTY, kaal_map(empty, 0, RW, &p));
	assert_null(p);
	assert_status(KAAL_WRONG_TYPE, kaal_unmap(n));
	assert_status(KAAL_WRONG_TYPE, kaal_unmap(h.untyped));
	assert_status(KAAL_SLOT_EMPTY, kaal_unmap(empty));
	/* A cptr outside the root CNode's guard does not resolve. */
	assert_status(KAAL_GUARD_MISMATCH, kaal_map(UINT64_C(1) << 40, 0, RW, &p));
	assert_status(KAAL_GUARD_MISMATCH, kaal_unmap(UINT64_C(1) << 40));
	assert_int_equal(KAAL_CAP_NOTIFICATION, harness_identify(n).type);
	assert_int_equal(0, harness_identify(n).badge);
}

/* Deleting a mapped capability unmaps it: its address is free for another. */
static void delete_unmaps(void **state)
{
	(void)state;
	kaal_cptr a = harness_frame();
	kaal_cptr b = harness_frame();
	kaal_cptr c = harness_frame();
	uint8_t *pa = map(a, RW);
	pa[0] = 0xAA;
	kaal_word at = (uintptr_t)pa;

	/* While a is mapped there, nothing else can be. */
	void *p = NULL;
	struct kaal_cap_info before = harness_identify(b);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_map(b, at, RW, &p));
	harness_assert_holds(b, before);
	assert_int_equal(0xAA, pa[0]);

	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(a)));
	assert_status(KAAL_OK, kaal_map(b, at, RW, &p));
	assert_int_equal(at, (uintptr_t)p);
	assert_int_equal(at, harness_mapped_at(b));
	uint8_t *pb = p;
	assert_int_equal(0, pb[0]); /* b's own page, not a's */
	pb[1] = 0xBB;

	/* Unmapping frees the address too. */
	assert_status(KAAL_OK, kaal_unmap(b));
	assert_status(KAAL_OK, kaal_map(c, at, KAAL_RIGHT_READ, &p));
	assert_int_equal(at, (uintptr_t)p);
	assert_int_equal(0, ((uint8_t *)p)[1]);

	/* Revoking the untyped deletes (and so unmaps) every frame retyped from it. */
	kaal_cptr ut = harness_create(KAAL_CAP_UNTYPED, 16);
	kaal_cptr f = harness_slot();
	assert_status(KAAL_OK, kaal_untyped_retype(ut, KAAL_CAP_FRAME, KAAL_PAGE_BITS, 1,
	                                           harness_ref(h.root), f, NULL));
	uint8_t *pf = map(f, RW);
	pf[0] = 1;
	kaal_word fat = (uintptr_t)pf;
	assert_status(KAAL_OK, kaal_cnode_revoke(harness_ref(ut)));
	assert_int_equal(KAAL_CAP_NULL, harness_identify(f).type);
	kaal_cptr d = harness_frame();
	assert_status(KAAL_OK, kaal_map(d, fat, RW, &p));
	assert_int_equal(fat, (uintptr_t)p);
	assert_int_equal(0, ((uint8_t *)p)[0]);
}

/* Moving a mapped capability keeps the mapping with it. */
static void move_keeps_mapping(void **state)
{
	(void)state;
	kaal_cptr a = harness_frame();
	uint8_t *p = map(a, RW);
	kaal_cptr b = harness_slot();
	assert_status(KAAL_OK, kaal_cnode_move(harness_ref(b), harness_ref(a)));
	assert_int_equal(KAAL_CAP_NULL, harness_identify(a).type);
	assert_int_equal((uintptr_t)p, harness_mapped_at(b));
	p[0] = 3;
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_map(b, 0, RW, &(void *){NULL}));
	assert_status(KAAL_OK, kaal_unmap(b));
	assert_int_equal(0, harness_mapped_at(b));
}

static void device_frame_maps(void **state)
{
	(void)state;
	const struct kaal_boot_device *d = harness_device(KAAL_DEVICE_UART0);
	kaal_cptr f = d->frame_cptr;
	struct kaal_cap_info ci = harness_identify(f);
	assert_int_equal(KAAL_CAP_DEVICE_FRAME, ci.type);
	assert_int_equal(0x09000000, ci.object);
	volatile uint32_t *regs = map(f, RW);
	assert_int_equal((uintptr_t)regs, harness_mapped_at(f));
	regs[0] = 'k';
	regs[0x18 / 4] = 0x90;
	assert_int_equal('k', regs[0]);
	assert_int_equal(0x90, regs[0x18 / 4]);

	/* A second copy maps the same fake MMIO page. */
	kaal_cptr g = harness_copy(f);
	assert_int_equal(KAAL_CAP_DEVICE_FRAME, harness_identify(g).type);
	assert_int_equal(0x09000000, harness_identify(g).object);
	volatile uint32_t *again = map(g, KAAL_RIGHT_READ);
	assert_ptr_not_equal(regs, again);
	assert_int_equal('k', again[0]);
	regs[1] = 0x55;
	assert_int_equal(0x55, again[1]);

	/* Device pages are not RAM pages, and each device has its own. */
	for (uint32_t i = 0; i < h.bi->device_count; i++) {
		const struct kaal_boot_device *o = &h.bi->device[i];
		if (o->id == KAAL_DEVICE_UART0 || o->frame_cptr == 0)
			continue;
		volatile uint32_t *other = map(o->frame_cptr, RW);
		assert_int_equal(0, other[0]);
		other[0] = 1;
		assert_int_equal('k', regs[0]);
		assert_status(KAAL_OK, kaal_unmap(o->frame_cptr));
	}
	kaal_cptr ram = harness_frame();
	volatile uint32_t *rp = map(ram, RW);
	assert_int_equal(0, rp[0]);

	/* The device capability has no Grant, and a read-only copy stays read-only. */
	kaal_cptr ro = harness_derive(f, KAAL_RIGHT_READ);
	void *p = NULL;
	assert_status(KAAL_MISSING_RIGHT, kaal_map(ro, 0, RW, &p));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_map(ro, 0x10000800, KAAL_RIGHT_READ, &p));
	assert_status(KAAL_OK, kaal_unmap(g));
	assert_status(KAAL_OK, kaal_unmap(f));
	assert_status(KAAL_ILLEGAL_OPERATION, kaal_unmap(f));

	/* Mapped again after unmapping, the device page kept its contents. */
	regs = map(f, RW);
	assert_int_equal('k', regs[0]);
	assert_int_equal(0x55, regs[1]);
}

/* Deleting a mapped device frame copy unmaps it; the boot capability stays. */
static void device_frame_delete(void **state)
{
	(void)state;
	kaal_cptr f = harness_device(KAAL_DEVICE_UART0)->frame_cptr;
	kaal_cptr g = harness_copy(f);
	volatile uint32_t *p = map(g, RW);
	p[0] = 0x42;
	kaal_word at = (uintptr_t)p;
	assert_status(KAAL_OK, kaal_cnode_delete(harness_ref(g)));
	assert_int_equal(KAAL_CAP_DEVICE_FRAME, harness_identify(f).type);
	void *q = NULL;
	assert_status(KAAL_OK, kaal_map(f, at, KAAL_RIGHT_READ, &q));
	assert_int_equal(at, (uintptr_t)q);
	assert_int_equal(0x42, ((volatile uint32_t *)q)[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(map_write_read_unmap),
	    HARNESS_CASE(identify_gives_sizes),
	    HARNESS_CASE(copies_share_the_page),
	    HARNESS_CASE(distinct_frames_do_not_share),
	    HARNESS_CASE(read_only_mapping),
	    HARNESS_CASE(map_twice_and_unmap_unmapped),
	    HARNESS_CASE(bad_rights_and_addresses),
	    HARNESS_CASE(map_needs_a_frame),
	    HARNESS_CASE(delete_unmaps),
	    HARNESS_CASE(move_keeps_mapping),
	    HARNESS_CASE(device_frame_maps),
	    HARNESS_CASE(device_frame_delete),
	};
	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
