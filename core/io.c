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

void io_handle(struct vcpu *v, const struct vm_exit *e)
{
	struct vm *vm = v->vm;
	uint16_t port = e->io.port;
	uint64_t mask = size_mask(e->io.size), value = mask;
	int ret;

	if (e->io.string) {
		emulate_string_io(v, e);
		return;
	}
	if (e->io.in)
		ret = io_bus_read(&vm->ports, v, port, e->io.size, &value);
	else
		ret = io_bus_write(&vm->ports, v, port, e->io.size,
				   v->regs.rax & mask);
	if (ret) {
		if (vm->unknown_port_reports++ < UNKNOWN_PORT_REPORTS)
			log_debug("vm %s: %s port %#x (no device)", vm->name,
				  e->io.in ? "in from" : "out to", port);
		value = mask;	/* nobody drives the bus: all ones */
	}
	if (e->io.in)
		v->regs.rax = io_result(v->regs.rax, mask, value);
	vcpu_advance_rip(v, e);
}
