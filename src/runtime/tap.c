/* TAP lines over the debug console. */
#include <kaal/boot_info.h>
#include <kaal/sdk.h>
#include <kaal/tap.h>

static unsigned tests_run;
static unsigned tests_failed;

void kaal_print(const char *s)
{
	while (*s)
		kaal_debug_putchar(*s++);
}

/* Digits of v in base 10 or 16 (0x-prefixed), written at the end of buf[24]. */
static const char *format(char buf[24], uint64_t v, unsigned base)
{
	int i = 23;
	buf[i] = '\0';
	do {
		buf[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16) {
		buf[--i] = 'x';
		buf[--i] = '0';
	}
	return &buf[i];
}

void kaal_print_dec(uint64_t v)
{
	char buf[24];
	kaal_print(format(buf, v, 10));
}

void kaal_print_hex(uint64_t v)
{
	char buf[24];
	kaal_print(format(buf, v, 16));
}

static char diag_line[160];
static unsigned diag_len;

void kaal_diag_str(const char *s)
{
	while (*s && diag_len + 1 < sizeof(diag_line))
		diag_line[diag_len++] = *s++;
	diag_line[diag_len] = '\0';
}

void kaal_diag_dec(uint64_t v)
{
	char buf[24];
	kaal_diag_str(format(buf, v, 10));
}

void kaal_diag_hex(uint64_t v)
{
	char buf[24];
	kaal_diag_str(format(buf, v, 16));
}

void kaal_diag_end(void)
{
	kaal_tap_diag(diag_line);
	diag_len = 0;
	diag_line[0] = '\0';
}

void kaal_tap_plan(unsigned count)
{
	tests_run = 0;
	tests_failed = 0;
	kaal_print("1..");
	kaal_print_dec(count);
	kaal_print("\n");
}

bool kaal_tap_ok(bool ok, const char *description)
{
	tests_run++;
	if (!ok) {
		tests_failed++;
		kaal_print("not ");
	}
	kaal_print("ok ");
	kaal_print_dec(tests_run);
	kaal_print(" - ");
	kaal_print(description);
	kaal_print("\n");
	return ok;
}

bool kaal_tap_ok_status(kaal_status st, const char *description)
{
	bool ok = kaal_tap_ok(st == KAAL_OK, description);
	if (!ok) {
		kaal_diag_str("  failed: ");
		kaal_diag_str(kaal_status_name(st));
		kaal_diag_end();
	}
	return ok;
}

void kaal_tap_diag(const char *message)
{
	kaal_print("# ");
	kaal_print(message);
	kaal_print("\n");
}

unsigned kaal_tap_failures(void)
{
	return tests_failed;
}
