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

void kaal_print_dec(uint64_t v)
{
	char buf[21];
	int i = 20;
	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	kaal_print(&buf[i]);
}

void kaal_print_hex(uint64_t v)
{
	char buf[19];
	int i = 18;
	buf[i] = '\0';
	do {
		buf[--i] = "0123456789abcdef"[v & 0xF];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	kaal_print(&buf[i]);
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
