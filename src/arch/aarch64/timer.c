/* Time from the generic timer's virtual counter; the EL1 virtual timer for ticks and timeouts. */
#include "aarch64.h"
#include "arch.h"

#define NS_PER_SECOND 1000000000u

uint64_t timer_counter(void)
{
	uint64_t v;
	/* The isb keeps the read from being taken early, before earlier instructions. */
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

uint64_t timer_frequency(void)
{
	uint64_t f;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

uint64_t arch_time_now_ns(void)
{
	uint64_t ticks = timer_counter();
	uint64_t hz = timer_frequency();
	if (hz == 0)
		return 0; /* firmware did not set CNTFRQ_EL0: QEMU always does */
	/* Seconds and the remainder apart, so ticks * 10^9 cannot overflow. */
	return ticks / hz * NS_PER_SECOND + ticks % hz * NS_PER_SECOND / hz;
}

uint64_t timer_ns_to_counter(uint64_t ns)
{
	uint64_t hz = timer_frequency();
	uint64_t s = ns / NS_PER_SECOND, rem = ns % NS_PER_SECOND;
	return s * hz + (rem * hz + NS_PER_SECOND - 1) / NS_PER_SECOND;
}

/* The EL1 virtual timer fires (its PPI asserts) once the counter reaches value. */
void timer_arm(uint64_t counter_value)
{
	__asm__ volatile("msr cntv_cval_el0, %0\n\t"
	                 "msr cntv_ctl_el0, %1\n\t"
	                 "isb"
	                 :
	                 : "r"(counter_value), "r"((uint64_t)1)
	                 : "memory");
}
