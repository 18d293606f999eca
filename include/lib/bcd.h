/* SPDX-License-Identifier: MIT */
/* Two-digit binary-coded decimal, as RTCs store time. */
#ifndef KEEL_LIB_BCD_H
#define KEEL_LIB_BCD_H

#include <stdbool.h>
#include <stdint.h>

static inline bool bcd_valid(uint8_t v)
{
	return (v >> 4) <= 9 && (v & 0xf) <= 9;
}

/* v must be bcd_valid */
static inline unsigned int bcd_to_bin(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0xf);
}

/* v modulo 100 */
static inline uint8_t bin_to_bcd(unsigned int v)
{
	v %= 100;
	return (uint8_t)((v / 10) << 4 | v % 10);
}

#endif
