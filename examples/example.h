/*
 * An example: its root task, one source for both backends, run by each
 * backend's wrapper (host_main.c, aarch64_main.c); on the host also the
 * programs the simulated machine carries and the output its UART must
 * have sent (the example's host_programs.c).
 */
#ifndef KAAL_EXAMPLE_H
#define KAAL_EXAMPLE_H

#include <kaal/boot_info.h>

int kaal_example_main(const struct kaal_boot_info *bi);

#endif
