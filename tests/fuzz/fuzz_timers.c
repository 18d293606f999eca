// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the timers a guest programs: the PIT with port
 * 0x61 (core/dev/vpit.c, vpit_count.c, vpit_portb.c) and the CMOS/RTC
 * (vrtc.c, vrtc_regs.c, lib/civil_time.c), driven through their port
 * handlers as a guest drives them, with the clock in the input's hands
 * (jumps of up to centuries included). Each operation is 3 bytes: kind,
 * port or time scale, value. Besides the sanitizers' checks it asserts
 * what a guest can never break: a device's next interrupt is never in
 * the past after it was serviced, one service raises at most one
 * interrupt per device, and a read returns one byte.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arch/tsc.h>
#include <core/dev/dev_timer.h>
#include <core/dev/irq.h>
#include <core/dev/vpit.h>
#include <core/dev/vrtc.h>
#include <drivers/cmos_rtc.h>

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

#define OP_BYTES 3

static uint64_t now_ns;
static unsigned int pulses[VM_GSI_COUNT];

/* The hypervisor's side, stubbed: the clock, the interrupt lines. */
uint64_t clock_ns(void)
{
	return now_ns;
}

void vm_irq_set(struct vm *vm, unsigned int gsi, bool high)
{
	(void)vm;
	CHECK(gsi == GSI_PIT || gsi == GSI_RTC);
	if (high)
		pulses[gsi]++;
}

void vm_dev_deadline_moved(struct vm *vm, void *caller)
{
	(void)vm;
	(void)caller;
}

void host_wall_time(uint64_t now, uint64_t *secs, uint64_t *edge_ns)
{
	/* 2026-12-05 00:00:00 since 0000-01-01, a second edge at 0 */
	*secs = 63900748800ull + now / 1000000000ull;
	*edge_ns = now - now % 1000000000ull;
}

struct port {
	const struct io_bus_ops *ops;
	void *dev;
	uint64_t offset;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vpit pit;
	static struct vrtc rtc;
	const struct port ports[] = {
		{ &vpit_bus_ops, &pit, 0 }, { &vpit_bus_ops, &pit, 1 },
		{ &vpit_bus_ops, &pit, 2 }, { &vpit_bus_ops, &pit, 3 },
		{ &vpit_portb_ops, &pit, 0 },
		{ &vrtc_bus_ops, &rtc, 0 }, { &vrtc_bus_ops, &rtc, 1 },
	};
	const unsigned int nports = sizeof(ports) / sizeof(ports[0]);

	now_ns = 1000000000ull;
	vpit_init(&pit, NULL);
	vrtc_init(&rtc, NULL, 256ull << 20);
	for (; size >= OP_BYTES; data += OP_BYTES, size -= OP_BYTES) {
		const struct port *p = &ports[data[1] % nports];
		uint64_t value = 0, step;
		unsigned int before_pit, before_rtc;

		switch (data[0] % 4) {
		case 0:		/* time passes: value << (0..63) ns */
			step = (uint64_t)data[2] << (data[1] % 56);
			if (now_ns + step >= now_ns && now_ns + step < (1ull << 62))
				now_ns += step;
			break;
		case 1:
			CHECK(p->ops->write(p->dev, NULL, p->offset, 1,
					    data[2]) == 0);
			break;
		case 2:
			CHECK(p->ops->read(p->dev, NULL, p->offset, 1,
					   &value) == 0);
			CHECK(value <= 0xff);
			break;
		default:	/* the timekeeper looks */
			before_pit = pulses[GSI_PIT];
			before_rtc = pulses[GSI_RTC];
			vpit_service(&pit, now_ns);
			vrtc_service(&rtc, now_ns);
			CHECK(pulses[GSI_PIT] - before_pit <= 1);
			CHECK(pulses[GSI_RTC] - before_rtc <= 1);
			CHECK(vpit_deadline(&pit) > now_ns);
			CHECK(vrtc_deadline(&rtc) > now_ns);
			break;
		}
		/* a wider access is refused, never half done */
		CHECK(p->ops->write(p->dev, NULL, p->offset, 2, 0) != 0);
	}
	return 0;
}
