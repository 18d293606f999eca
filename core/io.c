// SPDX-License-Identifier: MIT
/*
 * Port I/O from guests. Every port exits (the I/O bitmaps are full); the
 * devices on the VM's port bus (core/dev/io_bus.h: the virtual UART at
 * COM1) answer, anything else reads as all ones and ignores writes, like
 * an empty ISA bus. String I/O (INS, OUTS, with REP) goes through the
 * instruction emulator to the same bus (core/emulate.c).
 */
#include <arch/vendor.h>
#include <base/log.h>
#include <core/dev/io_bus.h>
#include <core/emulate.h>
#include <core/exit_dispatch.h>
#include <core/vm.h>

#define UNKNOWN_PORT_REPORTS 8

static uint64_t size_mask(uint8_t size)
{
	return size == 4 ? 0xffffffffull : (1ull << (size * 8)) - 1;
}

/*
 * RAX after IN: an 8- or 16-bit IN merges into AL/AX, a 32-bit one writes
 * EAX and so zeroes bits 63:32, like any 32-bit register write (SDM 3.4.1.1).
 */
static uint64_t io_result(uint64_t rax, uint64_t mask, uint64_t value)
{
	if (mask == 0xffffffffull)
		return value & mask;
	return (rax & ~mask) | (value & mask);
}

/*
 * No device at the port: the write is ignored, IN reads all ones; the
 * first few are logged. Apart from io_handle so that its common path
 * keeps fewer registers across the bus call.
 */
static __attribute__((noinline)) void no_device(struct vcpu *v,
						const struct vm_exit *e)
{
	struct vm *vm = v->vm;

	if (vm->unknown_port_reports++ < UNKNOWN_PORT_REPORTS)
		log_debug("vm %s: %s port %#x (no device)", vm->name,
			  e->io.in ? "in from" : "out to", e->io.port);
}

void io_handle(struct vcpu *v, const struct vm_exit *e)
{
	uint64_t value;

	if (e->io.string) {
		emulate_string_io(v, e);
		return;
	}
	if (e->io.in) {
		value = size_mask(e->io.size);	/* nobody drives the bus: all ones */
		if (io_bus_read(&v->vm->ports, v, e->io.port, e->io.size,
				&value)) {
			no_device(v, e);
			value = size_mask(e->io.size);
		}
		v->regs.rax = io_result(v->regs.rax, size_mask(e->io.size),
					value);
	} else if (io_bus_write(&v->vm->ports, v, e->io.port, e->io.size,
				v->regs.rax & size_mask(e->io.size))) {
		no_device(v, e);
	}
	vcpu_advance_rip(v, e);
}
