/* The echo example on the host: the machine carries the server and the client. */
#include "host_example.h"

void kaal_program_entry_echo_server(kaal_word arg);
void kaal_program_entry_echo_client(kaal_word arg);

const struct kaal_host_program kaal_example_programs[] = {
    {"echo_server", kaal_program_entry_echo_server},
    {"echo_client", kaal_program_entry_echo_client},
};
const unsigned kaal_example_program_count =
    sizeof(kaal_example_programs) / sizeof(kaal_example_programs[0]);
const char kaal_example_uart_output[] = "";
