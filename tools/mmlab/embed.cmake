# SPDX-License-Identifier: LGPL-2.1-or-later
# cmake -DIN=FILE -DOUT=FILE.c -DNAME=symbol -P embed.cmake: FILE's bytes as a NUL-terminated
# C array named NAME (the --html report's template, built into the command).
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* Generated from ${IN} by embed.cmake. */\nconst char ${NAME}[] = {${bytes}0};\n")
