/*
 * kaal's rings and channels beside the libraries people would otherwise
 * use, and beside the floors they are built on, all measured in one run:
 *
 * - SharedRing SPSC throughput, one element at a time and in bursts;
 * - spin round trip over two SPSC rings, beside one cache line flipped
 *   between two threads and two lines written one each way;
 * - spin round trip through a call slot, beside the one flipped line;
 * - blocking round trip through two kaal channels, and through a call
 *   slot, whose sides sleep,
 *   beside futex, eventfd and pipe round trips;
 * - wakeups per item on a channel with a sleeping consumer and a producer
 *   that never pauses;
 * - MPMC with two producers and two consumers;
 * - bulk transfer of 4 KiB and 64 KiB messages, copied and in place,
 *   beside one core's memcpy;
 * - what moving a channel to a ring of another size costs, beside the
 *   element stream without it and the one-line ping-pong.
 *
 * Threads are pinned to cpu0 and cpu1. Every figure is the median of
 * several runs, the implementations taking turns run by run. One table,
 * each row's ratio against kaal's row of the same workload, then the
 * targets kaal is held to, then a CSV file and, when gnuplot is installed,
 * an SVG chart beside it.
 *
 * The parts: ring_workloads.c and ring_channels.c measure, peer_*.c and
 * peers_cpp.cpp are the implementations (listed in ring_peers.c) on the
 * harness of ring_harness.c, stats.c keeps the rows, report.c prints them.
 *
 * Usage: ring-bench [--help] [--runs N] [--only TEXT] [--verbose] [CSV path]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaal/host.h>

#include "floors.h"
#include "ring_run.h"

struct bench_options bench_options = {BENCH_DEFAULT_RUNS, NULL, false};

/* What read_options() returns when the benchmark is to run. */
#define RUN (-1)

/* Reads the options into bench_options and *csv; returns RUN, or the status to exit with. */
static int read_options(int argc, char **argv, const char **csv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("usage: ring-bench [--runs N] [--only TEXT] [--verbose] [CSV path]\n"
			       "  --runs N     timed runs per figure (default %d, at most %d)\n"
			       "  --only TEXT  only the workloads whose name contains TEXT\n"
			       "  --verbose    name each run on stderr as it starts\n"
			       "  CSV path     where the CSV goes (default ring_bench.csv); the\n"
			       "               chart goes beside it (.svg, .dat, .gp)\n",
			       BENCH_DEFAULT_RUNS, BENCH_MAX_RUNS);
			return EXIT_SUCCESS;
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			bench_options.only = argv[++i];
		} else if (strcmp(argv[i], "--verbose") == 0) {
			bench_options.verbose = true;
		} else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
			bench_options.runs = (unsigned)atoi(argv[++i]);
			if (bench_options.runs < 1 || bench_options.runs > BENCH_MAX_RUNS) {
				fprintf(stderr, "ring-bench: --runs takes 1 to %d\n",
				        BENCH_MAX_RUNS);
				return 2;
			}
		} else {
			*csv = argv[i];
		}
	}
	return RUN;
}

int main(int argc, char **argv)
{
	const char *csv = "ring_bench.csv";
	int status = read_options(argc, argv, &csv);
	if (status != RUN)
		return status;
	bench_probe_peers();
	double others_before = bench_others_running();
	bench_pin(0);
	const struct kaal_boot_info *bi;
	if (kaal_host_boot(NULL, &bi) != KAAL_OK) {
		fprintf(stderr, "ring-bench: kaal_host_boot failed\n");
		return 1;
	}
	bench_channels_init(bi);
	fprintf(stderr, "ring-bench: measuring (%u runs each)", bench_options.runs);

	static void (*const workloads[])(void) = {
	    bench_spsc,
	    bench_spin_round_trips,
	    bench_call_slot_round_trips,
	    bench_mpmc,
	    bench_blocking_round_trips,
	    bench_sleeping_consumer,
	    bench_bulk,
	    bench_resize,
	};
	bench_placement_sample();
	for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
		workloads[i]();
		bench_placement_sample();
	}
	double others_after = bench_others_running();
	fprintf(stderr, " done\n");

	bench_summarise_rows();

	bench_print_table(stdout, others_before > others_after ? others_before : others_after);
	bench_print_targets();
	if (bench_write_csv(csv))
		printf("\ncsv: %s\n", csv);
	else
		printf("\ncsv: cannot write %s: %s\n", csv, strerror(errno));
	bench_plot(csv);
	fflush(stdout);
	return kaal_host_shutdown() == KAAL_OK ? 0 : 1;
}
