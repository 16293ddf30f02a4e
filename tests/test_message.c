/*
 * The SDK's message helpers: words in registers and in the IPC buffer, byte
 * strings, and capabilities sent and received into fresh CSpace slots
 * between two threads. Every refusal is shown to change nothing.
 */
#include <string.h>

#include "harness.h"

#include <kaal/cspace.h>
#include <kaal/message.h>

#define RANGE     4u   /* slots the receiving CSpace manages */
#define KEEP_FREE 256u /* root slots left to the harness below the range */
#define STALE     UINT64_C(0x5757575757575757)
#define UNTOUCHED UINT64_C(0xDEAD)

static struct kaal_cspace cs;

static void open_cspace(void)
{
	kaal_cptr first = h.bi->first_free_slot + KEEP_FREE;
	assert_status(KAAL_OK, kaal_cspace_init(&cs, h.root, first, first + RANGE));
}

/* The message and the caller's IPC buffer are as they were. */
struct snapshot {
	struct kaal_msg msg;
	struct kaal_ipc_buffer buf;
};

static struct snapshot snap(const struct kaal_msg *msg)
{
	struct snapshot s;
	s.msg = *msg;
	s.buf = *kaal_ipc_buffer();
	return s;
}

static void assert_unchanged(const struct snapshot *s, const struct kaal_msg *msg)
{
	assert_memory_equal(&s->msg, msg, sizeof(*msg));
	assert_memory_equal(&s->buf, kaal_ipc_buffer(), sizeof(s->buf));
}

static void fill_buffer_with_stale_words(void)
{
	for (unsigned i = 0; i < KAAL_MSG_MAX_WORDS; i++)
		kaal_ipc_buffer()->msg[i] = STALE;
}

/* ---- Building a message and its words. */

static void init_clears_the_words_of_its_length(void **state)
{
	(void)state;
	fill_buffer_with_stale_words();
	struct kaal_msg m = {STALE, {STALE, STALE, STALE, STALE}, STALE};
	assert_status(KAAL_OK, kaal_msg_init(&m, KAAL_MSG_LABEL_MAX, 6));
	assert_int_equal(kaal_msg_info(KAAL_MSG_LABEL_MAX, 6, 0), m.info);
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		assert_int_equal(0, m.mr[i]);
	assert_int_equal(0, kaal_ipc_buffer()->msg[4]);
	assert_int_equal(0, kaal_ipc_buffer()->msg[5]);
	assert_int_equal(STALE, kaal_ipc_buffer()->msg[6]);
	kaal_word label = 0, badge = STALE;
	unsigned length = 0;
	assert_status(KAAL_OK, kaal_msg_get_label(&m, &label));
	assert_status(KAAL_OK, kaal_msg_get_length(&m, &length));
	assert_status(KAAL_OK, kaal_msg_get_badge(&m, &badge));
	assert_int_equal(KAAL_MSG_LABEL_MAX, label);
	assert_int_equal(6, length);
	assert_int_equal(0, badge);
}

static void init_refuses_a_label_or_length_too_wide(void **state)
{
	(void)state;
	struct kaal_msg m = harness_word_message(3, 7);
	struct snapshot s = snap(&m);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_init(NULL, 1, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_init(&m, KAAL_MSG_LABEL_MAX + 1, 1));
	assert_unchanged(&s, &m);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_init(&m, 1, KAAL_MSG_MAX_WORDS + 1));
	assert_unchanged(&s, &m);
}

static void init_without_an_ipc_buffer_keeps_to_the_fast_words(void **state)
{
	(void)state;
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	struct kaal_msg m = harness_word_message(3, 7);
	struct snapshot s = snap(&m);
	kaal_set_ipc_buffer(NULL);
	const kaal_status long_one = kaal_msg_init(&m, 1, KAAL_MSG_FAST_WORDS + 1);
	const struct kaal_msg after_long = m;
	const kaal_status short_one = kaal_msg_init(&m, 2, KAAL_MSG_FAST_WORDS);
	kaal_set_ipc_buffer(buf);
	assert_status(KAAL_ILLEGAL_OPERATION, long_one);
	assert_memory_equal(&s.msg, &after_long, sizeof(m));
	assert_status(KAAL_OK, short_one);
	assert_int_equal(kaal_msg_info(2, KAAL_MSG_FAST_WORDS, 0), m.info);
	assert_memory_equal(&s.buf, buf, sizeof(*buf));
}

