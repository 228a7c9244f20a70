/* SPDX-License-Identifier: MIT */
/*
 * The system side of the shim (kernel only): fatal paths, time from the
 * TSC, randomness from RDRAND, threads as CPUs, and the clean failures of
 * everything the kernel does not have (processes, files, sockets, dlopen,
 * signals, contexts, shared memory, terminals).
 *
 * Time: there is no wall clock, so CLOCK_REALTIME, `time()` and
 * `gettimeofday()` count from boot (as if booted at the Unix epoch);
 * CLOCK_MONOTONIC and `clock()` are exact. Threads: the kernel's tasks
 * are cooperative and never yield inside the libraries, so a "thread" is
 * a CPU: thread-specific data is per CPU and `pthread_self()` is the CPU.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include <x86/asm.h>
#include <x86/percpu.h>
#include <x86/time.h>
#include "svsm/log.h"
#include "libc.h"

/* Prototypes of the glibc ABI defined here. */
_Noreturn void __stack_chk_fail(void);
_Noreturn void abort(void);
_Noreturn void __assert_fail(const char *expr, const char *file,
			     unsigned int line, const char *func);
long __fdelt_chk(long fd);
struct libc_timespec {
	long tv_sec;
	long tv_nsec;
};
struct libc_timeval {
	long tv_sec;
	long tv_usec;
};
struct libc_tm {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday,
		tm_isdst;
	long tm_gmtoff;
	const char *tm_zone;
};
int clock_gettime(int clk, struct libc_timespec *ts);
int gettimeofday(struct libc_timeval *tv, void *tz);
long time(long *t);
long clock(void);
struct libc_tm *gmtime_r(const long *t, struct libc_tm *tm);
unsigned int sleep(unsigned int s);
int usleep(unsigned int us);
long syscall(long nr, ...);
int rand(void);
void srand(unsigned int seed);
int getpid(void);
char *getenv(const char *name);
char *secure_getenv(const char *name);
long sysconf(int name);
int atexit(void (*fn)(void));
unsigned long pthread_self(void);
int pthread_once(int *once, void (*fn)(void));
int pthread_key_create(unsigned int *key, void (*dtor)(void *));
int pthread_key_delete(unsigned int key);
void *pthread_getspecific(unsigned int key);
int pthread_setspecific(unsigned int key, const void *value);
int pthread_rwlock_init(atomic_uint *lock, const void *attr);
int pthread_rwlock_destroy(atomic_uint *lock);
int pthread_rwlock_rdlock(atomic_uint *lock);
int pthread_rwlock_wrlock(atomic_uint *lock);
int pthread_rwlock_unlock(atomic_uint *lock);

/** A smashed stack in the libraries: fatal. */
_Noreturn void __stack_chk_fail(void)
{
	panic("libc: stack protector canary overwritten");
}

/** `abort()` in the libraries: fatal. */
_Noreturn void abort(void)
{
	panic("libc: abort() called");
}

/** A failed `assert()` in the libraries: fatal. */
_Noreturn void __assert_fail(const char *expr, const char *file,
			     unsigned int line, const char *func)
{
	panic("libc: assertion '%s' failed at %s:%u (%s)", expr, file, line,
	      func);
}

/** Fortified FD_SET index check: an out-of-range descriptor is fatal. */
long __fdelt_chk(long fd)
{
	if (fd < 0 || fd >= 1024) {
		panic("libc: select() descriptor %ld out of range", fd);
	}
	return fd / 64;
}

/** Clocks 0 (REALTIME, from boot) and 1 (MONOTONIC); others EINVAL. */
int clock_gettime(int clk, struct libc_timespec *ts)
{
	uint64_t us;

	if (clk != 0 && clk != 1 && clk != 4 && clk != 7) {
		libc_errno = LIBC_EINVAL;
		return -1;
	}
	us = time_us();
	ts->tv_sec = (long)(us / 1000000);
	ts->tv_nsec = (long)(us % 1000000) * 1000;
	return 0;
}

/** Seconds and microseconds since boot (see the file comment). */
int gettimeofday(struct libc_timeval *tv, void *tz)
{
	uint64_t us = time_us();

	if (tv != NULL) {
		tv->tv_sec = (long)(us / 1000000);
		tv->tv_usec = (long)(us % 1000000);
	}
	return 0;
}

