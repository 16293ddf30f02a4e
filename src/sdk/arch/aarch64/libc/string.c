/*
 * The four memory functions a C compiler may call on its own (structure
 * copies, large initialisers, loops it recognises), for a kernel linked
 * without a libc, and the two string functions programs use for names. The stores are volatile so the compiler cannot turn these
 * loops back into calls to themselves. Byte at a time, except memset of
 * whole aligned words (zeroing objects): correct for any alignment, also
 * on Device memory, where unaligned accesses fault.
 */
#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

void *memset(void *dst, int c, size_t n)
{
	if ((((uintptr_t)dst | n) & (sizeof(uint64_t) - 1)) == 0) {
		volatile uint64_t *w = dst;
		uint64_t v = (uint8_t)c * UINT64_C(0x0101010101010101);
		for (size_t i = 0; i < n / sizeof(uint64_t); i++)
			w[i] = v;
		return dst;
	}
	volatile uint8_t *d = dst;
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)c;
	return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	volatile uint8_t *d = dst;
	const uint8_t *s = src;
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	volatile uint8_t *d = dst;
	const uint8_t *s = src;
	if ((uintptr_t)d < (uintptr_t)s) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	} else {
		for (size_t i = n; i > 0; i--)
			d[i - 1] = s[i - 1];
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}
