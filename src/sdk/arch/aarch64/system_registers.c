/*
 * The physical timer's system registers as a register bank
 * (kaal/generic_timer.h), read and written from EL0 (the kernel sets
 * CNTKCTL_EL1.EL0PTEN and EL0PCTEN). The compare value is written in
 * halves: the low half waits for the high one.
 */
#include <stdbool.h>

#include <kaal/boot_info.h>
#include <kaal/generic_timer.h>

static uint32_t compare_low;

static uint32_t timer_read(void *device, uint32_t offset)
{
	(void)device;
	uint64_t v = 0;
	switch (offset) {
	case KAAL_GTIMER_COUNT_LO:
	case KAAL_GTIMER_COUNT_HI:
		__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v) : : "memory");
		break;
	case KAAL_GTIMER_COMPARE_LO:
	case KAAL_GTIMER_COMPARE_HI:
		__asm__ volatile("mrs %0, cntp_cval_el0" : "=r"(v));
		break;
	case KAAL_GTIMER_CONTROL:
		__asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(v));
		break;
	case KAAL_GTIMER_FREQUENCY:
		__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
		break;
	default:
		return UINT32_MAX;
	}
	bool high = offset == KAAL_GTIMER_COUNT_HI || offset == KAAL_GTIMER_COMPARE_HI;
	return high ? (uint32_t)(v >> 32) : (uint32_t)v;
}

static void timer_write(void *device, uint32_t offset, uint32_t value)
{
	(void)device;
	if (offset == KAAL_GTIMER_COMPARE_LO) {
		compare_low = value;
	} else if (offset == KAAL_GTIMER_COMPARE_HI) {
		uint64_t cval = (uint64_t)value << 32 | compare_low;
		__asm__ volatile("msr cntp_cval_el0, %0\n\tisb" : : "r"(cval) : "memory");
	} else if (offset == KAAL_GTIMER_CONTROL) {
		uint64_t ctl = value & (KAAL_GTIMER_ENABLE | KAAL_GTIMER_IMASK);
		__asm__ volatile("msr cntp_ctl_el0, %0\n\tisb" : : "r"(ctl) : "memory");
	}
}

static const struct kaal_mmio_model physical_timer = {timer_read, timer_write, NULL};

const struct kaal_mmio_model *kaal_system_registers(uint32_t device)
{
	return device == KAAL_DEVICE_TIMER ? &physical_timer : NULL;
}
