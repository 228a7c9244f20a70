// SPDX-License-Identifier: MIT
/*
 * The library's error messages: a tiny formatter, as the library may not
 * call the C library's stdio (it also runs freestanding).
 */
#include "igvm_internal.h"

struct out {
	char *buf;
	size_t len;
	size_t pos;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos++] = c;
}

static void put_str(struct out *o, const char *s)
{
	while (s && *s)
		put(o, *s++);
}

static void put_num(struct out *o, unsigned long long v, unsigned base)
{
	char tmp[24];
	unsigned n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put(o, tmp[--n]);
}

void igvm_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct out o = { buf, len, 0 };

	if (!len)
		return;
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			put_str(&o, va_arg(ap, const char *));
			break;
		case 'u':
			put_num(&o, va_arg(ap, unsigned int), 10);
			break;
		case 'l': /* only %llx */
			if (fmt[1] != 'l' || fmt[2] != 'x') {
				buf[o.pos] = '\0';
				return;
			}
			fmt += 2;
			put_num(&o, va_arg(ap, unsigned long long), 16);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown conversion (a bug in a caller): stop. */
			buf[o.pos] = '\0';
			return;
		}
	}
	buf[o.pos] = '\0';
}

void igvm_format(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	igvm_vformat(buf, len, fmt, ap);
	va_end(ap);
}

int igvm_fail(struct igvm_file *f, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	igvm_vformat(f->error, sizeof(f->error), fmt, ap);
	va_end(ap);
	return rc;
}
