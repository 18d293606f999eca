// SPDX-License-Identifier: MIT
/*
 * core/dev/io_bus.c: the device registry. Two fake devices record what
 * reaches them; the checks are who gets an access, at which offset and
 * size, and what no range holds.
 */
#include <stdbool.h>
#include <string.h>

#include "test_util.h"

#include <core/dev/io_bus.h>
#include <keel/abi.h>

struct fake_dev {
	int reads, writes;
	void *caller;
	uint64_t offset, value;
	size_t size;
	int fail;		/* what the handlers return */
};

static int fake_read(void *dev, void *caller, uint64_t offset, size_t size,
		     uint64_t *value)
{
	struct fake_dev *d = dev;

	d->reads++;
	d->caller = caller;
	d->offset = offset;
	d->size = size;
	*value = 0x1122334455667788ull + offset;
	return d->fail;
}

static int fake_write(void *dev, void *caller, uint64_t offset, size_t size,
		      uint64_t value)
{
	struct fake_dev *d = dev;

	d->writes++;
	d->caller = caller;
	d->offset = offset;
	d->size = size;
	d->value = value;
	return d->fail;
}

static const struct io_bus_ops fake_ops = { fake_read, fake_write };

static void test_routes_by_address(void **state)
{
	struct io_bus bus;
	struct fake_dev a = { 0 }, b = { 0 };
	int caller;
	uint64_t value;

	io_bus_init(&bus);
	assert_int_equal(io_bus_register(&bus, 0x3f8, 8, &fake_ops, &a, "a"), 0);
	assert_int_equal(io_bus_register(&bus, 0xfee00000, 0x1000, &fake_ops, &b,
					 "b"), 0);
	assert_int_equal(io_bus_read(&bus, &caller, 0x3fd, 1, &value), 0);
	assert_int_equal(a.reads, 1);
	assert_ptr_equal(a.caller, &caller);
	assert_int_equal(a.offset, 5);
	assert_int_equal(a.size, 1);
	assert_int_equal(value, 0x1122334455667788ull + 5);
	assert_int_equal(io_bus_write(&bus, &caller, 0xfee00080, 4, 0x20), 0);
	assert_int_equal(b.writes, 1);
	assert_int_equal(b.offset, 0x80);
	assert_int_equal(b.size, 4);
	assert_int_equal(b.value, 0x20);
	assert_int_equal(a.writes, 0);
	/* the last bytes of a range, 8 bytes wide */
	assert_int_equal(io_bus_read(&bus, NULL, 0xfee00ff8, 8, &value), 0);
	assert_int_equal(b.offset, 0xff8);
}

static void test_unclaimed_and_straddling(void **state)
{
	struct io_bus bus;
	struct fake_dev a = { 0 };
	uint64_t value = 7;

	io_bus_init(&bus);
	assert_int_equal(io_bus_read(&bus, NULL, 0x3f8, 1, &value), -KEEL_ENOENT);
	assert_int_equal(io_bus_register(&bus, 0x3f8, 8, &fake_ops, &a, "a"), 0);
	assert_int_equal(io_bus_read(&bus, NULL, 0x3f7, 1, &value), -KEEL_ENOENT);
	assert_int_equal(io_bus_read(&bus, NULL, 0x400, 1, &value), -KEEL_ENOENT);
	/* starts inside, ends outside: nobody's */
	assert_int_equal(io_bus_read(&bus, NULL, 0x3fe, 4, &value), -KEEL_ENOENT);
	assert_int_equal(io_bus_write(&bus, NULL, 0x3ff, 2, 0), -KEEL_ENOENT);
	assert_int_equal(a.reads + a.writes, 0);
	assert_int_equal(value, 7);
	/* wrapping accesses find nothing */
	assert_null(io_bus_find(&bus, UINT64_MAX, 2));
	assert_null(io_bus_find(&bus, 0x3f8, 0));
}

static void test_handler_error_passes_through(void **state)
{
	struct io_bus bus;
	struct fake_dev a = { .fail = -KEEL_ENOENT };
	uint64_t value;

	io_bus_init(&bus);
	assert_int_equal(io_bus_register(&bus, 0x1000, 0x10, &fake_ops, &a, "a"), 0);
	assert_int_equal(io_bus_read(&bus, NULL, 0x1000, 4, &value), -KEEL_ENOENT);
	assert_int_equal(io_bus_write(&bus, NULL, 0x100c, 4, 1), -KEEL_ENOENT);
	assert_int_equal(a.reads, 1);
	assert_int_equal(a.writes, 1);
}

static void test_register_refuses(void **state)
{
	struct io_bus bus;
	struct fake_dev a = { 0 };
	static const struct io_bus_ops no_write = { fake_read, NULL };

	io_bus_init(&bus);
	assert_int_equal(io_bus_register(&bus, 0x100, 0, &fake_ops, &a, "empty"),
			 -KEEL_EINVAL);
	assert_int_equal(io_bus_register(&bus, UINT64_MAX - 1, 4, &fake_ops, &a,
					 "wraps"), -KEEL_EINVAL);
	assert_int_equal(io_bus_register(&bus, 0x100, 4, &no_write, &a, "half"),
			 -KEEL_EINVAL);
	assert_int_equal(io_bus_register(&bus, 0x100, 0x100, &fake_ops, &a, "x"), 0);
	/* overlaps at either end, inside, around */
	assert_int_equal(io_bus_register(&bus, 0xff, 2, &fake_ops, &a, "y"),
			 -KEEL_EEXIST);
	assert_int_equal(io_bus_register(&bus, 0x1ff, 2, &fake_ops, &a, "y"),
			 -KEEL_EEXIST);
	assert_int_equal(io_bus_register(&bus, 0x180, 1, &fake_ops, &a, "y"),
			 -KEEL_EEXIST);
	assert_int_equal(io_bus_register(&bus, 0, 0x1000, &fake_ops, &a, "y"),
			 -KEEL_EEXIST);
	/* touching is fine */
	assert_int_equal(io_bus_register(&bus, 0x200, 1, &fake_ops, &a, "z"), 0);
	assert_int_equal(io_bus_register(&bus, 0xff, 1, &fake_ops, &a, "w"), 0);
	for (unsigned int i = bus.count; i < IO_BUS_MAX_RANGES; i++)
		assert_int_equal(io_bus_register(&bus, 0x10000 + i * 0x10, 0x10,
						 &fake_ops, &a, "fill"), 0);
	assert_int_equal(io_bus_register(&bus, 0x90000, 1, &fake_ops, &a, "full"),
			 -KEEL_ENOSPC);
	assert_string_equal(io_bus_find(&bus, 0x150, 4)->name, "x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes_by_address),
		cmocka_unit_test(test_unclaimed_and_straddling),
		cmocka_unit_test(test_handler_error_passes_through),
		cmocka_unit_test(test_register_refuses),
	};

	return cmocka_run_group_tests_name("io_bus", tests, NULL, NULL);
}
