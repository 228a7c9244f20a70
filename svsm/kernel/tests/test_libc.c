/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the system side of the libtpms/libcrypto C-library
 * shim (svsm/lib/tpm/sys.c, nosys.c, setjmp.S): what only runs in the
 * kernel (RDRAND, the TSC clock, per-CPU thread data, spin locks,
 * setjmp) and the clean failures. The prototypes are glibc's ABI.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include <kernel/ktest.h>
#include <x86/percpu.h>

struct ts {
	long sec, nsec;
};
struct tm_abi {
	int sec, min, hour, mday, mon, year, wday, yday, isdst;
	long gmtoff;
	const char *zone;
};

int *__errno_location(void);
int clock_gettime(int clk, struct ts *ts);
struct tm_abi *gmtime_r(const long *t, struct tm_abi *tm);
long syscall(long nr, ...);
int pthread_once(int *once, void (*fn)(void));
int pthread_key_create(unsigned int *key, void (*dtor)(void *));
int pthread_key_delete(unsigned int key);
void *pthread_getspecific(unsigned int key);
int pthread_setspecific(unsigned int key, const void *value);
int pthread_rwlock_init(atomic_uint *lock, const void *attr);
int pthread_rwlock_rdlock(atomic_uint *lock);
int pthread_rwlock_wrlock(atomic_uint *lock);
int pthread_rwlock_unlock(atomic_uint *lock);
int _setjmp(uint64_t env[25]);
_Noreturn void _longjmp(uint64_t env[25], int val);
long open(const char *path, int flags, ...);
long mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
void *dlopen(const char *name, int flags);
int getaddrinfo(const char *node, const char *service, const void *hints,
		void **res);

#define ENOSYS 38

/* Confirm that the clocks run forward and gmtime_r knows the calendar. */
KTEST(libc_time)
{
	static const struct {
		long t;
		int year, mon, mday, hour, min, sec, wday, yday;
	} dates[] = {
		{ 0, 70, 0, 1, 0, 0, 0, 4, 0 },
		{ 951782400, 100, 1, 29, 0, 0, 0, 2, 59 },
		{ 1700000000, 123, 10, 14, 22, 13, 20, 2, 317 },
		{ 4102444799, 199, 11, 31, 23, 59, 59, 4, 364 },
		{ -1, 69, 11, 31, 23, 59, 59, 3, 364 },
	};
	struct ts a, b;
	struct tm_abi tm;
	unsigned int i;

	KTEST_CHECK(clock_gettime(1, &a) == 0);
	KTEST_CHECK(clock_gettime(1, &b) == 0);
	KTEST_CHECK(b.sec > a.sec || (b.sec == a.sec && b.nsec >= a.nsec));
	KTEST_CHECK(a.nsec >= 0 && a.nsec < 1000000000);
	KTEST_CHECK(clock_gettime(99, &a) == -1);
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		KTEST_CHECK(gmtime_r(&dates[i].t, &tm) == &tm);
		KTEST_CHECK(tm.year == dates[i].year &&
			    tm.mon == dates[i].mon && tm.mday == dates[i].mday);
		KTEST_CHECK(tm.hour == dates[i].hour &&
			    tm.min == dates[i].min && tm.sec == dates[i].sec);
		KTEST_CHECK(tm.wday == dates[i].wday &&
			    tm.yday == dates[i].yday);
	}
	return true;
}

/* Confirm that getrandom(2) fills buffers and other system calls fail. */
KTEST(libc_getrandom)
{
	uint8_t a[40], b[40];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	KTEST_CHECK(syscall(318, a, sizeof(a), 0) == (long)sizeof(a));
	KTEST_CHECK(syscall(318, b, sizeof(b), 0) == (long)sizeof(b));
	KTEST_CHECK(memcmp(a, b, sizeof(a)) != 0);
	*__errno_location() = 0;
	KTEST_CHECK(syscall(39) == -1 && *__errno_location() == ENOSYS);
	return true;
}

static int once_runs;

static void once_fn(void)
{
	once_runs++;
}

/* Confirm pthread_once, per-CPU keys and the read-write spin lock. */
KTEST(libc_threads)
{
	static int once;
	unsigned int key;
	atomic_uint lock;
	int x = 1;

	KTEST_CHECK(pthread_once(&once, once_fn) == 0);
	KTEST_CHECK(pthread_once(&once, once_fn) == 0);
	KTEST_CHECK(once_runs == 1);
	KTEST_CHECK(pthread_key_create(&key, NULL) == 0);
	KTEST_CHECK(pthread_getspecific(key) == NULL);
	KTEST_CHECK(pthread_setspecific(key, &x) == 0);
	KTEST_CHECK(pthread_getspecific(key) == &x);
	KTEST_CHECK(pthread_key_delete(key) == 0);
	KTEST_CHECK(pthread_key_delete(key) != 0);
	KTEST_CHECK(pthread_setspecific(key, &x) != 0);
	KTEST_CHECK(pthread_rwlock_init(&lock, NULL) == 0);
	KTEST_CHECK(pthread_rwlock_rdlock(&lock) == 0);
	KTEST_CHECK(pthread_rwlock_rdlock(&lock) == 0); /* readers share */
	KTEST_CHECK(atomic_load(&lock) == 2);
	pthread_rwlock_unlock(&lock);
	pthread_rwlock_unlock(&lock);
	KTEST_CHECK(pthread_rwlock_wrlock(&lock) == 0);
	KTEST_CHECK(atomic_load(&lock) != 0);
	pthread_rwlock_unlock(&lock);
	KTEST_CHECK(atomic_load(&lock) == 0);
	return true;
}

/* Confirm that longjmp returns to setjmp with its value (0 becomes 1). */
KTEST(libc_setjmp)
{
	static uint64_t env[25];
	static volatile int jumps;
	volatile int kept = 7;
	int rc;

	jumps = 0;
	rc = _setjmp(env);
	if (rc == 0) {
		_longjmp(env, 0);
	}
	jumps++;
	if (rc == 1 && jumps == 1) {
		_longjmp(env, 42);
	}
	KTEST_CHECK(rc == 42 && jumps == 2 && kept == 7);
	return true;
}

/* Confirm that what the kernel lacks fails cleanly with ENOSYS. */
KTEST(libc_missing_fail)
{
	void *res = NULL;

	*__errno_location() = 0;
	KTEST_CHECK(open("/dev/urandom", 0) == -1);
	KTEST_CHECK(*__errno_location() == ENOSYS);
	KTEST_CHECK(mmap(NULL, 4096, 3, 0x22, -1, 0) == -1);
	KTEST_CHECK(dlopen("libfoo.so", 2) == NULL);
	KTEST_CHECK(getaddrinfo("localhost", NULL, NULL, &res) != 0);
	KTEST_CHECK(res == NULL);
	return true;
}
