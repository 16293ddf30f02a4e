#!/bin/sh
# The file system's tools on an image file: kaal-mkfs makes one that
# kaal-fsck finds clean (exit 0) and lists; with a byte of its inode table
# flipped, kaal-fsck reports the problem and exits 1; a wrong call exits 2.
#   fs_tools.sh KAAL-MKFS KAAL-FSCK IMAGE clean|corrupt
set -eu
mkfs=$1 fsck=$2 image=$3 mode=$4
block=4096
# The first block format allocates, after the two superblock slots: the inode table.
table_block=2

expect() {
	want=$1
	shift
	status=0
	"$@" || status=$?
	if [ "$status" -ne "$want" ]; then
		echo "$*: exit status $status, wanted $want"
		exit 1
	fi
}

rm -f "$image"
"$mkfs" "$image" $((256 * block))
case $mode in
clean)
	expect 0 "$fsck" "$image"
	expect 0 "$fsck" --ls "$image"
	expect 1 "$fsck" --cat /missing "$image"
	expect 2 "$fsck"
	expect 2 "$fsck" --ls
	expect 2 "$fsck" "$image.none"
	expect 2 "$mkfs" "$image.small" 4096
	;;
corrupt)
	printf '\377' | dd of="$image" bs=1 seek=$((table_block * block + 100)) conv=notrunc 2>/dev/null
	expect 1 "$fsck" "$image"
	expect 1 "$fsck" --ls "$image"
	;;
esac
rm -f "$image"
