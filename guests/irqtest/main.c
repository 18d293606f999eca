// SPDX-License-Identifier: MIT
/*
 * irqtest: the PC platform's interrupt routing (docs/guests.md): the I/O
 * APIC at 0xfec00000, COM1's interrupts on GSI 4, the 8259 pair's
 * register state. Each check prints "irqtest: PASS name" or
 * "irqtest: FAIL name: what". Needs vcpus=2 (vCPU 1 takes interrupts
 * routed to it, halted and running); with cpus=0-1 that crosses CPUs.
 *   - the I/O APIC's ID (= the vCPU count), version, arbitration ID, an
 *     entry's reset value and read-back;
 *   - COM1's THRE interrupt through an edge entry, at the chosen vector,
 *     IIR reporting it; OUT2 gating the line; IIR's FIFO bits;
 *   - a level entry: remote IRR and the TMR bit while in service, the
 *     EOI with the cause still there delivers it again, remote IRR clear
 *     once the cause is gone; masking holds it back, unmasking delivers;
 *   - delivery to vCPU 1, physical while it halts, logical lowest
 *     priority while it spins;
 *   - NMIs through the ICR: to self with IF clear and CR8 = 15, a
 *     second one sent inside the handler held back until its IRET, and
 *     to vCPU 1 spinning and halted;
 *   - what a guest gets from odd accesses to the window (documented in
 *     docs/guests.md): a register index that does not exist, narrow and
 *     unaligned accesses, the rest of the page;
 *   - CR8 and the local APIC's TPR as one register, holding back an
 *     interrupt of their priority class or below;
 *   - the 8259s: an OS's probe and initialization;
 * then "irqtest: waiting for input": the test types a line at its
 * console through the management shell, and the received-data interrupt
 * brings it in (PASS rda). Last "irqtest: done: N failures".
 */
#include <stdarg.h>

#include <lib/format.h>
#include <lib/string.h>

#include "guest.h"

#define IOAPIC          0xfec00000ul
#define IOREGSEL        0x00
#define IOWIN           0x10
#define REG_ID          0x00
#define REG_VERSION     0x01
#define REG_ARB         0x02
#define REDIR_LOW(pin)  (0x10 + 2 * (pin))
#define REDIR_HIGH(pin) (0x11 + 2 * (pin))
#define ENTRY_LEVEL     (1u << 15)
#define ENTRY_MASKED    (1u << 16)
#define ENTRY_RIRR      (1u << 14)
#define ENTRY_LOGICAL   (1u << 11)
#define ENTRY_LOWEST    (1u << 8)
#define ENTRY_NMI       (4u << 8)
#define GSI_COM1        4

#define COM1            0x3f8
#define COM1_IER        (COM1 + 1)
#define COM1_IIR        (COM1 + 2)
#define COM1_FCR        (COM1 + 2)
#define COM1_MCR        (COM1 + 4)
#define COM1_LSR        (COM1 + 5)
#define IER_RDA         0x01
#define IER_THRE        0x02
#define IIR_NONE        0x01
#define IIR_THRE        0x02
#define IIR_RDA         0x04
#define MCR_OUT2        0x08
#define MCR_DTR_RTS     0x03
#define LSR_DATA_READY  0x01

#define PIC1_CMD        0x20
#define PIC1_DATA       0x21
#define PIC2_CMD        0xa0
#define PIC2_DATA       0xa1

#define X2_ID           0x802
#define X2_TPR          0x808
#define X2_ICR          0x830
#define ICR_NMI         (4ull << 8)
#define ICR_SELF        (1ull << 18)
#define X2_EOI          0x80b
#define X2_SVR          0x80f
#define X2_TMR0         0x818
#define SVR_ENABLE      0x1ff

#define VEC_EDGE        0x51
#define VEC_LEVEL       0x52
#define VEC_REMOTE      0x53
#define VEC_RDA         0x58
#define STACK_SIZE      16384
#define WAIT_MS         2000
#define INPUT_WAIT_MS   600000	/* the test types when it sees the prompt */

static uint8_t stack1[STACK_SIZE] __attribute__((aligned(16)));
static int failures;

