// SPDX-License-Identifier: MIT
/* The emulator tests' fake guest; see emul_fake.h. */
#include <stdlib.h>
#include <string.h>

#include "emul_fake.h"

static bool in_ram(uint64_t gpa, size_t len)
{
	return gpa < FAKE_RAM_SIZE && len <= FAKE_RAM_SIZE - gpa;
}

static bool in_mmio(uint64_t gpa, size_t len)
{
	return gpa >= FAKE_MMIO_BASE &&
	       gpa - FAKE_MMIO_BASE < FAKE_MMIO_SIZE &&
	       len <= FAKE_MMIO_SIZE - (gpa - FAKE_MMIO_BASE);
}

static void note(struct fake *f, uint64_t addr, uint64_t val, size_t size,
		 bool write, bool port)
{
	if (f->nlog < FAKE_LOG)
		f->log[f->nlog++] = (struct fake_access){
			.addr = addr, .val = val, .size = (uint8_t)size,
			.write = write, .port = port,
		};
}

static int read_gpa(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct fake *f = ctx;

	if (!in_ram(gpa, len))
		return FAKE_ERROR;
	memcpy(buf, f->ram + gpa, len);
	return 0;
}

static int write_gpa(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	struct fake *f = ctx;

	if (!in_ram(gpa, len))
		return FAKE_ERROR;
	memcpy(f->ram + gpa, buf, len);
	return 0;
}

static int cmpxchg_gpa(void *ctx, uint64_t gpa, uint64_t old, uint64_t val,
		       size_t len)
{
	struct fake *f = ctx;

	f->cmpxchg_calls++;
	if (!in_ram(gpa, len) || (len != 1 && len != 2 && len != 4 && len != 8))
		return FAKE_ERROR;
	if (f->cmpxchg_lose) {
		f->cmpxchg_lose--;
		return 1;
	}
	if (fake_get(f, gpa, (unsigned int)len) != old)
		return 1;
	fake_put(f, gpa, (unsigned int)len, val);
	return 0;
}

static bool is_mmio(void *ctx, uint64_t gpa, size_t len)
{
	(void)ctx;
	return gpa + len > FAKE_MMIO_BASE &&
	       gpa < FAKE_MMIO_BASE + FAKE_MMIO_SIZE;
}

static int mmio_read(void *ctx, uint64_t gpa, size_t size, uint64_t *val)
{
	struct fake *f = ctx;

	if (f->mmio_fail || !in_mmio(gpa, size))
		return FAKE_ERROR;
	*val = fake_get(f, gpa, (unsigned int)size);
	note(f, gpa, *val, size, false, false);
	return 0;
}

static int mmio_write(void *ctx, uint64_t gpa, size_t size, uint64_t val)
{
	struct fake *f = ctx;

	if (f->mmio_fail || !in_mmio(gpa, size))
		return FAKE_ERROR;
	fake_put(f, gpa, (unsigned int)size, val);
	note(f, gpa, val, size, true, false);
	return 0;
}

static int port_in(void *ctx, uint16_t port, size_t size, uint32_t *val)
{
	struct fake *f = ctx;

	*val = FAKE_PORT_BASE + f->port_reads++;
	note(f, port, *val, size, false, true);
	return 0;
}

static int port_out(void *ctx, uint16_t port, size_t size, uint32_t val)
{
	struct fake *f = ctx;

	note(f, port, val, size, true, true);
	return 0;
}

void fake_init(struct fake *f, struct emul_ops *ops, bool with_cmpxchg)
{
	memset(f, 0, sizeof(*f));
	f->ram = calloc(1, FAKE_RAM_SIZE);
	*ops = (struct emul_ops){
		.ctx = f, .read_gpa = read_gpa, .write_gpa = write_gpa,
		.cmpxchg_gpa = with_cmpxchg ? cmpxchg_gpa : NULL,
		.is_mmio = is_mmio, .mmio_read = mmio_read,
		.mmio_write = mmio_write, .port_in = port_in,
		.port_out = port_out, .maxphyaddr = 46, .gbpages = true,
	};
}

void fake_free(struct fake *f)
{
	free(f->ram);
	f->ram = NULL;
}

uint64_t fake_get(const struct fake *f, uint64_t gpa, unsigned int size)
{
	const uint8_t *p = in_mmio(gpa, size) ?
			   f->mmio + (gpa - FAKE_MMIO_BASE) : f->ram + gpa;
	uint64_t v = 0;

	if (!in_mmio(gpa, size) && !in_ram(gpa, size))
		abort();
	for (unsigned int i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

void fake_put(struct fake *f, uint64_t gpa, unsigned int size, uint64_t v)
{
	uint8_t *p = in_mmio(gpa, size) ? f->mmio + (gpa - FAKE_MMIO_BASE) :
		     f->ram + gpa;

	if (!in_mmio(gpa, size) && !in_ram(gpa, size))
		abort();
	for (unsigned int i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

unsigned int fake_mmio_count(const struct fake *f)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < f->nlog; i++)
		n += !f->log[i].port;
	return n;
}
