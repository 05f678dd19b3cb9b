/*
 * What every harness needs: the input as a C string, as a file for the
 * functions that only read paths, and an in-memory store.  Header-only so each harness stays
 * one .c file.
 */
#ifndef TG_FUZZ_H
#define TG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated heap copy of the input (which may hold NULs itself). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* An in-memory file holding the bytes; path gets "/proc/self/fd/N".
 * Returns the descriptor to close after use. */
static inline int fuzz_memfile(const void *data, size_t size, char path[32])
{
	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t n = write(fd, (const char *)data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	snprintf(path, 32, "/proc/self/fd/%d", fd);
	return fd;
}

/* An empty in-memory store, or abort: for LLVMFuzzerInitialize. */
static inline tg_store *fuzz_store(void)
{
	tg_store *st;
	tg_error err;
	if (tg_store_open(":memory:", TG_OPEN_CREATE, &st, &err)) {
		fprintf(stderr, "fuzz: in-memory store: %s\n", err.msg);
		abort();
	}
	return st;
}

#endif
