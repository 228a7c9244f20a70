/* SPDX-License-Identifier: MIT */
/* The persistent vTPM store's hosted medium: one file (see nv_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svsm/log.h"
#include "nv_file.h"

#define STATE_NAME "vtpm.state"

struct nv_file {
	int fd;
};

static int f_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct nv_file *f = ctx;
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pread(f->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return -1; /* an error, or past the end */
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int f_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct nv_file *f = ctx;
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(f->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return -1;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int f_sync(void *ctx)
{
	struct nv_file *f = ctx;

	return fdatasync(f->fd) == 0 ? 0 : -1;
}

static uint64_t f_size(void *ctx)
{
	struct nv_file *f = ctx;
	struct stat s;

	return fstat(f->fd, &s) == 0 ? (uint64_t)s.st_size : 0;
}

static void io_for(struct nv_file *f, struct vtpm_store_io *io)
{
	*io = (struct vtpm_store_io){ .read = f_read,
				      .write = f_write,
				      .sync = f_sync,
				      .size = f_size,
				      .ctx = f };
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0) {
		return -1;
	}
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Make a fresh state: format a temporary file, then rename it. */
static int create(const char *dir, const char *path,
		  const struct vtpm_state_key *key)
{
	char tmp[PATH_MAX];
	struct nv_file f;
	struct vtpm_store_io io;
	int rc;

	if (snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, STATE_NAME) >=
	    (int)sizeof(tmp)) {
		return -1;
	}
	f.fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (f.fd < 0) {
		return -1;
	}
	io_for(&f, &io);
	rc = vtpm_store_format(&io, key);
	if (fsync(f.fd) != 0) {
		rc = -1;
	}
	close(f.fd);
	if (rc == 0 && rename(tmp, path) == 0 && sync_dir(dir) == 0) {
		return 0;
	}
	unlink(tmp);
	return -1;
}

/** See nv_file.h. */
struct vtpm_store *nv_file_open(const char *dir,
				const struct vtpm_state_key *key,
				struct nv_file **file)
{
	char path[PATH_MAX];
	struct vtpm_store_io io;
	enum vtpm_store_err err;
	struct vtpm_store *st;
	struct nv_file *f;

	if (snprintf(path, sizeof(path), "%s/%s", dir, STATE_NAME) >=
	    (int)sizeof(path)) {
		pr_err("vtpm state: %s: path too long\n", dir);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		return NULL;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		pr_err("vtpm state: %s: %s\n", dir, strerror(errno));
		free(f);
		return NULL;
	}
	f->fd = open(path, O_RDWR | O_CLOEXEC);
	if (f->fd < 0 && errno == ENOENT) {
		if (create(dir, path, key) != 0) {
			pr_err("vtpm state: %s: cannot create: %s\n", path,
			       strerror(errno));
			free(f);
			return NULL;
		}
		pr_notice("vtpm state: %s: new, empty\n", path);
		f->fd = open(path, O_RDWR | O_CLOEXEC);
	}
	if (f->fd < 0) {
		pr_err("vtpm state: %s: %s\n", path, strerror(errno));
		free(f);
		return NULL;
	}
	if (flock(f->fd, LOCK_EX | LOCK_NB) != 0) {
		pr_err("vtpm state: %s: in use by another process\n", path);
		close(f->fd);
		free(f);
		return NULL;
	}
	io_for(f, &io);
	st = vtpm_store_open(&io, key, &err);
	if (st == NULL) {
		pr_err("vtpm state: %s: refused: %s\n", path,
		       vtpm_store_strerror(err));
		close(f->fd);
		free(f);
		return NULL;
	}
	*file = f;
	return st;
}

/** See nv_file.h. */
void nv_file_close(struct nv_file *file, struct vtpm_store *st)
{
	vtpm_store_close(st);
	if (file != NULL) {
		close(file->fd);
		free(file);
	}
}