static void words_go_to_registers_then_the_ipc_buffer(void **state)
{
	(void)state;
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_msg_init(&m, 1, KAAL_MSG_MAX_WORDS));
	for (unsigned i = 0; i < KAAL_MSG_MAX_WORDS; i++)
		assert_status(KAAL_OK, kaal_msg_set_word(&m, i, 100 + i));
	for (unsigned i = 0; i < KAAL_MSG_FAST_WORDS; i++)
		assert_int_equal(100 + i, m.mr[i]);
	for (unsigned i = KAAL_MSG_FAST_WORDS; i < KAAL_MSG_MAX_WORDS; i++)
		assert_int_equal(100 + i, kaal_ipc_buffer()->msg[i]);
	for (unsigned i = 0; i < KAAL_MSG_MAX_WORDS; i++) {
		kaal_word w = 0;
		assert_status(KAAL_OK, kaal_msg_get_word(&m, i, &w));
		assert_int_equal(100 + i, w);
	}
}

static void a_word_past_the_length_is_refused(void **state)
{
	(void)state;
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_msg_init(&m, 1, 5));
	struct snapshot s = snap(&m);
	kaal_word w = UNTOUCHED;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_set_word(&m, 5, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_set_word(&m, KAAL_MSG_MAX_WORDS, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_word(&m, 5, &w));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_word(&m, KAAL_MSG_MAX_WORDS, &w));
	assert_unchanged(&s, &m);
	assert_int_equal(UNTOUCHED, w);
	/* A full message has no word 64. */
	assert_status(KAAL_OK, kaal_msg_init(&m, 1, KAAL_MSG_MAX_WORDS));
	s = snap(&m);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_set_word(&m, KAAL_MSG_MAX_WORDS, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_word(&m, KAAL_MSG_MAX_WORDS, &w));
	assert_unchanged(&s, &m);
	assert_int_equal(UNTOUCHED, w);
}

static void null_pointers_are_refused(void **state)
{
	(void)state;
	struct kaal_msg m = harness_word_message(3, 7);
	struct snapshot s = snap(&m);
	kaal_word w = UNTOUCHED;
	unsigned length = 0;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_set_word(NULL, 0, 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_word(NULL, 0, &w));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_word(&m, 0, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_label(NULL, &w));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_label(&m, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_length(NULL, &length));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_length(&m, NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_badge(NULL, &w));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_badge(&m, NULL));
	assert_unchanged(&s, &m);
	assert_int_equal(UNTOUCHED, w);
	assert_int_equal(0, length);
}

/* An info word claiming more than 64 words (127 fits its field) names no word at all. */
static void a_length_past_64_names_no_word(void **state)
{
	(void)state;
	struct kaal_msg m = {KAAL_MSG_INFO_INVALID, {1, 2, 3, 4}, 0};
	struct snapshot s = snap(&m);
	kaal_word w = UNTOUCHED;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_word(&m, 0, &w));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_set_word(&m, 100, 1));
	assert_unchanged(&s, &m);
	assert_int_equal(UNTOUCHED, w);
}

static void a_long_word_without_an_ipc_buffer_is_refused(void **state)
{
	(void)state;
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_msg_init(&m, 1, 5));
	struct snapshot s = snap(&m);
	kaal_word w = UNTOUCHED;
	kaal_set_ipc_buffer(NULL);
	const kaal_status set = kaal_msg_set_word(&m, 4, 1);
	const kaal_status get = kaal_msg_get_word(&m, 4, &w);
	const kaal_status fast = kaal_msg_set_word(&m, 3, 9);
	kaal_set_ipc_buffer(buf);
	assert_status(KAAL_ILLEGAL_OPERATION, set);
	assert_status(KAAL_ILLEGAL_OPERATION, get);
	assert_int_equal(UNTOUCHED, w);
	/* The fast words need no buffer. */
	assert_status(KAAL_OK, fast);
	s.msg.mr[3] = 9;
	assert_unchanged(&s, &m);
}

/* ---- Byte strings. */

