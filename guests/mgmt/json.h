/* SPDX-License-Identifier: MIT */
/*
 * One-line JSON output for --json: objects and arrays nest, the writer
 * places the commas. Strings are escaped (quote, backslash, control and
 * non-ASCII bytes as \u00XX), so any name the hypervisor returns stays
 * valid JSON.
 *
 *   struct json j;
 *   json_begin(&j);                      {
 *   json_array(&j, "vms");                 "vms": [
 *   json_object(&j, NULL);                   {
 *   json_u64(&j, "id", 1);                     "id": 1
 *   json_end(&j); json_end(&j); json_end(&j);  } ] }   then a newline
 */
#ifndef KEEL_MGMT_JSON_H
#define KEEL_MGMT_JSON_H

#include <stdbool.h>
#include <stdint.h>

#define JSON_DEPTH_MAX 8

struct json {
	unsigned int depth;
	bool need_comma[JSON_DEPTH_MAX];
	char closer[JSON_DEPTH_MAX];
};

/* Opens the top-level object. */
void json_begin(struct json *j);
/* key is NULL inside an array. */
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
/* Closes the innermost object or array; the last one ends the line. */
void json_end(struct json *j);

void json_string(struct json *j, const char *key, const char *value);
void json_u64(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, bool value);

#endif
