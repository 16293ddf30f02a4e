/* Timing helpers and blocking floors shared by the benchmarks. */
#ifndef KAAL_BENCH_FLOORS_H
#define KAAL_BENCH_FLOORS_H

#include <stdint.h>

uint64_t bench_now_ns(void);
/* Pin the calling thread to one cpu. */
void bench_pin(unsigned cpu);

/*
 * trips round trips between the caller (pin it to cpu0 first) and a pthread
 * on cpu1 through a futex, a pair of eventfds or a pair of pipes; each side
 * sleeps in the kernel on every trip. Returns the total time in ns (NAN
 * when the file descriptors could not be made).
 */
double bench_futex_round_trips(uint64_t trips);
double bench_eventfd_round_trips(uint64_t trips);
double bench_pipe_round_trips(uint64_t trips);

#endif
