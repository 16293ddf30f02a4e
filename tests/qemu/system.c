/*
 * One image, one boot: the root task starts the four driver processes
 * (UART, RTC, GPIO, timer) and the examples' programs (hello, the echo
 * server and client, the allocator) as separate programs by name, checks
 * what each reports, and takes everything back.
 */
#include <kaal/ring.h>
#include <kaal/spawn.h>
#include <kaal/tap.h>

#include "../../examples/custom-allocator/allocator.h"
#include "../../examples/echo/echo.h"
#include "pl011/uart.h"
#include "pl031/rtc.h"
#include "pl061/gpio.h"
#include "root_task.h"
#include "timer/timer_service.h"

#define PLAN       6
#define WAIT_NS    UINT64_C(10000000000)
#define PRIORITY   100u
#define EARLIEST   1577836800u /* 2020-01-01 */
#define PAGE_BYTES ((size_t)1 << KAAL_PAGE_BITS)
#define DRIVERS    4u

static struct kaal_broker broker;

/* Spawn a program and wait for its end: its exit status in *status. */
static kaal_status run(const char *name, const struct kaal_spawn_cap *caps, unsigned count,
                       int *status)
{
	struct kaal_spawned p;
	kaal_status st = kaal_spawn(&broker, name, caps, count, PRIORITY, 0, &p);
	if (st != KAAL_OK)
		return st;
	st = kaal_spawn_wait(&p, WAIT_NS, status);
	kaal_status destroyed = kaal_spawn_destroy(&broker, &p);
	return st == KAAL_OK ? destroyed : st;
}

static kaal_status create_ring(void *page, void *ctx)
{
	(void)ctx;
	return kaal_ring_create(page, PAGE_BYTES, ECHO_CAPACITY, ECHO_ELEMENT);
}

/* The echo pair, each given its part of an endpoint, two rings and two notifications. */
static bool echo(void)
{
	kaal_cptr calls = 0, server_ntfn = 0, client_ntfn = 0, ring[2];
	struct kaal_memory rings;
	kaal_status st = kaal_broker_create_endpoint(&broker, &calls);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &server_ntfn);
	if (st == KAAL_OK)
		st = kaal_broker_create_notification(&broker, &client_ntfn);
	if (st == KAAL_OK)
		st = kaal_broker_create_frames(&broker, 2, ring, &rings);
	for (unsigned i = 0; i < 2 && st == KAAL_OK; i++)
		st = kaal_frame_fill(ring[i], create_ring, NULL);
	const struct kaal_spawn_cap server_caps[] = {
	    {"calls", calls, KAAL_RIGHT_READ},
	    {"in", ring[0], KAAL_RIGHTS_ALL},
	    {"out", ring[1], KAAL_RIGHTS_ALL},
	    {"wait", server_ntfn, KAAL_RIGHT_READ},
	    {"client_bell", client_ntfn, KAAL_RIGHT_WRITE},
	};
	const struct kaal_spawn_cap client_caps[] = {
	    {"calls", calls, KAAL_RIGHT_WRITE | KAAL_RIGHT_GRANT_REPLY},
	    {"in", ring[0], KAAL_RIGHTS_ALL},
	    {"out", ring[1], KAAL_RIGHTS_ALL},
	    {"wait", client_ntfn, KAAL_RIGHT_READ},
	    {"server_bell", server_ntfn, KAAL_RIGHT_WRITE},
	};
	struct kaal_spawned server;
	int echoed = -1, wrong = -1;
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "echo_server", server_caps, 5, PRIORITY, 0, &server);
	if (st == KAAL_OK) {
		st = run("echo_client", client_caps, 5, &wrong);
		kaal_status ended = kaal_spawn_wait(&server, WAIT_NS, &echoed);
		kaal_status destroyed = kaal_spawn_destroy(&broker, &server);
		st = st != KAAL_OK ? st : ended != KAAL_OK ? ended : destroyed;
	}
	if (st == KAAL_OK)
		st = kaal_broker_free_memory(&broker, &rings);
	if (st == KAAL_OK) {
		kaal_broker_free_slot(&broker, ring[0]);
		kaal_broker_free_slot(&broker, ring[1]);
	}
	const kaal_cptr objects[] = {calls, server_ntfn, client_ntfn};
	for (unsigned i = 0; i < 3; i++)
		if (objects[i] && kaal_broker_destroy_object(&broker, objects[i]) != KAAL_OK)
			st = KAAL_BUSY;
	return st == KAAL_OK && wrong == 0 && echoed == (int)ECHO_ROUNDS;
}

