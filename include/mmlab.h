/*
 * mmlab - the Linux process virtual-memory subsystem in user space.
 *
 * The one public header. Every handle is opaque; every function that can fail returns 0 or a
 * negative errno (-EINVAL, -ENOMEM, ...) exactly as the Linux call it models would, and never
 * writes errno. Nothing here aborts on bad input.
 */
#ifndef MMLAB_H
#define MMLAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MMLAB_BUILDING)
#define MMLAB_EXPORT __attribute__((visibility("default")))
#else
#define MMLAB_EXPORT
#endif

/* The library's version string, "MAJOR.MINOR.PATCH". */
MMLAB_EXPORT const char *mmlab_version(void);

/*
 * mmlab_parse_size - parse "64M", "1G", "4096", "512k" into bytes.
 * Returns 0, or -EINVAL for anything that is not a positive size that fits in size_t.
 */
MMLAB_EXPORT int mmlab_parse_size(const char *s, size_t *bytes);

#ifdef __cplusplus
}
#endif
#endif /* MMLAB_H */
