/* SPDX-License-Identifier: MIT */
/*
 * What the kernel does not have: files, directories, descriptors,
 * sockets, name lookup, dlopen, signals, user contexts, shared memory,
 * mmap, terminals and uname. Each fails the way its caller checks: -1
 * (or MAP_FAILED, SIG_ERR, which are -1 too) with `errno` ENOSYS, NULL for
 * pointers, an error code where POSIX returns one. Nothing pretends.
 *
 * The library objects were compiled against glibc's prototypes; only the
 * x86-64 calling convention matters here (integer or pointer in RAX, the
 * caller pops the arguments), so every failing call of one kind shares a
 * body and takes no parameters.
 */
#include "libc.h"

#define FAIL_MINUS_ONE(name)                                                   \
	long name(void);                                                       \
	/** Not in the SVSM: -1 with ENOSYS. */                                \
	long name(void)                                                        \
	{                                                                      \
		libc_errno = LIBC_ENOSYS;                                      \
		return -1;                                                     \
	}

#define FAIL_NULL(name)                                                        \
	void *name(void);                                                      \
	/** Not in the SVSM: NULL with ENOSYS. */                              \
	void *name(void)                                                       \
	{                                                                      \
		libc_errno = LIBC_ENOSYS;                                      \
		return (void *)0;                                              \
	}

/* Descriptors and files. */
FAIL_MINUS_ONE(open)
FAIL_MINUS_ONE(read)
FAIL_MINUS_ONE(close)
FAIL_MINUS_ONE(fcntl)
FAIL_MINUS_ONE(ioctl)
FAIL_MINUS_ONE(fstat)
FAIL_MINUS_ONE(stat)
FAIL_MINUS_ONE(remove)
FAIL_MINUS_ONE(select)
FAIL_NULL(opendir)
FAIL_NULL(readdir)
FAIL_MINUS_ONE(closedir)
/* Sockets. */
FAIL_MINUS_ONE(socket)
FAIL_MINUS_ONE(bind)
FAIL_MINUS_ONE(listen)
FAIL_MINUS_ONE(accept)
FAIL_MINUS_ONE(connect)
FAIL_MINUS_ONE(shutdown)
FAIL_MINUS_ONE(sendmsg)
FAIL_MINUS_ONE(recvmsg)
FAIL_MINUS_ONE(getsockname)
FAIL_MINUS_ONE(getsockopt)
FAIL_MINUS_ONE(setsockopt)
FAIL_NULL(gethostbyname)
/* Memory mappings and shared memory (MAP_FAILED and (void *)-1 are -1). */
FAIL_MINUS_ONE(mmap)
FAIL_MINUS_ONE(munmap)
FAIL_MINUS_ONE(mprotect)
FAIL_MINUS_ONE(madvise)
FAIL_MINUS_ONE(mlock)
FAIL_MINUS_ONE(shmget)
FAIL_MINUS_ONE(shmat)
FAIL_MINUS_ONE(shmdt)
/* Signals (SIG_ERR is -1), user contexts, terminals, uname. */
FAIL_MINUS_ONE(signal)
FAIL_MINUS_ONE(sigaction)
FAIL_MINUS_ONE(getcontext)
FAIL_MINUS_ONE(setcontext)
FAIL_MINUS_ONE(tcgetattr)
FAIL_MINUS_ONE(tcsetattr)
FAIL_MINUS_ONE(uname)
/* dlopen: no shared objects (dladdr returns 0 for "not found"). */
FAIL_NULL(dlopen)
FAIL_NULL(dlsym)
FAIL_MINUS_ONE(dlclose)

int dladdr(const void *addr, void *info);
void makecontext(void *ctx, void (*fn)(void), int argc, ...);
char *dlerror(void);
int getaddrinfo(const char *node, const char *service, const void *hints,
		void **res);
int getnameinfo(const void *sa, unsigned int salen, char *host,
		unsigned int hostlen, char *serv, unsigned int servlen,
		int flags);
void freeaddrinfo(void *res);
const char *gai_strerror(int err);

/** No shared objects: 0 (no information). */
int dladdr(const void *addr, void *info)
{
	return 0;
}

/** `getcontext()` already failed, so this is never reached usefully. */
void makecontext(void *ctx, void (*fn)(void), int argc, ...)
{
}

/** The reason every dl* call fails. */
char *dlerror(void)
{
	return (char *)(uintptr_t) "dlopen is not available in the SVSM";
}

#define EAI_FAIL (-4)

/** No name service: EAI_FAIL. */
int getaddrinfo(const char *node, const char *service, const void *hints,
		void **res)
{
	return EAI_FAIL;
}

/** No name service: EAI_FAIL. */
int getnameinfo(const void *sa, unsigned int salen, char *host,
		unsigned int hostlen, char *serv, unsigned int servlen,
		int flags)
{
	return EAI_FAIL;
}

/** `getaddrinfo()` never returns a list. */
void freeaddrinfo(void *res)
{
}

/** The reason every name lookup fails. */
const char *gai_strerror(int err)
{
	return "no name service in the SVSM";
}
