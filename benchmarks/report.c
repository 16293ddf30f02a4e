/* What ring-bench prints and writes: the table, the targets, the CSV and the chart. */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bulk.h"
#include "floors.h"
#include "ring_run.h"

/* Nanoseconds one bench_work(BENCH_BUSY_WORK) takes on this machine. */
static double busy_work_ns(void)
{
	uint64_t t0 = bench_now_ns();
	for (unsigned i = 0; i < 1000000; i++)
		bench_work(BENCH_BUSY_WORK);
	return (double)(bench_now_ns() - t0) / 1e6;
}

/*
 * Averaged over 20 looks at /proc/stat 10 ms apart: anything else running
 * shares the two cpus.
 */
double bench_others_running(void)
{
	double sum = 0;
	unsigned looks = 0;
	for (unsigned i = 0; i < 20; i++) {
		FILE *f = fopen("/proc/stat", "r");
		if (!f)
			return 0;
		char line[256];
		while (fgets(line, sizeof(line), f)) {
			unsigned running;
			if (sscanf(line, "procs_running %u", &running) == 1) {
				sum += running > 0 ? running - 1 : 0;
				looks++;
			}
		}
		fclose(f);
		struct timespec ten_ms = {0, 10000000};
		nanosleep(&ten_ms, NULL);
	}
	return looks ? sum / looks : 0;
}

/*
 * Where the hypervisor puts the two vCPUs can change in the middle of a
 * run, and a line then moves several times faster or slower: the medians
 * mix two machines. The one-line ping-pong between workloads shows it.
 */
#define PLACEMENT_TRIPS   20000u
#define PLACEMENT_SAMPLES 16u
#define PLACEMENT_SPREAD  1.5

static double placement_ns[PLACEMENT_SAMPLES];
static unsigned placement_count;

void bench_placement_sample(void)
{
	if (placement_count < PLACEMENT_SAMPLES)
		placement_ns[placement_count++] =
		    bench_one_line_round_trips(PLACEMENT_TRIPS) / PLACEMENT_TRIPS;
}

static void print_placement(FILE *out)
{
	if (placement_count == 0)
		return;
	double lo = placement_ns[0], hi = placement_ns[0];
	for (unsigned i = 1; i < placement_count; i++) {
		lo = placement_ns[i] < lo ? placement_ns[i] : lo;
		hi = placement_ns[i] > hi ? placement_ns[i] : hi;
	}
	fprintf(out, "cpu placement: one-line ping-pong %.1f .. %.1f ns at %u points of the run\n",
	        lo, hi, placement_count);
	if (hi > PLACEMENT_SPREAD * lo)
		fprintf(out,
		        "warning: the two cpus moved closer or apart during the run (the "
		        "ping-pong changed %.1fx): medians mix two machines, rerun\n",
		        hi / lo);
}

void bench_print_table(FILE *out, double others)
{
	fprintf(out,
	        "ring-bench: median of %u runs; threads pinned to cpu0 and cpu1; "
	        "capacity %u elements for every ring\n",
	        bench_options.runs, BENCH_CAPACITY);
	fprintf(out, "ratio = this row / kaal's row of the same workload (Mops/s, items/wakeup: "
	             "higher is better; ns: lower is better)\n");
	fprintf(out, "busy cons.: the consumer spends %.1f ns of work per element\n",
	        busy_work_ns());
	if (others > 0.2)
		fprintf(out,
		        "warning: %.1f other tasks were runnable on average before or after "
		        "the run: they share these cpus, expect noise\n",
		        others);
	print_placement(out);
	fputc('\n', out);
	fprintf(out, "%-26s %-28s %12s %-13s %7s   %s\n", "workload", "implementation", "median",
	        "unit", "ratio", "min .. max");
	const char *last = "";
	for (unsigned i = 0; i < bench_row_count; i++) {
		const struct bench_row *r = &bench_rows[i];
		const char *bench = strcmp(last, r->bench) == 0 ? "" : r->bench;
		if (*bench && i)
			fputc('\n', out);
		last = r->bench;
		char impl[40];
		snprintf(impl, sizeof(impl), "%s%s", r->impl, r->floor ? " (floor)" : "");
		if (r->note) {
			fprintf(out, "%-26s %-28s %12s %s\n", bench, impl, "-", r->note);
			continue;
		}
		char ratio[16] = "";
		if (isfinite(r->ratio))
			snprintf(ratio, sizeof(ratio), "%6.2fx", r->ratio);
		fprintf(out, "%-26s %-28s %12.*f %-13s %7s   %.*f .. %.*f\n", bench, impl,
		        r->median < 100 ? 2 : 1, r->median, r->unit, ratio, r->min < 100 ? 2 : 1,
		        r->min, r->max < 100 ? 2 : 1, r->max);
	}
	fputc('\n', out);
	if (bench_find_row("bulk 4 KiB", BENCH_BULK_FLOOR) ||
	    bench_find_row("bulk 64 KiB", BENCH_BULK_FLOOR))
		fprintf(out, "bulk: every ring, queue and pipe holds %u KiB, not %u elements\n",
		        BULK_RING_BYTES / BULK_KIB, BENCH_CAPACITY);
	if (bench_find_row("MPMC 2P2C x 8B", bench_concurrentqueue.name))
		fprintf(out, "* ConcurrentQueue is not bounded: its producers allocate where the "
		             "others find the queue full.\n");
	for (unsigned p = 0; p < BENCH_PEER_COUNT; p++)
		if (bench_skipped[p])
			fprintf(out, "%s: skipped (%s)\n", bench_peers[p]->name, bench_skipped[p]);
}

