/* SPDX-License-Identifier: MIT */
/*
 * Reading a byte ring addressed by stream positions (bytes ever written):
 * the VMs' console rings and the hypervisor log. The caller holds the
 * ring's lock.
 */
#ifndef KEEL_LIB_RING_H
#define KEEL_LIB_RING_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copies up to len bytes from position *from of a ring of size bytes whose
 * newest byte is at head - 1. *from is moved up to the oldest byte kept
 * (or down to head); returns how many bytes were copied.
 */
static inline size_t ring_copy_out(const char *ring, uint64_t size,
				   uint64_t head, uint64_t *from, char *buf,
				   size_t len)
{
	uint64_t start = *from, n;

	if (head > size && start < head - size)
		start = head - size;
	if (start > head)
		start = head;
	n = head - start < len ? head - start : len;
	for (uint64_t i = 0; i < n; i++)
		buf[i] = ring[(start + i) % size];
	*from = start;
	return n;
}

#endif
