/*
 * Driver processes on QEMU: the RTC driver (drivers/pl031/rtc_driver.c) a
 * boot program with the PL031's frame and interrupt and nothing more, its
 * clients boot programs of their own (tests/programs/rtc_client.c) on
 * channels the driver kit made, as test_rtc_driver.c runs them on the host.
 * The real clock: a plausible time, an alarm two seconds on through the
 * interrupt; a second driver for the device refused; a request of no known
 * operation answered; a client that floods the driver and never reads
 * leaves the next client served; the driver stopped gives everything back.
 * Priorities set at spawn: while a process spins at a priority above the
 * clients', the driver's interrupt is served when the driver's priority is
 * above the spinner's, and not when it is below. The GPIO driver drives and
 * reads a pin, and QEMU's power button (the runner's system_powerdown once
 * the root says it waits) reaches the root as an edge on pin 3. The timer
 * driver, on the physical timer the kernel hands to EL0, tells the time and
 * serves three links' overlapping deadlines earliest first. The UART
 * driver written without the kit (uart_driver_plain.c) serves hello. A
 * line the runner types on the console reaches a client through the UART
 * driver's receive interrupt.
 */
#include <kaal/driver.h>
#include <kaal/tap.h>

#include "../programs/programs.h"
#include "pl011/uart.h"
#include "pl031/rtc.h"
#include "pl061/gpio.h"
#include "root_task.h"
#include "timer/timer_service.h"

#define PLAN        14
#define SPIN_PRIO   150u /* above the clients, below the root and the RTC driver */
#define LOW_DRIVER  100u /* a driver below the spinner: it never gets the CPU */
#define ALARM_NS    UINT64_C(4000000000)
#define EARLIEST    1577836800u /* 2020-01-01: a clock below this has no real time */
#define WAIT_NS     UINT64_C(10000000000)
#define CLIENT_PRIO 100u

static struct kaal_broker broker;
static kaal_cptr report;

struct answer {
	kaal_word label, status, seconds;
};

static kaal_status next_report(struct answer *a)
{
	struct kaal_msg msg;
	kaal_status st = kaal_recv(report, &msg);
	*a = (struct answer){kaal_msg_label(msg.info), msg.mr[0], msg.mr[1]};
	return st;
}

/* A client on link `link` doing `what`; its reports are read by the caller, then end_client. */
static kaal_status start_client(const struct kaal_driver *d, unsigned link, kaal_word what,
                                struct kaal_spawned *p)
{
	struct kaal_driver_client_names names;
	struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS + 1];
	unsigned count = 0;
	kaal_status st = kaal_driver_client_caps(d, link, "rtc", &names, caps, &count);
	caps[count] = (struct kaal_spawn_cap){"report", report, KAAL_RIGHT_WRITE};
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "rtc_client", caps, count + 1, CLIENT_PRIO, what, p);
	return st;
}

static kaal_status end_client(struct kaal_spawned *p)
{
	int status = -100;
	kaal_status st = kaal_spawn_wait(p, WAIT_NS, &status);
	kaal_status destroyed = kaal_spawn_destroy(&broker, p);
	if (st == KAAL_OK && status != 0)
		st = KAAL_ILLEGAL_OPERATION;
	return st == KAAL_OK ? destroyed : st;
}

static bool time_and_alarm(const struct kaal_driver *d, unsigned link)
{
	struct kaal_spawned client;
	struct answer now = {0}, alarm = {0};
	kaal_status st = start_client(d, link, RTC_CLIENT_TIME_AND_ALARM, &client);
	if (st == KAAL_OK)
		st = next_report(&now);
	if (st == KAAL_OK)
		st = next_report(&alarm);
	if (st == KAAL_OK)
		st = end_client(&client);
	kaal_diag_str("the clock said ");
	kaal_diag_dec(now.seconds);
	kaal_diag_str(", the alarm came at ");
	kaal_diag_dec(alarm.seconds);
	kaal_diag_end();
	return st == KAAL_OK && now.label == KAAL_RTC_TIME && now.status == KAAL_OK &&
	       now.seconds >= EARLIEST && alarm.label == KAAL_RTC_ALARM &&
	       alarm.status == KAAL_OK && alarm.seconds >= now.seconds + 2;
}

/*
 * Start a driver of the given priority and a spinner above the clients; the
 * root (priority 255) asks for an alarm a second on through its own link.
 * Whether the alarm's reply came within ALARM_NS.
 */