static void bytes_round_trip_across_registers_and_buffer(void **state)
{
	(void)state;
	static const char text[] = "a name longer than the fast words hold";
	const size_t n = sizeof(text) - 1;
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_msg_init(&m, 1, 1 + KAAL_MSG_BYTES_WORDS(n)));
	assert_status(KAAL_OK, kaal_msg_set_word(&m, 0, 42));
	assert_status(KAAL_OK, kaal_msg_put_bytes(&m, 1, text, n));
	assert_int_equal(n, m.mr[1]);
	assert_int_equal('a' | ' ' << 8 | 'n' << 16, m.mr[2] & 0xFFFFFF);
	char out[64] = {0};
	size_t count = 0;
	assert_status(KAAL_OK, kaal_msg_get_bytes(&m, 1, out, sizeof(out), &count));
	assert_int_equal(n, count);
	assert_memory_equal(text, out, n);
	kaal_word w = 0;
	assert_status(KAAL_OK, kaal_msg_get_word(&m, 0, &w));
	assert_int_equal(42, w);
	/* An exact fit, and the empty string with no buffer at all. */
	assert_status(KAAL_OK, kaal_msg_get_bytes(&m, 1, out, n, &count));
	assert_status(KAAL_OK, kaal_msg_put_bytes(&m, 0, NULL, 0));
	assert_status(KAAL_OK, kaal_msg_get_bytes(&m, 0, NULL, 0, &count));
	assert_int_equal(0, count);
}

static void the_most_bytes_fill_a_whole_message(void **state)
{
	(void)state;
	unsigned char in[KAAL_MSG_MAX_BYTES], out[KAAL_MSG_MAX_BYTES];
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 1);
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_msg_init(&m, 1, KAAL_MSG_MAX_WORDS));
	assert_status(KAAL_OK, kaal_msg_put_bytes(&m, 0, in, sizeof(in)));
	size_t count = 0;
	assert_status(KAAL_OK, kaal_msg_get_bytes(&m, 0, out, sizeof(out), &count));
	assert_int_equal(sizeof(in), count);
	assert_memory_equal(in, out, sizeof(in));
}

static void bytes_that_do_not_fit_are_refused(void **state)
{
	(void)state;
	static const char text[] = "twelve bytes";
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_msg_init(&m, 1, 3));
	struct snapshot s = snap(&m);
	/* Twelve bytes need three words: a count and two. */
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_put_bytes(&m, 1, text, 12));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_put_bytes(&m, 0, NULL, 1));
	assert_status(KAAL_INVALID_ARGUMENT,
	              kaal_msg_put_bytes(&m, 0, text, KAAL_MSG_MAX_BYTES + 1));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_put_bytes(NULL, 0, text, 1));
	assert_unchanged(&s, &m);
}

static void bytes_without_an_ipc_buffer_keep_to_the_fast_words(void **state)
{
	(void)state;
	static const char text[] = "twenty-five bytes of text";
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_msg_init(&m, 1, 5));
	struct snapshot s = snap(&m);
	kaal_set_ipc_buffer(NULL);
	const kaal_status st = kaal_msg_put_bytes(&m, 0, text, 25);
	kaal_set_ipc_buffer(buf);
	assert_status(KAAL_ILLEGAL_OPERATION, st);
	assert_unchanged(&s, &m);
}

static void a_received_count_that_does_not_fit_copies_nothing(void **state)
{
	(void)state;
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_msg_init(&m, 1, 3));
	assert_status(KAAL_OK, kaal_msg_put_bytes(&m, 0, "0123456789", 10));
	struct snapshot s = snap(&m);
	char out[16];
	memset(out, 'x', sizeof(out));
	size_t count = UNTOUCHED;
	/* Room for fewer bytes than sent. */
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_bytes(&m, 0, out, 9, &count));
	/* A count past the message's words, or past any message. */
	m.mr[0] = 17;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_bytes(&m, 0, out, sizeof(out), &count));
	m.mr[0] = UINT64_MAX;
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_bytes(&m, 0, out, sizeof(out), &count));
	m.mr[0] = 10;
	/* No count word, or nowhere to put things. */
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_bytes(&m, 3, out, sizeof(out), &count));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_bytes(&m, 0, NULL, 1, &count));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_bytes(&m, 0, out, sizeof(out), NULL));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_get_bytes(NULL, 0, out, sizeof(out), &count));
	assert_unchanged(&s, &m);
	assert_int_equal(UNTOUCHED, count);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal('x', out[i]);
}

/* ---- Capabilities between two threads. */

#define WORDS 6 /* past the fast words: the receiver reads its own IPC buffer */

static struct {
	kaal_cptr ep;
	kaal_cptr done;
	bool reply; /* answer a call with the slot the capability went to */
	kaal_status st;
	struct kaal_msg m;
	kaal_cptr cap;
	kaal_word last_word;          /* word WORDS-1, read on the receiver's thread */
	struct kaal_ipc_buffer after; /* the receiver's IPC buffer after the receive */
} rx;

