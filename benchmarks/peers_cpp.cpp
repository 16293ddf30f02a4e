/*
 * The C++ peers, each through its installed header and its own best-suited
 * bounded mode, built only when its header is there:
 * boost::lockfree::spsc_queue (SPSC, bursts), moodycamel ReaderWriterQueue
 * (SPSC), atomic_queue (SPSC and MPMC), moodycamel ConcurrentQueue (MPMC,
 * with producer and consumer tokens). Capacity BENCH_CAPACITY for all.
 */
#include <cstdlib>
#include <new>

#include "ring_bench.h"

namespace
{

/* The element type of each size the workloads use. */
template <unsigned N> struct elem_of;
template <> struct elem_of<8> {
	using type = bench_elem8;
};
template <> struct elem_of<64> {
	using type = bench_elem64;
};
template <> struct elem_of<256> {
	using type = bench_elem256;
};

/*
 * A peer's SPSC side as a class Q with static push/pop(Q*, T*) and,
 * where it has them, push_n/pop_n(Q*, T*, n); Q::burst says which.
 */
template <class Q, unsigned N> struct spsc_run {
	using T = typename elem_of<N>::type;
	Q *q;
	uint64_t items;
	unsigned burst, work;

	static void produce(void *arg)
	{
		auto *s = static_cast<spsc_run *>(arg);
		Q *q = s->q;
#define CPP_PUSH(e)          Q::push(q, (e))
#define CPP_PUSH_BURST(b, n) Q::push_n(q, (b), (n))
		BENCH_PRODUCE(T, s->items, s->burst, CPP_PUSH, CPP_PUSH_BURST);
	}

	static void consume(void *arg)
	{
		auto *s = static_cast<spsc_run *>(arg);
		Q *q = s->q;
#define CPP_POP(e)          Q::pop(q, (e))
#define CPP_POP_BURST(b, n) Q::pop_n(q, (b), (n))
		BENCH_CONSUME(T, s->items, s->burst, s->work, CPP_POP, CPP_POP_BURST, Q::name);
	}

	static double run(uint64_t items, unsigned burst, unsigned work)
	{
		if (burst != 1 && !Q::burst)
			return BENCH_UNSUPPORTED;
		spsc_run s{new Q(), items, burst, work};
		double ns = bench_pair(produce, consume, &s);
		delete s.q;
		return ns;
	}
};

template <template <unsigned> class Q>
double spsc(unsigned elem_size, unsigned burst, unsigned work, uint64_t items)
{
	switch (elem_size) {
	case 8:
		return spsc_run<Q<8>, 8>::run(items, burst, work);
	case 64:
		return spsc_run<Q<64>, 64>::run(items, burst, work);
	default:
		return spsc_run<Q<256>, 256>::run(items, burst, work);
	}
}

/* Round trip over two queues of 8-byte elements. */
template <class Q> struct rt_run {
	Q *there, *back;
	uint64_t trips;

	static void ping(void *arg)
	{
		auto *r = static_cast<rt_run *>(arg);
#define RT_PING_PUSH(e) Q::push(r->there, (e))
#define RT_PING_POP(e)  Q::pop(r->back, (e))
		BENCH_PING(bench_elem8, r->trips, RT_PING_PUSH, RT_PING_POP, Q::name);
	}

	static void pong(void *arg)
	{
		auto *r = static_cast<rt_run *>(arg);
#define RT_PONG_PUSH(e) Q::push(r->back, (e))
#define RT_PONG_POP(e)  Q::pop(r->there, (e))
		BENCH_PONG(bench_elem8, r->trips, RT_PONG_PUSH, RT_PONG_POP);
	}

	static double run(uint64_t trips)
	{
		rt_run r{new Q(), new Q(), trips};
		double ns = bench_pair(ping, pong, &r);
		delete r.there;
		delete r.back;
		return ns;
	}
};

template <template <unsigned> class Q> double round_trip(uint64_t trips)
{
	return rt_run<Q<8>>::run(trips);
}

/* MPMC: Q has a per-thread Producer and Consumer (tokens where the queue uses them). */
template <class Q> struct mpmc_run {
	Q *q;
	uint64_t half;
	uint64_t total;

	template <unsigned K> static void produce(void *arg)
	{
		auto *m = static_cast<mpmc_run *>(arg);
		typename Q::Producer p(m->q);
#define MQ_PUSH(e) p.push(e)
		BENCH_MPMC_PRODUCE(bench_elem8, (uint64_t)K, m->half, MQ_PUSH);
	}

	static void consume(void *arg)
	{
		auto *m = static_cast<mpmc_run *>(arg);
		typename Q::Consumer c(m->q);
#define MQ_POP(e) c.pop(e)
		BENCH_MPMC_CONSUME(bench_elem8, m->half, MQ_POP, &m->total);
	}

	static double run(uint64_t items)
	{
		mpmc_run m{new Q(), items / 2, 0};
		bench_fn fn[4] = {produce<0>, produce<1>, consume, consume};
		double ns = bench_threads(4, fn, &m);
		bench_check(Q::name, m.total, bench_expected_sum(2 * m.half));
		delete m.q;
		return ns;
	}
};

} // namespace