/* what the handlers saw */
static volatile unsigned int edge_count, level_count, remote_count, rda_count;
static volatile uint8_t edge_iir, remote_iir, rda_iir;
static volatile uint32_t level_entry_in_isr, level_tmr_in_isr;
static volatile bool level_clear_cause;
static volatile char rda_text[32];
static volatile unsigned int rda_len;
static volatile unsigned int nmi_count[2], nmi_nested, nmi_inside;
static volatile bool nmi_in[2], nmi_send_again;
/* main-line loops after the handler's IRET, as the next NMI found them */
static volatile uint64_t nmi_spins, nmi_spins_seen;
static volatile bool nmi_left;
static volatile int vcpu1_mode;		/* 0 start, 1 halt loop, 2 spin, 3 stop */
static volatile int vcpu1_ready;

/*
 * Lines through CONSOLE_WRITE, not COM1: printing must not change the
 * UART's interrupt state under test (each THR write is a THRE cause).
 */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, strlen(buf));
}

static void check(bool ok, const char *name, const char *fmt, uint64_t a,
		  uint64_t b)
{
	char what[100];

	if (ok) {
		say("irqtest: PASS %s\n", name);
		return;
	}
	failures++;
	snprintf(what, sizeof(what), fmt, a, b);
	say("irqtest: FAIL %s: %s\n", name, what);
}

static volatile uint32_t *mmio32(unsigned long offset)
{
	return (volatile uint32_t *)(IOAPIC + offset);
}

static uint32_t ioapic_read(uint32_t index)
{
	*mmio32(IOREGSEL) = index;
	return *mmio32(IOWIN);
}

static void ioapic_write(uint32_t index, uint32_t value)
{
	*mmio32(IOREGSEL) = index;
	*mmio32(IOWIN) = value;
}

static void route(uint32_t low, uint8_t dest)
{
	ioapic_write(REDIR_LOW(GSI_COM1), ENTRY_MASKED);
	ioapic_write(REDIR_HIGH(GSI_COM1), (uint32_t)dest << 24);
	ioapic_write(REDIR_LOW(GSI_COM1), low);
}

/* COM1 quiet: no interrupt causes, the output gated off. */
static void uart_quiet(void)
{
	outb(COM1_IER, 0);
	outb(COM1_MCR, MCR_DTR_RTS);
	(void)inb(COM1_IIR);
}

/* Interrupts open until *count reaches want or WAIT_MS pass. */
static bool wait_for(volatile unsigned int *count, unsigned int want)
{
	uint64_t end = rdtsc() + ms_to_tsc(WAIT_MS);

	while (*count < want && rdtsc() < end)
		__asm__ volatile("sti; nop; nop; cli" ::: "memory");
	return *count >= want;
}

/* Interrupts open for ms: nothing should come. */
static void open_for(unsigned int ms)
{
	uint64_t end = rdtsc() + ms_to_tsc(ms);

	while (rdtsc() < end)
		__asm__ volatile("sti; nop; nop; cli" ::: "memory");
}

__attribute__((interrupt)) static void edge_isr(struct interrupt_frame *f)
{
	edge_iir = inb(COM1_IIR);	/* reports THRE, and clears it */
	edge_count++;
	wrmsr(X2_EOI, 0);
}

/*
 * Level: the first time the cause stays (EOI with the line high: the
 * I/O APIC sends again); after that, IIR is read to clear it.
 */
__attribute__((interrupt)) static void level_isr(struct interrupt_frame *f)
{
	if (level_count == 0) {
		level_entry_in_isr = ioapic_read(REDIR_LOW(GSI_COM1));
		level_tmr_in_isr = (uint32_t)rdmsr(X2_TMR0 + VEC_LEVEL / 32);
	}
	if (level_count > 0 || level_clear_cause)
		(void)inb(COM1_IIR);
	level_count++;
	wrmsr(X2_EOI, 0);
}

__attribute__((interrupt)) static void remote_isr(struct interrupt_frame *f)
{
	remote_iir = inb(COM1_IIR);
	remote_count++;
	wrmsr(X2_EOI, 0);
}

/*
 * NMIs, on either vCPU. With nmi_send_again it sends itself another one
 * and waits 5 ms: that one must wait for this handler's IRET.
 */