/* The RTC's time and the timer's, through the root's own links. */
static bool clocks(const struct kaal_driver *rtc, const struct kaal_driver *timer)
{
	struct kaal_driver_client r, t;
	struct kaal_rtc_request rq = {KAAL_RTC_TIME, 0};
	struct kaal_rtc_reply ra = {0};
	struct kaal_timer_request tq = {KAAL_TIMER_NOW, 0, 0};
	struct kaal_timer_reply ta = {0};
	kaal_status st = kaal_driver_open_link(&r, rtc, 0, 0);
	if (st == KAAL_OK)
		st = kaal_driver_open_link(&t, timer, 0, 2);
	if (st == KAAL_OK)
		st = kaal_driver_call(&r, &rq, &ra, WAIT_NS);
	if (st == KAAL_OK)
		st = kaal_driver_call(&t, &tq, &ta, WAIT_NS);
	return st == KAAL_OK && ra.status == KAAL_OK && ra.seconds >= EARLIEST &&
	       ta.status == KAAL_OK && ta.ns > 0;
}

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	if (kaal_broker_init(&broker, bi) != KAAL_OK) {
		kaal_tap_diag("the broker does not accept this boot info");
		return 1;
	}
	uint64_t free_bytes = broker.memory.free_bytes;
	uint32_t free_slots = broker.slots.free_count;
	const struct kaal_driver_desc *desc[DRIVERS] = {&kaal_uart_driver, &kaal_rtc_driver,
	                                                &kaal_gpio_driver, &kaal_timer_driver_desc};
	struct kaal_driver drv[DRIVERS];
	kaal_status st = KAAL_OK;
	unsigned started = 0;
	while (started < DRIVERS && st == KAAL_OK)
		if ((st = kaal_driver_start(&broker, desc[started], &drv[started])) == KAAL_OK)
			started++;
	if (!kaal_tap_ok_status(st, "the UART, RTC, GPIO and timer drivers start, each a process"))
		return (int)kaal_tap_failures();

	struct kaal_driver_client_names names;
	struct kaal_spawn_cap uart_caps[KAAL_DRIVER_CLIENT_CAPS];
	int status = -1;
	unsigned count;
	st = kaal_driver_client_caps(&drv[0], 1, "uart", &names, uart_caps, &count);
	if (st == KAAL_OK)
		st = run("hello", uart_caps, count, &status);
	kaal_tap_ok(st == KAAL_OK && status == 0, "hello prints through the UART driver and ends");
	kaal_tap_ok(echo(), "the echo server and client go through 100 calls and 100 channel "
	                    "elements");

	struct kaal_memory memory;
	int pages = -1;
	st = kaal_broker_allocate_memory(&broker, UINT64_C(1) << ALLOCATOR_MEMORY_BITS, 0, &memory);
	const struct kaal_spawn_cap memory_cap[] = {{"memory", memory.cap, KAAL_RIGHTS_ALL}};
	if (st == KAAL_OK)
		st = run("allocator", memory_cap, 1, &pages);
	if (st == KAAL_OK)
		st = kaal_broker_free_memory(&broker, &memory);
	kaal_tap_ok(st == KAAL_OK && pages == (int)ALLOCATOR_PAGES,
	            "the allocator carves its memory with its own allocator, twice");

	kaal_tap_ok(clocks(&drv[1], &drv[3]), "the RTC and the timer drivers tell the time");
	st = KAAL_OK;
	for (unsigned i = 0; i < started; i++)
		if (kaal_driver_stop(&broker, &drv[i]) != KAAL_OK)
			st = KAAL_BUSY;
	kaal_tap_ok(st == KAAL_OK && broker.memory.free_bytes == free_bytes &&
	                broker.slots.free_count == free_slots,
	            "every driver stops and everything is back");
	return (int)kaal_tap_failures();
}
