/* Timing helpers, blocking floors and object creation shared by the benchmarks. */
#ifndef KAAL_BENCH_FLOORS_H
#define KAAL_BENCH_FLOORS_H

#include <stdint.h>

#include <kaal/boot_info.h>

uint64_t bench_now_ns(void);
/* Pin the calling thread to one cpu. */
void bench_pin(unsigned cpu);

/*
 * trips round trips between the caller (pin it to cpu0 first) and a pthread
 * on cpu1 through a futex, a pair of eventfds or a pair of pipes; each side
 * waits in the kernel on every trip. Returns the total time in ns (NAN
 * when the file descriptors could not be made). With poll_ns, each side
 * watches the futex word that long before it waits, and wakes the futex
 * only when the peer waits there.
 */
double bench_futex_round_trips(uint64_t trips, uint64_t poll_ns);
double bench_eventfd_round_trips(uint64_t trips);
double bench_pipe_round_trips(uint64_t trips);

/*
 * One object from the largest untyped region of bi into root slot
 * (*next_slot)++; exits the program when the kernel refuses.
 */
kaal_cptr bench_create(const struct kaal_boot_info *bi, kaal_cptr *next_slot, unsigned type,
                       unsigned size_bits);

#endif