static bool alarm_while_spinning(unsigned driver_priority, kaal_status *setup)
{
	struct kaal_driver_desc desc = kaal_rtc_driver;
	desc.priority = driver_priority;
	struct kaal_driver rtc;
	struct kaal_spawned spinner;
	struct kaal_driver_client own;
	struct kaal_rtc_request now = {KAAL_RTC_TIME, 0};
	struct kaal_rtc_reply a = {0};
	kaal_status st = kaal_driver_start(&broker, &desc, &rtc);
	if (st != KAAL_OK) {
		*setup = st;
		return false;
	}
	st = kaal_driver_open_link(&own, &rtc, 0, 0);
	if (st == KAAL_OK)
		st = kaal_driver_call(&own, &now, &a, WAIT_NS);
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "spinner", NULL, 0, SPIN_PRIO, 0, &spinner);
	kaal_status answered = KAAL_TIMEOUT;
	if (st == KAAL_OK) {
		struct kaal_rtc_request alarm = {KAAL_RTC_ALARM, a.seconds + 1};
		answered = kaal_driver_call(&own, &alarm, &a, ALARM_NS);
		st = kaal_spawn_destroy(&broker, &spinner);
	}
	kaal_status stopped = kaal_driver_stop(&broker, &rtc);
	*setup = st == KAAL_OK ? stopped : st;
	return answered == KAAL_OK && a.op == KAAL_RTC_ALARM && a.status == KAAL_OK;
}

static kaal_status gpio_ask(struct kaal_driver_client *c, uint32_t op, uint32_t pin, uint32_t level,
                            uint32_t *levels)
{
	struct kaal_gpio_request q = {op, pin, level, 0};
	struct kaal_gpio_reply a = {0};
	kaal_status st = kaal_driver_call(c, &q, &a, WAIT_NS);
	*levels = a.levels;
	return st == KAAL_OK ? (kaal_status)a.status : st;
}

static void gpio(void)
{
	struct kaal_driver g;
	struct kaal_driver_client own;
	uint32_t high = 0, low = 0xFF, ignored;
	kaal_status st = kaal_driver_start(&broker, &kaal_gpio_driver, &g);
	if (st == KAAL_OK)
		st = kaal_driver_open_link(&own, &g, 0, 0);
	if (st == KAAL_OK)
		st = gpio_ask(&own, KAAL_GPIO_WRITE, 0, 1, &ignored);
	if (st == KAAL_OK)
		st = gpio_ask(&own, KAAL_GPIO_READ, 0, 0, &high);
	if (st == KAAL_OK)
		st = gpio_ask(&own, KAAL_GPIO_WRITE, 0, 0, &ignored);
	if (st == KAAL_OK)
		st = gpio_ask(&own, KAAL_GPIO_READ, 0, 0, &low);
	kaal_tap_ok(st == KAAL_OK && (high & 1) && !(low & 1),
	            "the GPIO driver drives pin 0 high and low and reads it back");
	/* Requests on a link are served in order: once the read answers, the wait is set. */
	struct kaal_gpio_request wait = {KAAL_GPIO_WAIT_EDGE, KAAL_GPIO_POWER_BUTTON, 1, 0};
	if (st == KAAL_OK)
		st = kaal_channel_send(&own.request, &wait, WAIT_NS);
	if (st == KAAL_OK)
		st = gpio_ask(&own, KAAL_GPIO_READ, 0, 0, &ignored);
	struct kaal_gpio_reply edge = {0};
	if (st == KAAL_OK) {
		kaal_tap_diag("kaal: press the power button");
		st = kaal_channel_recv(&own.reply, &edge, WAIT_NS);
	}
	kaal_status stopped = kaal_driver_stop(&broker, &g);
	kaal_tap_ok(st == KAAL_OK && stopped == KAAL_OK && edge.op == KAAL_GPIO_WAIT_EDGE &&
	                edge.status == KAAL_OK && edge.levels == (1u << KAAL_GPIO_POWER_BUTTON),
	            "QEMU's power button reaches the waiting client as a rising edge on pin 3");
}

#define TIMER_LINKS 3u
#define MS          UINT64_C(1000000)

static kaal_status timer_ask(struct kaal_driver_client *c, uint32_t op, uint64_t ns,
                             struct kaal_timer_reply *a)
{
	struct kaal_timer_request q = {op, 0, ns};
	kaal_status st = kaal_driver_call(c, &q, a, WAIT_NS);
	return st == KAAL_OK ? (kaal_status)a->status : st;
}

