/* The custom-allocator example on the host: the machine carries the allocator. */
#include "host_example.h"

void kaal_program_entry_allocator(kaal_word arg);

const struct kaal_host_program kaal_example_programs[] = {
    {"allocator", kaal_program_entry_allocator},
};
const unsigned kaal_example_program_count =
    sizeof(kaal_example_programs) / sizeof(kaal_example_programs[0]);
const char kaal_example_uart_output[] = "";
