/* The few memory helpers a libc would provide. */
#include "object.h"

void kaal_zero(void *p, size_t n)
{
	/* Kernel objects and pages are word aligned: clear them a word at a time. */
	if ((((uintptr_t)p | n) & (sizeof(uint64_t) - 1)) == 0) {
		uint64_t *w = p;
		for (size_t i = 0; i < n / sizeof(uint64_t); i++)
			w[i] = 0;
		return;
	}
	uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = 0;
}
