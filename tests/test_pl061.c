/* The PL061 driver core against the register-level model: pins, watched edges, an impostor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pl061/pl061.h"
#include "pl061/pl061_regs.h"
#include "pl061_model.h"

#define POWER_BUTTON 3u /* QEMU virt's power button */

static struct pl061_model model;
static struct kaal_pl061 gpio;

static int open_gpio(void **state)
{
	(void)state;
	pl061_model_init(&model);
	struct kaal_mmio regs = pl061_model_regs(&model);
	return kaal_pl061_init(&gpio, &regs) == KAAL_OK ? 0 : -1;
}

#define GPIO_CASE(fn) cmocka_unit_test_setup(fn, open_gpio)

static uint8_t levels(void)
{
	uint8_t l = 0;
	assert_int_equal(KAAL_OK, kaal_pl061_read(&gpio, &l));
	return l;
}

static uint8_t serve(void)
{
	uint8_t pins = 0;
	assert_int_equal(KAAL_OK, kaal_pl061_interrupt(&gpio, &pins));
	return pins;
}

static void pins_read_and_write(void **state)
{
	(void)state;
	assert_int_equal(0, model.dir);
	pl061_model_drive(&model, 1, true);
	assert_int_equal(0x02, levels());
	assert_int_equal(KAAL_OK, kaal_pl061_output(&gpio, 5, true));
	assert_int_equal(KAAL_OK, kaal_pl061_output(&gpio, 6, false));
	assert_int_equal(0x22, levels());
	/* An output does not follow the world; only its own pin changed. */
	pl061_model_drive(&model, 5, false);
	assert_int_equal(0x22, levels());
	assert_int_equal(KAAL_OK, kaal_pl061_output(&gpio, 5, false));
	assert_int_equal(0x02, levels());
	assert_int_equal(KAAL_OK, kaal_pl061_input(&gpio, 5));
	assert_int_equal(0x02, levels());
	assert_int_equal(0x40, model.dir);
}

/* The power button pressed and let go: a rising watch sees the press, a both-edges watch both. */
static void watched_edges_are_reported(void **state)
{
	(void)state;
	assert_int_equal(KAAL_OK, kaal_pl061_watch(&gpio, POWER_BUTTON, KAAL_PL061_RISING));
	pl061_model_drive(&model, POWER_BUTTON, true);
	assert_true(model.line);
	assert_int_equal(1u << POWER_BUTTON, serve());
	assert_false(model.line);
	pl061_model_drive(&model, POWER_BUTTON, false);
	assert_false(model.line);
	assert_int_equal(KAAL_OK, kaal_pl061_watch(&gpio, 0, KAAL_PL061_BOTH));
	pl061_model_drive(&model, 0, true);
	assert_int_equal(0x01, serve());
	pl061_model_drive(&model, 0, false);
	assert_int_equal(0x01, serve());
	assert_int_equal(KAAL_OK, kaal_pl061_watch(&gpio, 7, KAAL_PL061_FALLING));
	pl061_model_drive(&model, 7, true);
	assert_false(model.line);
	pl061_model_drive(&model, 7, false);
	assert_int_equal(0x80, serve());
	assert_int_equal(4, gpio.edges);
	/* Unwatched: an edge no longer interrupts. */
	assert_int_equal(KAAL_OK, kaal_pl061_unwatch(&gpio, POWER_BUTTON));
	pl061_model_drive(&model, POWER_BUTTON, true);
	assert_false(model.line);
}

/* An edge that came before the watch is not reported to it. */
static void an_old_edge_is_not_reported(void **state)
{
	(void)state;
	assert_int_equal(KAAL_OK, kaal_pl061_watch(&gpio, 2, KAAL_PL061_RISING));
	assert_int_equal(KAAL_OK, kaal_pl061_unwatch(&gpio, 2));
	pl061_model_drive(&model, 2, true);
	assert_int_equal(KAAL_OK, kaal_pl061_watch(&gpio, 2, KAAL_PL061_RISING));
	assert_false(model.line);
	assert_int_equal(0, serve());
	assert_int_equal(1, gpio.spurious);
}

static void misuse_and_an_impostor_are_refused(void **state)
{
	(void)state;
	assert_int_equal(KAAL_OK, kaal_pl061_output(&gpio, 4, true));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl061_watch(&gpio, 4, KAAL_PL061_RISING));
	assert_int_equal(KAAL_INVALID_ARGUMENT,
	                 kaal_pl061_watch(&gpio, 1, (enum kaal_pl061_edge)0));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl061_watch(&gpio, 8, KAAL_PL061_RISING));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl061_output(&gpio, 8, true));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl061_input(&gpio, 8));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl061_unwatch(&gpio, 8));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl061_read(&gpio, NULL));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl061_interrupt(&gpio, NULL));
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl061_output(NULL, 0, true));
	assert_int_equal(0, model.ie);
	struct pl061_model other;
	pl061_model_init(&other);
	other.garbage_id = true;
	other.dir = 0x0F;
	struct kaal_mmio regs = pl061_model_regs(&other);
	struct kaal_pl061 g;
	assert_int_equal(KAAL_DEVICE_FAULT, kaal_pl061_init(&g, &regs));
	assert_int_equal(0x0F, other.dir);
	regs.size = PL061_ID;
	assert_int_equal(KAAL_INVALID_ARGUMENT, kaal_pl061_init(&g, &regs));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    GPIO_CASE(pins_read_and_write),
	    GPIO_CASE(watched_edges_are_reported),
	    GPIO_CASE(an_old_edge_is_not_reported),
	    GPIO_CASE(misuse_and_an_impostor_are_refused),
	};
	return cmocka_run_group_tests_name("pl061", tests, NULL, NULL);
}
