// SPDX-License-Identifier: MIT
/* One-line JSON output: see json.h. */
#include <lib/format.h>
#include <lib/string.h>

#include "json.h"
#include "out.h"

static void put_string(const char *s)
{
	static const char hex[] = "0123456789abcdef";

	out_write("\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

		if (c == '"' || c == '\\') {
			out_write("\\", 1);
			out_write(s, 1);
		} else if (c < 0x20 || c >= 0x7f) {
			out_write(esc, sizeof(esc));
		} else {
			out_write(s, 1);
		}
	}
	out_write("\"", 1);
}

/* The comma before a member and its key. */
static void member(struct json *j, const char *key)
{
	if (j->depth && j->need_comma[j->depth - 1])
		out_write(", ", 2);
	if (j->depth)
		j->need_comma[j->depth - 1] = true;
	if (key) {
		put_string(key);
		out_write(": ", 2);
	}
}

static void nest(struct json *j, const char *key, char opener, char closer)
{
	member(j, key);
	out_write(&opener, 1);
	if (j->depth < JSON_DEPTH_MAX) {
		j->need_comma[j->depth] = false;
		j->closer[j->depth] = closer;
		j->depth++;
	}
}

void json_begin(struct json *j)
{
	memset(j, 0, sizeof(*j));
	nest(j, NULL, '{', '}');
}

void json_object(struct json *j, const char *key)
{
	nest(j, key, '{', '}');
}

void json_array(struct json *j, const char *key)
{
	nest(j, key, '[', ']');
}

void json_end(struct json *j)
{
	if (!j->depth)
		return;
	j->depth--;
	out_write(&j->closer[j->depth], 1);
	if (!j->depth)
		out_write("\n", 1);
}

void json_string(struct json *j, const char *key, const char *value)
{
	member(j, key);
	put_string(value);
}

void json_u64(struct json *j, const char *key, uint64_t value)
{
	char buf[24];

	member(j, key);
	snprintf(buf, sizeof(buf), "%lu", (unsigned long)value);
	out_write(buf, strlen(buf));
}

void json_bool(struct json *j, const char *key, bool value)
{
	member(j, key);
	out_write(value ? "true" : "false", value ? 4 : 5);
}