/* A text field in double quotes, its own quotes doubled: names hold commas. */
static void csv_text(FILE *f, const char *text, const char *after)
{
	fputc('"', f);
	for (const char *c = text; *c; c++) {
		if (*c == '"')
			fputc('"', f);
		fputc(*c, f);
	}
	fprintf(f, "\"%s", after);
}

bool bench_write_csv(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	fprintf(f, "workload,implementation,kind,unit,median,min,max,runs,ratio_to_kaal,note\n");
	for (unsigned i = 0; i < bench_row_count; i++) {
		const struct bench_row *r = &bench_rows[i];
		csv_text(f, r->bench, ",");
		csv_text(f, r->impl, r->floor ? ",floor," : ",implementation,");
		csv_text(f, r->unit, ",");
		if (r->note) {
			fputs(",,,0,,", f);
			csv_text(f, r->note, "\n");
			continue;
		}
		fprintf(f, "%.4f,%.4f,%.4f,%u,%.4f,\n", r->median, r->min, r->max, r->n, r->ratio);
	}
	for (unsigned p = 0; p < BENCH_PEER_COUNT; p++)
		if (bench_skipped[p]) {
			fputc(',', f);
			csv_text(f, bench_peers[p]->name, ",skipped,,,,,0,,");
			csv_text(f, bench_skipped[p], "\n");
		}
	return fclose(f) == 0;
}

