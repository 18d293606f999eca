// SPDX-License-Identifier: MIT
/*
 * Port I/O from guests. Every port exits (the I/O bitmaps are full); the
 * virtual UART claims COM1, anything else reads as all ones and ignores
 * writes, like an empty ISA bus. String I/O is not emulated yet.
 */
#include <arch/vendor.h>
#include <base/log.h>
#include <core/dev/vuart.h>
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
	uint64_t mask = size_mask(e->io.size);

	if (e->io.string) {
		vm_stop(vm, VM_STOPPED,
			"string I/O (ins/outs) on port %#x is not supported, vcpu %u rip %#lx",
			port, v->id, vendor->get_rip(v));
		return;
	}
	if (vuart_claims(port)) {
		if (e->io.in)
			v->regs.rax = io_result(v->regs.rax, mask, vuart_read(vm, port));
		else
			vuart_write(vm, port, (uint8_t)v->regs.rax);
	} else {
		if (vm->unknown_port_reports++ < UNKNOWN_PORT_REPORTS)
			log_debug("vm %s: %s port %#x (no device)", vm->name,
				  e->io.in ? "in from" : "out to", port);
		if (e->io.in)
			v->regs.rax = io_result(v->regs.rax, mask, mask);
	}
	vcpu_advance_rip(v, e);
}
