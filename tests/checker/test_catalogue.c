/*
 * Every checked test of the catalogue passes under every model with random
 * and PCT schedules: the code as it is has none of the defects the tests
 * look for. A failure prints the command line that replays it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <kaal/checker.h>

#include "catalogue.h"

#define SEEDS     150
#define PCT_DEPTH 3
#define PCT_STEPS 300

static void every_test_passes(void **state)
{
	(void)state;
	const struct kaal_check_test *test;
	for (unsigned i = 0; (test = checked_test_at(i)); i++) {
		for (int model = KAAL_CHECK_SC; model <= KAAL_CHECK_C11; model++) {
			for (int strategy = KAAL_CHECK_RANDOM; strategy <= KAAL_CHECK_PCT;
			     strategy++) {
				struct kaal_check_config config = {
				    .model = (enum kaal_check_model)model,
				    .strategy = (enum kaal_check_strategy)strategy,
				    .pct_depth = PCT_DEPTH,
				    .pct_steps = PCT_STEPS};
				for (config.seed = 1; config.seed <= SEEDS; config.seed++) {
					struct kaal_check_result result;
					assert_true(kaal_check_run(test, &config, &result));
					char command[512];
					if (result.verdict != KAAL_CHECK_PASSED)
						fail_msg("%s; replay: %s", result.message,
						         kaal_check_replay_command(
						             command, sizeof command, test->name,
						             &config));
				}
			}
		}
		print_message("# %s: %d runs passed\n", test->name, SEEDS * 6);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_test_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
