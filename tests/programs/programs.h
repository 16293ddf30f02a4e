/* What the spawn tests' boot programs (tests/programs/) promise their starter. */
#ifndef KAAL_TEST_PROGRAMS_H
#define KAAL_TEST_PROGRAMS_H

#include <kaal/types.h>

#define ADDER_LABEL 0x5AD

/* Exit statuses no program's own result takes. */
#define PROGRAM_NO_CAP      (-1)
#define PROGRAM_SEND_FAILED (-2)

/* inspect's bits: one per look that found something else than promised. */
#define INSPECT_FIXED_SLOTS  0x01
#define INSPECT_END_SLOT     0x02
#define INSPECT_NTFN         0x04
#define INSPECT_EP           0x08
#define INSPECT_UNKNOWN_NAME 0x10
#define INSPECT_FREE_SLOTS   0x20
#define INSPECT_SIGNAL       0x40
#define INSPECT_SIGNAL_BITS  UINT64_C(0x5)

/* rtc_client's behaviours (its starter's word) and what it reports. */
#define RTC_CLIENT_TIME_AND_ALARM 0u
#define RTC_CLIENT_GARBAGE        1u
#define RTC_CLIENT_FLOOD          2u
#define RTC_NO_SUCH_OP            99u
#define RTC_FLOOD_REQUESTS        64u
#define RTC_FLOOD_LABEL           0xF100D

/* Every program's entry, for the host's program list. */
void kaal_program_entry_adder(kaal_word arg);
void kaal_program_entry_inspect(kaal_word arg);
void kaal_program_entry_waiter(kaal_word arg);
void kaal_program_entry_rtc_client(kaal_word arg);
void kaal_program_entry_rtc(kaal_word arg);

#endif