/* ------------------------------------------------------------------- boost */

#ifdef BENCH_HAVE_BOOST
#include <boost/lockfree/spsc_queue.hpp>

namespace
{
template <unsigned N> struct boost_q {
	using T = typename elem_of<N>::type;
	static constexpr bool burst = true;
	static constexpr const char *name = "boost spsc_queue";
	boost::lockfree::spsc_queue<T, boost::lockfree::capacity<BENCH_CAPACITY>> q;
	static bool push(boost_q *s, const T *e)
	{
		return s->q.push(*e);
	}
	static bool pop(boost_q *s, T *e)
	{
		return s->q.pop(*e);
	}
	static size_t push_n(boost_q *s, const T *b, size_t n)
	{
		return s->q.push(b, n);
	}
	static size_t pop_n(boost_q *s, T *b, size_t n)
	{
		return s->q.pop(b, n);
	}
};
} // namespace

extern "C" const struct bench_peer bench_boost = {
    "boost spsc_queue", "libboost-dev", NULL, NULL, spsc<boost_q>, round_trip<boost_q>, NULL,
};
#else
extern "C" const struct bench_peer bench_boost = {
    "boost spsc_queue", "libboost-dev", "install libboost-dev", NULL, NULL, NULL, NULL,
};
#endif

/* ------------------------------------------------------- moodycamel SPSC */

#ifdef BENCH_HAVE_RWQUEUE
#include <readerwriterqueue/readerwriterqueue.h>

namespace
{
template <unsigned N> struct rwq {
	using T = typename elem_of<N>::type;
	static constexpr bool burst = false;
	static constexpr const char *name = "moodycamel RWQueue";
	/* try_enqueue never allocates: the queue stays bounded at its initial size. */
	moodycamel::ReaderWriterQueue<T> q{BENCH_CAPACITY};
	static bool push(rwq *s, const T *e)
	{
		return s->q.try_enqueue(*e);
	}
	static bool pop(rwq *s, T *e)
	{
		return s->q.try_dequeue(*e);
	}
	static size_t push_n(rwq *, const T *, size_t)
	{
		return 0;
	}
	static size_t pop_n(rwq *, T *, size_t)
	{
		return 0;
	}
};
} // namespace

extern "C" const struct bench_peer bench_rwqueue = {
    "moodycamel RWQueue", "libreaderwriterqueue-dev", NULL, NULL, spsc<rwq>, round_trip<rwq>, NULL,
};
#else
extern "C" const struct bench_peer bench_rwqueue = {
    "moodycamel RWQueue",
    "libreaderwriterqueue-dev",
    "install libreaderwriterqueue-dev",
    NULL,
    NULL,
    NULL,
    NULL,
};
#endif

/* ------------------------------------------------------------ atomic_queue */

#ifdef BENCH_HAVE_ATOMIC_QUEUE
#include <atomic_queue/atomic_queue.h>