static void receiver(kaal_word arg)
{
	(void)arg;
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	buf->receive_root = 1;
	buf->receive_index = 2;
	buf->receive_depth = 3;
	rx.st = kaal_msg_recv_cap(&cs, rx.ep, &rx.m, &rx.cap);
	kaal_msg_get_word(&rx.m, WORDS - 1, &rx.last_word);
	rx.after = *buf;
	if (rx.reply) {
		struct kaal_msg r = harness_word_message(0, rx.cap);
		kaal_reply(&r);
	}
	kaal_signal(rx.done, 1);
}

static void start_receiver(bool reply)
{
	open_cspace();
	rx.ep = harness_endpoint();
	rx.done = harness_notification();
	rx.reply = reply;
	rx.st = KAAL_INVALID_SYSCALL;
	rx.cap = UNTOUCHED;
	rx.last_word = 0;
	harness_thread(receiver, 0, 0);
}

static struct kaal_msg long_message(kaal_word label)
{
	struct kaal_msg m;
	assert_status(KAAL_OK, kaal_msg_init(&m, label, WORDS));
	assert_status(KAAL_OK, kaal_msg_set_word(&m, WORDS - 1, 0xABC));
	return m;
}

/* The receiver's own receive slot came back as it named it. */
static void assert_receive_slot_kept(void)
{
	assert_int_equal(1, rx.after.receive_root);
	assert_int_equal(2, rx.after.receive_index);
	assert_int_equal(3, rx.after.receive_depth);
}

static void a_capability_sent_lands_in_a_fresh_slot(void **state)
{
	(void)state;
	start_receiver(false);
	kaal_cptr ntfn = harness_notification();
	kaal_cptr badged = harness_mint(rx.ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT, 0x42);
	struct kaal_msg m = long_message(7);
	struct snapshot s = snap(&m);
	assert_status(KAAL_OK, kaal_msg_send_cap(badged, &m, ntfn));
	harness_await_bits(rx.done, 1);
	assert_status(KAAL_OK, rx.st);
	assert_true(kaal_msg_cap_arrived(&rx.m));
	assert_int_equal(cs.slots.first, rx.cap);
	assert_true(kaal_slots_held(&cs.slots, rx.cap));
	assert_int_equal(RANGE - 1, cs.slots.free_count);
	harness_assert_same_cap(harness_identify(ntfn), harness_identify(rx.cap));
	kaal_word label = 0, badge = 0;
	assert_status(KAAL_OK, kaal_msg_get_label(&rx.m, &label));
	assert_status(KAAL_OK, kaal_msg_get_badge(&rx.m, &badge));
	assert_int_equal(7, label);
	assert_int_equal(0x42, badge);
	assert_int_equal(0xABC, rx.last_word);
	assert_receive_slot_kept();
	/* The sender's message and send_cap are as they were. */
	assert_unchanged(&s, &m);
	assert_status(KAAL_OK, kaal_cspace_delete(&cs, rx.cap));
	assert_int_equal(RANGE, cs.slots.free_count);
}

static void no_capability_arrived_the_slot_is_free_again(void **state)
{
	(void)state;
	start_receiver(false);
	kaal_cptr ntfn = harness_notification();
	/* Without Grant the message goes and the capability is dropped. */
	kaal_cptr no_grant = harness_derive(rx.ep, KAAL_RIGHT_WRITE);
	struct kaal_msg m = long_message(8);
	assert_status(KAAL_OK, kaal_msg_send_cap(no_grant, &m, ntfn));
	harness_await_bits(rx.done, 1);
	assert_status(KAAL_OK, rx.st);
	assert_false(kaal_msg_cap_arrived(&rx.m));
	assert_int_equal(UNTOUCHED, rx.cap);
	assert_int_equal(RANGE, cs.slots.free_count);
	assert_false(kaal_slots_held(&cs.slots, cs.slots.first));
	harness_assert_slot_empty(cs.slots.first);
	assert_int_equal(0xABC, rx.last_word);
	assert_receive_slot_kept();
}

static void a_call_carries_a_capability_and_brings_the_reply(void **state)
{
	(void)state;
	start_receiver(true);
	kaal_cptr ntfn = harness_notification();
	struct kaal_msg m = long_message(9);
	assert_status(KAAL_OK, kaal_msg_call_cap(rx.ep, &m, ntfn));
	/* The reply names the slot the receiver got. */
	assert_int_equal(kaal_msg_info(0, 1, 0), m.info);
	assert_int_equal(cs.slots.first, m.mr[0]);
	harness_await_bits(rx.done, 1);
	assert_status(KAAL_OK, rx.st);
	harness_assert_same_cap(harness_identify(ntfn), harness_identify(rx.cap));
}

