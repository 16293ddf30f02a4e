/*
 * Host pages larger than a frame (src/arch/host/ram.c). Each case runs with
 * the backend mapping in host pages of 16 KiB and of 64 KiB, as on Apple
 * Silicon and on some arm64 Linux kernels, whatever this host's page is: a
 * frame keeps its offset within a host page in every mapping, moves with its
 * bytes to be mapped at another offset and goes home once unmapped, shares a
 * host page with the frames beside it, and a thread whose IPC buffer was
 * moved still sends and receives long messages.
 */
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "host.h"

#define FRAME ((uintptr_t)1 << KAAL_PAGE_BITS)
#define RW    (KAAL_RIGHT_READ | KAAL_RIGHT_WRITE)

static size_t page_16k = 16384;
static size_t page_64k = 65536;
static uintptr_t page; /* the host page of the running case */

static int pages_setup(void **state)
{
	size_t forced = *(size_t *)*state;
	host_ram_force_page_size(forced);
	/* A host whose own page is larger keeps it. */
	long system = sysconf(_SC_PAGESIZE);
	page = system > (long)forced ? (uintptr_t)system : forced;
	return harness_setup(state);
}

static int pages_teardown(void **state)
{
	int r = harness_teardown(state);
	host_ram_force_page_size(0);
	return r;
}

static uintptr_t in_page(uintptr_t addr)
{
	return addr & (page - 1);
}

/* Where a frame's bytes sit in a host page at home: its physical address's offset. */
static uintptr_t home_offset(kaal_cptr frame)
{
	return in_page(harness_identify(frame).object);
}

/* Map at vaddr (0: anywhere) and return the address, which must be vaddr if given. */
static uintptr_t map_at(kaal_cptr frame, kaal_word vaddr, unsigned rights)
{
	void *p = NULL;
	assert_status(KAAL_OK, kaal_map(frame, vaddr, rights, &p));
	if (vaddr)
		assert_int_equal(vaddr, (uintptr_t)p);
	assert_int_equal((uintptr_t)p, harness_mapped_at(frame));
	return (uintptr_t)p;
}

/* 2 MiB of address space with nothing mapped in it: where a large frame was. */
static uintptr_t free_range(void)
{
	kaal_cptr large = harness_create(KAAL_CAP_FRAME, KAAL_LARGE_PAGE_BITS);
	uintptr_t at = map_at(large, 0, RW);
	assert_int_equal(0, in_page(at)); /* a large frame fills whole host pages */
	assert_status(KAAL_OK, kaal_unmap(large));
	return at;
}

/* An offset within a host page other than a and b. */
static uintptr_t other_offset(uintptr_t a, uintptr_t b)
{
	uintptr_t o = 0;
	while (o == a || o == b)
		o += FRAME;
	return o;
}

/* Mapped anywhere, a frame sits at its home offset, and so does each copy, sharing its bytes. */
static void anywhere_keeps_the_offset(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 2 * page / FRAME; i++) {
		kaal_cptr f = harness_frame();
		volatile uint32_t *p = (volatile uint32_t *)map_at(f, 0, RW);
		assert_int_equal(home_offset(f), in_page((uintptr_t)p));
		p[0] = i;
		volatile uint32_t *q =
		    (volatile uint32_t *)map_at(harness_derive(f, RW), 0, KAAL_RIGHT_READ);
		assert_ptr_not_equal(p, q);
		assert_int_equal(home_offset(f), in_page((uintptr_t)q));
		assert_int_equal(i, q[0]);
	}
}

/*
 * Mapped where its offset does not fit, an unmapped frame moves there with
 * its bytes; a copy mapped anywhere follows it; once both are unmapped the
 * frame is home again with everything written to it meanwhile.
 */
