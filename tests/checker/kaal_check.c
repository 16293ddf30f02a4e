/*
 * kaal-check: run one checked test of the catalogue under a given strategy,
 * model and seed (and replay it exactly), or run a campaign for a while.
 *
 *   kaal-check list
 *   kaal-check run TEST [options]       one run; on failure: shrink, print the trace
 *   kaal-check campaign TEST [options]  seeds from --seed on, cycling random and PCT
 *                                       depths 1-3 per model, until --seconds pass
 *   kaal-check explore TEST [options]   every schedule within --bound preemptions
 *                                       (default 2), up to --max-runs runs
 * Options: --model sc|tso|c11  --strategy random|pct  --seed N  --depth D  --pct-steps K
 *          --max-steps N  --mutate FILE:LINE:drop|relax  --json FILE (the trace for Perfetto)
 *          --seconds S (campaign)  --no-shrink
 * A failure prints the command line that replays it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kaal/checker.h>

#include "catalogue.h"

#define DEFAULT_PCT_DEPTH 3
#define DEFAULT_PCT_STEPS 200
#define DEFAULT_SECONDS   10
#define MAX_PCT_DEPTH     3
#define NS_PER_S          1000000000.0
#define DEFAULT_BOUND     2
#define DEFAULT_MAX_RUNS  1000000

struct options {
	struct kaal_check_config config;
	const char *json;
	double seconds;
	bool shrink;
	unsigned bound;
	unsigned long max_runs;
	char mutation_file[256];
};

static int usage(void)
{
	fprintf(stderr, "usage: kaal-check list | run|campaign|explore TEST [options]\n"
	                "see the top of tests/checker/kaal_check.c, or docs/checker.md\n");
	return 2;
}

static bool parse_mutation(struct options *o, const char *text)
{
	const char *last = strrchr(text, ':');
	if (!last || last == text)
		return false;
	const char *line = last - 1;
	while (line > text && *line != ':')
		line--;
	if (line == text || (size_t)(line - text) >= sizeof o->mutation_file)
		return false;
	memcpy(o->mutation_file, text, (size_t)(line - text));
	o->mutation_file[line - text] = '\0';
	o->config.mutation.file = o->mutation_file;
	o->config.mutation.line = atoi(line + 1);
	if (strcmp(last + 1, "drop") == 0)
		o->config.mutation.kind = KAAL_CHECK_DROP_FENCE;
	else if (strcmp(last + 1, "relax") == 0)
		o->config.mutation.kind = KAAL_CHECK_RELAX;
	else
		return false;
	return true;
}

static bool parse(struct options *o, int argc, char **argv)
{
	*o = (struct options){.seconds = DEFAULT_SECONDS,
	                      .shrink = true,
	                      .bound = DEFAULT_BOUND,
	                      .max_runs = DEFAULT_MAX_RUNS};
	o->config.seed = 1;
	o->config.pct_depth = DEFAULT_PCT_DEPTH;
	o->config.pct_steps = DEFAULT_PCT_STEPS;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(arg, "--no-shrink") == 0) {
			o->shrink = false;
			continue;
		}
		if (!value)
			return false;
		i++;
		if (strcmp(arg, "--model") == 0 && strcmp(value, "sc") == 0)
			o->config.model = KAAL_CHECK_SC;
		else if (strcmp(arg, "--model") == 0 && strcmp(value, "tso") == 0)
			o->config.model = KAAL_CHECK_TSO;
		else if (strcmp(arg, "--model") == 0 && strcmp(value, "c11") == 0)
			o->config.model = KAAL_CHECK_C11;
		else if (strcmp(arg, "--strategy") == 0 && strcmp(value, "random") == 0)
			o->config.strategy = KAAL_CHECK_RANDOM;
		else if (strcmp(arg, "--strategy") == 0 && strcmp(value, "pct") == 0)
			o->config.strategy = KAAL_CHECK_PCT;
		else if (strcmp(arg, "--seed") == 0)
			o->config.seed = strtoull(value, NULL, 0);
		else if (strcmp(arg, "--depth") == 0)
			o->config.pct_depth = (unsigned)atoi(value);
		else if (strcmp(arg, "--pct-steps") == 0)
			o->config.pct_steps = (unsigned)atoi(value);
		else if (strcmp(arg, "--max-steps") == 0)
			o->config.max_steps = (unsigned)atoi(value);
		else if (strcmp(arg, "--seconds") == 0)
			o->seconds = atof(value);
		else if (strcmp(arg, "--bound") == 0)
			o->bound = (unsigned)atoi(value);
		else if (strcmp(arg, "--max-runs") == 0)
			o->max_runs = strtoul(value, NULL, 0);
		else if (strcmp(arg, "--json") == 0)
			o->json = value;
		else if (strcmp(arg, "--mutate") == 0 && parse_mutation(o, value))
			continue;
		else
			return false;
	}
	return true;
}

static void print_replay(const char *test, const struct kaal_check_config *c)
{
	char command[512];
	printf("replay: %s\n", kaal_check_replay_command(command, sizeof command, test, c));
}

/* A failing run, shrunk unless asked not to, with its trace. */
static int report(const struct kaal_check_test *test, const struct options *o,
                  const struct kaal_check_result *first)
{
	printf("%s: %s\n", test->name, first->message);
	print_replay(test->name, &o->config);
	struct kaal_check_config traced = o->config;
	traced.trace = true;
	struct kaal_check_result result;
	if (o->shrink) {
		unsigned steps = first->steps, preemptions = kaal_check_preemptions();
		struct kaal_check_schedule shrunk;
		if (!kaal_check_shrink(test, &traced, &shrunk, &result))
			return 1;
		printf("shrunk: %u steps with %u preemptions, from %u steps with %u\n",
		       shrunk.length, kaal_check_preemptions(), steps, preemptions);
	} else if (!kaal_check_run(test, &traced, &result)) {
		return 1;
	}
	kaal_check_print_trace(stdout);
	if (o->json && !kaal_check_write_trace_json(o->json))
		fprintf(stderr, "kaal-check: cannot write %s\n", o->json);
	return 1;
}