static void a_failed_send_or_call_changes_nothing(void **state)
{
	(void)state;
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	kaal_cptr empty = harness_slot(), ntfn = harness_notification();
	buf->send_cap = 77;
	struct kaal_msg m = long_message(1);
	struct snapshot s = snap(&m);
	assert_status(KAAL_SLOT_EMPTY, kaal_msg_send_cap(empty, &m, ntfn));
	assert_status(KAAL_SLOT_EMPTY, kaal_msg_call_cap(empty, &m, ntfn));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_send_cap(empty, NULL, ntfn));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_call_cap(empty, NULL, ntfn));
	assert_unchanged(&s, &m);
	kaal_set_ipc_buffer(NULL);
	const kaal_status send = kaal_msg_send_cap(empty, &m, ntfn);
	const kaal_status call = kaal_msg_call_cap(empty, &m, ntfn);
	kaal_set_ipc_buffer(buf);
	assert_status(KAAL_ILLEGAL_OPERATION, send);
	assert_status(KAAL_ILLEGAL_OPERATION, call);
	assert_unchanged(&s, &m);
}

static void a_failed_receive_gives_its_slot_back(void **state)
{
	(void)state;
	open_cspace();
	struct kaal_ipc_buffer *buf = kaal_ipc_buffer();
	kaal_cptr ep = harness_endpoint(), empty = harness_slot(), cap = UNTOUCHED;
	struct kaal_msg m = harness_word_message(3, 7);
	struct snapshot s = snap(&m);
	assert_status(KAAL_SLOT_EMPTY, kaal_msg_recv_cap(&cs, empty, &m, &cap));
	assert_int_equal(RANGE, cs.slots.free_count);
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_recv_cap(NULL, ep, &m, &cap));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_recv_cap(&cs, ep, NULL, &cap));
	assert_status(KAAL_INVALID_ARGUMENT, kaal_msg_recv_cap(&cs, ep, &m, NULL));
	kaal_set_ipc_buffer(NULL);
	const kaal_status without = kaal_msg_recv_cap(&cs, ep, &m, &cap);
	kaal_set_ipc_buffer(buf);
	assert_status(KAAL_ILLEGAL_OPERATION, without);
	/* No slot left: nothing received. */
	kaal_cptr slot;
	for (unsigned i = 0; i < RANGE; i++)
		assert_status(KAAL_OK, kaal_cspace_alloc(&cs, &slot));
	assert_status(KAAL_OUT_OF_SLOTS, kaal_msg_recv_cap(&cs, ep, &m, &cap));
	assert_int_equal(0, cs.slots.free_count);
	assert_unchanged(&s, &m);
	assert_int_equal(UNTOUCHED, cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    HARNESS_CASE(init_clears_the_words_of_its_length),
	    HARNESS_CASE(init_refuses_a_label_or_length_too_wide),
	    HARNESS_CASE(init_without_an_ipc_buffer_keeps_to_the_fast_words),
	    HARNESS_CASE(words_go_to_registers_then_the_ipc_buffer),
	    HARNESS_CASE(a_word_past_the_length_is_refused),
	    HARNESS_CASE(null_pointers_are_refused),
	    HARNESS_CASE(a_length_past_64_names_no_word),
	    HARNESS_CASE(a_long_word_without_an_ipc_buffer_is_refused),
	    HARNESS_CASE(bytes_round_trip_across_registers_and_buffer),
	    HARNESS_CASE(the_most_bytes_fill_a_whole_message),
	    HARNESS_CASE(bytes_that_do_not_fit_are_refused),
	    HARNESS_CASE(bytes_without_an_ipc_buffer_keep_to_the_fast_words),
	    HARNESS_CASE(a_received_count_that_does_not_fit_copies_nothing),
	    HARNESS_CASE(a_capability_sent_lands_in_a_fresh_slot),
	    HARNESS_CASE(no_capability_arrived_the_slot_is_free_again),
	    HARNESS_CASE(a_call_carries_a_capability_and_brings_the_reply),
	    HARNESS_CASE(a_failed_send_or_call_changes_nothing),
	    HARNESS_CASE(a_failed_receive_gives_its_slot_back),
	};
	return cmocka_run_group_tests_name("message", tests, NULL, NULL);
}
