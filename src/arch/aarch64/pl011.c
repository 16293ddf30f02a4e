/*
 * The kernel console: a PL011 UART, polled. QEMU's PL011 needs no setup
 * (its baud rate is ignored and it transmits whether or not it was
 * enabled); on hardware the firmware leaves it configured.
 */
#include "aarch64.h"

#define PL011_DR      0x00
#define PL011_FR      0x18
#define PL011_FR_TXFF (1u << 5) /* transmit FIFO full */

static volatile uint32_t *uart = (volatile uint32_t *)(uintptr_t)VIRT_UART_BASE;

void pl011_init(kaal_paddr base)
{
	uart = (volatile uint32_t *)(uintptr_t)base;
}

void pl011_putc(char c)
{
	while (uart[PL011_FR / 4] & PL011_FR_TXFF)
		;
	uart[PL011_DR / 4] = (uint8_t)c;
}

void console_puts(const char *s)
{
	while (*s)
		pl011_putc(*s++);
}

static void put_number(uint64_t v, unsigned base)
{
	char buf[24];
	int i = (int)sizeof(buf);
	buf[--i] = '\0';
	do {
		buf[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	console_puts(&buf[i]);
}

void console_hex(uint64_t v)
{
	console_puts("0x");
	put_number(v, 16);
}

void console_dec(uint64_t v)
{
	put_number(v, 10);
}
