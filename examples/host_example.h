/* What an example tells the host's wrapper (host_main.c): its programs and its UART output. */
#ifndef KAAL_HOST_EXAMPLE_H
#define KAAL_HOST_EXAMPLE_H

#include <kaal/host.h>

extern const struct kaal_host_program kaal_example_programs[];
extern const unsigned kaal_example_program_count;
/* What the UART model must have sent by the end, byte for byte. */
extern const char kaal_example_uart_output[];

#endif
