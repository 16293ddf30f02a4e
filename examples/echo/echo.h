/* The echo example's names and sizes, shared by its root task and its two programs. */
#ifndef KAAL_EXAMPLE_ECHO_H
#define KAAL_EXAMPLE_ECHO_H

#include <kaal/types.h>

#define ECHO_ROUNDS     100u /* calls through the endpoint, then elements through the channels */
#define ECHO_LABEL      0xEC0u
#define ECHO_STOP_LABEL 0xEC1u
#define ECHO_CAPACITY   16u
#define ECHO_RING_PAGES 1u
#define ECHO_ELEMENT    sizeof(uint64_t)
/* A word both sides can compute: what round i carries. */
#define ECHO_WORD(i) (UINT64_C(0x9E3779B97F4A7C15) * ((uint64_t)(i) + 1))

#endif