/** Seconds since boot (see the file comment). */
long time(long *t)
{
	long s = (long)(time_us() / 1000000);

	if (t != NULL) {
		*t = s;
	}
	return s;
}

/** Processor time in microseconds (CLOCKS_PER_SEC is 10^6): time since boot. */
long clock(void)
{
	return (long)time_us();
}

/* Days before each month in a common year. */
static const short cum_days[12] = { 0,	 31,  59,  90,	120, 151,
				    181, 212, 243, 273, 304, 334 };

/** Civil UTC time of `*t` (proleptic Gregorian); NULL for negative years. */
struct libc_tm *gmtime_r(const long *t, struct libc_tm *tm)
{
	long days = *t / 86400, rem = *t % 86400, era, doe, yoe, doy, mp, y;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	memset(tm, 0, sizeof(*tm));
	tm->tm_hour = (int)(rem / 3600);
	tm->tm_min = (int)(rem / 60 % 60);
	tm->tm_sec = (int)(rem % 60);
	tm->tm_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01: Thursday */
	/* Days to civil date (era of 400 years starting on March 1st). */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	y = yoe + era * 400 + (mp >= 10);
	if (y < 0) {
		libc_errno = LIBC_ERANGE;
		return NULL;
	}
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	tm->tm_year = (int)(y - 1900);
	tm->tm_yday = cum_days[tm->tm_mon] + tm->tm_mday - 1 +
		      (tm->tm_mon > 1 && y % 4 == 0 &&
		       (y % 100 != 0 || y % 400 == 0));
	tm->tm_zone = "UTC";
	return tm;
}

/** Busy-wait `s` seconds (the libraries never sleep on the TPM path). */
unsigned int sleep(unsigned int s)
{
	while (s-- > 0) {
		udelay(1000000);
	}
	return 0;
}

/** Busy-wait `us` microseconds. */
int usleep(unsigned int us)
{
	udelay(us);
	return 0;
}

static bool rdrand64(uint64_t *v)
{
	unsigned int tries;
	unsigned char ok;

	/* Intel's guidance: retry up to ten times on transient underflow. */
	for (tries = 0; tries < 10; tries++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok) {
			return true;
		}
	}
	return false;
}

/** True when the CPU has RDRAND (CPUID.1:ECX[30]). */
static bool have_rdrand(void)
{
	uint32_t a, b, c, d;

	cpuid_count(1, 0, &a, &b, &c, &d);
	return (c >> 30) & 1;
}

/* getrandom(2) on RDRAND: the bytes, or -1 with ENOSYS when absent. */
static long sys_getrandom(unsigned char *buf, size_t len)
{
	size_t done = 0;
	uint64_t v;

	if (!have_rdrand()) {
		libc_errno = LIBC_ENOSYS;
		return -1;
	}
	while (done < len) {
		size_t n = len - done < 8 ? len - done : 8;

		if (!rdrand64(&v)) {
			break;
		}
		memcpy(buf + done, &v, n);
		done += n;
	}
	memzero_explicit(&v, sizeof(v));
	if (done == 0 && len != 0) {
		libc_errno = LIBC_EINVAL;
		return -1;
	}
	return (long)done;
}

#define SYS_GETRANDOM 318

/** Only getrandom(2) exists (on RDRAND); every other call is ENOSYS. */
long syscall(long nr, ...)
{
	va_list ap;
	unsigned char *buf;
	size_t len;

	if (nr != SYS_GETRANDOM) {
		libc_errno = LIBC_ENOSYS;
		return -1;
	}
	va_start(ap, nr);
	buf = va_arg(ap, unsigned char *);
	len = va_arg(ap, size_t);
	va_end(ap);
	return sys_getrandom(buf, len);
}

static atomic_uint rand_state = 1;

/** ISO rand(): a linear congruential sequence, never for secrets. */
int rand(void)
{
	unsigned int s = atomic_load(&rand_state) * 1103515245U + 12345U;

	atomic_store(&rand_state, s);
	return (int)((s >> 16) & 0x7fff);
}

/** Seed `rand()`. */
void srand(unsigned int seed)
{
	atomic_store(&rand_state, seed);
}

/** The SVSM is process 1. */
int getpid(void)
{
	return 1;
}

/** The environment is empty. */
char *getenv(const char *name)
{
	return NULL;
}

/** The environment is empty. */
char *secure_getenv(const char *name)
{
	return NULL;
}