static void another_offset_moves_the_frame(void **state)
{
	(void)state;
	uintptr_t base = free_range();
	kaal_cptr f = harness_frame();
	uintptr_t home = home_offset(f);
	memset((void *)map_at(f, 0, RW), 0x5A, FRAME);
	assert_status(KAAL_OK, kaal_unmap(f));

	uintptr_t at = base + other_offset(home, home);
	volatile uint8_t *moved = (volatile uint8_t *)map_at(f, at, RW);
	assert_int_equal(0x5A, moved[0]);
	assert_int_equal(0x5A, moved[FRAME - 1]);
	moved[1] = 0x11;
	kaal_cptr g = harness_derive(f, RW);
	volatile uint8_t *q = (volatile uint8_t *)map_at(g, 0, RW);
	assert_int_equal(in_page(at), in_page((uintptr_t)q));
	assert_int_equal(0x11, q[1]);
	q[2] = 0x22;
	assert_int_equal(0x22, moved[2]);
	assert_status(KAAL_OK, kaal_unmap(g));
	assert_status(KAAL_OK, kaal_unmap(f));

	volatile uint8_t *back = (volatile uint8_t *)map_at(f, 0, KAAL_RIGHT_READ);
	assert_int_equal(home, in_page((uintptr_t)back));
	assert_int_equal(0x11, back[1]);
	assert_int_equal(0x22, back[2]);
	assert_int_equal(0x5A, back[FRAME - 1]);
}

/*
 * A frame mapped at one offset is refused at another, and so is a frame
 * where a mapped host page shows a different one; both change nothing.
 */
static void refused_where_the_offset_cannot_follow(void **state)
{
	(void)state;
	uintptr_t base = free_range();
	kaal_cptr f = harness_frame(), other = harness_frame();
	uintptr_t home = home_offset(f);
	uintptr_t p = map_at(f, 0, RW);
	*(volatile uint8_t *)p = 7;

	kaal_cptr g = harness_derive(f, RW);
	uintptr_t elsewhere = base + other_offset(home, home);
	void *q = NULL;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_map(g, elsewhere, RW, &q));
	assert_int_equal(0, harness_mapped_at(g));
	/* f's host page shows its neighbours in RAM beside it, never `other` at another offset. */
	uintptr_t beside = p - in_page(p) + other_offset(home, home_offset(other));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_map(other, beside, RW, &q));
	assert_int_equal(0, harness_mapped_at(other));
	assert_null(q);

	/* Unmapped, the frame moves where it was refused, with its bytes. */
	assert_status(KAAL_OK, kaal_unmap(f));
	assert_int_equal(7, *(volatile uint8_t *)map_at(g, elsewhere, RW));
}

/*
 * Frames mapped side by side share a host page, whatever their rights, and
 * copies mapped side by side in another host page see the same bytes, as
 * processes mapping shared rings at the same offsets do.
 */
static void frames_share_a_host_page(void **state)
{
	(void)state;
	enum { COUNT = 3 };
	uintptr_t base = free_range();
	kaal_cptr f[COUNT], g[COUNT];
	volatile uint32_t *p[COUNT], *q[COUNT];
	for (unsigned i = 0; i < COUNT; i++)
		f[i] = harness_frame();
	for (unsigned i = 0; i < COUNT; i++) {
		unsigned rights = i == 1 ? KAAL_RIGHT_READ : RW;
		p[i] = (volatile uint32_t *)map_at(f[i], base + i * FRAME, rights);
		g[i] = harness_derive(f[i], RW);
		q[i] = (volatile uint32_t *)map_at(g[i], base + page + i * FRAME, RW);
	}
	for (unsigned i = 0; i < COUNT; i++)
		q[i][0] = 100 + i;
	for (unsigned i = 0; i < COUNT; i++)
		assert_int_equal(100 + i, p[i][0]);
	p[2][1] = 202;
	assert_int_equal(202, q[2][1]);
	assert_int_equal(0, q[0][1]);

	/* The read-only frame alone is left: it keeps reading the same bytes. */
	assert_status(KAAL_OK, kaal_unmap(f[0]));
	assert_status(KAAL_OK, kaal_unmap(f[2]));
	assert_int_equal(101, p[1][0]);
	q[1][1] = 303;
	assert_int_equal(303, p[1][1]);
}

/* The first device with an MMIO page. */
static kaal_cptr device_frame(void)
{
	for (uint32_t i = 0; i < h.bi->device_count; i++)
		if (h.bi->device[i].frame_cptr)
			return h.bi->device[i].frame_cptr;
	fail_msg("no device with an MMIO page");
	return 0;
}

/* A device page sits at offset 0 of its host page and moves like RAM. */
static void device_page_moves_like_ram(void **state)
{
	(void)state;
	kaal_cptr dev = device_frame();
	uintptr_t base = free_range();
	volatile uint32_t *regs = (volatile uint32_t *)map_at(dev, base + FRAME, RW);
	regs[0] = 'k';
	kaal_cptr copy = harness_derive(dev, RW);
	volatile uint32_t *again = (volatile uint32_t *)map_at(copy, 0, KAAL_RIGHT_READ);
	assert_int_equal(FRAME, in_page((uintptr_t)again));
	assert_int_equal('k', again[0]);
	assert_status(KAAL_OK, kaal_unmap(copy));
	assert_status(KAAL_OK, kaal_unmap(dev));

	regs = (volatile uint32_t *)map_at(dev, 0, RW);
	assert_int_equal(0, in_page((uintptr_t)regs));
	assert_int_equal('k', regs[0]);
}

