// SPDX-License-Identifier: MIT
/*
 * vsnprintf/snprintf as documented in include/lib/format.h. Output goes
 * through one bounded sink so that truncation is handled in one place
 * and the return value is always the untruncated length.
 */
#include <stdbool.h>
#include <stdint.h>

#include <lib/format.h>
#include <lib/string.h>

#define FORMAT_NUM_BUF  24	/* 2^64-1 has 20 decimal or 16 hex digits */
#define FORMAT_INT_MAX  0x7fffffff

struct sink {
	char *buf;
	size_t size;
	size_t len;	/* bytes the full output has so far */
};

struct spec {
	bool left;		/* '-' */
	bool zero;		/* '0' */
	bool alternate;		/* '#': 0x before non-zero hex */
	unsigned int width;
	bool has_precision;
	unsigned int precision;
	unsigned int length;	/* 0, 'l', 'L' (ll) or 'z' */
};

static void put_char(struct sink *out, char c)
{
	if (out->size && out->len < out->size - 1)
		out->buf[out->len] = c;
	out->len++;
}

static void put_repeat(struct sink *out, char c, unsigned int n)
{
	while (n--)
		put_char(out, c);
}

static void put_padded(struct sink *out, const struct spec *sp,
		       const char *prefix, const char *s, size_t len)
{
	size_t plen = strlen(prefix);
	size_t total = plen + len;
	unsigned int pad = sp->width > total ? sp->width - (unsigned int)total : 0;
	bool zero_pad = sp->zero && !sp->left;

	if (!sp->left && !zero_pad)
		put_repeat(out, ' ', pad);
	while (*prefix)
		put_char(out, *prefix++);
	/* zeros go between the sign or 0x and the digits, as in C's printf */
	if (zero_pad)
		put_repeat(out, '0', pad);
	while (len--)
		put_char(out, *s++);
	if (sp->left)
		put_repeat(out, ' ', pad);
}

static size_t format_u64(char *end, uint64_t v, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return (size_t)(end - p);
}

static void put_number(struct sink *out, const struct spec *sp, uint64_t v,
		       bool negative, unsigned int base, bool upper,
		       const char *prefix)
{
	char buf[FORMAT_NUM_BUF];
	size_t len = format_u64(buf + sizeof(buf), v, base, upper);

	put_padded(out, sp, negative ? "-" : prefix,
		   buf + sizeof(buf) - len, len);
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'l':
		return va_arg(*ap, unsigned long);
	case 'L':
		return va_arg(*ap, unsigned long long);
	case 'z':
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'l':
		return va_arg(*ap, long);
	case 'L':
		return va_arg(*ap, long long);
	case 'z':
		/* the signed type matching size_t, as %zd expects */
		return (int64_t)va_arg(*ap, size_t);
	default:
		return va_arg(*ap, int);
	}
}

static void put_signed(struct sink *out, const struct spec *sp, int64_t v)
{
	/* negate in unsigned arithmetic: -INT64_MIN overflows int64_t */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	put_number(out, sp, mag, v < 0, 10, false, "");
}

static void put_string(struct sink *out, const struct spec *sp, const char *s)
{
	struct spec text = *sp;
	size_t len;

	if (!s)
		s = "(null)";
	len = sp->has_precision ? strnlen(s, sp->precision) : strlen(s);
	text.zero = false;
	put_padded(out, &text, "", s, len);
}

/* Reads a decimal field or '*' (an int argument); returns the new fmt. */
static const char *parse_count(const char *fmt, va_list *ap,
			       unsigned int *count, bool *negative)
{
	unsigned int n = 0;

	*negative = false;
	if (*fmt == '*') {
		int v = va_arg(*ap, int);

		*negative = v < 0;
		*count = v < 0 ? 0u - (unsigned int)v : (unsigned int)v;
		return fmt + 1;
	}
	for (; *fmt >= '0' && *fmt <= '9'; fmt++) {
		/* saturate: an absurd width must not wrap to a small one */
		if (n <= (FORMAT_INT_MAX - 9) / 10)
			n = n * 10 + (unsigned int)(*fmt - '0');
		else
			n = FORMAT_INT_MAX;
	}
	*count = n;
	return fmt;
}

static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
	bool negative;

	memset(sp, 0, sizeof(*sp));
	for (;; fmt++) {
		if (*fmt == '-')
			sp->left = true;
		else if (*fmt == '0')
			sp->zero = true;
		else if (*fmt == '#')
			sp->alternate = true;
		else
			break;
	}
	fmt = parse_count(fmt, ap, &sp->width, &negative);
	if (negative)
		sp->left = true;	/* C: a negative '*' width means '-' */
	if (*fmt == '.') {
		fmt = parse_count(fmt + 1, ap, &sp->precision, &negative);
		sp->has_precision = !negative;	/* C: negative = none */
	}
	if (*fmt == 'l') {
		sp->length = 'l';
		if (*++fmt == 'l') {
			sp->length = 'L';
			fmt++;
		}
	} else if (*fmt == 'z') {
		sp->length = 'z';
		fmt++;
	}
	return fmt;
}

/* Formats one conversion; returns false for an unknown one. */
static bool put_conversion(struct sink *out, const struct spec *sp, char conv,
			   va_list *ap)
{
	char c;

	switch (conv) {
	case 'd':
	case 'i':
		put_signed(out, sp, arg_signed(sp, ap));
		return true;
	case 'u':
		put_number(out, sp, arg_unsigned(sp, ap), false, 10, false, "");
		return true;
	case 'x':
	case 'X': {
		uint64_t v = arg_unsigned(sp, ap);
		const char *prefix = "";

		if (sp->alternate && v)
			prefix = conv == 'X' ? "0X" : "0x";
		put_number(out, sp, v, false, 16, conv == 'X', prefix);
		return true;
	}
	case 'p':
		put_number(out, sp, (uintptr_t)va_arg(*ap, void *), false, 16,
			   false, "0x");
		return true;
	case 's':
		put_string(out, sp, va_arg(*ap, const char *));
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(out, sp, "", &c, 1);
		return true;
	case '%':
		put_char(out, '%');
		return true;
	default:
		return false;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink out = { .buf = buf, .size = size, .len = 0 };
	struct spec sp;
	const char *start;
	va_list args;

	/* va_copy lets the helpers take a pointer, portable to every ABI */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put_char(&out, *fmt++);
			continue;
		}
		start = fmt++;
		fmt = parse_spec(fmt, &sp, &args);
		if (*fmt && put_conversion(&out, &sp, *fmt, &args)) {
			fmt++;
			continue;
		}
		/* unknown or cut-off conversion: print it as written */
		while (start < fmt)
			put_char(&out, *start++);
	}
	va_end(args);
	if (size)
		buf[out.len < size ? out.len : size - 1] = '\0';
	return out.len > FORMAT_INT_MAX ? FORMAT_INT_MAX : (int)out.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
