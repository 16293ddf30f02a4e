/* An example's root task at EL0 on the aarch64 kernel: the same source as on the host. */
#include "example.h"
#include "root_task.h"

int kaal_root_task_main(const struct kaal_boot_info *bi)
{
	return kaal_example_main(bi);
}