/* What the echo thread saw. */
struct echo {
	kaal_cptr ep, done;
	kaal_status recv_st, reply_st;
	kaal_word words[KAAL_MSG_MAX_WORDS];
};

/* Receive one call and reply with every word + 1000, words 4 and up in its own IPC buffer. */
static void echo(kaal_word arg)
{
	struct echo *e = PTR(arg);
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	struct kaal_msg m;
	e->recv_st = kaal_recv(e->ep, &m);
	memcpy(e->words, buf->msg, sizeof(e->words));
	struct kaal_msg reply = {kaal_msg_info(kaal_msg_label(m.info) + 1, KAAL_MSG_MAX_WORDS, 0),
	                         {m.mr[0] + 1000, m.mr[1] + 1000, m.mr[2] + 1000, m.mr[3] + 1000},
	                         0};
	for (unsigned i = KAAL_MSG_FAST_WORDS; i < KAAL_MSG_MAX_WORDS; i++)
		buf->msg[i] += 1000;
	e->reply_st = kaal_reply(&reply);
	kaal_signal(e->done, 1);
}

/*
 * The kernel writes and reads a thread's IPC buffer at home: one that moved
 * still carries a long call in and a long reply out.
 */
static void moved_ipc_buffer_carries_messages(void **state)
{
	(void)state;
	uintptr_t base = free_range();
	kaal_cptr frame = harness_frame();
	uintptr_t at = base + other_offset(home_offset(frame), home_offset(frame));
	struct kaal_ipc_buffer *ipc = (struct kaal_ipc_buffer *)map_at(frame, at, RW);
	static struct echo e;
	memset(&e, 0, sizeof(e));
	e.ep = harness_endpoint();
	e.done = harness_notification();
	kaal_cptr t = harness_create(KAAL_CAP_THREAD, 0);
	assert_status(KAAL_OK, kaal_thread_configure(t, h.root, frame, 100));
	assert_status(KAAL_OK, kaal_thread_start(t, echo, harness_stack(), ARG(&e), ipc));

	struct kaal_ipc_buffer *mine = kaal_ipc_buffer();
	for (unsigned i = 0; i < KAAL_MSG_MAX_WORDS; i++)
		mine->msg[i] = i;
	struct kaal_msg m = harness_message(1, KAAL_MSG_MAX_WORDS, 0, 1, 2, 3);
	assert_status(KAAL_OK, kaal_call(e.ep, &m));
	assert_int_equal(kaal_msg_info(2, KAAL_MSG_MAX_WORDS, 0), m.info);
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		assert_int_equal(i + 1000, m.mr[i]);
	for (unsigned i = KAAL_MSG_FAST_WORDS; i < KAAL_MSG_MAX_WORDS; i++)
		assert_int_equal(i + 1000, mine->msg[i]);
	harness_await_bits(e.done, 1);

	assert_status(KAAL_OK, e.recv_st);
	assert_status(KAAL_OK, e.reply_st);
	for (unsigned i = KAAL_MSG_FAST_WORDS; i < KAAL_MSG_MAX_WORDS; i++) {
		assert_int_equal(i, e.words[i]);
		assert_int_equal(i + 1000, ipc->msg[i]);
	}
	assert_int_equal(kaal_msg_info(1, KAAL_MSG_MAX_WORDS, 0), ipc->info);
}

#define PAGE_CASE(fn, size)                                                                        \
	cmocka_unit_test_prestate_setup_teardown(fn, pages_setup, pages_teardown, &size)
#define CASES(fn) PAGE_CASE(fn, page_16k), PAGE_CASE(fn, page_64k)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    CASES(anywhere_keeps_the_offset),
	    CASES(another_offset_moves_the_frame),
	    CASES(refused_where_the_offset_cannot_follow),
	    CASES(frames_share_a_host_page),
	    CASES(device_page_moves_like_ram),
	    CASES(moved_ipc_buffer_carries_messages),
	};
	return cmocka_run_group_tests_name("host_pages", tests, NULL, NULL);
}