static int run(const struct kaal_check_test *test, const struct options *o)
{
	struct kaal_check_result result;
	if (!kaal_check_run(test, &o->config, &result)) {
		fprintf(stderr, "kaal-check: %s cannot run with these options\n", test->name);
		return 2;
	}
	if (result.verdict != KAAL_CHECK_PASSED)
		return report(test, o, &result);
	printf("%s: passed in %u steps with %u preemptions\n", test->name, result.steps,
	       kaal_check_preemptions());
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / NS_PER_S;
}

/* The portfolio: random, then PCT at depths 1 to MAX_PCT_DEPTH, a seed each in turn. */
static void portfolio_step(struct kaal_check_config *c, unsigned n)
{
	unsigned slot = n % (MAX_PCT_DEPTH + 1);
	c->strategy = slot == 0 ? KAAL_CHECK_RANDOM : KAAL_CHECK_PCT;
	c->pct_depth = slot == 0 ? DEFAULT_PCT_DEPTH : slot;
}

static int campaign(const struct kaal_check_test *test, struct options *o)
{
	double start = now_s(), next_report = start + 1;
	uint64_t first_seed = o->config.seed;
	for (unsigned n = 0;; n++) {
		struct kaal_check_result result;
		portfolio_step(&o->config, n);
		o->config.seed = first_seed + n;
		if (!kaal_check_run(test, &o->config, &result))
			return 2;
		if (result.verdict != KAAL_CHECK_PASSED)
			return report(test, o, &result);
		double t = now_s();
		if (t >= next_report || t - start >= o->seconds) {
			printf("%s: %u schedules in %.1f s (%.0f per second), no failure\n",
			       test->name, n + 1, t - start, (n + 1) / (t - start));
			fflush(stdout);
			next_report = t + 1;
		}
		if (t - start >= o->seconds)
			return 0;
	}
}

static int explore(const struct kaal_check_test *test, struct options *o)
{
	struct kaal_check_exploration x;
	if (!kaal_check_explore(test, &o->config, o->bound, o->max_runs, &x))
		return 2;
	if (x.result.verdict == KAAL_CHECK_PASSED) {
		printf("%s: %lu runs, %s within %u preemptions, no failure\n", test->name, x.runs,
		       x.complete ? "every schedule" : "not every schedule", o->bound);
		return 0;
	}
	printf("%s: run %lu failed: %s\n", test->name, x.runs, x.result.message);
	/* The failing run's decisions replay it; its trace follows. */
	struct kaal_check_schedule found = kaal_check_last_schedule();
	uint8_t *copy = malloc(found.length ? found.length : 1);
	if (!copy)
		return 2;
	memcpy(copy, found.choice, found.length);
	struct kaal_check_schedule replay = {copy, found.length};
	struct kaal_check_config traced = o->config;
	traced.replay = &replay;
	traced.trace = true;
	struct kaal_check_result result;
	if (kaal_check_run(test, &traced, &result))
		kaal_check_print_trace(stdout);
	free(copy);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		const struct kaal_check_test *t;
		for (unsigned i = 0; (t = checked_test_at(i)); i++)
			printf("%s\n", t->name);
		return 0;
	}
	if (argc < 3)
		return usage();
	const struct kaal_check_test *test = checked_test(argv[2]);
	struct options o;
	if (!test || !parse(&o, argc - 3, argv + 3))
		return usage();
	if (strcmp(argv[1], "run") == 0)
		return run(test, &o);
	if (strcmp(argv[1], "campaign") == 0)
		return campaign(test, &o);
	if (strcmp(argv[1], "explore") == 0)
		return explore(test, &o);
	return usage();
}
