# SPDX-License-Identifier: LGPL-2.1-or-later
# field(LINE, KEY): the value of KEY in one line of results.jsonl (bench/benchutil.h's format:
# flat objects, "key": value pairs), unquoted; "" when the line has no such key. Shared by the
# bench scripts, which prepend it to their own awk program.
function field(line, key,   at, s) {
	at = index(line, "\"" key "\": ")
	if (!at)
		return ""
	s = substr(line, at + length(key) + 4)
	if (substr(s, 1, 1) == "\"") {
		s = substr(s, 2)
		return substr(s, 1, index(s, "\"") - 1)
	}
	match(s, /^[^,}]*/)
	return substr(s, 1, RLENGTH)
}