namespace
{
/* 8-byte elements live in atomic slots (0 marks an empty one: sequence numbers start at 1). */
template <bool SPSC>
using aq8 = atomic_queue::AtomicQueue<uint64_t, BENCH_CAPACITY, 0, true, true, false, SPSC>;
template <class T>
using aq2 = atomic_queue::AtomicQueue2<T, BENCH_CAPACITY, true, true, false, true>;

template <unsigned N> struct aq {
	using T = typename elem_of<N>::type;
	static constexpr bool burst = false;
	static constexpr const char *name = "atomic_queue";
	aq2<T> q;
	static bool push(aq *s, const T *e)
	{
		return s->q.try_push(*e);
	}
	static bool pop(aq *s, T *e)
	{
		return s->q.try_pop(*e);
	}
	static size_t push_n(aq *, const T *, size_t)
	{
		return 0;
	}
	static size_t pop_n(aq *, T *, size_t)
	{
		return 0;
	}
};

template <> struct aq<8> {
	using T = bench_elem8;
	static constexpr bool burst = false;
	static constexpr const char *name = "atomic_queue";
	aq8<true> q;
	static bool push(aq *s, const T *e)
	{
		return s->q.try_push(e->seq);
	}
	static bool pop(aq *s, T *e)
	{
		return s->q.try_pop(e->seq);
	}
	static size_t push_n(aq *, const T *, size_t)
	{
		return 0;
	}
	static size_t pop_n(aq *, T *, size_t)
	{
		return 0;
	}
};

struct aq_mpmc {
	static constexpr const char *name = "atomic_queue mpmc";
	aq8<false> q;
	struct Producer {
		aq_mpmc *m;
		explicit Producer(aq_mpmc *mq) : m(mq)
		{
		}
		bool push(const bench_elem8 *e)
		{
			return m->q.try_push(e->seq);
		}
	};
	struct Consumer {
		aq_mpmc *m;
		explicit Consumer(aq_mpmc *mq) : m(mq)
		{
		}
		bool pop(bench_elem8 *e)
		{
			return m->q.try_pop(e->seq);
		}
	};
};

double aq_mpmc_run(uint64_t items)
{
	return mpmc_run<aq_mpmc>::run(items);
}
} // namespace

extern "C" const struct bench_peer bench_atomic_queue = {
    "atomic_queue", "libatomic-queue-dev", NULL, NULL, spsc<aq>, round_trip<aq>, aq_mpmc_run,
};
#else
extern "C" const struct bench_peer bench_atomic_queue = {
    "atomic_queue", "libatomic-queue-dev", "install libatomic-queue-dev", NULL, NULL, NULL, NULL,
};
#endif

/* ------------------------------------------------------- moodycamel MPMC */

#ifdef BENCH_HAVE_CONCURRENTQUEUE
#include <concurrentqueue/concurrentqueue.h>

namespace
{
/*
 * ConcurrentQueue is not bounded: an explicit producer keeps the blocks it
 * took from the shared pool, so with try_enqueue (never allocates) one
 * producer that ran ahead starves the other for good. Producers use
 * enqueue, which allocates a block when its own are full; the table says
 * "unbounded" beside the name.
 */
struct cq_mpmc {
	static constexpr const char *name = "moodycamel CQueue";
	moodycamel::ConcurrentQueue<uint64_t> q{BENCH_CAPACITY, 2, 0};
	struct Producer {
		moodycamel::ProducerToken t;
		cq_mpmc *m;
		explicit Producer(cq_mpmc *mq) : t(mq->q), m(mq)
		{
		}
		bool push(const bench_elem8 *e)
		{
			return m->q.enqueue(t, e->seq);
		}
	};
	struct Consumer {
		moodycamel::ConsumerToken t;
		cq_mpmc *m;
		explicit Consumer(cq_mpmc *mq) : t(mq->q), m(mq)
		{
		}
		bool pop(bench_elem8 *e)
		{
			return m->q.try_dequeue(t, e->seq);
		}
	};
};

double cq_mpmc_run(uint64_t items)
{
	return mpmc_run<cq_mpmc>::run(items);
}
} // namespace

extern "C" const struct bench_peer bench_concurrentqueue = {
    "moodycamel CQueue*", "libconcurrentqueue-dev", NULL, NULL, NULL, NULL, cq_mpmc_run,
};
#else
extern "C" const struct bench_peer bench_concurrentqueue = {
    "moodycamel CQueue*",
    "libconcurrentqueue-dev",
    "install libconcurrentqueue-dev",
    NULL,
    NULL,
    NULL,
    NULL,
};
#endif
