/* A root task's first thread: the boot info in x0, its IPC buffer where the loader mapped it. */
#include <kaal/sdk.h>

#include "root_task.h"

_Noreturn void aarch64_el0_main(kaal_word arg)
{
	kaal_set_ipc_buffer((struct kaal_ipc_buffer *)(uintptr_t)ROOT_TASK_IPC_BUFFER_VADDR);
	int failures = kaal_root_task_main((const struct kaal_boot_info *)(uintptr_t)arg);
	for (;;)
		kaal_shutdown(failures ? 1 : 0);
}
