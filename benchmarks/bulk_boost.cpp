/*
 * Bulk messages through boost::lockfree::spsc_queue<uint8_t> as a byte
 * stream: each side moves a message with the queue's byte-range push and
 * pop, as much of it as fits or is there at a time.
 */
#include <cstdlib>

#include "bulk.h"
#include "ring_bench.h"

#ifdef BENCH_HAVE_BOOST
#include <boost/lockfree/spsc_queue.hpp>

namespace
{
struct bulk_boost_run {
	boost::lockfree::spsc_queue<uint8_t> q{BULK_RING_BYTES};
	size_t size;
	uint64_t msgs;
	uint8_t *staging[2]; /* the producer's and the consumer's own message buffer */

	static void produce(void *arg)
	{
		auto *s = static_cast<bulk_boost_run *>(arg);
		uint8_t *msg = s->staging[0];
		for (uint64_t seq = 1; seq <= s->msgs; seq++) {
			bulk_fill(msg, s->size, seq);
			for (size_t done = 0; done < s->size;)
				done += s->q.push(msg + done, s->size - done);
		}
	}

	static void consume(void *arg)
	{
		auto *s = static_cast<bulk_boost_run *>(arg);
		uint8_t *msg = s->staging[1];
		for (uint64_t seq = 1; seq <= s->msgs; seq++) {
			for (size_t done = 0; done < s->size;)
				done += s->q.pop(msg + done, s->size - done);
			bench_check("boost spsc_queue bytes", bulk_sum(msg, s->size),
			            bulk_expected(s->size, seq));
		}
	}
};

double boost_bytes(size_t size, uint64_t msgs)
{
	auto *s = new bulk_boost_run;
	s->size = size;
	s->msgs = msgs;
	s->staging[0] = static_cast<uint8_t *>(bench_alloc(size));
	s->staging[1] = static_cast<uint8_t *>(bench_alloc(size));
	double ns = bench_pair(bulk_boost_run::produce, bulk_boost_run::consume, s);
	free(s->staging[0]);
	free(s->staging[1]);
	delete s;
	return ns;
}
} // namespace

extern "C" const bulk_fn bulk_boost = boost_bytes;
#else
extern "C" const bulk_fn bulk_boost = nullptr;
#endif
