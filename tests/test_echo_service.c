/*
 * The echo service on the host: over channels (the "echo" program, a
 * driver-kit service with four links) and over an endpoint ("echo_ep").
 * Bytes and words come back unchanged; three client programs and the root
 * use both paths at once, each answer checked; a link whose client never
 * reads, one that spoils its ring and one that sends garbage cost only
 * themselves; the endpoint answers a bad label with a refusal and goes on.
 */
#include <string.h>

#include "echo/echo.h"
#include "harness.h"
#include "programs/programs.h"

#define WAIT_NS HARNESS_PROGRAM_WAIT_NS
#define CALLERS 3u
#define FLOOD   64u

static const struct kaal_host_program programs[] = {
    {"echo", kaal_program_entry_echo},
    {"echo_ep", kaal_program_entry_echo_ep},
    {"echo_caller", kaal_program_entry_echo_caller},
};

static struct kaal_broker broker;
static struct kaal_driver echo;
static struct kaal_driver_client own;

static int echo_setup(void **state)
{
	struct kaal_host_config config = {.programs = programs,
	                                  .program_count = sizeof(programs) / sizeof(programs[0])};
	harness_setup_with(state, &config);
	harness_broker(&broker);
	assert_status(KAAL_OK, kaal_driver_start(&broker, &kaal_echo_service, &echo));
	assert_status(KAAL_OK, kaal_driver_open_link(&own, &echo, 0, 0));
	return 0;
}

static int echo_teardown(void **state)
{
	assert_status(KAAL_OK, kaal_driver_stop(&broker, &echo));
	return harness_teardown(state);
}

#define ECHO_CASE(fn) cmocka_unit_test_setup_teardown(fn, echo_setup, echo_teardown)

static struct kaal_echo_reply ask(struct kaal_driver_client *c, uint32_t op, uint64_t tag,
                                  const char *text)
{
	struct kaal_echo_request q = {op, (uint32_t)strlen(text), tag, {0}};
	memcpy(q.data, text, q.length);
	struct kaal_echo_reply a;
	memset(&a, 0xEE, sizeof(a));
	assert_status(KAAL_OK, kaal_driver_call(c, &q, &a, WAIT_NS));
	assert_int_equal(op, a.op);
	assert_int_equal(tag, a.tag);
	return a;
}

static void bytes_come_back(void **state)
{
	(void)state;
	struct kaal_echo_reply a = ask(&own, KAAL_ECHO, 7, "kaal echoes this");
	assert_int_equal(KAAL_OK, a.status);
	assert_int_equal(16, a.count);
	assert_memory_equal("kaal echoes this", a.data, 16);
	a = ask(&own, KAAL_ECHO_COUNT, 8, "");
	assert_int_equal(KAAL_OK, a.status);
	assert_int_equal(1, a.count); /* one request on this link before */
	/* An empty echo is fine; a longer one than a reply holds is refused. */
	assert_int_equal(KAAL_OK, ask(&own, KAAL_ECHO, 9, "").status);
	struct kaal_echo_request q = {KAAL_ECHO, KAAL_ECHO_BYTES, 10, {0}};
	assert_status(KAAL_OK, kaal_driver_call(&own, &q, &a, WAIT_NS));
	assert_int_equal(KAAL_INVALID_ARGUMENT, a.status);
}

static void garbage_is_refused(void **state)
{
	(void)state;
	assert_int_equal(KAAL_INVALID_ARGUMENT, ask(&own, 0, 1, "x").status);
	assert_int_equal(KAAL_INVALID_ARGUMENT, ask(&own, 99, 2, "x").status);
	assert_int_equal(KAAL_OK, ask(&own, KAAL_ECHO, 3, "still here").status);
}

/* A link that only sends fills its reply ring; the kit drops the rest, the others are served. */
static void a_client_that_never_reads_costs_only_itself(void **state)
{
	(void)state;
	struct kaal_driver_client deaf;
	assert_status(KAAL_OK, kaal_driver_open_link(&deaf, &echo, 1, 2));
	struct kaal_echo_request q = {KAAL_ECHO, 1, 0, {'z'}};
	unsigned sent = 0;
	for (unsigned i = 0; i < FLOOD; i++)
		sent += kaal_channel_send(&deaf.request, &q, WAIT_NS) == KAAL_OK;
	assert_int_equal(FLOOD, sent);
	assert_int_equal(KAAL_OK, ask(&own, KAAL_ECHO, 1, "served").status);
	harness_wait_blocked(echo.program.process.thread); /* every request taken */
	/* The deaf link holds a ring of replies, no more; the rest were dropped. */
	unsigned kept = 0;
	struct kaal_echo_reply a;
	while (kaal_channel_recv(&deaf.reply, &a, 0) == KAAL_OK)
		kept++;
	assert_int_equal(kaal_echo_service.ring_capacity, kept);
}

