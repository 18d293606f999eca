/* SPDX-License-Identifier: MIT */
/* Number parsing shared by the config file, the command line and the shell. */
#ifndef KEEL_LIB_PARSE_H
#define KEEL_LIB_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parses an unsigned decimal or 0x-hexadecimal number that spans exactly
 * [s, s+len). Returns false on an empty string, a stray character or
 * overflow.
 */
bool parse_u64(const char *s, size_t len, uint64_t *out);

/*
 * A character of a Keel name (VMs, modules): A-Z a-z 0-9 _ . - (names are
 * 1-31 of them; keel.cfg, the hypercalls and the shell all check this).
 */
bool name_char_valid(char c);

/* A whole name of exactly len characters: 1 to PARSE_NAME_MAX of them. */
#define PARSE_NAME_MAX 31
bool name_valid(const char *s, size_t len);

/* The value of one hexadecimal digit (either case), or -1. */
int hex_digit_value(char c);

/*
 * Parses a size: a number with an optional suffix K, M, G or T (binary
 * units, case-insensitive, an optional trailing 'B' or 'iB' allowed).
 * "16M" is 16 MiB. A bare 'B' means bytes ("512B"), but a hex number
 * takes every hex digit first: "0x1B" is 27. Returns false on bad syntax
 * or overflow.
 */
bool parse_size(const char *s, size_t len, uint64_t *out);

/*
 * Parses a CPU list, the one syntax keel.cfg's cpus= and the shell share:
 * "all", or numbers and ranges like 0,2-3 (each below PARSE_MAX_CPUS, the
 * bits of a mask). "all" gives the caller's value for it (keel.cfg:
 * UINT64_MAX, every CPU there is; the shell: 0, "no restriction"). False
 * on bad syntax, a reversed range, a trailing comma or an empty list.
 */
#define PARSE_MAX_CPUS 64
bool parse_cpu_list(const char *s, size_t len, uint64_t all, uint64_t *mask);

#endif
