/* The few memory helpers a libc would provide. */
#include "object.h"

void kaal_zero(void *p, size_t n)
{
	volatile uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = 0;
}
