/*
 * A boot program for the priority test: spins without a system call until
 * its count reaches its starter's word (0: for as long as a 64-bit count
 * takes to wrap, that is for ever), so only a thread of higher priority
 * runs on its CPU meanwhile.
 */
#include <kaal/atomic.h>
#include <kaal/program.h>

static int spinner_main(const struct kaal_start_info *si)
{
	kaal_atomic_u64 spins;
	kaal_atomic_store(&spins, 1, KAAL_RELAXED);
	while (kaal_atomic_load(&spins, KAAL_RELAXED) != si->arg)
		kaal_atomic_store(&spins, kaal_atomic_load(&spins, KAAL_RELAXED) + 1, KAAL_RELAXED);
	return 0;
}

KAAL_PROGRAM(spinner, spinner_main)
