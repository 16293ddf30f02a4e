/*
 * The echo example's root task, the same on both backends: an endpoint and
 * two rings in frames of their own, a notification for each side to sleep
 * on; a server and a client program, each given exactly its part of them;
 * both ends waited for, then everything taken back.
 */
#include <kaal/ring.h>
#include <kaal/spawn.h>
#include <kaal/tap.h>

#include "echo.h"
#include "example.h"

#define PLAN       4
#define WAIT_NS    (UINT64_C(10) * 1000 * 1000 * 1000)
#define PRIORITY   100u
#define PAGE_BYTES ((size_t)1 << KAAL_PAGE_BITS)

static struct kaal_broker broker;

struct echo_world {
	kaal_cptr calls, server_ntfn, client_ntfn;
	kaal_cptr ring[2]; /* the request ring ("in"), the reply ring ("out") */
	struct kaal_memory rings;
};

static kaal_status create_ring(void *page, void *ctx)
{
	(void)ctx;
	return kaal_ring_create(page, PAGE_BYTES, ECHO_CAPACITY, ECHO_ELEMENT);
}

static kaal_status build(struct echo_world *w)
{
	kaal_status st = kaal_broker_create_endpoint(&broker, &w->calls);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &w->server_ntfn);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &w->client_ntfn);
	if (st == KAAL_OK)
		st = kaal_broker_create_frames(&broker, 2, w->ring, &w->rings);
	for (unsigned i = 0; i < 2 && st == KAAL_OK; i++)
		st = kaal_frame_fill(w->ring[i], create_ring, NULL);
	return st;
}

static kaal_status take_back(struct echo_world *w)
{
	kaal_status st = kaal_broker_free_memory(&broker, &w->rings);
	for (unsigned i = 0; i < 2; i++)
		kaal_broker_free_slot(&broker, w->ring[i]);
	const kaal_cptr objects[] = {w->calls, w->server_ntfn, w->client_ntfn};
	for (unsigned i = 0; i < 3; i++)
		if (st == KAAL_OK)
			st = kaal_broker_destroy_object(&broker, objects[i]);
	return st;
}

int kaal_example_main(const struct kaal_boot_info *bi)
{
	struct example_holdings at_start;
	if (!example_begin(&broker, bi, PLAN, &at_start))
		return 1;
	struct echo_world w = {0};
	kaal_status st = build(&w);
	const struct kaal_spawn_cap server_caps[] = {
	    {"calls", w.calls, KAAL_RIGHT_READ},
	    {"in", w.ring[0], KAAL_RIGHTS_ALL},
	    {"out", w.ring[1], KAAL_RIGHTS_ALL},
	    {"wait", w.server_ntfn, KAAL_RIGHT_READ},
	    {"client_bell", w.client_ntfn, KAAL_RIGHT_WRITE},
	};
	const struct kaal_spawn_cap client_caps[] = {
	    {"calls", w.calls, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY},
	    {"in", w.ring[0], KAAL_RIGHTS_ALL},
	    {"out", w.ring[1], KAAL_RIGHTS_ALL},
	    {"wait", w.client_ntfn, KAAL_RIGHT_READ},
	    {"server_bell", w.server_ntfn, KAAL_RIGHT_WRITE},
	};
	struct kaal_spawned server = {0}, client = {0};
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "echo_server", server_caps, 5, PRIORITY, 0, &server);
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "echo_client", client_caps, 5, PRIORITY, 0, &client);
	if (!kaal_tap_ok_status(st, "a server and a client start, each with its part of an "
	                            "endpoint, two rings and two notifications"))
		return (int)kaal_tap_failures();
	int wrong = -1, echoed = -1;
	st = kaal_spawn_wait(&client, WAIT_NS, &wrong);
	kaal_tap_ok(st == KAAL_OK && wrong == 0,
	            "the client's 100 calls and 100 channel elements all came back as sent");
	st = kaal_spawn_wait(&server, WAIT_NS, &echoed);
	kaal_tap_ok(st == KAAL_OK && echoed == (int)ECHO_ROUNDS,
	            "the server answered until told to stop, then echoed 100 elements");
	st = kaal_spawn_destroy(&broker, &client);
	if (st == KAAL_OK)
		st = kaal_spawn_destroy(&broker, &server);
	if (st == KAAL_OK)
		st = take_back(&w);
	kaal_tap_ok(st == KAAL_OK && example_all_back(&broker, &at_start),
	            "both are destroyed and everything is back");
	return (int)kaal_tap_failures();
}
