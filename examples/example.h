/*
 * An example: its root task, one source for both backends, run by each
 * backend's wrapper (host_main.c, aarch64_main.c); on the host also the
 * programs the simulated machine carries and the output its UART must
 * have sent (the example's host_programs.c).
 */
#ifndef KAAL_EXAMPLE_H
#define KAAL_EXAMPLE_H

#include <stdbool.h>

#include <kaal/broker.h>

int kaal_example_main(const struct kaal_boot_info *bi);

/* What the broker held when an example began, to show it all came back. */
struct example_holdings {
	uint64_t free_bytes;
	uint32_t free_slots;
};

/* Print the plan and set up the broker over the whole machine; false (said why) if it cannot. */
bool example_begin(struct kaal_broker *b, const struct kaal_boot_info *bi, unsigned plan,
                   struct example_holdings *at_start);
/* Whether the broker holds what it held at the start. */
bool example_all_back(const struct kaal_broker *b, const struct example_holdings *at_start);

#endif