/** Page size (_SC_PAGESIZE) and CPUs online; others -1 with EINVAL. */
long sysconf(int name)
{
	switch (name) {
	case 30: /* _SC_PAGESIZE */
		return 4096;
	case 84: /* _SC_NPROCESSORS_ONLN */
		return (long)cpu_count;
	default:
		libc_errno = LIBC_EINVAL;
		return -1;
	}
}

/** The kernel never exits: handlers are accepted and never run. */
int atexit(void (*fn)(void))
{
	return 0;
}

/** The calling "thread" is its CPU (1-based, so never 0). */
unsigned long pthread_self(void)
{
	return this_cpu()->index + 1UL;
}

/*
 * pthread_once: 0 not run, 1 running (others spin), 2 done. Different
 * once-controls may nest; the same one nesting is a library bug (hangs).
 */
int pthread_once(int *once, void (*fn)(void))
{
	_Atomic int *state = (_Atomic int *)once;
	int expected = 0;

	if (atomic_load(state) == 2) {
		return 0;
	}
	if (atomic_compare_exchange_strong(state, &expected, 1)) {
		fn();
		atomic_store(state, 2);
		return 0;
	}
	while (atomic_load(state) != 2) {
		cpu_relax();
	}
	return 0;
}

#define TSD_KEYS 32

static atomic_bool tsd_used[TSD_KEYS];
static const void *tsd_value[TSD_KEYS][MAX_CPUS];

/** A new key (values per CPU); EAGAIN (11) when all are in use. */
int pthread_key_create(unsigned int *key, void (*dtor)(void *))
{
	unsigned int k, c;

	for (k = 0; k < TSD_KEYS; k++) {
		bool expected = false;

		if (atomic_compare_exchange_strong(&tsd_used[k], &expected,
						   true)) {
			for (c = 0; c < MAX_CPUS; c++) {
				tsd_value[k][c] = NULL;
			}
			*key = k;
			return 0;
		}
	}
	return 11;
}

/** Free `key`; EINVAL if it is not in use. */
int pthread_key_delete(unsigned int key)
{
	if (key >= TSD_KEYS || !atomic_exchange(&tsd_used[key], false)) {
		return LIBC_EINVAL;
	}
	return 0;
}

/** This CPU's value of `key`, or NULL. */
void *pthread_getspecific(unsigned int key)
{
	if (key >= TSD_KEYS) {
		return NULL;
	}
	return (void *)(uintptr_t)tsd_value[key][this_cpu()->index];
}

/** Set this CPU's value of `key`; EINVAL for a bad key. */
int pthread_setspecific(unsigned int key, const void *value)
{
	if (key >= TSD_KEYS || !atomic_load(&tsd_used[key])) {
		return LIBC_EINVAL;
	}
	tsd_value[key][this_cpu()->index] = value;
	return 0;
}

/*
 * Read-write spinlocks in the first word of glibc's 56-byte
 * pthread_rwlock_t: readers count up, a writer holds RW_WRITER.
 */
#define RW_WRITER 0x80000000U

/** Unlocked. */
int pthread_rwlock_init(atomic_uint *lock, const void *attr)
{
	atomic_store(lock, 0);
	return 0;
}

/** Nothing to free. */
int pthread_rwlock_destroy(atomic_uint *lock)
{
	return 0;
}

/** Shared: waits while a writer holds it. */
int pthread_rwlock_rdlock(atomic_uint *lock)
{
	unsigned int v;

	for (;;) {
		v = atomic_load(lock);
		if (!(v & RW_WRITER) &&
		    atomic_compare_exchange_weak(lock, &v, v + 1)) {
			return 0;
		}
		cpu_relax();
	}
}

/** Exclusive: waits for readers and writers to leave. */
int pthread_rwlock_wrlock(atomic_uint *lock)
{
	unsigned int v;

	for (;;) {
		v = 0;
		if (atomic_compare_exchange_weak(lock, &v, RW_WRITER)) {
			return 0;
		}
		cpu_relax();
	}
}

/** Leave as the writer or as one reader. */
int pthread_rwlock_unlock(atomic_uint *lock)
{
	if (atomic_load(lock) == RW_WRITER) {
		atomic_store(lock, 0);
	} else {
		atomic_fetch_sub(lock, 1);
	}
	return 0;
}
