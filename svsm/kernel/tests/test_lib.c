/* SPDX-License-Identifier: MIT */
/* In-kernel tests of the kernel libc (svsm/lib). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <kernel/ktest.h>

/** Format into a buffer and compare with `want`. */
static bool fmt_is(const char *want, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool fmt_is(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n != (int)strlen(want) || strcmp(buf, want) != 0) {
		log_printf(LOG_ERROR, "  got '%s' (%d), want '%s'", buf, n,
			   want);
		return false;
	}
	return true;
}

KTEST(printf_integers)
{
	KTEST_CHECK(fmt_is("42 -42 0", "%d %i %u", 42, -42, 0U));
	KTEST_CHECK(fmt_is("-9223372036854775808", "%ld", INT64_MIN));
	KTEST_CHECK(fmt_is("18446744073709551615", "%lu", UINT64_MAX));
	KTEST_CHECK(fmt_is("ff FF 0xff 17", "%x %X %#x %o", 255, 255, 255, 15));
	KTEST_CHECK(fmt_is("-1 255 65535", "%hhd %hhu %hu", -1, 255, 65535));
	KTEST_CHECK(fmt_is("123 -5", "%zu %td", (size_t)123, (ptrdiff_t)-5));
	return true;
}

/* Not a constant, so the compiler cannot warn about it. */
static const char *volatile null_string;

KTEST(printf_width_precision)
{
	KTEST_CHECK(fmt_is("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42));
	KTEST_CHECK(fmt_is("  -42|-0042", "%5d|%05d", -42, -42));
	KTEST_CHECK(fmt_is("007|   ab", "%.3d|%*s", 7, 5, "ab"));
	KTEST_CHECK(fmt_is("abc|ab", "%s|%.2s", "abc", "abc"));
	KTEST_CHECK(fmt_is("x|%", "%c|%%", 'x'));
	KTEST_CHECK(fmt_is("(null)", "%s", null_string));
	KTEST_CHECK(fmt_is("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL));
	return true;
}

KTEST(printf_truncation)
{
	char buf[8];
	int n;

	memset(buf, 'Z', sizeof(buf));
	n = snprintf(buf, sizeof(buf), "hello, world");
	KTEST_CHECK(n == 12);
	KTEST_CHECK(strcmp(buf, "hello, ") == 0);
	n = snprintf(buf, 0, "abc");
	KTEST_CHECK(n == 3 && buf[0] == 'h');
	n = snprintf(buf, 1, "abc");
	KTEST_CHECK(n == 3 && buf[0] == '\0');
	return true;
}

/* Volatile pointers: compared at run time, not folded by the compiler. */
static const char *volatile s_a = "a";
static const char *volatile s_b = "b";
static const char *volatile s_ab = "ab";
static const char *volatile s_abc = "abc";
static const char *volatile s_abc2 = "abc";
static const char *volatile s_abd = "abd";
static const char *volatile s_abcx = "abcx";
static const char *volatile s_abcy = "abcy";
static const char *volatile s_ff = "\xff";
static const char *volatile s_empty = "";

KTEST(string_functions)
{
	char b[16] = "abcdefgh";

	memmove(b + 2, b, 6);
	KTEST_CHECK(memcmp(b, "ababcdef", 8) == 0);
	memmove(b, b + 2, 6);
	KTEST_CHECK(memcmp(b, "abcdefef", 8) == 0);
	KTEST_CHECK(memcmp(s_a, s_b, 1) < 0 && memcmp(s_b, s_a, 1) > 0);
	KTEST_CHECK(strcmp(s_abc, s_abd) < 0 && strcmp(s_abc, s_abc2) == 0);
	KTEST_CHECK(strcmp(s_ab, s_abc) < 0 && strcmp(s_ff, s_a) > 0);
	KTEST_CHECK(strncmp(s_abcx, s_abcy, 3) == 0);
	KTEST_CHECK(strncmp(s_abcx, s_abcy, 4) < 0);
	KTEST_CHECK(strlen(s_empty) == 0 && strlen(s_abcx) == 4);
	KTEST_CHECK(strnlen(s_abcx, 2) == 2);
	KTEST_CHECK(strchr(s_abc, 'b') == s_abc + 1);
	KTEST_CHECK(strchr(s_abc, 'z') == NULL);
	memset(b, 0x5a, sizeof(b));
	KTEST_CHECK(b[0] == 0x5a && b[15] == 0x5a);
	memzero_explicit(b, sizeof(b));
	KTEST_CHECK(b[0] == 0 && b[15] == 0);
	return true;
}
