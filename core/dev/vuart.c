// SPDX-License-Identifier: MIT
/* The virtual 16550 (PC16550D register set, polled, no interrupts). */
#include <core/dev/vuart.h>
#include <core/vm.h>

#define REG_DATA 0
#define REG_IER  1
#define REG_IIR  2
#define REG_LCR  3
#define REG_MCR  4
#define REG_LSR  5
#define REG_MSR  6
#define REG_SCR  7

#define LCR_DLAB        0x80
#define IIR_NO_INTERRUPT 0x01
#define LSR_DATA_READY  0x01
#define LSR_THR_EMPTY   0x20
#define LSR_TX_EMPTY    0x40
#define MSR_CONNECTED   0xb0	/* DCD, DSR, CTS */

uint8_t vuart_read(struct vm *vm, uint16_t port)
{
	struct vuart *u = &vm->uart;

	switch (port - VUART_BASE) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		{
			int c = vm_console_getc(vm);

			return c < 0 ? 0 : (uint8_t)c;
		}
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR:
		return IIR_NO_INTERRUPT;
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		/* transmission is instant: the holding register is always empty */
		return LSR_THR_EMPTY | LSR_TX_EMPTY |
		       (vm_console_has_input(vm) ? LSR_DATA_READY : 0);
	case REG_MSR:
		return MSR_CONNECTED;
	default:
		return u->scr;
	}
}

void vuart_write(struct vm *vm, uint16_t port, uint8_t value)
{
	struct vuart *u = &vm->uart;

	switch (port - VUART_BASE) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB)
			u->dll = value;
		else
			vm_console_putc(vm, (char)value);
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB)
			u->dlm = value;
		else
			u->ier = value & 0x0f;
		break;
	case REG_LCR:
		u->lcr = value;
		break;
	case REG_MCR:
		u->mcr = value & 0x1f;
		break;
	case REG_SCR:
		u->scr = value;
		break;
	default:
		break;	/* FCR, LSR, MSR writes: nothing to do */
	}
}

/* The port bus's view (core/dev/io_bus.h): dev is the VM, one byte a port. */
static int vuart_bus_read(void *dev, void *caller, uint64_t offset,
			  size_t size, uint64_t *value)
{
	(void)caller;
	(void)size;
	*value = vuart_read(dev, (uint16_t)(VUART_BASE + offset));
	return 0;
}

static int vuart_bus_write(void *dev, void *caller, uint64_t offset,
			   size_t size, uint64_t value)
{
	(void)caller;
	(void)size;
	vuart_write(dev, (uint16_t)(VUART_BASE + offset), (uint8_t)value);
	return 0;
}

const struct io_bus_ops vuart_bus_ops = {
	.read = vuart_bus_read,
	.write = vuart_bus_write,
};
