#!/bin/sh
# root_task_image.sh PROGRAM.elf OUT.S: the assembler source that embeds an
# EL0 root task in a kernel image (root_task_image.S), naming the program
# by its absolute path so the assembler finds it from any directory.
set -eu
case $1 in
/*) elf=$1 ;;
*) elf=$(pwd)/$1 ;;
esac
{
	printf '#define KAAL_ROOT_TASK_ELF "%s"\n' "$elf"
	printf '#include "root_task_image.S"\n'
} >"$2"
