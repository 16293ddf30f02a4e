/*
 * The core's memory helpers (src/core/util.c), called directly: no machine
 * is booted. kaal_zero() clears a word at a time when it can and a byte at a
 * time otherwise; either way it must clear exactly the bytes it was given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "object.h"

/* A byte kaal_zero() never writes: any zero outside the range is a stray write. */
#define GUARD_BYTE 0xa5
#define WORD_BYTES sizeof(uint64_t)
/* Room for every start offset within a word and lengths of several words. */
#define BUFFER_WORDS 8
#define BUFFER_BYTES (BUFFER_WORDS * WORD_BYTES)
#define MAX_LENGTH   (BUFFER_BYTES - WORD_BYTES)

/* Word aligned, so that offset 0 is the word path's case and others are not. */
static uint64_t buffer[BUFFER_WORDS];

/* Fills the buffer with GUARD_BYTE, zeroes [offset, offset + length) and checks every byte. */
static void check_zero(size_t offset, size_t length)
{
	uint8_t *bytes = (uint8_t *)buffer;
	memset(bytes, GUARD_BYTE, BUFFER_BYTES);

	kaal_zero(bytes + offset, length);

	for (size_t i = 0; i < BUFFER_BYTES; i++) {
		uint8_t expected = i >= offset && i < offset + length ? 0 : GUARD_BYTE;
		if (bytes[i] != expected)
			fail_msg("kaal_zero(offset %zu, length %zu): byte %zu is %#x, not %#x",
			         offset, length, i, bytes[i], expected);
	}
}

/* Whole aligned words: the word path clears them and nothing around them. */
static void zero_aligned_words(void **state)
{
	(void)state;
	check_zero(WORD_BYTES, WORD_BYTES);
	check_zero(WORD_BYTES, 4 * WORD_BYTES);
	check_zero(0, BUFFER_BYTES);
}

/* A start inside a word: the byte path, which must not round to whole words. */
static void zero_unaligned_start(void **state)
{
	(void)state;
	check_zero(1, WORD_BYTES);
	check_zero(3, 17);
	check_zero(WORD_BYTES - 1, 2 * WORD_BYTES + 1);
}

/* An aligned start with a length that is not whole words: the tail word is only partly cleared. */
static void zero_aligned_start_partial_word(void **state)
{
	(void)state;
	check_zero(0, 1);
	check_zero(WORD_BYTES, WORD_BYTES + 5);
	check_zero(0, BUFFER_BYTES - 1);
}

/* Every start within a word and every length up to several words, zero included. */
static void zero_every_offset_and_length(void **state)
{
	(void)state;
	for (size_t offset = 0; offset <= WORD_BYTES; offset++)
		for (size_t length = 0; length <= MAX_LENGTH; length++)
			check_zero(offset, length);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(zero_aligned_words),
	    cmocka_unit_test(zero_unaligned_start),
	    cmocka_unit_test(zero_aligned_start_partial_word),
	    cmocka_unit_test(zero_every_offset_and_length),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