__attribute__((interrupt)) static void nmi_isr(struct interrupt_frame *f)
{
	unsigned int id = (unsigned int)rdmsr(X2_ID) & 1;
	uint64_t end;

	if (nmi_in[id])
		nmi_nested++;
	if (nmi_left && nmi_spins_seen == ~0ull)
		nmi_spins_seen = nmi_spins;
	nmi_in[id] = true;
	nmi_count[id]++;
	if (nmi_send_again) {
		nmi_send_again = false;
		wrmsr(X2_ICR, ICR_NMI | ICR_SELF);
		end = rdtsc() + ms_to_tsc(5);
		while (rdtsc() < end)
			__asm__ volatile("pause");
		nmi_inside = nmi_count[id];
		nmi_spins = 0;
		nmi_left = true;
	}
	nmi_in[id] = false;
}

__attribute__((interrupt)) static void rda_isr(struct interrupt_frame *f)
{
	rda_iir = inb(COM1_IIR);
	while (inb(COM1_LSR) & LSR_DATA_READY) {
		char c = (char)inb(COM1);

		if (rda_len < sizeof(rda_text) - 1)
			rda_text[rda_len++] = c;
	}
	rda_count++;
	wrmsr(X2_EOI, 0);
}

static void identity(void)
{
	uint32_t id = ioapic_read(REG_ID), entry;

	check(id == start_info->vcpu_count << 24, "ioapic_id",
	      "ID %#lx, want %#lx", id, (uint64_t)start_info->vcpu_count << 24);
	check(ioapic_read(REG_VERSION) == 0x00170011, "ioapic_version",
	      "version %#lx, want %#lx", ioapic_read(REG_VERSION), 0x00170011);
	check(ioapic_read(REG_ARB) == id, "ioapic_arb", "arbitration %#lx, ID %#lx",
	      ioapic_read(REG_ARB), id);
	entry = ioapic_read(REDIR_LOW(GSI_COM1));
	check(entry == ENTRY_MASKED && ioapic_read(REDIR_HIGH(GSI_COM1)) == 0,
	      "redir_reset", "entry 4 %#lx, high %#lx", entry,
	      ioapic_read(REDIR_HIGH(GSI_COM1)));
	route(VEC_EDGE | ENTRY_MASKED | ENTRY_LEVEL, 0x01);
	entry = ioapic_read(REDIR_LOW(GSI_COM1));
	check(entry == (VEC_EDGE | ENTRY_MASKED | ENTRY_LEVEL) &&
	      ioapic_read(REDIR_HIGH(GSI_COM1)) == 0x01000000, "redir_readback",
	      "entry 4 %#lx, high %#lx", entry, ioapic_read(REDIR_HIGH(GSI_COM1)));
}

static void thre_edge(void)
{
	uint8_t iir;

	uart_quiet();
	route(VEC_EDGE, 0);	/* edge, fixed, physical vCPU 0 */
	outb(COM1_MCR, MCR_DTR_RTS | MCR_OUT2);
	edge_count = 0;
	outb(COM1_IER, IER_THRE);	/* THR empty: the cause is there at once */
	wait_for(&edge_count, 1);
	open_for(20);
	check(edge_count == 1 && edge_iir == IIR_THRE, "thre_interrupt",
	      "%lu interrupts, IIR %#lx", edge_count, edge_iir);
	/* IIR read cleared it: nothing pending now */
	iir = inb(COM1_IIR);
	check(iir == IIR_NONE, "iir_cleared_by_read", "IIR %#lx, want %#lx", iir,
	      IIR_NONE);
	/* a THR write empties at once: a new THRE edge */
	outb(COM1, '.');
	outb(COM1, '\n');
	wait_for(&edge_count, 2);
	check(edge_count >= 2, "thre_after_write", "%lu interrupts", edge_count, 0);
	uart_quiet();

	/* OUT2 off: the cause is there, the line is not */
	edge_count = 0;
	outb(COM1_IER, IER_THRE);
	open_for(20);
	iir = inb(COM1_IIR);
	check(edge_count == 0 && iir == IIR_THRE, "out2_gates",
	      "%lu interrupts with OUT2 clear, IIR %#lx", edge_count, iir);
	outb(COM1_IER, 0);
	outb(COM1_FCR, 0x07);
	iir = inb(COM1_IIR);
	check(iir == (0xc0 | IIR_NONE), "iir_fifo_bits", "IIR %#lx, want %#lx", iir,
	      0xc0 | IIR_NONE);
	outb(COM1_IER, IER_THRE);
	iir = inb(COM1_IIR);
	check(iir == (0xc0 | IIR_THRE), "iir_fifo_thre", "IIR %#lx, want %#lx", iir,
	      0xc0 | IIR_THRE);
	outb(COM1_FCR, 0);
	uart_quiet();
}

