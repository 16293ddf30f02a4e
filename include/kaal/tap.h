/*
 * TAP output for scenario programs, through the kernel's debug console so
 * the same program prints the same lines on the host and on a UART.
 * No libc: numbers are printed by the helpers below.
 */
#ifndef KAAL_TAP_H
#define KAAL_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include <kaal/boot_info.h>
#include <kaal/status.h>

void kaal_print(const char *s);
void kaal_print_dec(uint64_t v);
void kaal_print_hex(uint64_t v); /* 0x-prefixed */

/* "1..count" */
void kaal_tap_plan(unsigned count);
/* "ok N - description" or "not ok N - description"; returns ok. */
bool kaal_tap_ok(bool ok, const char *description);
/* kaal_tap_ok(st == KAAL_OK, ...), then the status's name as a diagnostic when it failed. */
bool kaal_tap_ok_status(kaal_status st, const char *description);
/* "# message" */
void kaal_tap_diag(const char *message);
unsigned kaal_tap_failures(void);

/* Build one diagnostic line piece by piece; kaal_diag_end() prints it as "# ...". */
void kaal_diag_str(const char *s);
void kaal_diag_dec(uint64_t v);
void kaal_diag_hex(uint64_t v);
void kaal_diag_end(void);

/*
 * A scenario: one program, the same source on every backend. It runs in the
 * root task with the boot info and returns the number of failed checks.
 */
int kaal_scenario_main(const struct kaal_boot_info *bi);

#endif
