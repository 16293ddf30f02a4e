/*
 * kaal's channel under the checker: a producer process streams numbered
 * elements through a small ring to a consumer process, both blocking on
 * their notifications in the kernel. Under SC and TSO, with random and PCT
 * schedules, every run must deliver every element once, in order, and end
 * with nobody asleep: a lost wakeup ends a run as a deadlock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kaal/broker.h>
#include <kaal/channel.h>
#include <kaal/checker.h>
#include <kaal/sdk.h>

#define ITEMS     6
#define CAPACITY  2
#define SEEDS     150
#define PCT_DEPTH 3
/* Schedules per strategy a planted defect may take to be found. */
#define MUTANT_SEEDS 2000
/* The channel's sequentially consistent fences (src/runtime/channel.c). */
#define CHANNEL_FENCES 2
/* The cptrs each side is given (kaal_check_spawn()): its own notification, then its peer's. */
#define WAIT_CPTR   1
#define SIGNAL_CPTR 2

struct channel_test {
	void *ring;
	size_t ring_size;
	uint32_t received;
};

static void attach(struct kaal_channel *c, struct channel_test *s, enum kaal_ring_role role)
{
	kaal_check_assert(
	    kaal_channel_attach(c, s->ring, s->ring_size, role, WAIT_CPTR, SIGNAL_CPTR) == KAAL_OK);
	c->spin = 0; /* go to sleep at once: the interesting interleavings are around sleeping */
}

static void producer(kaal_word arg)
{
	struct channel_test *s = (struct channel_test *)(uintptr_t)arg;
	struct kaal_channel c;
	attach(&c, s, KAAL_RING_PRODUCER);
	for (uint32_t i = 0; i < ITEMS; i++)
		kaal_check_assert(kaal_channel_send(&c, &i, KAAL_CHANNEL_FOREVER) == KAAL_OK);
}

static void consumer(kaal_word arg)
{
	struct channel_test *s = (struct channel_test *)(uintptr_t)arg;
	struct kaal_channel c;
	attach(&c, s, KAAL_RING_CONSUMER);
	for (uint32_t i = 0; i < ITEMS; i++) {
		uint32_t v = UINT32_MAX;
		kaal_check_assert(kaal_channel_recv(&c, &v, KAAL_CHANNEL_FOREVER) == KAAL_OK);
		kaal_check_assert(v == i);
		s->received++;
	}
}

static void setup(void *p)
{
	struct channel_test *s = p;
	struct kaal_broker *b = kaal_check_broker();
	kaal_cptr frame, ntfn[2];
	struct kaal_memory mem;
	kaal_check_assert(kaal_broker_create_frames(b, 1, &frame, &mem) == KAAL_OK);
	kaal_check_assert(kaal_map(frame, 0, KAAL_RIGHT_READ | KAAL_RIGHT_WRITE, &s->ring) ==
	                  KAAL_OK);
	s->ring_size = kaal_ring_bytes(CAPACITY, sizeof(uint32_t));
	kaal_check_assert(kaal_ring_create(s->ring, s->ring_size, CAPACITY, sizeof(uint32_t)) ==
	                  KAAL_OK);
	for (unsigned i = 0; i < 2; i++)
		kaal_check_assert(kaal_broker_create_notification(b, &ntfn[i]) == KAAL_OK);
	const unsigned rights[] = {KAAL_RIGHT_READ, KAAL_RIGHT_WRITE};
	const kaal_cptr producer_caps[] = {ntfn[0], ntfn[1]};
	const kaal_cptr consumer_caps[] = {ntfn[1], ntfn[0]};
	kaal_word arg = (kaal_word)(uintptr_t)s;
	kaal_check_assert(kaal_check_spawn(producer, arg, producer_caps, rights, 2) == KAAL_OK);
	kaal_check_assert(kaal_check_spawn(consumer, arg, consumer_caps, rights, 2) == KAAL_OK);
}

