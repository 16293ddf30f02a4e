/* What the spawn tests' boot programs (tests/programs/) promise their starter. */
#ifndef KAAL_TEST_PROGRAMS_H
#define KAAL_TEST_PROGRAMS_H

#include <kaal/driver.h>

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

/* uart_client's behaviours (its starter's word) and what it reports. */
#define UART_CLIENT_ECHO_LINE 0u
#define UART_CLIENT_COUNTERS  1u
#define UART_CLIENT_REFUSED   2u
#define UART_LINE_BYTES       5u /* "ping\n" */
#define UART_NO_SUCH_OP       99u
#define UART_ECHO_LABEL       0xEC40u
#define UART_COUNTERS_LABEL   0xC0u
#define UART_REFUSED_LABEL    0xBADu

/* echo_caller: rounds through each path, and its report's label. */
#define ECHO_CALLER_ROUNDS 200u
#define ECHO_CALLER_BYTES  24u
#define ECHO_CALLER_LABEL  0xECC0u

#define GPIO_NO_SUCH_OP  99u
#define TIMER_NO_SUCH_OP 99u

/* dma_driver: a request is the byte to fill its buffer with, the reply its address and size. */
#define DMA_TEST_BYTES (UINT32_C(1) << KAAL_PAGE_BITS)
static const struct kaal_driver_desc dma_test_driver = {
    .program = "dma_driver",
    .device = KAAL_DEVICE_GPIO,
    .clients = 1,
    .request_size = sizeof(uint64_t),
    .reply_size = 2 * sizeof(uint64_t),
    .ring_capacity = 4,
    .priority = 100,
    .dma_bytes = DMA_TEST_BYTES,
};

/* Every program's entry, for the host's program list. */
void kaal_program_entry_adder(kaal_word arg);
void kaal_program_entry_inspect(kaal_word arg);
void kaal_program_entry_waiter(kaal_word arg);
void kaal_program_entry_rtc_client(kaal_word arg);
void kaal_program_entry_rtc(kaal_word arg);
void kaal_program_entry_uart_client(kaal_word arg);
void kaal_program_entry_uart(kaal_word arg);
void kaal_program_entry_gpio(kaal_word arg);
void kaal_program_entry_block(kaal_word arg);
void kaal_program_entry_echo(kaal_word arg);
void kaal_program_entry_echo_ep(kaal_word arg);
void kaal_program_entry_echo_caller(kaal_word arg);
void kaal_program_entry_fs(kaal_word arg);
void kaal_program_entry_timer(kaal_word arg);
void kaal_program_entry_dma_driver(kaal_word arg);

#endif
