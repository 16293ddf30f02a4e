/* The user program's ELF, embedded in the kernel image (user.c loads it). */
	.section .rodata.user_image, "a"
	.balign	16
	.global	kaal_user_image
kaal_user_image:
	.incbin	KAAL_USER_IMAGE
	.global	kaal_user_image_end
kaal_user_image_end:
