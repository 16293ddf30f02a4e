/*
 * The checker's speed: schedules per second of a two-thread SPSC ring test
 * of 100 elements under each memory model, and how soon each planted
 * defect of the channel (a fence dropped or weakened, as run-time
 * mutations) is found by each strategy: the median over several seed
 * ranges of the schedules and seconds to the first failing one.
 *   checker-bench [SECONDS]   (per model; default 2)
 * Targets: at least 10,000 schedules per second under SC on one core; every
 * planted defect found in under 10 seconds by its best strategy.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kaal/checker.h>
#include <kaal/ring.h>

#include "catalogue.h"
#include "detect.h"
#include "sweep.h"

#define ELEMENTS        100
#define CAPACITY        8
#define DEFAULT_SECONDS 2.0
#define SC_TARGET       10000.0 /* schedules per second */
#define NS_PER_S        1e9
#define MAX_FENCES      4

struct spsc {
	_Alignas(KAAL_RING_LINE) uint8_t ring[4096];
	uint32_t received;
};

static void spsc_setup(void *p)
{
	struct spsc *s = p;
	if (kaal_ring_create(s->ring, sizeof s->ring, CAPACITY, sizeof(uint32_t)) != KAAL_OK)
		abort();
}

static void spsc_thread(unsigned id, void *p)
{
	struct spsc *s = p;
	struct kaal_ring r;
	enum kaal_ring_role role = id == 0 ? KAAL_RING_PRODUCER : KAAL_RING_CONSUMER;
	kaal_check_assert(kaal_ring_attach(&r, s->ring, sizeof s->ring, role) == KAAL_OK);
	for (uint32_t i = 0; i < ELEMENTS; i++) {
		uint32_t v = i;
		kaal_status st;
		while ((st = id == 0 ? kaal_ring_push(&r, &v) : kaal_ring_pop(&r, &v)) ==
		       KAAL_WOULD_BLOCK)
			kaal_check_yield();
		kaal_check_assert(st == KAAL_OK && v == i);
	}
	if (id == 1)
		s->received = ELEMENTS;
}

static const struct kaal_check_test spsc_test = {
    .name = "spsc100",
    .threads = 2,
    .state_size = sizeof(struct spsc),
    .setup = spsc_setup,
    .thread = spsc_thread,
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / NS_PER_S;
}

static void print_cpu(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "model name", 10) == 0) {
			printf("CPU:%s", strchr(line, ':') + 1);
			break;
		}
	}
	if (f)
		fclose(f);
}

static void schedules_per_second(double seconds)
{
	printf("\n%-8s %12s %12s %14s\n", "model", "schedules", "per second", "steps/schedule");
	for (int m = KAAL_CHECK_SC; m <= KAAL_CHECK_C11; m++) {
		struct kaal_check_config config = {.model = (enum kaal_check_model)m};
		unsigned long n = 0, steps = 0;
		double start = now_s(), t;
		do {
			config.seed = ++n;
			struct kaal_check_result result;
			if (!kaal_check_run(&spsc_test, &config, &result) ||
			    result.verdict != KAAL_CHECK_PASSED) {
				printf("%s: seed %lu failed: %s\n",
				       kaal_check_model_name(config.model), n,
				       result.message ? result.message : "cannot run");
				exit(1);
			}
			steps += result.steps;
		} while ((t = now_s() - start) < seconds);
		double rate = (double)n / t;
		printf("%-8s %12lu %12.0f %14.0f%s\n", kaal_check_model_name(config.model), n, rate,
		       (double)steps / (double)n,
		       m == KAAL_CHECK_SC ? (rate >= SC_TARGET ? "  (target 10,000: met)"
		                                               : "  (target 10,000: MISS)")
		                          : "");
	}
}

static void detection(void)
{
	struct kaal_check_mutation fences[MAX_FENCES];
	const struct kaal_check_config base = {.model = KAAL_CHECK_TSO, .seed = 1};
	unsigned n =
	    checked_fences(&checked_channel, &base, "runtime/channel.c", fences, MAX_FENCES);
	if (n > MAX_FENCES)
		n = MAX_FENCES;
	detect_print_heading("planted defect (channel test, TSO)");
	for (unsigned i = 0; i < 2 * n; i++) {
		struct kaal_check_mutation m = fences[i / 2];
		m.kind = i % 2 ? KAAL_CHECK_RELAX : KAAL_CHECK_DROP_FENCE;
		const char *file = strstr(m.file, "src/") ? strstr(m.file, "src/") : m.file;
		char name[96];
		snprintf(name, sizeof name, "%s:%d %s", file, m.line,
		         i % 2 ? "fence relaxed" : "fence dropped");
		detect_print_rows(name, &checked_channel, m, KAAL_CHECK_TSO);
	}
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : DEFAULT_SECONDS;
	printf("kaal checker benchmark: %s, one core\n", "random schedules");
	print_cpu();
	schedules_per_second(seconds > 0 ? seconds : DEFAULT_SECONDS);
	detection();
	return 0;
}