static uint64_t read_cr8(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr8, %0" : "=r"(v));
	return v;
}

static void write_cr8(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr8" : : "r"(v) : "memory");
}

/*
 * CR8 is the local APIC's TPR (SDM 10.8.6.1): what one writes the other
 * reads, and either holds back an interrupt whose priority class is not
 * above it (VEC_EDGE is class 5), which comes once it is lowered.
 */
static void tpr(void)
{
	uint64_t cr8, x2tpr;

	uart_quiet();
	route(VEC_EDGE, 0);
	outb(COM1_MCR, MCR_DTR_RTS | MCR_OUT2);
	write_cr8(15);
	x2tpr = rdmsr(X2_TPR);
	check(x2tpr == 0xf0, "cr8_is_tpr", "TPR %#lx after CR8 = 15, want %#lx",
	      x2tpr, 0xf0);
	edge_count = 0;
	outb(COM1_IER, IER_THRE);
	open_for(20);
	check(edge_count == 0, "cr8_holds_back", "%lu interrupts with CR8 = 15",
	      edge_count, 0);
	wrmsr(X2_TPR, 0x50);
	cr8 = read_cr8();
	check(cr8 == 5, "tpr_is_cr8", "CR8 %#lx after TPR = 0x50, want %#lx",
	      cr8, 5);
	open_for(20);
	check(edge_count == 0, "tpr_class_holds_back",
	      "%lu interrupts of class 5 with TPR 0x50", edge_count, 0);
	write_cr8(4);
	wait_for(&edge_count, 1);
	open_for(20);
	check(edge_count == 1 && edge_iir == IIR_THRE, "cr8_lowered_delivers",
	      "%lu interrupts with CR8 = 4, IIR %#lx", edge_count, edge_iir);
	write_cr8(0);
	x2tpr = rdmsr(X2_TPR);
	check(x2tpr == 0, "cr8_cleared", "TPR %#lx after CR8 = 0", x2tpr, 0);
	uart_quiet();
}

static void level(void)
{
	uint32_t entry;

	uart_quiet();
	route(VEC_LEVEL | ENTRY_LEVEL | ENTRY_MASKED, 0);
	outb(COM1_MCR, MCR_DTR_RTS | MCR_OUT2);
	level_count = 0;
	level_clear_cause = false;
	outb(COM1_IER, IER_THRE);	/* line high, entry masked */
	open_for(20);
	entry = ioapic_read(REDIR_LOW(GSI_COM1));
	check(level_count == 0 && !(entry & ENTRY_RIRR), "masked_holds_back",
	      "%lu interrupts while masked, entry %#lx", level_count, entry);
	ioapic_write(REDIR_LOW(GSI_COM1), VEC_LEVEL | ENTRY_LEVEL);	/* unmask */
	wait_for(&level_count, 2);
	open_for(20);
	check(level_count == 2, "level_eoi_redelivers",
	      "%lu interrupts, want %lu (EOI with the cause still there)",
	      level_count, 2);
	check(level_entry_in_isr & ENTRY_RIRR, "remote_irr_in_service",
	      "entry in the handler %#lx", level_entry_in_isr, 0);
	check(level_tmr_in_isr & (1u << (VEC_LEVEL % 32)), "tmr_in_service",
	      "TMR word %#lx", level_tmr_in_isr, 0);
	entry = ioapic_read(REDIR_LOW(GSI_COM1));
	check(!(entry & ENTRY_RIRR), "remote_irr_cleared", "entry after %#lx",
	      entry, 0);
	/* masked again: a new cause waits; unmasking delivers it */
	ioapic_write(REDIR_LOW(GSI_COM1), VEC_LEVEL | ENTRY_LEVEL | ENTRY_MASKED);
	outb(COM1_IER, 0);
	level_count = 1;	/* the handler now clears the cause at once */
	outb(COM1_IER, IER_THRE);
	open_for(20);
	check(level_count == 1, "mask_level", "%lu interrupts while masked",
	      level_count - 1, 0);
	ioapic_write(REDIR_LOW(GSI_COM1), VEC_LEVEL | ENTRY_LEVEL);
	wait_for(&level_count, 2);
	check(level_count == 2, "unmask_delivers", "%lu interrupts after unmasking",
	      level_count - 1, 0);
	uart_quiet();
}

