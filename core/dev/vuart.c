// SPDX-License-Identifier: MIT
/*
 * The virtual 16550 (PC16550D register set) at COM1, with its interrupt
 * on GSI 4; see core/dev/vuart.h. Lock order: the UART's lock, then the
 * VM's (its input queue) or the I/O APIC's (vm_irq_set).
 */
#include <core/dev/irq.h>
#include <core/dev/vuart.h>
#include <core/vm.h>

#define REG_DATA 0
#define REG_IER  1
#define REG_IIR  2	/* FCR when written */
#define REG_LCR  3
#define REG_MCR  4
#define REG_LSR  5
#define REG_MSR  6
#define REG_SCR  7

#define LCR_DLAB        0x80
#define LSR_DATA_READY  0x01
#define LSR_THR_EMPTY   0x20
#define LSR_TX_EMPTY    0x40
#define MSR_CONNECTED   0xb0	/* DCD, DSR, CTS */

void vuart_init(struct vuart *u)
{
	*u = (struct vuart){ .lock = SPINLOCK_INIT };
}

/* Is a received byte waiting? Without pulling the console owner's typing. */
static bool rx_ready(struct vm *vm)
{
	return __atomic_load_n(&vm->rx_count, __ATOMIC_ACQUIRE) != 0;
}

/* UART lock held: GSI 4 follows the interrupt output when it changes. */
static void update_line(struct vm *vm)
{
	struct vuart *u = &vm->uart;
	bool line = vuart_irq_line(u, rx_ready(vm));

	if (line == u->line)
		return;
	u->line = line;
	vm_irq_set(vm, GSI_COM1, line);
}

static uint8_t read_locked(struct vm *vm, unsigned int reg)
{
	struct vuart *u = &vm->uart;
	uint8_t iir;
	int c;

	switch (reg) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		c = vm_console_getc(vm);
		return c < 0 ? 0 : (uint8_t)c;
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR:
		iir = vuart_iir(u, rx_ready(vm));
		/* reading IIR that reports THRE clears that cause */
		if ((iir & ~VUART_IIR_FIFO) == VUART_IIR_THRE)
			u->thre_pending = false;
		return iir;
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

uint8_t vuart_read(struct vm *vm, uint16_t port)
{
	struct vuart *u = &vm->uart;
	uint8_t value;

	spin_lock(&u->lock);
	value = read_locked(vm, (unsigned int)(port - VUART_BASE));
	update_line(vm);
	spin_unlock(&u->lock);
	return value;
}

static void write_locked(struct vm *vm, unsigned int reg, uint8_t value)
{
	struct vuart *u = &vm->uart;

	switch (reg) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB) {
			u->dll = value;
			break;
		}
		vm_console_putc(vm, (char)value);
		/* sent at once: the holding register is empty again */
		u->thre_pending = true;
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB)
			u->dlm = value;
		else
			vuart_set_ier(u, value);
		break;
	case REG_IIR:
		/* FCR: the FIFOs on or off; the clear bits drop nothing queued */
		u->fcr = value & VUART_FCR_ENABLE;
		break;
	case REG_LCR:
		u->lcr = value;
		break;
	case REG_MCR:
		u->mcr = value & VUART_MCR_MASK;
		break;
	case REG_SCR:
		u->scr = value;
		break;
	default:
		break;	/* LSR, MSR: read-only */
	}
}

void vuart_write(struct vm *vm, uint16_t port, uint8_t value)
{
	struct vuart *u = &vm->uart;

	spin_lock(&u->lock);
	write_locked(vm, (unsigned int)(port - VUART_BASE), value);
	update_line(vm);
	spin_unlock(&u->lock);
}

/* Pull what is waiting for the VM (the console owner's typing), set the line. */
static void input_arrived(struct vm *vm)
{
	struct vuart *u = &vm->uart;

	spin_lock(&u->lock);
	(void)vm_console_has_input(vm);
	update_line(vm);
	spin_unlock(&u->lock);
}

size_t vuart_receive(struct vm *vm, const uint8_t *bytes, size_t len)
{
	size_t n = vm_console_input(vm, bytes, len);

	if (n)
		input_arrived(vm);
	return n;
}

void vuart_poll_console_owner(void)
{
	struct vm *owner = __atomic_load_n(&console_owner, __ATOMIC_ACQUIRE);
	uint8_t ier, mcr;

	if (!owner)
		return;
	/* a hint without the lock: a polled guest's UART is left alone */
	ier = __atomic_load_n(&owner->uart.ier, __ATOMIC_RELAXED);
	mcr = __atomic_load_n(&owner->uart.mcr, __ATOMIC_RELAXED);
	if ((ier & VUART_IER_RDA) && (mcr & VUART_MCR_OUT2))
		input_arrived(owner);
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