static void finish(void *p)
{
	const struct channel_test *s = p;
	kaal_check_assert(s->received == ITEMS);
}

static const struct kaal_check_test channel_test = {
    .name = "channel",
    .state_size = sizeof(struct channel_test),
    .boots = true,
    .setup = setup,
    .finish = finish,
};

static struct kaal_check_config channel_config(enum kaal_check_model model,
                                               enum kaal_check_strategy strategy, uint64_t seed)
{
	struct kaal_check_config config = {
	    .model = model,
	    .strategy = strategy,
	    .seed = seed,
	    .pct_depth = PCT_DEPTH,
	    .pct_steps = 200,
	};
	return config;
}

static void check_channel(enum kaal_check_model model, enum kaal_check_strategy strategy)
{
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		struct kaal_check_config config = channel_config(model, strategy, seed);
		struct kaal_check_result result;
		assert_true(kaal_check_run(&channel_test, &config, &result));
		if (result.verdict != KAAL_CHECK_PASSED)
			fail_msg("seed %llu under %s/%s: %s", (unsigned long long)seed,
			         kaal_check_model_name(model), kaal_check_strategy_name(strategy),
			         result.message);
	}
}

static void channel_sc_random(void **state)
{
	(void)state;
	check_channel(KAAL_CHECK_SC, KAAL_CHECK_RANDOM);
}

static void channel_tso_random(void **state)
{
	(void)state;
	check_channel(KAAL_CHECK_TSO, KAAL_CHECK_RANDOM);
}

static void channel_tso_pct(void **state)
{
	(void)state;
	check_channel(KAAL_CHECK_TSO, KAAL_CHECK_PCT);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The first schedule, random or PCT, that fails with mutation planted; false if none does. */
static bool caught(struct kaal_check_mutation mutation)
{
	for (int strategy = KAAL_CHECK_RANDOM; strategy <= KAAL_CHECK_PCT; strategy++) {
		for (uint64_t seed = 1; seed <= MUTANT_SEEDS; seed++) {
			struct kaal_check_config config = channel_config(
			    KAAL_CHECK_TSO, (enum kaal_check_strategy)strategy, seed);
			config.mutation = mutation;
			struct kaal_check_result result;
			assert_true(kaal_check_run(&channel_test, &config, &result));
			if (result.verdict != KAAL_CHECK_PASSED) {
				print_message("# %s:%d without its fence: %s/tso seed %llu: %s\n",
				              mutation.file, mutation.line,
				              kaal_check_strategy_name(config.strategy),
				              (unsigned long long)seed, result.message);
				return true;
			}
		}
	}
	return false;
}

/* Each fence the channel meets, dropped in turn, makes some schedule fail. */
static void every_channel_fence_guarded(void **state)
{
	(void)state;
	struct kaal_check_sites sites = {0};
	struct kaal_check_config config = channel_config(KAAL_CHECK_TSO, KAAL_CHECK_RANDOM, 1);
	config.sites = &sites;
	struct kaal_check_result result;
	assert_true(kaal_check_run(&channel_test, &config, &result));
	assert_int_equal(result.verdict, KAAL_CHECK_PASSED);
	assert_false(sites.overflow);
	unsigned fences = 0;
	for (unsigned i = 0; i < sites.count; i++) {
		const struct kaal_check_site_info *site = &sites.site[i];
		if (site->op != KAAL_CHECK_OP_FENCE || !ends_with(site->file, "runtime/channel.c"))
			continue;
		fences++;
		struct kaal_check_mutation drop = {KAAL_CHECK_DROP_FENCE, site->file, site->line};
		if (!caught(drop))
			fail_msg("%s:%d: dropping this fence fails no schedule", site->file,
			         site->line);
	}
	assert_int_equal(fences, CHANNEL_FENCES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(channel_sc_random),
	    cmocka_unit_test(channel_tso_random),
	    cmocka_unit_test(channel_tso_pct),
	    cmocka_unit_test(every_channel_fence_guarded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
