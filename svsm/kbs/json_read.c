/* SPDX-License-Identifier: MIT */
/*
 * A strict, bounded JSON reader for the KBS's responses, which are hostile
 * input (they come through the host). `json_parse()` checks the whole
 * document once (RFC 8259 grammar, well-formed UTF-8, no NUL, nesting at
 * most JSON_MAX_DEPTH); the getters then walk the checked text without
 * allocating. Member lookups refuse repeated names.
 */
#include <string.h>

#include "kbs_internal.h"

struct cur {
	const char *p, *end;
};

static void ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\n' || *c->p == '\r')) {
		c->p++;
	}
}

static int hexval(char h)
{
	if (h >= '0' && h <= '9') {
		return h - '0';
	}
	if (h >= 'a' && h <= 'f') {
		return h - 'a' + 10;
	}
	if (h >= 'A' && h <= 'F') {
		return h - 'A' + 10;
	}
	return -1;
}

/* One UTF-8 sequence of 2..4 bytes starting at c->p (lead byte >= 0x80). */
static int utf8(struct cur *c)
{
	const unsigned char *s = (const unsigned char *)c->p;
	size_t avail = (size_t)(c->end - c->p), n, i;
	unsigned cp;

	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		cp = s[0] & 0x1FU;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		cp = s[0] & 0x0FU;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		cp = s[0] & 0x07U;
	} else {
		return -1;
	}
	if (avail < n) {
		return -1;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			return -1;
		}
		cp = (cp << 6) | (s[i] & 0x3FU);
	}
	/* Overlong forms, surrogates and code points above U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
		return -1;
	}
	c->p += n;
	return 0;
}

static int string(struct cur *c)
{
	c->p++; /* the opening quote */
	while (c->p < c->end) {
		unsigned char ch = (unsigned char)*c->p;

		if (ch == '"') {
			c->p++;
			return 0;
		}
		if (ch < 0x20) {
			return -1;
		}
		if (ch == '\\') {
			if (c->end - c->p < 2) {
				return -1;
			}
			ch = (unsigned char)c->p[1];
			if (ch == 'u') {
				int i;

				if (c->end - c->p < 6) {
					return -1;
				}
				for (i = 2; i < 6; i++) {
					if (hexval(c->p[i]) < 0) {
						return -1;
					}
				}
				c->p += 6;
				continue;
			}
			if (strchr("\"\\/bfnrt", ch) == NULL || ch == '\0') {
				return -1;
			}
			c->p += 2;
			continue;
		}
		if (ch >= 0x80) {
			if (utf8(c) != 0) {
				return -1;
			}
			continue;
		}
		c->p++;
	}
	return -1;
}

static bool digit(const struct cur *c)
{
	return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

static int number(struct cur *c)
{
	if (c->p < c->end && *c->p == '-') {
		c->p++;
	}
	if (!digit(c)) {
		return -1;
	}
	if (*c->p == '0') {
		c->p++;
	} else {
		while (digit(c)) {
			c->p++;
		}
	}
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (!digit(c)) {
			return -1;
		}
		while (digit(c)) {
			c->p++;
		}
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-')) {
			c->p++;
		}
		if (!digit(c)) {
			return -1;
		}
		while (digit(c)) {
			c->p++;
		}
	}
	return 0;
}

static int literal(struct cur *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0) {
		return -1;
	}
	c->p += n;
	return 0;
}

static int value(struct cur *c, unsigned depth, struct jval *v);

/* An object or array body after its opening bracket. */
static int container(struct cur *c, unsigned depth, bool obj)
{
	char close = obj ? '}' : ']';
	struct jval ignored;

	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		return 0;
	}
	for (;;) {
		if (obj) {
			if (c->p >= c->end || *c->p != '"' || string(c) != 0) {
				return -1;
			}
			ws(c);
			if (c->p >= c->end || *c->p != ':') {
				return -1;
			}
			c->p++;
			ws(c);
		}
		if (value(c, depth + 1, &ignored) != 0) {
			return -1;
		}
		ws(c);
		if (c->p >= c->end) {
			return -1;
		}
		if (*c->p == close) {
			c->p++;
			return 0;
		}
		if (*c->p != ',') {
			return -1;
		}
		c->p++;
		ws(c);
	}
}