void guest_ap_main(uint64_t arg)
{
	idt_load();
	wrmsr(X2_SVR, SVR_ENABLE);
	vcpu1_ready = 1;
	while (vcpu1_mode != 3) {
		if (vcpu1_mode == 1)
			__asm__ volatile("sti; hlt; cli" ::: "memory");
		else
			__asm__ volatile("sti; pause; cli" ::: "memory");
	}
}

static void remote(void)
{
	long ret = vcpu_start(1, stack1 + STACK_SIZE, 1);

	if (ret) {
		check(false, "remote_halted", "vcpu_start returned %ld", (uint64_t)ret, 0);
		return;
	}
	while (!vcpu1_ready)
		sleep_ns(1000000);
	uart_quiet();
	/* vCPU 1 halts: physical destination 1 wakes it */
	vcpu1_mode = 1;
	sleep_ns(20000000);
	route(VEC_REMOTE | ENTRY_LEVEL, 1);
	outb(COM1_MCR, MCR_DTR_RTS | MCR_OUT2);
	remote_count = 0;
	outb(COM1_IER, IER_THRE);
	wait_for(&remote_count, 1);
	check(remote_count == 1 && remote_iir == IIR_THRE, "remote_halted",
	      "%lu interrupts on vCPU 1, IIR %#lx", remote_count, remote_iir);
	uart_quiet();
	/* vCPU 1 spins with interrupts open: logical, lowest priority */
	vcpu1_mode = 2;
	sleep_ns(20000000);
	route(VEC_REMOTE | ENTRY_LOGICAL | ENTRY_LOWEST, 0x02);
	outb(COM1_MCR, MCR_DTR_RTS | MCR_OUT2);
	remote_count = 0;
	outb(COM1_IER, IER_THRE);
	wait_for(&remote_count, 1);
	check(remote_count == 1 && remote_iir == IIR_THRE, "remote_running_logical",
	      "%lu interrupts on vCPU 1, IIR %#lx", remote_count, remote_iir);
	uart_quiet();
}

/* Spins until count reaches want or WAIT_MS pass, interrupts closed. */
static void wait_closed(volatile unsigned int *count, unsigned int want)
{
	uint64_t end = rdtsc() + ms_to_tsc(WAIT_MS);

	while (*count < want && rdtsc() < end)
		__asm__ volatile("pause");
}

/*
 * NMIs (SDM 6.7, 10.6.1): neither IF nor the TPR holds one back; one
 * sent while the handler runs waits for its IRET; vCPU 1 takes one
 * spinning and halted (vcpu1_mode 2 and 1).
 */