/* A clustered bar chart of every peer's throughput ratio to kaal (kaal = 1). */
void bench_plot(const char *csv_path)
{
	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		printf("chart: skipped (install gnuplot-nox)\n");
		return;
	}
	char base[4096], dat[4200], svg[4200], gp[4200];
	snprintf(base, sizeof(base), "%s", csv_path);
	char *dot = strrchr(base, '.');
	if (dot && !strchr(dot, '/'))
		*dot = 0;
	snprintf(dat, sizeof(dat), "%s.dat", base);
	snprintf(svg, sizeof(svg), "%s.svg", base);
	snprintf(gp, sizeof(gp), "%s.gp", base);
	FILE *f = fopen(dat, "w");
	if (!f)
		return;
	/*
	 * One line per throughput workload (kaal's row is the first of each),
	 * one column per peer with at least one ratio ("?" where it has none).
	 */
	bool plotted[BENCH_PEER_COUNT] = {false};
	unsigned columns = 1;
	for (unsigned i = 0; i < bench_row_count; i++)
		for (unsigned p = 1; p < BENCH_PEER_COUNT; p++)
			if (strcmp(bench_rows[i].impl, bench_peers[p]->name) == 0 &&
			    strcmp(bench_rows[i].unit, "Mops/s") == 0 &&
			    isfinite(bench_rows[i].ratio) && !plotted[p]) {
				plotted[p] = true;
				columns++;
			}
	fprintf(f, "workload");
	for (unsigned p = 1; p < BENCH_PEER_COUNT; p++)
		if (plotted[p])
			fprintf(f, "\t\"%s\"", bench_peers[p]->name);
	fprintf(f, "\n");
	for (unsigned i = 0; i < bench_row_count; i++) {
		const struct bench_row *r = &bench_rows[i];
		if (bench_find_row(r->bench, "kaal") != r || strcmp(r->unit, "Mops/s") != 0)
			continue;
		fprintf(f, "\"%s\"", r->bench);
		for (unsigned p = 1; p < BENCH_PEER_COUNT; p++) {
			if (!plotted[p])
				continue;
			const struct bench_row *q = bench_find_row(r->bench, bench_peers[p]->name);
			if (q && !q->note && isfinite(q->ratio))
				fprintf(f, "\t%.4f", q->ratio);
			else
				fprintf(f, "\t?");
		}
		fprintf(f, "\n");
	}
	fclose(f);
	if (columns == 1)
		return;
	/* The script stays beside the chart, to draw it again or in another format. */
	FILE *g = fopen(gp, "w");
	if (!g)
		return;
	fprintf(g,
	        "set terminal svg size 1200,600 dynamic noenhanced font 'sans,11'\n"
	        "set output '%s'\n"
	        "set title 'Throughput of each peer relative to kaal, same run (kaal = 1; below 1: "
	        "kaal is faster)'\n"
	        "set datafile missing '?'\n"
	        "set style data histogram\n"
	        "set style histogram cluster gap 1\n"
	        "set style fill solid 0.8 border -1\n"
	        "set boxwidth 0.9\n"
	        "set ylabel 'peer Mops/s / kaal Mops/s (log scale)'\n"
	        "set logscale y 2\n"
	        "set yrange [0.0625:32]\n"
	        "set grid ytics\n"
	        "set key outside right top\n"
	        "set xtics rotate by -30\n"
	        "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2 front\n"
	        "plot for [i=2:%u] '%s' using i:xtic(1) title columnheader(i)\n",
	        svg, columns, dat);
	if (fclose(g) != 0 || !(g = popen("gnuplot", "w")))
		return;
	fprintf(g, "load '%s'\n", gp);
	if (pclose(g) == 0)
		printf("chart: %s\n", svg);
}

