/* The hello example on the host: the machine carries the UART driver and hello. */
#include "host_example.h"

void kaal_program_entry_uart(kaal_word arg);
void kaal_program_entry_hello(kaal_word arg);

const struct kaal_host_program kaal_example_programs[] = {
    {"uart", kaal_program_entry_uart},
    {"hello", kaal_program_entry_hello},
};
const unsigned kaal_example_program_count =
    sizeof(kaal_example_programs) / sizeof(kaal_example_programs[0]);
const char kaal_example_uart_output[] = "hello, world\n";
