// SPDX-License-Identifier: MIT
/*
 * Port 0x80, where firmware writes its power-on self-test codes and old
 * kernels write to wait about a microsecond (Linux's outb_p): writes are
 * ignored, reads return 0xff, as on a PC with no POST card. Claimed so
 * that the exit costs no log line (docs/guests.md).
 */
#include <core/dev/post_port.h>
#include <keel/abi.h>

static int post_read(void *dev, void *caller, uint64_t offset, size_t size,
		     uint64_t *value)
{
	(void)dev;
	(void)caller;
	(void)offset;
	(void)size;
	*value = 0xff;
	return 0;
}

static int post_write(void *dev, void *caller, uint64_t offset, size_t size,
		      uint64_t value)
{
	return 0;
}

const struct io_bus_ops post_port_ops = {
	.read = post_read,
	.write = post_write,
};
