// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A program for diffexec: linked with 2 MiB segment alignment and separate code, its PT_LOAD
 * segments leave gaps between their mappings, and its bss reaches pages of its own, so the
 * break exec sets is far from the end of the first run of mappings.
 */
static char bss[3 << 20];
int data1 = 5;

int main(void)
{
	((volatile char *)bss)[sizeof(bss) - 1] = (char)data1;
	return bss[sizeof(bss) - 1] - 5;
}