static void nmi(void)
{
	uint64_t end;

	write_cr8(15);
	nmi_count[0] = 0;
	wrmsr(X2_ICR, ICR_NMI | ICR_SELF);
	wait_closed(&nmi_count[0], 1);
	write_cr8(0);
	check(nmi_count[0] == 1, "nmi_self", "%lu NMIs with IF clear and CR8 = 15",
	      nmi_count[0], 0);
	nmi_count[0] = 0;
	nmi_nested = 0;
	nmi_spins_seen = ~0ull;
	nmi_send_again = true;
	wrmsr(X2_ICR, ICR_NMI | ICR_SELF);
	end = rdtsc() + ms_to_tsc(WAIT_MS);
	while (nmi_count[0] < 2 && rdtsc() < end)
		nmi_spins++;
	nmi_left = false;
	check(nmi_count[0] == 2 && nmi_nested == 0 && nmi_inside == 1,
	      "nmi_blocks_nmi", "%lu NMIs, %lu nested (want 2 and 0)",
	      nmi_count[0], nmi_nested);
	/*
	 * IF is clear here and after that IRET: the waiting NMI comes right
	 * after it all the same (SDM 6.7.1), before this loop runs once, not
	 * at whatever exit comes next.
	 */
	check(nmi_spins_seen == 0, "nmi_after_iret",
	      "the waiting NMI came after %lu loops past the IRET (want 0)",
	      nmi_spins_seen, 0);
	vcpu1_mode = 2;
	sleep_ns(20000000);
	nmi_count[1] = 0;
	wrmsr(X2_ICR, (1ull << 32) | ICR_NMI);
	wait_closed(&nmi_count[1], 1);
	check(nmi_count[1] == 1, "nmi_remote_running", "%lu NMIs on vCPU 1",
	      nmi_count[1], 0);
	vcpu1_mode = 1;
	sleep_ns(20000000);
	nmi_count[1] = 0;
	wrmsr(X2_ICR, (1ull << 32) | ICR_NMI);
	wait_closed(&nmi_count[1], 1);
	check(nmi_count[1] == 1 && nmi_nested == 0, "nmi_remote_halted",
	      "%lu NMIs on vCPU 1 halted, %lu nested", nmi_count[1], nmi_nested);
}

/*
 * The I/O APIC's NMI delivery mode (82093AA 3.2.4): COM1's pin sends an
 * NMI, its vector (0 here) ignored, taken with IF clear. No EOI ends an
 * NMI, so a level entry keeps no remote IRR.
 */