static void timer(void)
{
	/*
	 * Deadlines asked in an order unlike their own: link i sleeps until now +
	 * ahead[i]. A tenth of a second apart: far enough that all three reach the
	 * driver before the first passes, also when a loaded host stalls QEMU.
	 */
	static const uint64_t ahead[TIMER_LINKS] = {300 * MS, 100 * MS, 200 * MS};
	static const uint64_t order[TIMER_LINKS] = {3, 1, 2};
	struct kaal_driver t;
	struct kaal_driver_client link[TIMER_LINKS];
	struct kaal_timer_reply first = {0}, second = {0};
	kaal_status st = kaal_driver_start(&broker, &kaal_timer_driver_desc, &t);
	for (unsigned i = 0; i < TIMER_LINKS && st == KAAL_OK; i++)
		st = kaal_driver_open_link(&link[i], &t, i, 2 * i);
	if (st == KAAL_OK)
		st = timer_ask(&link[0], KAAL_TIMER_NOW, 0, &first);
	if (st == KAAL_OK)
		st = timer_ask(&link[1], KAAL_TIMER_NOW, 0, &second);
	kaal_tap_ok(st == KAAL_OK && second.ns > first.ns && first.ns > 0,
	            "the timer driver reads the physical timer's counter from EL0: time goes on");
	uint64_t base = second.ns;
	for (unsigned i = 0; i < TIMER_LINKS && st == KAAL_OK; i++) {
		struct kaal_timer_request q = {KAAL_TIMER_SLEEP, 0, base + ahead[i]};
		st = kaal_channel_send(&link[i].request, &q, WAIT_NS);
	}
	bool in_order = st == KAAL_OK;
	for (unsigned i = 0; i < TIMER_LINKS && st == KAAL_OK; i++) {
		struct kaal_timer_reply a = {0};
		st = kaal_channel_recv(&link[i].reply, &a, WAIT_NS);
		bool right = a.op == KAAL_TIMER_SLEEP && a.status == KAAL_OK &&
		             a.order == order[i] && a.ns >= base + ahead[i];
		if (!right) {
			kaal_diag_str("link ");
			kaal_diag_dec(i);
			kaal_diag_str(": ");
			kaal_diag_str(kaal_status_name(st));
			kaal_diag_str(", op ");
			kaal_diag_dec(a.op);
			kaal_diag_str(", status ");
			kaal_diag_str(kaal_status_name(a.status));
			kaal_diag_str(", order ");
			kaal_diag_dec(a.order);
			kaal_diag_str(", served ");
			kaal_diag_dec(a.ns - base);
			kaal_diag_str(" ns after asking for ");
			kaal_diag_dec(ahead[i]);
			kaal_diag_end();
		}
		in_order = in_order && right;
	}
	kaal_status stopped = kaal_driver_stop(&broker, &t);
	kaal_tap_ok(st == KAAL_OK && stopped == KAAL_OK && in_order,
	            "three links' overlapping deadlines come earliest first, none early");
}

#define HELLO_LEN 13u /* "hello, world\n" */

/* hello through the UART driver without the kit, which then counts the line's bytes. */
static void uart_without_the_kit(void)
{
	struct kaal_driver_desc desc = kaal_uart_driver;
	desc.program = "uart_plain";
	struct kaal_driver uart;
	struct kaal_driver_client own;
	struct kaal_driver_client_names names;
	struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS];
	struct kaal_spawned hello;
	int status = -1;
	unsigned count;
	kaal_status st = kaal_driver_start(&broker, &desc, &uart);
	if (st == KAAL_OK)
		st = kaal_driver_client_caps(&uart, 1, "uart", &names, caps, &count);
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "hello", caps, count, CLIENT_PRIO, 0, &hello);
	if (st == KAAL_OK) {
		st = kaal_spawn_wait(&hello, WAIT_NS, &status);
		kaal_status destroyed = kaal_spawn_destroy(&broker, &hello);
		st = st == KAAL_OK ? destroyed : st;
	}
	struct kaal_uart_request q = {KAAL_UART_COUNTERS, 0, {0}};
	struct kaal_uart_reply a = {0};
	struct kaal_uart_counters n = {0};
	if (st == KAAL_OK)
		st = kaal_driver_open_link(&own, &uart, 0, 0);
	if (st == KAAL_OK)
		st = kaal_driver_call(&own, &q, &a, WAIT_NS);
	if (st == KAAL_OK && a.len == sizeof(n))
		__builtin_memcpy(&n, a.data, sizeof(n));
	kaal_status stopped = kaal_driver_stop(&broker, &uart);
	kaal_tap_ok(st == KAAL_OK && stopped == KAAL_OK && status == 0 && n.tx >= HELLO_LEN,
	            "the UART driver written without the kit serves hello just the same");
}

