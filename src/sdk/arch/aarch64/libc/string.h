/*
 * The part of <string.h> the user runtime needs in the aarch64 image, which
 * has no libc: the memory functions and the two string functions string.c
 * defines.
 */
#ifndef KAAL_AARCH64_STRING_H
#define KAAL_AARCH64_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
