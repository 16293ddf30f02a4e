/*
 * A boot program's first thread: the program's entry, which its source
 * defines with KAAL_PROGRAM() and its build names as KAAL_PROGRAM_ENTRY_FN.
 */
#include <kaal/program.h>

#include "root_task.h"

void KAAL_PROGRAM_ENTRY_FN(kaal_word arg);

_Noreturn void aarch64_el0_main(kaal_word arg)
{
	KAAL_PROGRAM_ENTRY_FN(arg);
	kaal_thread_exit();
}
