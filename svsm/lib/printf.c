/* SPDX-License-Identifier: MIT */
/*
 * `vsnprintf()` for the kernel: the subset of C99 conversions the SVSM uses
 * (see <stdio.h>). The output is always NUL-terminated when `size` > 0 and
 * the return value is the untruncated length, as in C99.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/** Output cursor: bytes past `size` are counted but not stored. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

/** A parsed conversion specification. */
struct spec {
	bool alt; /* '#': 0x prefix for %x */
	bool left;
	bool zero;
	int width;
	int prec; /* -1: none */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0) {
		out_char(o, c);
	}
}

static void out_str(struct out *o, const struct spec *sp, const char *s)
{
	size_t n;
	int pad;

	if (s == NULL) {
		s = "(null)";
	}
	n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	pad = sp->width > (int)n ? sp->width - (int)n : 0;
	if (!sp->left) {
		out_pad(o, ' ', pad);
	}
	while (n-- > 0) {
		out_char(o, *s++);
	}
	if (sp->left) {
		out_pad(o, ' ', pad);
	}
}

/**
 * Print `v` in `base` with an optional sign or prefix, honouring width,
 * precision (minimum digits) and the `-`/`0` flags.
 */
static void out_num(struct out *o, const struct spec *sp, uint64_t v,
		    unsigned int base, bool upper, bool neg, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	int prefix_len = (int)strlen(prefix) + (neg ? 1 : 0);
	int zeros;
	int pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0') {
		n = 0;
	}
	zeros = sp->prec > n ? sp->prec - n : 0;
	pad = sp->width - n - zeros - prefix_len;
	if (pad < 0) {
		pad = 0;
	}
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left) {
		out_pad(o, ' ', pad);
	}
	if (neg) {
		out_char(o, '-');
	}
	while (*prefix != '\0') {
		out_char(o, *prefix++);
	}
	out_pad(o, '0', zeros);
	while (n > 0) {
		out_char(o, tmp[--n]);
	}
	if (sp->left) {
		out_pad(o, ' ', pad);
	}
}

/** Parse a decimal field or `*`; returns the value (negative allowed). */
static int parse_int(const char **fmt, va_list *ap)
{
	int v = 0;

	if (**fmt == '*') {
		(*fmt)++;
		return va_arg(*ap, int);
	}
	while (**fmt >= '0' && **fmt <= '9') {
		if (v < 100000) {
			v = v * 10 + (**fmt - '0');
		}
		(*fmt)++;
	}
	return v;
}

/** Length modifier: 0 int, 1 long, 2 long long, 3 char, 4 short, 5 size. */
static int parse_len(const char **fmt)
{
	const char *f = *fmt;
	int len = 0;

	if (f[0] == 'h' && f[1] == 'h') {
		len = 3;
		f += 2;
	} else if (f[0] == 'h') {
		len = 4;
		f++;
	} else if (f[0] == 'l' && f[1] == 'l') {
		len = 2;
		f += 2;
	} else if (f[0] == 'l' || f[0] == 'j') {
		len = 1;
		f++;
	} else if (f[0] == 'z' || f[0] == 't') {
		len = 5;
		f++;
	}
	*fmt = f;
	return len;
}

static int64_t arg_signed(va_list *ap, int len)
{
	switch (len) {
	case 1:
		return va_arg(*ap, long);
	case 2:
		return va_arg(*ap, long long);
	case 3:
		return (signed char)va_arg(*ap, int);
	case 4:
		return (short)va_arg(*ap, int);
	case 5:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(va_list *ap, int len)
{
	switch (len) {
	case 1:
		return va_arg(*ap, unsigned long);
	case 2:
		return va_arg(*ap, unsigned long long);
	case 3:
		return (unsigned char)va_arg(*ap, unsigned int);
	case 4:
		return (unsigned short)va_arg(*ap, unsigned int);
	case 5:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/** Handle one conversion character `c`; false if it is unknown. */
static bool convert(struct out *o, struct spec *sp, char c, int len,
		    va_list *ap)
{
	int64_t sv;
	uint64_t uv;

	switch (c) {
	case 'd':
	case 'i':
		sv = arg_signed(ap, len);
		uv = sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv;
		out_num(o, sp, uv, 10, false, sv < 0, "");
		return true;
	case 'u':
		out_num(o, sp, arg_unsigned(ap, len), 10, false, false, "");
		return true;
	case 'x':
	case 'X':
		uv = arg_unsigned(ap, len);
		out_num(o, sp, uv, 16, c == 'X', false,
			sp->alt && uv != 0 ? (c == 'X' ? "0X" : "0x") : "");
		return true;
	case 'o':
		out_num(o, sp, arg_unsigned(ap, len), 8, false, false, "");
		return true;
	case 'p':
		sp->prec = 16;
		out_num(o, sp, (uintptr_t)va_arg(*ap, void *), 16, false, false,
			"0x");
		return true;
	case 's':
		out_str(o, sp, va_arg(*ap, const char *));
		return true;
	case 'c': {
		char s[2] = { (char)va_arg(*ap, int), '\0' };

		sp->prec = 1;
		out_str(o, sp, s);
		return true;
	}
	case '%':
		out_char(o, '%');
		return true;
	default:
		return false;
	}
}

/** C99 vsnprintf for the conversions of <stdio.h>. */
int vsnprintf(char *restrict buf, size_t size, const char *restrict format,
	      va_list ap_in)
{
	const char *fmt = format;
	struct out o = { .buf = buf, .size = size, .len = 0 };
	struct spec sp;
	const char *start;
	va_list ap;
	int len;

	va_copy(ap, ap_in);
	while (*fmt != '\0') {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		start = fmt++;
		sp = (struct spec){ .prec = -1 };
		for (;; fmt++) {
			if (*fmt == '-') {
				sp.left = true;
			} else if (*fmt == '0') {
				sp.zero = true;
			} else if (*fmt == '#') {
				sp.alt = true;
			} else if (*fmt != '+' && *fmt != ' ') {
				break;
			}
		}
		sp.width = parse_int(&fmt, &ap);
		if (sp.width < 0) {
			sp.left = true;
			sp.width = -sp.width;
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = parse_int(&fmt, &ap);
			if (sp.prec < 0) {
				sp.prec = -1;
			}
		}
		len = parse_len(&fmt);
		if (*fmt == '\0' || !convert(&o, &sp, *fmt, len, &ap)) {
			/* Unknown conversion: print it literally. */
			while (start <= fmt && *start != '\0') {
				out_char(&o, *start++);
			}
			if (*fmt == '\0') {
				break;
			}
		}
		fmt++;
	}
	va_end(ap);
	if (size > 0) {
		o.buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

/** C99 snprintf (see `vsnprintf()`). */
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