static void a_client_that_spoils_its_ring_is_cut_off(void **state)
{
	(void)state;
	struct kaal_driver_client hostile;
	assert_status(KAAL_OK, kaal_driver_open_link(&hostile, &echo, 2, 4));
	assert_int_equal(KAAL_OK, ask(&hostile, KAAL_ECHO, 1, "before").status);
	/* A head far more than a ring ahead: no producer could have written it. */
	kaal_atomic_store(&hostile.request.ring.hdr->head, UINT64_C(1) << 40, KAAL_RELEASE);
	assert_status(KAAL_OK, kaal_signal(hostile.request.signal_ntfn, 1));
	assert_int_equal(KAAL_OK, ask(&own, KAAL_ECHO, 2, "served").status);
	harness_wait_blocked(echo.program.process.thread);
	struct kaal_echo_reply a;
	assert_status(KAAL_WOULD_BLOCK, kaal_channel_recv(&hostile.reply, &a, 0));
	assert_int_equal(KAAL_OK, ask(&own, KAAL_ECHO, 3, "still served").status);
}

static void start_endpoint_service(kaal_cptr ep, struct kaal_spawned *p)
{
	const struct kaal_spawn_cap cap = {"ep", ep, KAAL_RIGHT_READ};
	assert_status(KAAL_OK, kaal_spawn(&broker, "echo_ep", &cap, 1, KAAL_ECHO_PRIORITY, 0, p));
}

static void the_endpoint_echoes_and_refuses(void **state)
{
	(void)state;
	kaal_cptr ep;
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &ep));
	struct kaal_spawned server;
	start_endpoint_service(ep, &server);
	kaal_cptr badged = harness_mint(ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT, 5);
	struct kaal_msg m = {kaal_msg_info(KAAL_ECHO_LABEL, 3, 0), {1, 2, 3}, 0};
	assert_status(KAAL_OK, kaal_call(badged, &m));
	assert_int_equal(KAAL_ECHO_LABEL, kaal_msg_label(m.info));
	assert_int_equal(1, m.mr[0]);
	assert_int_equal(3, m.mr[2]);
	/* Garbage is refused; a message sent, not called, gets nothing and stops nothing. */
	m = (struct kaal_msg){kaal_msg_info(0x1234, 1, 0), {9}, 0};
	assert_status(KAAL_OK, kaal_call(badged, &m));
	assert_int_equal(KAAL_ECHO_REFUSED_LABEL, kaal_msg_label(m.info));
	assert_int_equal(KAAL_INVALID_ARGUMENT, m.mr[0]);
	m = (struct kaal_msg){kaal_msg_info(KAAL_ECHO_LABEL, 1, 0), {4}, 0};
	assert_status(KAAL_OK, kaal_send(badged, &m));
	m = (struct kaal_msg){kaal_msg_info(KAAL_ECHO_LABEL, 1, 0), {6}, 0};
	assert_status(KAAL_OK, kaal_call(badged, &m));
	assert_int_equal(6, m.mr[0]);
	assert_status(KAAL_OK, kaal_spawn_destroy(&broker, &server));
}

/* Three programs and the root through both paths at once: every answer right. */
static void many_clients_at_once(void **state)
{
	(void)state;
	kaal_cptr ep, report;
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &ep));
	assert_status(KAAL_OK, kaal_broker_create_endpoint(&broker, &report));
	struct kaal_spawned server, caller[CALLERS];
	start_endpoint_service(ep, &server);
	for (unsigned i = 0; i < CALLERS; i++) {
		struct kaal_driver_client_names names;
		struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS + 2];
		unsigned count;
		assert_status(KAAL_OK,
		              kaal_driver_client_caps(&echo, 1 + i, "echo", &names, caps, &count));
		caps[count++] =
		    (struct kaal_spawn_cap){"ep", ep, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT};
		caps[count++] = (struct kaal_spawn_cap){"report", report, KAAL_RIGHT_WRITE};
		assert_status(KAAL_OK, kaal_spawn(&broker, "echo_caller", caps, count,
		                                  HARNESS_PROGRAM_PRIORITY, i, &caller[i]));
	}
	for (uint32_t round = 0; round < ECHO_CALLER_ROUNDS; round++)
		assert_int_equal(KAAL_OK, ask(&own, KAAL_ECHO, round, "root").status);
	for (unsigned i = 0; i < CALLERS; i++)
		harness_expect_report(report, ECHO_CALLER_LABEL, ECHO_CALLER_ROUNDS,
		                      ECHO_CALLER_ROUNDS);
	for (unsigned i = 0; i < CALLERS; i++)
		harness_finish_program(&broker, &caller[i]);
	assert_status(KAAL_OK, kaal_spawn_destroy(&broker, &server));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    ECHO_CASE(bytes_come_back),
	    ECHO_CASE(garbage_is_refused),
	    ECHO_CASE(a_client_that_never_reads_costs_only_itself),
	    ECHO_CASE(a_client_that_spoils_its_ring_is_cut_off),
	    ECHO_CASE(the_endpoint_echoes_and_refuses),
	    ECHO_CASE(many_clients_at_once),
	};
	return cmocka_run_group_tests_name("echo_service", tests, NULL, NULL);
}