static void target(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void target(bool pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s ", pass ? "PASS" : "MISS");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

/*
 * Each kaal row of a bulk workload against the best peer moving the same
 * bytes, and against one core's memcpy of the same messages.
 */
static void bulk_targets(void)
{
	for (unsigned i = 0; i < bench_row_count; i++) {
		const struct bench_row *k = &bench_rows[i];
		if (strcmp(k->impl, BENCH_BULK_KAAL_COPY) != 0 &&
		    strcmp(k->impl, BENCH_BULK_KAAL_IN_PLACE) != 0)
			continue;
		const struct bench_row *best = NULL;
		for (unsigned j = 0; j < bench_row_count; j++) {
			const struct bench_row *q = &bench_rows[j];
			if (strcmp(q->bench, k->bench) == 0 && !q->floor &&
			    strncmp(q->impl, "kaal", strlen("kaal")) != 0 &&
			    (!best || q->median > best->median))
				best = q;
		}
		const struct bench_row *floor_row = bench_find_row(k->bench, BENCH_BULK_FLOOR);
		if (best && floor_row)
			target(k->median >= best->median,
			       "%s, %s: kaal bulk >= best peer: %.2f GB/s = %.2fx %s; %.2fx the "
			       "memcpy floor (one core, %.2f GB/s)",
			       k->bench, k->impl, k->median, k->median / best->median, best->impl,
			       k->median / floor_row->median, floor_row->median);
		else
			printf("---- %s, %s: no peer or floor measured\n", k->bench, k->impl);
	}
}

/* The best peer's row of workload bench (not a floor, not kaal), or NULL. */
static const struct bench_row *best_peer(const char *bench)
{
	const struct bench_row *best = NULL;
	for (unsigned p = 1; p < BENCH_PEER_COUNT; p++) {
		const struct bench_row *q = bench_find_row(bench, bench_peers[p]->name);
		if (q && !q->note && q->n > 0 && (!best || q->median > best->median))
			best = q;
	}
	return best;
}

void bench_print_targets(void)
{
	printf("\nTargets (measured in this run, not asserted):\n");
	const char *one = "SPSC 1 x 8B";
	const struct bench_row *k1 = bench_find_row(one, "kaal"),
	                       *ck = bench_find_row(one, bench_ck.name);
	if (k1 && ck && !ck->note)
		target(k1->median >= 1.25 * ck->median,
		       "%s: kaal %.1f Mops/s = %.2fx ck_ring (target >= 1.25x)", one, k1->median,
		       k1->median / ck->median);
	else
		printf("---- %s: ck_ring not measured\n", one);
	/* Every SPSC row: kaal at least the best peer. */
	for (unsigned i = 0; i < bench_row_count; i++) {
		const struct bench_row *k = &bench_rows[i];
		if (strncmp(k->bench, "SPSC ", strlen("SPSC ")) != 0 ||
		    strcmp(k->impl, "kaal") != 0)
			continue;
		const struct bench_row *best = best_peer(k->bench);
		if (best)
			target(k->median >= best->median,
			       "%s: kaal %.1f Mops/s = %.2fx the best peer, %s (target >= 1x)",
			       k->bench, k->median, k->median / best->median, best->impl);
	}
	const struct bench_row *rt = bench_find_row("spin round trip", "kaal");
	const struct bench_row *two_row = bench_find_row("spin round trip", "two-line ping-pong");
	if (rt && two_row)
		target(rt->median <= two_row->median,
		       "spin round trip: kaal %.1f ns = %.2fx the two-line ping-pong floor "
		       "(target <= 1x: one line each way, what two rings need at least)",
		       rt->median, rt->median / two_row->median);
	const struct bench_row *flip_row =
	    bench_find_row("spin round trip", "cache-line ping-pong");
	if (rt && flip_row)
		printf("---- spin round trip: kaal %.1f ns = %.2fx the cache-line ping-pong floor "
		       "(one line flipped both ways, which two rings cannot reach)\n",
		       rt->median, rt->median / flip_row->median);
	const struct bench_row *slot =
	    bench_find_row("call slot spin round trip", "kaal call slot");
	const struct bench_row *one_line =
	    bench_find_row("call slot spin round trip", "one-line ping-pong");
	if (slot && one_line)
		target(slot->median <= 1.15 * one_line->median,
		       "call slot spin round trip: %.1f ns = %.2fx the one-line ping-pong floor "
		       "(target <= 1.15x)",
		       slot->median, slot->median / one_line->median);
	const struct bench_row *ipw = bench_find_row("saturated, sleeping cons.", "kaal");
	if (ipw)
		target(ipw->median >= 32,
		       "sleeping consumer under saturating load: %.1f items per wakeup "
		       "(target >= 32)",
		       ipw->median);
	const struct bench_row *brt = bench_find_row("blocking round trip", "kaal channel");
	const struct bench_row *fx = bench_find_row("blocking round trip", "futex");
	if (brt && fx)
		target(brt->median <= 1.1 * fx->median,
		       "blocking round trip: kaal channel %.1f us = %.2fx the raw futex round trip "
		       "(target <= 1.1x)",
		       brt->median / 1e3, brt->median / fx->median);
	const struct bench_row *polled = bench_find_row("blocking round trip", BENCH_POLLED_FUTEX);
	const struct bench_row *sleeps =
	    bench_find_row("blocking round trip", BENCH_CHANNEL_OS_SLEEPS);
	if (brt && polled && sleeps)
		printf("---- blocking round trip: kaal channel = %.2fx the futex polled as long as "
		       "kaal's block poll (no target); %.2f OS sleeps per trip\n",
		       brt->median / polled->median, sleeps->median);
	const struct bench_row *no_poll =
	    bench_find_row("blocking round trip", BENCH_NO_POLL_CHANNEL);
	if (no_poll && fx)
		printf(
		    "---- blocking round trip: kaal channel without the block poll %.1f us = %.2fx "
		    "the raw futex round trip (no target)\n",
		    no_poll->median / 1e3, no_poll->median / fx->median);
	const struct bench_row *bslot = bench_find_row("blocking round trip", "kaal call slot");
	if (bslot && fx)
		printf(
		    "---- blocking round trip: kaal call slot %.1f us = %.2fx the raw futex round "
		    "trip (no target)\n",
		    bslot->median / 1e3, bslot->median / fx->median);
	bulk_targets();
}
