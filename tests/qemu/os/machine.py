"""What the system image's QEMU tests share: the shell's banner, and the
runner's environment for a boot that types a file into the shell on a disk."""
import os

# The shell prints this once it reads commands; the runner types after it.
BANNER = "kaal shell: help lists the commands"


def runner_env(disk, typed, disk_mb=None):
    """ci/qemu-aarch64.sh's environment: boot on disk, type the file typed after the banner."""
    env = dict(os.environ, KAAL_QEMU_DISK=disk, KAAL_QEMU_TYPE_AFTER=BANNER,
               KAAL_QEMU_TYPE_FILE=typed,
               KAAL_QEMU_TIMEOUT=os.environ.get("KAAL_QEMU_TIMEOUT", "120"))
    if disk_mb:
        env["KAAL_QEMU_DISK_MB"] = disk_mb
    return env


def console_lines(output):
    """The console's output as lines, without the carriage returns it ends them with."""
    return output.replace("\r", "").split("\n")
