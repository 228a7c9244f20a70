// SPDX-License-Identifier: MIT
/*
 * Whole-file reads and writes for the IGVM tools: see file_io.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_io.h"

uint8_t *file_read(const char *tool, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "%s: cannot read %s: %s\n", tool, path,
			strerror(errno));
		goto out;
	}
	if ((unsigned long)n > 0xFFFFFFFFUL) {
		fprintf(stderr, "%s: %s is larger than 4 GiB\n", tool, path);
		goto out;
	}
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: cannot read %s\n", tool, path);
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)n;
out:
	if (f)
		fclose(f);
	return buf;
}

int file_write(const char *tool, const char *path, const void *buf, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 5);
	FILE *f;
	int ok;

	if (!tmp) {
		fprintf(stderr, "%s: out of memory\n", tool);
		return -1;
	}
	snprintf(tmp, plen + 5, "%s.tmp", path);
	f = fopen(tmp, "wb");
	ok = f && fwrite(buf, 1, len, f) == len;
	if (f && fclose(f))
		ok = 0;
	if (!ok || rename(tmp, path)) {
		fprintf(stderr, "%s: cannot write %s: %s\n", tool, path,
			strerror(errno));
		remove(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
