/* SPDX-License-Identifier: MIT */
/*
 * A fake guest for the emulator's host tests (tests/unit/test_emul_*.c):
 * RAM at guest-physical 0 .. FAKE_RAM_SIZE, one device page at
 * FAKE_MMIO_BASE whose registers are plain bytes, ports that answer
 * FAKE_PORT_BASE + n to the n-th read, and a log of every device and port
 * access. Compare-exchange can be told to lose the next N races.
 */
#ifndef KEEL_TEST_EMUL_FAKE_H
#define KEEL_TEST_EMUL_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include <core/emul/emul.h>

#define FAKE_RAM_SIZE  (4u << 20)
#define FAKE_MMIO_BASE 0xfed00000ull
#define FAKE_MMIO_SIZE 0x1000u
#define FAKE_PORT_BASE 0x40u
#define FAKE_LOG       256
#define FAKE_ERROR     (-5)	/* what the callbacks return on a bad range */

struct fake_access {
	uint64_t addr;		/* gpa, or the port */
	uint64_t val;
	uint8_t size;
	bool write;
	bool port;
};

struct fake {
	uint8_t *ram;
	uint8_t mmio[FAKE_MMIO_SIZE];
	struct fake_access log[FAKE_LOG];
	unsigned int nlog;
	unsigned int port_reads;
	unsigned int cmpxchg_calls;
	unsigned int cmpxchg_lose;	/* the next N compare-exchanges fail */
	bool mmio_fail;			/* device callbacks fail */
};

/* ops gets the callbacks (cmpxchg_gpa only with_cmpxchg), 1-GiB pages,
 * MAXPHYADDR 46 */
void fake_init(struct fake *f, struct emul_ops *ops, bool with_cmpxchg);
void fake_free(struct fake *f);

/* size bytes little-endian at gpa, in RAM or the device page */
uint64_t fake_get(const struct fake *f, uint64_t gpa, unsigned int size);
void fake_put(struct fake *f, uint64_t gpa, unsigned int size, uint64_t v);

/* Device accesses in the log (ports excluded) */
unsigned int fake_mmio_count(const struct fake *f);

#endif
