// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scripts (fs/binfmt_script.c): a file that starts with "#!" names its interpreter and at most
 * one argument on its first line (within the first 256 bytes). The script's argv[0] is
 * replaced by the interpreter's path, its optional argument and the script's path, and the
 * interpreter is loaded instead - itself possibly a script, as deep as exec_binprm allows.
 */
#include "mm/exec.h"
#include "mm/file.h"
#include "mm/vma.h"

#include <string.h>

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* The first byte of @s..@end that is not a space or tab, or NULL. */
static char *next_non_spacetab(char *s, const char *end)
{
	for (; s < end; s++)
		if (!spacetab(*s))
			return s;
	return NULL;
}

/* The first space, tab or NUL of @s..@end, or NULL. */
static char *next_terminator(char *s, const char *end)
{
	for (; s < end; s++)
		if (spacetab(*s) || !*s)
			return s;
	return NULL;
}

/* The "#!" line's words: the interpreter's name and its one optional argument. */
struct script_line {
	char *name;			/* NUL-terminated in bprm->buf */
	char *arg;			/* The rest of the line after the name, or NULL */
};

/*
 * Splits the "#!" line. It ends at the first newline; with none in the buffer, at the
 * buffer's end, provided the interpreter's name ends before it (else it may be cut off).
 * Spaces and tabs around the words go; the argument is all that follows the name.
 * Return: 0, or -ENOEXEC.
 */
static int script_parse(char *buf, size_t size, struct script_line *l)
{
	char *end = memchr(buf, '\n', size), *sep;

	if (!end) {
		char *word = next_non_spacetab(buf + 2, buf + size - 1);

		if (!word || !next_terminator(word, buf + size - 1))
			return -ENOEXEC;
		end = buf + size - 1;
	}
	while (end > buf + 2 && spacetab(end[-1]))
		end--;
	l->name = next_non_spacetab(buf + 2, end);
	if (!l->name || l->name == end)
		return -ENOEXEC;
	sep = next_terminator(l->name, end);
	l->arg = sep && *sep ? next_non_spacetab(sep, end) : NULL;
	*end = '\0';
	if (sep)
		*sep = '\0';
	return 0;
}

/**
 * load_script - the "#!" format's load_binary.
 * Context: no mmap_lock held.
 * Return: 0 with bprm->interpreter opened; -ENOEXEC (not a script, no interpreter named, or
 * its name cut off by the 256-byte limit), open_exec's errors, -E2BIG, -ENOMEM.
 */
int load_script(struct linux_binprm *bprm)
{
	struct script_line l;
	struct file *file;
	int err;

	if (bprm->buf[0] != '#' || bprm->buf[1] != '!')
		return -ENOEXEC;
	err = script_parse(bprm->buf, sizeof(bprm->buf), &l);
	if (err)
		return err;
	/* "/dev/fd/N/..." of a close-on-exec fd: the interpreter could not open the script */
	if (bprm->interp_flags & BINPRM_FLAGS_PATH_INACCESSIBLE)
		return -ENOENT;
	/* argv becomes: interpreter [argument] script-path argv[1]...; pushed last first */
	err = remove_arg_zero(bprm) ?: copy_string_kernel(bprm->interp, bprm);
	if (err)
		return err;
	bprm->argc++;
	if (l.arg) {
		err = copy_string_kernel(l.arg, bprm);
		if (err)
			return err;
		bprm->argc++;
	}
	err = copy_string_kernel(l.name, bprm) ?: bprm_change_interp(l.name, bprm);
	if (err)
		return err;
	bprm->argc++;
	file = open_exec(bprm->task, l.name, false);
	if (IS_ERR(file))
		return (int)PTR_ERR(file);
	bprm->interpreter = file;
	return 0;
}
