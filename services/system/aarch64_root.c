/* The system as the aarch64 kernel's root task. */
#include "root_task.h"
#include "system.h"

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	return kaal_system_main(bi);
}
