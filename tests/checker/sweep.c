/* Which orderings a checked test guards (sweep.h). */
#include <stdio.h>
#include <string.h>

#include "sweep.h"

bool checked_ends_with(const char *file, const char *suffix)
{
	size_t n = strlen(file), m = strlen(suffix);
	return n >= m && strcmp(file + n - m, suffix) == 0;
}

bool checked_caught(const struct kaal_check_test *test, const struct kaal_check_config *base,
                    struct kaal_check_mutation mutation, unsigned seeds,
                    struct kaal_check_config *failing)
{
	for (int strategy = KAAL_CHECK_RANDOM; strategy <= KAAL_CHECK_PCT; strategy++) {
		struct kaal_check_config config = *base;
		config.strategy = (enum kaal_check_strategy)strategy;
		config.mutation = mutation;
		config.sites = NULL;
		for (config.seed = 1; config.seed <= seeds; config.seed++) {
			struct kaal_check_result result;
			if (kaal_check_run(test, &config, &result) &&
			    result.verdict != KAAL_CHECK_PASSED) {
				*failing = config;
				printf("# %s:%d %s: %s/%s seed %llu: %s\n", mutation.file,
				       mutation.line,
				       mutation.kind == KAAL_CHECK_DROP_FENCE ? "dropped"
				                                              : "relaxed",
				       kaal_check_strategy_name(config.strategy),
				       kaal_check_model_name(config.model),
				       (unsigned long long)config.seed, result.message);
				return true;
			}
		}
	}
	return false;
}

/* The sites a run of test under base meets; false unless it passes and all were recorded. */
static bool passing_sites(const struct kaal_check_test *test, const struct kaal_check_config *base,
                          struct kaal_check_sites *sites)
{
	*sites = (struct kaal_check_sites){0};
	struct kaal_check_config config = *base;
	config.sites = sites;
	struct kaal_check_result result;
	return kaal_check_run(test, &config, &result) && result.verdict == KAAL_CHECK_PASSED &&
	       !sites->overflow;
}

unsigned checked_fences(const struct kaal_check_test *test, const struct kaal_check_config *base,
                        const char *suffix, struct kaal_check_mutation *out, unsigned max)
{
	struct kaal_check_sites sites;
	if (!passing_sites(test, base, &sites))
		return 0;
	unsigned fences = 0;
	for (unsigned i = 0; i < sites.count; i++) {
		const struct kaal_check_site_info *site = &sites.site[i];
		if (site->op != KAAL_CHECK_OP_FENCE || !checked_ends_with(site->file, suffix))
			continue;
		if (fences < max)
			out[fences] = (struct kaal_check_mutation){KAAL_CHECK_DROP_FENCE,
			                                           site->file, site->line};
		fences++;
	}
	return fences;
}

bool checked_run_meeting_fences(const struct kaal_check_test *test, struct kaal_check_config *base,
                                const char *suffix, struct kaal_check_mutation *out, unsigned n,
                                unsigned seeds)
{
	for (base->seed = 1; base->seed <= seeds; base->seed++)
		if (checked_fences(test, base, suffix, out, n) == n)
			return true;
	return false;
}

static bool in_files(const char *file, const char *const *suffixes, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (checked_ends_with(file, suffixes[i]))
			return true;
	return false;
}

bool checked_sweep(const struct kaal_check_test *test, const struct kaal_check_config *base,
                   const char *const *suffixes, unsigned n, unsigned seeds,
                   bool (*required)(const struct kaal_check_site_info *site),
                   struct checked_sweep *out)
{
	struct kaal_check_sites sites;
	*out = (struct checked_sweep){0};
	if (!passing_sites(test, base, &sites))
		return false;
	for (unsigned i = 0; i < sites.count; i++) {
		const struct kaal_check_site_info *site = &sites.site[i];
		if (site->order == KAAL_RELAXED || !in_files(site->file, suffixes, n))
			continue;
		struct kaal_check_mutation relax = {KAAL_CHECK_RELAX, site->file, site->line};
		struct kaal_check_config failing;
		bool found = checked_caught(test, base, relax, seeds, &failing);
		bool must = required(site);
		if (!found)
			printf("# %s:%d relaxed: no schedule fails%s\n", site->file, site->line,
			       must ? " (required)" : "");
		out->sites++;
		out->caught += found;
		out->required += must;
		out->missed += must && !found;
	}
	return true;
}

bool checked_every_site(const struct kaal_check_site_info *site)
{
	(void)site;
	return true;
}
