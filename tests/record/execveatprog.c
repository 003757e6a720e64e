// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * execveat(2) in each of the forms strace prints (record_vs_strace compares mmlab record's
 * lines with strace's): AT_FDCWD with AT_SYMLINK_NOFOLLOW, a directory fd with a flag strace
 * does not know (EINVAL), an fd of a text file with AT_EMPTY_PATH (refused: not a program),
 * and a directory fd with a relative path, which runs true.
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

int main(void)
{
	char *argv[] = { "true", NULL };
	char *envp[] = { "MMLAB=1", NULL };
	int dir = open("/bin", O_RDONLY | O_DIRECTORY);
	int text = open("/etc/hostname", O_RDONLY);

	if (dir < 0)
		return 1;
	syscall(SYS_execveat, AT_FDCWD, "/nonexistent", argv, envp, AT_SYMLINK_NOFOLLOW);
	syscall(SYS_execveat, dir, "true", argv, envp, 0x80000);
	if (text >= 0)
		syscall(SYS_execveat, text, "", argv, envp, AT_EMPTY_PATH);
	syscall(SYS_execveat, dir, "true", argv, envp, 0);
	return 2;
}
