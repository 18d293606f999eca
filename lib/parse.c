// SPDX-License-Identifier: MIT
/* Number parsing of include/lib/parse.h: exact spans, no locale, no sign. */
#include <lib/parse.h>
#include <lib/string.h>

#define HEX_PREFIX_LEN 2
#define KIB_SHIFT      10

bool name_char_valid(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

bool name_valid(const char *s, size_t len)
{
	if (len < 1 || len > PARSE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!name_char_valid(s[i]))
			return false;
	}
	return true;
}

int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool has_hex_prefix(const char *s, size_t len)
{
	return len > HEX_PREFIX_LEN && s[0] == '0' && to_lower(s[1]) == 'x';
}

/*
 * Reads the longest run of digits of the number at s; returns how many
 * characters it used (prefix included), 0 on no digits or overflow.
 */
static size_t scan_u64(const char *s, size_t len, uint64_t *out)
{
	bool hex = has_hex_prefix(s, len);
	unsigned int base = hex ? 16 : 10;
	size_t first = hex ? HEX_PREFIX_LEN : 0;
	size_t i = first;
	uint64_t v = 0;
	int d;

	for (; i < len; i++) {
		d = hex_digit_value(s[i]);
		if (d < 0 || (unsigned int)d >= base)
			break;
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, (uint64_t)d, &v))
			return 0;
	}
	if (i == first)
		return 0;
	*out = v;
	return i;
}

bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v;

	if (scan_u64(s, len, &v) != len || !len)
		return false;
	*out = v;
	return true;
}

/* 0 for no unit, 10 for K ... 40 for T; -1 for anything else. */
static int unit_shift(char c)
{
	static const char units[] = "kmgt";

	for (int i = 0; units[i]; i++) {
		if (to_lower(c) == units[i])
			return (i + 1) * KIB_SHIFT;
	}
	return -1;
}

/*
 * The number is read greedily, so a hex number swallows a 'B' that would
 * otherwise mean bytes: "0x1B" is 27, "0x1KB" is 1 KiB.
 */
bool parse_size(const char *s, size_t len, uint64_t *out)
{
	uint64_t v;
	size_t used = scan_u64(s, len, &v);
	const char *rest = s + used;
	size_t left = len - used;
	int shift = 0;

	if (!used)
		return false;
	if (left && unit_shift(rest[0]) >= 0) {
		shift = unit_shift(rest[0]);
		rest++;
		left--;
		/* "iB" only makes sense after a unit: KiB, MiB */
		if (left == 2 && to_lower(rest[0]) == 'i') {
			rest++;
			left--;
		}
	}
	if (left == 1 && to_lower(rest[0]) == 'b')
		left--;
	if (left)
		return false;
	if (v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

bool parse_cpu_list(const char *s, size_t len, uint64_t all, uint64_t *mask)
{
	size_t i = 0;

	*mask = 0;
	if (len == 3 && !strncmp(s, "all", 3)) {
		*mask = all;
		return true;
	}
	while (i < len) {
		size_t start = i, dash = 0;
		uint64_t lo, hi;

		while (i < len && s[i] != ',') {
			if (s[i] == '-' && !dash)
				dash = i;
			i++;
		}
		if (!dash) {
			if (!parse_u64(s + start, i - start, &lo))
				return false;
			hi = lo;
		} else if (!parse_u64(s + start, dash - start, &lo) ||
			   !parse_u64(s + dash + 1, i - dash - 1, &hi)) {
			return false;
		}
		if (lo > hi || hi >= PARSE_MAX_CPUS)
			return false;
		for (uint64_t c = lo; c <= hi; c++)
			*mask |= 1ull << c;
		if (i < len && ++i == len)
			return false;	/* a trailing comma */
	}
	return *mask != 0;
}
