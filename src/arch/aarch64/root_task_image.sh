#!/bin/sh
# root_task_image.sh OUT.S ROOT.elf [PROGRAM.elf ...]: the assembler source
# that embeds an EL0 root task in a kernel image (root_task_image.S) and,
# after it, the boot programs the root task may start, each named by its
# file name without the kaal-aarch64-program- prefix and the .elf suffix.
# Files are named by absolute path so the assembler finds them from any
# directory.
set -eu
absolute() {
	case $1 in
	/*) printf '%s' "$1" ;;
	*) printf '%s/%s' "$(pwd)" "$1" ;;
	esac
}
out=$1
root=$2
shift 2
{
	printf '#define KAAL_ROOT_TASK_ELF "%s"\n' "$(absolute "$root")"
	printf '#include "root_task_image.S"\n'
	printf '\t.section .rodata.boot_programs, "a"\n'
	n=0
	for elf in "$@"; do
		name=$(basename "$elf" .elf)
		name=${name#kaal-aarch64-program-}
		printf '\t.balign\t16\n'
		printf 'boot_program_%d:\n\t.incbin\t"%s"\n' "$n" "$(absolute "$elf")"
		printf 'boot_program_%d_end:\n' "$n"
		printf 'boot_program_%d_name:\n\t.asciz\t"%s"\n' "$n" "$name"
		n=$((n + 1))
	done
	printf '\t.balign\t8\n\t.global\tkaal_boot_program_images\nkaal_boot_program_images:\n'
	i=0
	while [ "$i" -lt "$n" ]; do
		printf '\t.quad\tboot_program_%d_name, boot_program_%d, boot_program_%d_end\n' "$i" "$i" "$i"
		i=$((i + 1))
	done
	printf '\t.global\tkaal_boot_program_count\nkaal_boot_program_count:\n\t.quad\t%d\n' "$n"
} >"$out"
