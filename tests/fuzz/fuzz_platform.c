// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the platform devices' register files a guest
 * writes: the I/O APIC (core/dev/vioapic_regs.c) with its routing
 * (apic_dest.c), the 8259 pair (vpic.c) and the 16550's interrupt logic
 * (vuart_irq.c). Each input is a sequence of 6-byte operations; besides
 * the sanitizers' checks it asserts what a guest can never break.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/dev/apic_dest.h>
#include <core/dev/vioapic.h>
#include <core/dev/vpic.h>
#include <core/dev/vuart.h>

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

#define OP_BYTES 6
#define TARGETS  8

static void check_ioapic(const struct vioapic_regs *r, uint32_t fired)
{
	CHECK(fired >> VIOAPIC_PINS == 0);
	CHECK(r->select <= 0xff);
	CHECK((r->id & ~0x0f000000u) == 0);
	for (unsigned int p = 0; p < VIOAPIC_PINS; p++) {
		uint64_t e = r->redir[p];

		CHECK((e & ~(VIOAPIC_REDIR_WRITABLE | VIOAPIC_REMOTE_IRR)) == 0);
		CHECK(!(e & VIOAPIC_REMOTE_IRR) || (e & VIOAPIC_LEVEL));
		if (!(fired & (1u << p)))
			continue;
		CHECK(!(e & VIOAPIC_MASKED));
		CHECK(!(e & VIOAPIC_LEVEL) ||
		      ((r->lines & (1u << p)) && (e & VIOAPIC_REMOTE_IRR)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apic_dest_view views[TARGETS];
	struct vioapic_regs io;
	struct vpic_regs pic;
	struct vuart uart;

	vioapic_regs_reset(&io, 2);
	vpic_regs_reset(&pic);
	memset(&uart, 0, sizeof(uart));
	memset(views, 0, sizeof(views));
	for (; size >= OP_BYTES; data += OP_BYTES, size -= OP_BYTES) {
		uint32_t value = (uint32_t)data[2] | (uint32_t)data[3] << 8 |
				 (uint32_t)data[4] << 16 | (uint32_t)data[5] << 24;
		uint32_t fired = 0;
		struct vioapic_msg m;
		uint32_t targets;
		uint8_t iir;

		switch (data[0] % 9) {
		case 0:
			io.select = data[1];
			fired = vioapic_regs_write(&io, value);
			break;
		case 1:
			io.select = data[1];
			(void)vioapic_regs_read(&io);
			break;
		case 2:
			fired = vioapic_regs_set_line(&io, data[1], value & 1);
			break;
		case 3:
			fired = vioapic_regs_eoi(&io, data[1]);
			break;
		case 4:
			vioapic_regs_undelivered(&io, data[1]);
			break;
		case 5:
			views[data[1] % TARGETS] = (struct apic_dest_view){
				.id = data[1] % TARGETS, .ldr = value,
				.dfr = value << 8 | 0x0fffffff,
				.x2apic = data[2] & 1, .present = data[2] & 2 };
			break;
		case 6:
			vpic_regs_write(&pic, data[1] & 1, data[2]);
			(void)vpic_regs_read(&pic, data[3] & 1);
			CHECK(pic.next_icw == 0 || (pic.next_icw >= 2 &&
						    pic.next_icw <= 4));
			break;
		case 7:
			vuart_set_ier(&uart, data[1]);
			uart.mcr = data[2] & VUART_MCR_MASK;
			uart.fcr = data[3] & VUART_FCR_ENABLE;
			iir = vuart_iir(&uart, data[4] & 1);
			CHECK(uart.ier <= VUART_IER_MASK);
			CHECK((iir & 0x3f) == VUART_IIR_NONE ||
			      (iir & 0x3f) == VUART_IIR_THRE ||
			      (iir & 0x3f) == VUART_IIR_RDA);
			CHECK(vuart_irq_line(&uart, data[4] & 1) ==
			      ((uart.mcr & VUART_MCR_OUT2) && !(iir & 1)));
			break;
		default:
			uart.thre_pending = data[1] & 1;
			break;
		}
		check_ioapic(&io, fired);
		for (unsigned int pin = 0; fired >> pin; pin++) {
			if (!(fired & (1u << pin)))
				continue;
			m = vioapic_regs_msg(&io, pin);
			targets = apic_dest_route(views, TARGETS, m.logical, m.dest,
						  m.mode == VIOAPIC_MODE_LOWEST);
			CHECK(targets >> TARGETS == 0);
			CHECK(m.mode != VIOAPIC_MODE_LOWEST ||
			      (targets & (targets - 1)) == 0);
			for (unsigned int t = 0; t < TARGETS; t++)
				CHECK(!(targets & (1u << t)) || views[t].present);
			if (!targets)
				vioapic_regs_undelivered(&io, pin);
		}
	}
	return 0;
}
