/* The EL0 root task's ELF, embedded in the kernel image (root_task_loader.c loads it). */
	.section .rodata.root_task_image, "a"
	.balign	16
	.global	kaal_root_task_image
kaal_root_task_image:
	.incbin	KAAL_ROOT_TASK_ELF
	.global	kaal_root_task_image_end
kaal_root_task_image_end:
