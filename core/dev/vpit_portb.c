// SPDX-License-Identifier: MIT
/*
 * Port 0x61, the PC's system control port B, as far as the PIT is in it
 * (IBM PC/AT technical reference): bit 0 is channel 2's gate, bit 1 the
 * speaker enable, bits 2-3 the parity and channel-check enables (kept as
 * written); reading adds bit 4, the memory refresh request that toggles
 * every 15.085 us (code that waits a few microseconds polls it), and
 * bit 5, channel 2's OUT (Linux and Keel itself calibrate the TSC
 * against it). Bits 6-7 (channel check and parity error) read 0.
 */
#include <arch/tsc.h>
#include <core/dev/vpit.h>
#include <keel/abi.h>

#define PORTB_GATE2      0x01
#define PORTB_WRITABLE   0x0f
#define PORTB_REFRESH    0x10
#define PORTB_OUT2       0x20
#define REFRESH_HALF_NS  15085u

static int portb_read(void *dev, void *caller, uint64_t offset, size_t size,
		      uint64_t *value)
{
	struct vpit *pit = dev;
	uint64_t now = clock_ns();
	uint8_t v = __atomic_load_n(&pit->port_b, __ATOMIC_RELAXED);

	(void)caller;
	(void)offset;
	if (size != 1)
		return -KEEL_EINVAL;
	if ((now / REFRESH_HALF_NS) & 1)
		v |= PORTB_REFRESH;
	if (vpit_out2(pit, now))
		v |= PORTB_OUT2;
	*value = v;
	return 0;
}

static int portb_write(void *dev, void *caller, uint64_t offset, size_t size,
		       uint64_t value)
{
	struct vpit *pit = dev;

	(void)caller;
	(void)offset;
	if (size != 1)
		return -KEEL_EINVAL;
	__atomic_store_n(&pit->port_b, (uint8_t)(value & PORTB_WRITABLE),
			 __ATOMIC_RELAXED);
	vpit_set_gate2(pit, value & PORTB_GATE2, clock_ns());
	return 0;
}

const struct io_bus_ops vpit_portb_ops = {
	.read = portb_read,
	.write = portb_write,
};