static int value(struct cur *c, unsigned depth, struct jval *v)
{
	int rc;

	if (c->p >= c->end || depth > JSON_MAX_DEPTH) {
		return -1;
	}
	v->p = c->p;
	switch (*c->p) {
	case '{':
		v->t = J_OBJ;
		rc = container(c, depth, true);
		break;
	case '[':
		v->t = J_ARR;
		rc = container(c, depth, false);
		break;
	case '"':
		v->t = J_STR;
		rc = string(c);
		break;
	case 't':
		v->t = J_TRUE;
		rc = literal(c, "true");
		break;
	case 'f':
		v->t = J_FALSE;
		rc = literal(c, "false");
		break;
	case 'n':
		v->t = J_NULL;
		rc = literal(c, "null");
		break;
	default:
		v->t = J_NUM;
		rc = number(c);
	}
	v->n = (size_t)(c->p - v->p);
	return rc;
}

/** Check a whole document (see kbs_internal.h). */
int json_parse(const char *s, size_t n, struct jval *root)
{
	struct cur c;

	if (s == NULL || kbs_has_byte(s, n, '\0')) {
		return -1;
	}
	c.p = s;
	c.end = s + n;
	ws(&c);
	if (value(&c, 1, root) != 0) {
		return -1;
	}
	ws(&c);
	return c.p == c.end ? 0 : -1;
}

/* Compare string token `tok` (quotes included, checked) with `key`. */
static bool name_is(const char *tok, size_t n, const char *key)
{
	size_t k = strlen(key);

	/* Names with escapes never match: the KBS's names are plain. */
	return n == k + 2 && memcmp(tok + 1, key, k) == 0 &&
	       !kbs_has_byte(tok + 1, k, '\\');
}

/** Member `key` of a checked object (see kbs_internal.h). */
int json_get(const struct jval *obj, const char *key, struct jval *out)
{
	struct cur c;
	bool found = false;

	if (obj->t != J_OBJ) {
		return -1;
	}
	c.p = obj->p + 1;
	c.end = obj->p + obj->n;
	ws(&c);
	if (*c.p == '}') {
		return -1;
	}
	for (;;) {
		const char *name = c.p;
		size_t name_len;
		struct jval v;
		bool match;

		if (string(&c) != 0) {
			return -1;
		}
		name_len = (size_t)(c.p - name);
		match = name_is(name, name_len, key);
		ws(&c);
		c.p++; /* ':' */
		ws(&c);
		if (value(&c, 1, &v) != 0) {
			return -1;
		}
		if (match) {
			if (found) {
				return -1; /* a repeated name is ambiguous */
			}
			found = true;
			*out = v;
		}
		ws(&c);
		if (*c.p == '}') {
			return found ? 0 : -1;
		}
		c.p++; /* ',' */
		ws(&c);
	}
}

/** Decode a checked string value (see kbs_internal.h). */
int json_str(const struct jval *v, char *out, size_t cap, size_t *len)
{
	const char *p, *end;
	size_t n = 0;

	if (v->t != J_STR || cap == 0) {
		return -1;
	}
	p = v->p + 1;
	end = v->p + v->n - 1;
	while (p < end) {
		char ch = *p++;

		if (ch == '\\') {
			char e = *p++;
			static const char from[] = "\"\\/bfnrt";
			static const char to[] = "\"\\/\b\f\n\r\t";

			if (e == 'u') {
				/* The digits were checked by json_parse(). */
				unsigned cp =
					((unsigned)hexval(p[0]) & 15) << 12 |
					((unsigned)hexval(p[1]) & 15) << 8 |
					((unsigned)hexval(p[2]) & 15) << 4 |
					((unsigned)hexval(p[3]) & 15);

				if (cp == 0 || cp > 0x7F) {
					return -1;
				}
				ch = (char)cp;
				p += 4;
			} else {
				ch = to[strchr(from, e) - from];
			}
		}
		if (n + 1 >= cap) {
			return -1;
		}
		out[n++] = ch;
	}
	out[n] = '\0';
	*len = n;
	return 0;
}

/** A string member, decoded. */
int json_get_str(const struct jval *obj, const char *key, char *out, size_t cap,
		 size_t *len)
{
	struct jval v;

	return json_get(obj, key, &v) == 0 ? json_str(&v, out, cap, len) : -1;
}
