#!/bin/sh
# user_image.sh PROGRAM.elf OUT.S: the assembler source that embeds a user
# program in a kernel image (user_image.S), naming the program by its
# absolute path so the assembler finds it from any directory.
set -eu
case $1 in
/*) elf=$1 ;;
*) elf=$(pwd)/$1 ;;
esac
{
	printf '#define KAAL_USER_IMAGE "%s"\n' "$elf"
	printf '#include "user_image.S"\n'
} >"$2"
