/* The implementations ring-bench measures, and which of them this run can use. */
#include <stddef.h>

#include "ring_run.h"

#ifndef BENCH_HAVE_CPP
/* Without a C++ compiler the C++ peers cannot be built. */
#define NO_CPP(var, name, package)                                                                 \
	const struct bench_peer var = {name, package, "install g++ " package, NULL, NULL,          \
	                               NULL, NULL}
NO_CPP(bench_boost, "boost spsc_queue", "libboost-dev");
NO_CPP(bench_rwqueue, "moodycamel RWQueue", "libreaderwriterqueue-dev");
NO_CPP(bench_atomic_queue, "atomic_queue", "libatomic-queue-dev");
NO_CPP(bench_concurrentqueue, "moodycamel CQueue*", "libconcurrentqueue-dev");
#endif

const struct bench_peer *const bench_peers[BENCH_PEER_COUNT] = {
    &bench_kaal,
    &bench_ck,
    &bench_dpdk,
    &bench_boost,
    &bench_rwqueue,
    &bench_atomic_queue,
    &bench_concurrentqueue,
};

const char *bench_skipped[BENCH_PEER_COUNT];

void bench_probe_peers(void)
{
	for (unsigned p = 0; p < BENCH_PEER_COUNT; p++)
		bench_skipped[p] = bench_peers[p]->skipped ? bench_peers[p]->skipped
		                   : bench_peers[p]->probe ? bench_peers[p]->probe()
		                                           : NULL;
}
