/*
 * What the parts of ring-bench share: the options of this run, the peers,
 * the rows of results, the workloads and the output. The peers themselves
 * need only ring_bench.h.
 */
#ifndef RING_RUN_H
#define RING_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <kaal/boot_info.h>

#include "ring_bench.h"

/* ------------------------------------------------------ options (ring_bench.c) */

#define BENCH_DEFAULT_RUNS 7
#define BENCH_MAX_RUNS     31

struct bench_options {
	unsigned runs;    /* --runs: timed runs per figure */
	const char *only; /* --only: run just the workloads whose name contains this */
	bool verbose;     /* --verbose: name each run on stderr as it starts */
};
extern struct bench_options bench_options;

/* bench_work() turns per element for the "busy consumer" rows. */
#define BENCH_BUSY_WORK 32u

/* The workload named bench is to run (--only). */
bool bench_selected(const char *bench);

/* --------------------------------------------------------- peers (ring_peers.c) */

#define BENCH_PEER_COUNT 7u
/* Every peer, kaal first: the ratios of a workload are to its first row. */
extern const struct bench_peer *const bench_peers[BENCH_PEER_COUNT];
/* Why each peer is not measured in this run, or NULL. */
extern const char *bench_skipped[BENCH_PEER_COUNT];
/* Fill bench_skipped: peers not built, and those whose probe refuses. */
void bench_probe_peers(void);

/* -------------------------------------------------------------- rows (stats.c) */

struct bench_row {
	char bench[48];
	char impl[32];
	const char *unit;
	bool floor;               /* a floor measured beside kaal, not a peer */
	double v[BENCH_MAX_RUNS]; /* per run, in the row's unit */
	unsigned n;
	double median, min, max;
	double ratio;     /* median / kaal's median of the same workload */
	const char *note; /* instead of a value */
};

extern struct bench_row bench_rows[];
extern unsigned bench_row_count;

struct bench_row *bench_add_row(const char *bench, const char *impl, const char *unit, bool floor);
/* Median, min and max of every row, and its ratio to the first row (kaal's) of its workload. */
void bench_summarise_rows(void);
/* The row of this workload and implementation, or NULL. */
const struct bench_row *bench_find_row(const char *bench, const char *impl);

/* ------------------------------------------------- workloads (ring_workloads.c) */

/* SharedRing SPSC throughput, in bursts and with a busy consumer. */
void bench_spsc(void);
/* Spin round trip, beside one cache line flipped between the same two cpus, and two lines. */
void bench_spin_round_trips(void);
/* Two producers and two consumers on one queue. */
void bench_mpmc(void);
/* trips round trips of one cache line flipped between cpu0 and cpu1; nanoseconds in all. */
double bench_one_line_round_trips(uint64_t trips);

/* ----------------------------------------- call slot (call_slot_workload.c) */

/* Spin round trip through a call slot, beside the one-line ping-pong floor. */
void bench_call_slot_round_trips(void);
struct kaal_call_slot;
/* Client: calls 1 .. trips, each 8 bytes, and returns the sum of the answers. */
uint64_t bench_call_slot_calls(struct kaal_call_slot *h, uint64_t trips);
/* Server: answers calls calls with their own request. */
void bench_call_slot_serve(struct kaal_call_slot *h, uint64_t calls);

/* ------------------------------------------- kaal channels (ring_channels.c) */

/* The booted system whose objects the channel workloads create. */
void bench_channels_init(const struct kaal_boot_info *bi);
/* Blocking round trip through two kaal channels and a call slot, beside the kernel's own. */
void bench_blocking_round_trips(void);
/* A sleeping consumer under saturating load. */
void bench_sleeping_consumer(void);
/* Blocking round trip rows report.c reads besides kaal's channel and the futex floor. */
#define BENCH_NO_POLL_CHANNEL   "kaal channel, no block poll"
#define BENCH_CHANNEL_OS_SLEEPS "kaal channel, OS sleeps"
#define BENCH_POLLED_FUTEX      "futex, polled as kaal"

/* -------------------------------------------- bulk transfer (bulk_workload.c) */

/* The rows report.c holds to the bulk target, and the floor they are compared with. */
#define BENCH_BULK_KAAL_COPY     "kaal copy (push/pop)"
#define BENCH_BULK_KAAL_IN_PLACE "kaal zero-copy (reserve)"
#define BENCH_BULK_FLOOR         "memcpy, one core"
/* Messages of 4 KiB and 64 KiB: kaal copying and in place, the peers, the memcpy floor. */
void bench_bulk(void);

/* ------------------------------------------------ ring resizing (resize_workload.c) */

/* A resizing channel moved to a ring of the other size before each element, beside floors. */
void bench_resize(void);

/* ------------------------------------------------------------ output (report.c) */

/* Other runnable tasks besides this one, on average over 200 ms. */
double bench_others_running(void);
/* The one-line ping-pong now: taken between workloads, to see the cpus move during a run. */
void bench_placement_sample(void);
/* The table; others is the load bench_others_running() saw around the run. */
void bench_print_table(FILE *out, double others);
/* The targets kaal is held to, measured in this run. */
void bench_print_targets(void);
bool bench_write_csv(const char *path);
/* A chart of the CSV's throughput ratios beside it, when gnuplot is installed. */
void bench_plot(const char *csv_path);

#endif
