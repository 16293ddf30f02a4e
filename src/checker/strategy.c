/*
 * Strategies: which ready entity takes the next step. Random picks
 * uniformly. PCT (Burckhardt et al., 2010) gives every entity a random
 * priority of at least depth, always runs the highest ready one, and at
 * depth - 1 random steps drops the entity about to run below every other:
 * a bug that needs depth ordering constraints is found by a run with
 * probability at least 1 / (n * k^(depth - 1)) for n entities and k steps.
 */
#include "checker.h"

#define PCT_DEFAULT_STEPS 100

uint64_t strategy_random(struct strategy_state *s)
{
	/* xorshift64*: the run's whole randomness, from its seed. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * UINT64_C(2685821657736338717);
}

static unsigned below(struct strategy_state *s, unsigned n)
{
	return (unsigned)(strategy_random(s) % n);
}

void strategy_start(struct strategy_state *s, const struct kaal_check_config *config)
{
	/* A zero state would stay zero: mix the seed into a non-zero one. */
	s->rng = config->seed * UINT64_C(0x9E3779B97F4A7C15) + UINT64_C(0x2545F4914F6CDD1D);
	if (config->strategy != KAAL_CHECK_PCT)
		return;
	unsigned depth = config->pct_depth ? config->pct_depth : 1;
	unsigned order[ENTITIES];
	for (unsigned i = 0; i < ENTITIES; i++)
		order[i] = i;
	for (unsigned i = ENTITIES - 1; i > 0; i--) {
		unsigned j = below(s, i + 1);
		unsigned tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (unsigned i = 0; i < ENTITIES; i++)
		s->priority[order[i]] = depth + i;
	unsigned steps = config->pct_steps ? config->pct_steps : PCT_DEFAULT_STEPS;
	s->changes = depth - 1 < KAAL_CHECK_MAX_THREADS ? depth - 1 : KAAL_CHECK_MAX_THREADS;
	for (unsigned i = 0; i < s->changes; i++)
		s->change_at[i] = 1 + below(s, steps);
}

void strategy_yield(struct strategy_state *s, unsigned entity)
{
	/* Below every other, as a change point would put it: a spinning thread lets the others go.
	 */
	unsigned lowest = s->priority[entity];
	for (unsigned i = 0; i < ENTITIES; i++)
		if (s->priority[i] < lowest)
			lowest = s->priority[i];
	if (lowest > 0)
		s->priority[entity] = lowest - 1;
	else
		for (unsigned i = 0; i < ENTITIES; i++)
			s->priority[i] += i != entity;
}

static unsigned highest(const struct strategy_state *s, const unsigned *ready, unsigned n)
{
	unsigned best = 0;
	for (unsigned i = 1; i < n; i++)
		if (s->priority[ready[i]] > s->priority[ready[best]])
			best = i;
	return best;
}

unsigned strategy_pick(struct strategy_state *s, const struct kaal_check_config *config,
                       const unsigned *ready, unsigned n, unsigned step)
{
	if (config->strategy == KAAL_CHECK_RANDOM)
		return below(s, n);
	unsigned pick = highest(s, ready, n);
	for (unsigned i = 0; i < s->changes; i++) {
		if (s->change_at[i] == step) {
			s->priority[ready[pick]] = i + 1;
			pick = highest(s, ready, n);
		}
	}
	return pick;
}
