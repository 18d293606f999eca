// SPDX-License-Identifier: MIT
/* A VM's device registry: port and MMIO ranges; see core/dev/io_bus.h. */
#include <core/dev/io_bus.h>
#include <keel/abi.h>
#include <lib/string.h>

void io_bus_init(struct io_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

/* Does [a, a + alen) meet [b, b + blen)? Neither wraps. */
static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len,
		    const struct io_bus_ops *ops, void *dev, const char *name)
{
	struct io_bus_range *r;

	if (!len || base + len < base || !ops || !ops->read || !ops->write)
		return -KEEL_EINVAL;
	for (unsigned int i = 0; i < bus->count; i++)
		if (overlaps(base, len, bus->ranges[i].base, bus->ranges[i].len))
			return -KEEL_EEXIST;
	if (bus->count == IO_BUS_MAX_RANGES)
		return -KEEL_ENOSPC;
	r = &bus->ranges[bus->count++];
	r->base = base;
	r->len = len;
	r->ops = ops;
	r->dev = dev;
	r->name = name;
	return 0;
}

/* Inlined into io_bus_read and io_bus_write: every port I/O exit. */
static inline const struct io_bus_range *find(const struct io_bus *bus,
					      uint64_t addr, size_t size)
{
	if (!size || addr + size < addr)
		return NULL;
	for (unsigned int i = 0; i < bus->count; i++) {
		const struct io_bus_range *r = &bus->ranges[i];

		/* inside: addr - base and the size both fit in len */
		if (addr >= r->base && addr - r->base < r->len &&
		    size <= r->len - (addr - r->base))
			return r;
	}
	return NULL;
}

const struct io_bus_range *io_bus_find(const struct io_bus *bus,
				       uint64_t addr, size_t size)
{
	return find(bus, addr, size);
}

int io_bus_read(const struct io_bus *bus, void *caller, uint64_t addr,
		size_t size, uint64_t *value)
{
	const struct io_bus_range *r = find(bus, addr, size);

	if (!r)
		return -KEEL_ENOENT;
	return r->ops->read(r->dev, caller, addr - r->base, size, value);
}

int io_bus_write(const struct io_bus *bus, void *caller, uint64_t addr,
		 size_t size, uint64_t value)
{
	const struct io_bus_range *r = find(bus, addr, size);

	if (!r)
		return -KEEL_ENOENT;
	return r->ops->write(r->dev, caller, addr - r->base, size, value);
}
