// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The program strace_write.sh traces: write, pwrite64 and writev of data.txt in the working
 * directory, with bytes every strace escape form meets (\n, \t, \0, \x7f, \xff, quotes, a
 * backslash). "strace_writer expect N" prints instead the bytes data.txt would hold if every
 * write's data past its first N bytes were zeros: what mmlab writes from a log strace cut at
 * -s N.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static const char hello[] = "hello\n\tworld\0\x01\x7f\xff\"\\end";
static char big[300];
static unsigned char file[1024];
static size_t file_len, limit = ~(size_t)0;

/* What the file gets from a write of @n bytes at @pos when only @limit of them are known. */
static void expect(const char *p, size_t n, size_t pos)
{
	for (size_t i = 0; i < n; i++)
		file[pos + i] = i < limit ? (unsigned char)p[i] : 0;
	if (pos + n > file_len)
		file_len = pos + n;
}

int main(int argc, char **argv)
{
	struct iovec v[2] = { { "vec1", 4 }, { big, 100 } };
	int fd;

	for (unsigned int i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 7 ? 'A' + i % 26 : i);
	if (argc == 3 && !strcmp(argv[1], "expect")) {
		limit = strtoul(argv[2], NULL, 0);
		expect(hello, sizeof(hello) - 1, 0);
		expect(big, sizeof(big), file_len);
		expect("PW", 2, 5);
		expect(v[0].iov_base, 4, file_len);
		expect(v[1].iov_base, 100, file_len);
		fwrite(file, 1, file_len, stdout);
		return 0;
	}
	fd = open("data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, hello, sizeof(hello) - 1) < 0 || write(fd, big, sizeof(big)) < 0 ||
	    pwrite(fd, "PW", 2, 5) < 0 || writev(fd, v, 2) < 0)
		return 1;
	return close(fd);
}
