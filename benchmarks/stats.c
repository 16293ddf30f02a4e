/* The rows of results: one a workload and implementation, its runs and their median. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ring_run.h"

/* More rows than a run makes: every workload for every peer, and the floors. */
#define MAX_ROWS 160

struct bench_row bench_rows[MAX_ROWS];
unsigned bench_row_count;

struct bench_row *bench_add_row(const char *bench, const char *impl, const char *unit, bool floor)
{
	if (bench_row_count == MAX_ROWS)
		abort();
	struct bench_row *r = &bench_rows[bench_row_count++];
	memset(r, 0, sizeof(*r));
	snprintf(r->bench, sizeof(r->bench), "%s", bench);
	snprintf(r->impl, sizeof(r->impl), "%s", impl);
	r->unit = unit;
	r->floor = floor;
	return r;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void summarise(struct bench_row *r)
{
	if (r->note || r->n == 0) {
		r->median = r->min = r->max = NAN;
		return;
	}
	double s[BENCH_MAX_RUNS];
	memcpy(s, r->v, sizeof(double) * r->n);
	qsort(s, r->n, sizeof(double), compare);
	r->min = s[0];
	r->max = s[r->n - 1];
	r->median = r->n % 2 ? s[r->n / 2] : (s[r->n / 2 - 1] + s[r->n / 2]) / 2;
}

void bench_summarise_rows(void)
{
	const struct bench_row *base = NULL;
	for (unsigned i = 0; i < bench_row_count; i++) {
		struct bench_row *r = &bench_rows[i];
		summarise(r);
		if (!base || strcmp(base->bench, r->bench) != 0)
			base = r;
		r->ratio = strcmp(r->unit, base->unit) == 0 ? r->median / base->median : NAN;
	}
}

const struct bench_row *bench_find_row(const char *bench, const char *impl)
{
	for (unsigned i = 0; i < bench_row_count; i++)
		if (strcmp(bench_rows[i].bench, bench) == 0 &&
		    strcmp(bench_rows[i].impl, impl) == 0)
			return &bench_rows[i];
	return NULL;
}
