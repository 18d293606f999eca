/* SPDX-License-Identifier: MIT */
/*
 * A VM's device registry (core/dev/io_bus.c): the ranges of port numbers
 * or guest-physical addresses its virtual devices claim, each with a read
 * and a write handler. One bus per address space: every VM has one for
 * ports and one for MMIO (struct vm).
 *
 * The registry knows no instruction and no vCPU: the caller (port I/O
 * exits, core/emulate.c for MMIO and string I/O) has the access as an
 * address, a size (1, 2, 4 or 8 bytes) and a value, and hands the handler
 * an opaque caller pointer (the vCPU that made it) along with the offset
 * into the range. Ranges do not overlap; an access must lie wholly inside
 * one range to reach it.
 *
 * Pure C with no lock: devices register while their VM is created, before
 * any vCPU runs, and the ranges do not change after that.
 */
#ifndef KEEL_CORE_DEV_IO_BUS_H
#define KEEL_CORE_DEV_IO_BUS_H

#include <stddef.h>
#include <stdint.h>

#define IO_BUS_MAX_RANGES 24

/*
 * A device's handlers. 0 on success; a negative KEEL_E* error says the
 * device refused the access (the caller stops the VM: a device that
 * would answer a real CPU with a bus error has no better choice).
 * dev is the device's, caller the accessing vCPU's.
 */
struct io_bus_ops {
	int (*read)(void *dev, void *caller, uint64_t offset, size_t size,
		    uint64_t *value);
	int (*write)(void *dev, void *caller, uint64_t offset, size_t size,
		     uint64_t value);
};

struct io_bus_range {
	uint64_t base, len;
	const struct io_bus_ops *ops;
	void *dev;
	const char *name;		/* for log lines */
};

struct io_bus {
	unsigned int count;
	struct io_bus_range ranges[IO_BUS_MAX_RANGES];
};

void io_bus_init(struct io_bus *bus);

/*
 * Claims [base, base + len) for dev. 0; -KEEL_EINVAL for an empty or
 * wrapping range; -KEEL_EEXIST when it overlaps a claimed range;
 * -KEEL_ENOSPC when the bus is full.
 */
int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len,
		    const struct io_bus_ops *ops, void *dev, const char *name);

/* The range that holds all of [addr, addr + size), or NULL. */
const struct io_bus_range *io_bus_find(const struct io_bus *bus,
				       uint64_t addr, size_t size);

/*
 * An access: the handler's result, or -KEEL_ENOENT when no range holds
 * all of it (the caller decides what an unclaimed address does).
 */
int io_bus_read(const struct io_bus *bus, void *caller, uint64_t addr,
		size_t size, uint64_t *value);
int io_bus_write(const struct io_bus *bus, void *caller, uint64_t addr,
		 size_t size, uint64_t value);

#endif