static void ioapic_nmi(void)
{
	uint32_t entry;

	uart_quiet();
	route(ENTRY_NMI, 0);
	nmi_count[0] = 0;
	outb(COM1_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(COM1_IER, IER_THRE);
	wait_closed(&nmi_count[0], 1);
	check(nmi_count[0] == 1, "ioapic_nmi",
	      "%lu NMIs from an edge entry in NMI mode, vector 0, IF clear",
	      nmi_count[0], 0);
	uart_quiet();
	route(ENTRY_NMI | ENTRY_LEVEL, 0);
	nmi_count[0] = 0;
	outb(COM1_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(COM1_IER, IER_THRE);
	wait_closed(&nmi_count[0], 1);
	entry = ioapic_read(REDIR_LOW(GSI_COM1));
	check(nmi_count[0] >= 1 && !(entry & ENTRY_RIRR), "ioapic_nmi_level",
	      "%lu NMIs from a level entry in NMI mode, entry %#lx",
	      nmi_count[0], entry);
	uart_quiet();
	route(ENTRY_MASKED, 0);
}

/* Odd accesses to the window: what docs/guests.md says a guest gets. */
static void window(void)
{
	volatile uint8_t *b = (volatile uint8_t *)IOAPIC;
	volatile uint64_t *q = (volatile uint64_t *)IOAPIC;
	uint32_t v;

	ioapic_write(0x40, 0xffffffff);			/* no such register */
	check(ioapic_read(0x40) == 0 && ioapic_read(0xff) == 0 &&
	      ioapic_read(0x05) == 0, "window_no_register", "%#lx %#lx",
	      ioapic_read(0x40), ioapic_read(0xff));
	*mmio32(IOREGSEL) = 0x1234;			/* IOREGSEL keeps 8 bits */
	check(*mmio32(IOREGSEL) == 0x34, "window_select_bits", "IOREGSEL %#lx",
	      *mmio32(IOREGSEL), 0);
	*mmio32(IOREGSEL) = REG_VERSION;
	check(b[IOWIN] == 0x11 && b[IOWIN + 2] == 0x17, "window_byte_reads",
	      "bytes %#lx, %#lx", b[IOWIN], b[IOWIN + 2]);
	check(q[IOWIN / 8] == 0x00170011, "window_qword_read", "%#lx",
	      q[IOWIN / 8], 0);
	/* a byte write to the vector byte of entry 4, the rest kept */
	route(VEC_EDGE | ENTRY_MASKED, 0);
	*mmio32(IOREGSEL) = REDIR_LOW(GSI_COM1);
	b[IOWIN] = 0x77;
	v = ioapic_read(REDIR_LOW(GSI_COM1));
	check(v == (0x77 | ENTRY_MASKED), "window_byte_write", "entry %#lx", v, 0);
	/* the rest of the page and a slot's reserved bytes: 0, writes ignored */
	*mmio32(0x20) = 0xffffffff;
	*mmio32(0x14) = 0xffffffff;
	*mmio32(0x800) = 0xffffffff;
	check(*mmio32(0x20) == 0 && *mmio32(0x14) == 0 && *mmio32(0xffc) == 0 &&
	      ioapic_read(REDIR_LOW(GSI_COM1)) == (0x77 | ENTRY_MASKED),
	      "window_elsewhere", "%#lx %#lx", *mmio32(0x20), *mmio32(0xffc));
	/* an unaligned dword across IOREGSEL's slot end: its first slot's */
	*mmio32(IOREGSEL) = REG_ID;
	v = *(volatile uint32_t *)(IOAPIC + 0x0e);
	check(v == 0, "window_unaligned", "%#lx", v, 0);
	route(ENTRY_MASKED, 0);
}

static void pic(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	check(inb(PIC1_DATA) == 0xff && inb(PIC2_DATA) == 0xff, "pic_probe",
	      "IMRs %#lx, %#lx", inb(PIC1_DATA), inb(PIC2_DATA));
	outb(PIC1_CMD, 0x11);
	outb(PIC1_DATA, 0x20);
	outb(PIC1_DATA, 0x04);
	outb(PIC1_DATA, 0x01);
	outb(PIC2_CMD, 0x11);
	outb(PIC2_DATA, 0x28);
	outb(PIC2_DATA, 0x02);
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xfb);
	outb(PIC2_DATA, 0xff);
	check(inb(PIC1_DATA) == 0xfb && inb(PIC2_DATA) == 0xff, "pic_init_mask",
	      "IMRs %#lx, %#lx", inb(PIC1_DATA), inb(PIC2_DATA));
	outb(PIC1_CMD, 0x0a);
	check(inb(PIC1_CMD) == 0, "pic_irr", "IRR %#lx", inb(PIC1_CMD), 0);
	outb(PIC1_CMD, 0x0b);
	check(inb(PIC1_CMD) == 0, "pic_isr", "ISR %#lx", inb(PIC1_CMD), 0);
	outb(PIC1_DATA, 0xff);
}

static void rda(void)
{
	char text[sizeof(rda_text)];
	uint64_t end;

	uart_quiet();
	route(VEC_RDA | ENTRY_LEVEL, 0);
	while (inb(COM1_LSR) & LSR_DATA_READY)	/* nothing old */
		(void)inb(COM1);
	outb(COM1_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(COM1_IER, IER_RDA);
	rda_count = 0;
	say("irqtest: waiting for input\n");
	end = rdtsc() + ms_to_tsc(INPUT_WAIT_MS);
	/* hlt: only the interrupt brings the vCPU back */
	while (!rda_count && rdtsc() < end)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	for (unsigned int i = 0; i < rda_len; i++)
		text[i] = rda_text[i];
	text[rda_len] = 0;
	if (rda_count)
		say("irqtest: got '%s' in %u interrupt(s)\n", text, rda_count);
	check(rda_count >= 1 && rda_iir == IIR_RDA && rda_len > 0, "rda",
	      "%lu interrupts, IIR %#lx", rda_count, rda_iir);
	uart_quiet();
	route(ENTRY_MASKED, 0);
}

void guest_main(void)
{
	if (start_info->vcpu_count < 2) {
		say("irqtest: FAIL setup: needs vcpus=2\n");
		return;
	}
	idt_set_gate(VEC_EDGE, edge_isr);
	idt_set_gate(VEC_LEVEL, level_isr);
	idt_set_gate(VEC_REMOTE, remote_isr);
	idt_set_gate(VEC_RDA, rda_isr);
	idt_set_gate(2, nmi_isr);
	idt_load();
	wrmsr(X2_SVR, SVR_ENABLE);
	identity();
	thre_edge();
	tpr();
	level();
	remote();
	nmi();
	ioapic_nmi();
	vcpu1_mode = 3;		/* vCPU 1 ends */
	window();
	pic();
	rda();
	say("irqtest: done: %d failures\n", failures);
}