/* A line typed on the console (the runner types it once the root asks): read, then written back. */
static void uart_receives(void)
{
	struct kaal_driver uart;
	struct kaal_driver_client own;
	struct kaal_driver_client_names names;
	struct kaal_spawn_cap caps[KAAL_DRIVER_CLIENT_CAPS + 1];
	struct kaal_uart_request q = {KAAL_UART_COUNTERS, 0, {0}};
	struct kaal_uart_reply counters = {0};
	struct kaal_spawned client;
	struct answer a = {0};
	unsigned count = 0;
	kaal_status st = kaal_driver_start(&broker, &kaal_uart_driver, &uart);
	/* An answer means the device is set up: nothing typed from now on is lost. */
	if (st == KAAL_OK)
		st = kaal_driver_open_link(&own, &uart, 0, 0);
	if (st == KAAL_OK)
		st = kaal_driver_call(&own, &q, &counters, WAIT_NS);
	if (st == KAAL_OK)
		st = kaal_driver_client_caps(&uart, 1, "uart", &names, caps, &count);
	caps[count] = (struct kaal_spawn_cap){"report", report, KAAL_RIGHT_WRITE};
	if (st == KAAL_OK)
		st = kaal_spawn(&broker, "uart_client", caps, count + 1, CLIENT_PRIO,
		                UART_CLIENT_ECHO_LINE, &client);
	if (st == KAAL_OK) {
		kaal_tap_diag("kaal: type a line");
		st = next_report(&a);
		kaal_status ended = end_client(&client);
		st = st == KAAL_OK ? ended : st;
	}
	kaal_status stopped = kaal_driver_stop(&broker, &uart);
	const char line[] = "ping\n";
	kaal_word packed = 0;
	for (unsigned i = 0; i < UART_LINE_BYTES; i++)
		packed |= (kaal_word)(uint8_t)line[i] << (8 * i);
	kaal_tap_ok(st == KAAL_OK && stopped == KAAL_OK && a.label == UART_ECHO_LABEL &&
	                a.status == packed && a.seconds == UART_LINE_BYTES,
	            "a line typed on the console reaches a client through the UART driver's "
	            "receive interrupt");
}

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	if (kaal_broker_init(&broker, bi) != KAAL_OK ||
	    kaal_broker_create_endpoint(&broker, &report) != KAAL_OK) {
		kaal_tap_diag("the broker does not accept this boot info");
		return 1;
	}
	uint64_t free_bytes = broker.memory.free_bytes;
	uint32_t free_slots = broker.slots.free_count;
	struct kaal_driver rtc, second;
	if (!kaal_tap_ok_status(kaal_driver_start(&broker, &kaal_rtc_driver, &rtc),
	                        "the RTC driver starts with the PL031's frame and interrupt"))
		return (int)kaal_tap_failures();
	kaal_tap_ok(kaal_driver_start(&broker, &kaal_rtc_driver, &second) == KAAL_BUSY,
	            "a second driver for the PL031 is refused: KAAL_BUSY");
	kaal_tap_ok(time_and_alarm(&rtc, 0), "a client reads a plausible time and its alarm two "
	                                     "seconds on arrives through the interrupt");

	struct kaal_spawned client;
	struct answer a = {0};
	kaal_status st = start_client(&rtc, 1, RTC_CLIENT_GARBAGE, &client);
	if (st == KAAL_OK)
		st = next_report(&a);
	if (st == KAAL_OK)
		st = end_client(&client);
	kaal_tap_ok(st == KAAL_OK && a.label == RTC_NO_SUCH_OP &&
	                a.status == (kaal_word)KAAL_INVALID_ARGUMENT,
	            "a request of no known operation is answered KAAL_INVALID_ARGUMENT");

	st = start_client(&rtc, 1, RTC_CLIENT_FLOOD, &client);
	if (st == KAAL_OK)
		st = next_report(&a);
	if (st == KAAL_OK)
		st = end_client(&client);
	bool flooded =
	    st == KAAL_OK && a.label == RTC_FLOOD_LABEL && a.status == RTC_FLOOD_REQUESTS;
	kaal_tap_ok(flooded && time_and_alarm(&rtc, 0),
	            "a client that floods the driver and reads nothing leaves the next one served");

	st = kaal_driver_stop(&broker, &rtc);
	kaal_tap_ok(st == KAAL_OK && broker.memory.free_bytes == free_bytes &&
	                broker.slots.free_count == free_slots,
	            "the stopped driver gives back its device, memory and slots");

	kaal_status setup = KAAL_OK;
	bool served = alarm_while_spinning(KAAL_RTC_PRIORITY, &setup);
	kaal_tap_ok(served && setup == KAAL_OK,
	            "a driver above a spinning process serves its interrupt: the alarm comes");
	bool starved = !alarm_while_spinning(LOW_DRIVER, &setup);
	kaal_tap_ok(starved && setup == KAAL_OK,
	            "a driver below the spinning process never runs: no alarm within 4 s");
	gpio();
	timer();
	uart_without_the_kit();
	uart_receives();
	return (int)kaal_tap_failures();
}
