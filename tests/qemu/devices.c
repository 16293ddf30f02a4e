/*
 * The drivers' cores on QEMU virt's real devices, from an EL0 root task:
 * the device frames come from the broker and are mapped into the task, the
 * interrupt goes to a notification. The PL031 clock must say it is one,
 * hold a plausible time and interrupt when an alarm a second ahead comes;
 * the PL061 must say it is one and read back an output pin; the GPIO
 * driver must refuse the clock's registers.
 */
#include <kaal/broker.h>
#include <kaal/mmio.h>
#include <kaal/sdk.h>
#include <kaal/tap.h>

#include "pl031/pl031.h"
#include "pl061/pl061.h"
#include "root_task.h"

#define PLAN          6
#define RTC_VADDR     0x50000000u
#define GPIO_VADDR    0x50001000u
#define REGS          4096u
#define EARLIEST      1577836800u /* 2020-01-01: a clock below this has no real time */
#define ALARM_WAIT_NS UINT64_C(3000000000)
#define OUTPUT_PIN    0u

static struct kaal_broker broker;

/* The device's registers, mapped at vaddr. */
static kaal_status map_device(uint32_t id, kaal_word vaddr, struct kaal_device *dev,
                              struct kaal_mmio *regs)
{
	kaal_status st = kaal_broker_request_device(&broker, id, dev);
	void *mapped = NULL;
	if (st == KAAL_OK)
		st = kaal_map(dev->frame, vaddr, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &mapped);
	if (st == KAAL_OK)
		*regs = kaal_mmio_mapped(mapped, REGS);
	return st;
}

static void alarm(struct kaal_pl031 *rtc, const struct kaal_device *dev)
{
	kaal_cptr ntfn = 0;
	kaal_status st = kaal_broker_create_notification(&broker, &ntfn);
	if (st == KAAL_OK)
		st = kaal_irq_set_notification(dev->irq_handler, ntfn);
	uint32_t now = 0;
	if (st == KAAL_OK)
		st = kaal_pl031_time(rtc, &now);
	if (st == KAAL_OK)
		st = kaal_pl031_set_alarm(rtc, now + 1);
	kaal_word bits = 0;
	if (st == KAAL_OK)
		st = kaal_wait_timeout(ntfn, ALARM_WAIT_NS, &bits);
	bool fired = false;
	if (st == KAAL_OK)
		st = kaal_pl031_interrupt(rtc, &fired);
	if (st == KAAL_OK)
		st = kaal_irq_ack(dev->irq_handler);
	kaal_tap_ok(st == KAAL_OK && fired && rtc->alarms == 1,
	            "an alarm a second ahead interrupts, and the driver says it fired");
	if (st != KAAL_OK)
		kaal_tap_diag(kaal_status_name(st));
}

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	kaal_tap_plan(PLAN);
	if (kaal_broker_init(&broker, bi) != KAAL_OK) {
		kaal_tap_diag("the broker does not accept this boot info");
		return 1;
	}

	struct kaal_device rtc_dev, gpio_dev;
	struct kaal_mmio rtc_regs, gpio_regs;
	struct kaal_pl031 rtc;
	kaal_status st = map_device(KAAL_DEVICE_RTC, RTC_VADDR, &rtc_dev, &rtc_regs);
	if (st == KAAL_OK)
		st = kaal_pl031_init(&rtc, &rtc_regs);
	if (!kaal_tap_ok_status(st, "the PL031 clock's frame maps and its id says PL031"))
		return (int)kaal_tap_failures();
	uint32_t now = 0;
	st = kaal_pl031_time(&rtc, &now);
	kaal_tap_ok(st == KAAL_OK && now >= EARLIEST, "the clock holds a time after 2020");
	kaal_diag_str("seconds: ");
	kaal_diag_dec(now);
	kaal_diag_end();
	alarm(&rtc, &rtc_dev);

	struct kaal_pl061 gpio;
	st = map_device(KAAL_DEVICE_GPIO, GPIO_VADDR, &gpio_dev, &gpio_regs);
	if (st == KAAL_OK)
		st = kaal_pl061_init(&gpio, &gpio_regs);
	if (!kaal_tap_ok_status(st, "the PL061 GPIO's frame maps and its id says PL061"))
		return (int)kaal_tap_failures();
	uint8_t high = 0, low = 0xFF;
	st = kaal_pl061_output(&gpio, OUTPUT_PIN, true);
	if (st == KAAL_OK)
		st = kaal_pl061_read(&gpio, &high);
	if (st == KAAL_OK)
		st = kaal_pl061_output(&gpio, OUTPUT_PIN, false);
	if (st == KAAL_OK)
		st = kaal_pl061_read(&gpio, &low);
	kaal_tap_ok(st == KAAL_OK && (high & 1u << OUTPUT_PIN) && !(low & 1u << OUTPUT_PIN),
	            "an output pin reads back high, then low");

	struct kaal_pl061 wrong;
	kaal_tap_ok(kaal_pl061_init(&wrong, &rtc_regs) == KAAL_DEVICE_FAULT,
	            "the GPIO driver refuses the clock's registers");
	return (int)kaal_tap_failures();
}
