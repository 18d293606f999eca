// SPDX-License-Identifier: MIT
/*
 * Load an attacker can put on its CPU: timer and IPI storms, a CPU hog,
 * console floods. Each must leave the victims their share (the test reads
 * their rounds and largest gap) and keep the attacker's own sleeps on time.
 */
#include <lib/string.h>

#include "cases.h"
#include "hostile.h"

#define STORM_MS 200
#define SVR_ENABLE 0x100
#define LVT_PERIODIC (1u << 17)
#define LVT_MASKED (1u << 16)

static void spin_ms(uint64_t ms)
{
	uint64_t end = rdtsc() + ms_to_tsc(ms);

	while (rdtsc() < end)
		__asm__ volatile("pause");
}

static uint64_t timed_sleep_ms(uint64_t ms)
{
	uint64_t t0 = rdtsc();

	sleep_ns(ms * 1000000);
	return tsc_to_ms(rdtsc() - t0);
}

static void judge_sleep(const char *during, uint64_t took)
{
	if (took < 1000 || took > 1500)
		fail("a 1 s sleep during %s took %lu ms", during, took);
}

/*
 * Periodic mode at divide 1: initial count 1 (far below a nanosecond),
 * then count 1000 (well below a microsecond). The timer must keep firing
 * (at the hypervisor's minimum period), the guest must make progress
 * between the interrupts, and a 1 s sleep under the storm takes 1 s.
 */
void case_timer_storm(void)
{
	uint64_t took, ticks1, ticks2;

	wrmsr(X2_SVR, SVR_ENABLE | 0xff);
	wrmsr(X2_TIMER_DIV, 0xb);		/* divide by 1 */
	wrmsr(X2_LVT_TIMER, STORM_VECTOR | LVT_PERIODIC);
	trap.ticks = 0;
	wrmsr(X2_TIMER_INIT, 1);
	__asm__ volatile("sti");
	spin_ms(STORM_MS);
	ticks1 = trap.ticks;
	__asm__ volatile("cli");
	trap.ticks = 0;
	wrmsr(X2_TIMER_INIT, 1000);
	__asm__ volatile("sti");
	spin_ms(STORM_MS);
	ticks2 = trap.ticks;
	took = timed_sleep_ms(1000);
	__asm__ volatile("cli");
	wrmsr(X2_TIMER_INIT, 0);
	wrmsr(X2_LVT_TIMER, LVT_MASKED);
	gprintf("hostile: timer_storm: count 1: %lu interrupts in %u ms; count 1000: %lu; 1 s sleep took %lu ms\n",
		ticks1, STORM_MS, ticks2, took);
	if (ticks1 < 10)
		fail("a periodic timer with count 1 fired %lu times in %u ms", ticks1,
		     STORM_MS);
	else if (ticks2 < 10)
		fail("a periodic timer with count 1000 fired %lu times in %u ms",
		     ticks2, STORM_MS);
	else
		judge_sleep("a sub-microsecond periodic timer", took);
}

/*
 * The PIT's channel 0 at its shortest period (count 1 in mode 2: 838 ns)
 * through the VM's own I/O APIC to this vCPU: the device timer's minimum
 * period holds it to at most one interrupt per 200 us (docs/isolation.md,
 * "device deadline"), the guest progresses and a 1 s sleep takes 1 s.
 */
#define IOAPIC_BASE  0xfec00000ull
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define IOAPIC_MASKED (1u << 16)
#define GSI_PIT_PIN  2
#define PIT_CTRL     0x43
#define PIT_CH0      0x40
#define PIT_CH0_RATE 0x34	/* channel 0, low then high byte, mode 2 */
#define PIT_CH0_ONESHOT 0x30	/* mode 0 with no count: stops it */
#define DEV_MIN_PERIOD_US 200

static void ioapic_write(unsigned int reg, uint32_t value)
{
	volatile uint32_t *ioapic = (volatile uint32_t *)IOAPIC_BASE;

	ioapic[0] = reg;
	ioapic[4] = value;
}

void case_device_irq_storm(void)
{
	uint64_t took, ticks, most = STORM_MS * 1000 / DEV_MIN_PERIOD_US;

	wrmsr(X2_SVR, SVR_ENABLE | 0xff);
	ioapic_write(IOAPIC_REDIR(GSI_PIT_PIN) + 1, 0);	/* APIC ID 0 */
	ioapic_write(IOAPIC_REDIR(GSI_PIT_PIN), STORM_VECTOR);	/* edge, fixed */
	trap.ticks = 0;
	outb(PIT_CTRL, PIT_CH0_RATE);
	outb(PIT_CH0, 1);
	outb(PIT_CH0, 0);
	__asm__ volatile("sti");
	spin_ms(STORM_MS);
	ticks = trap.ticks;
	took = timed_sleep_ms(1000);
	__asm__ volatile("cli");
	outb(PIT_CTRL, PIT_CH0_ONESHOT);
	ioapic_write(IOAPIC_REDIR(GSI_PIT_PIN), IOAPIC_MASKED);
	gprintf("hostile: device_irq_storm: PIT count 1: %lu interrupts in %u ms (at most %lu); 1 s sleep took %lu ms\n",
		ticks, STORM_MS, most, took);
	if (ticks < 10)
		fail("the PIT at count 1 fired %lu times in %u ms", ticks,
		     STORM_MS);
	else if (ticks > most + most / 10)
		fail("the PIT fired %lu times in %u ms: above the %u us minimum period",
		     ticks, STORM_MS, DEV_MIN_PERIOD_US);
	else
		judge_sleep("a PIT at its shortest period", took);
}

/*
 * The VM's own 8259 pair at its worst: level-triggered (ICW1 LTIM) with
 * automatic EOI, and COM1's THR-empty cause left standing, so the master
 * asks again for IRQ 4 at every acknowledge; LVT LINT0 in ExtINT mode
 * takes it to this vCPU. The handler never clears the cause, and it masks
 * the master once STORM_MS have passed: until then this vCPU runs nothing
 * but the handler. The victim on this CPU keeps its rounds (the test
 * reads them) and a 1 s sleep after the storm takes 1 s.
 */
#define PIC1_CMD     0x20
#define ICW1_LTIM_ICW4 0x19	/* init, level-triggered, cascade, ICW4 */
#define ICW4_AEOI_8086 0x03
#define X2_LVT_LINT0 0x835
#define LVT_EXTINT   0x700
#define COM1_IER     0x3f9
#define COM1_MCR     0x3fc
#define IER_THRE     0x02
#define MCR_DTR_RTS  0x03
#define MCR_OUT2     0x08

void case_pic_storm(void)
{
	uint64_t took, ticks, t0, spent;

	wrmsr(X2_SVR, SVR_ENABLE | 0xff);
	wrmsr(X2_LVT_LINT0, LVT_EXTINT);
	outb(PIC1_CMD, ICW1_LTIM_ICW4);
	outb(PIC1_DATA, PIC_VECTOR_BASE);
	outb(PIC1_DATA, 1u << 2);		/* ICW3: a slave on IRQ 2 */
	outb(PIC1_DATA, ICW4_AEOI_8086);
	outb(PIC1_DATA, (uint8_t)~(1u << 4));	/* IRQ 4 (COM1) only */
	trap.ticks = 0;
	t0 = rdtsc();
	trap.storm_end = t0 + ms_to_tsc(STORM_MS);
	outb(COM1_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(COM1_IER, IER_THRE);	/* the THR is empty: the line is up */
	__asm__ volatile("sti; nop; cli" ::: "memory");
	spent = tsc_to_ms(rdtsc() - t0);
	ticks = trap.ticks;
	outb(COM1_IER, 0);
	outb(COM1_MCR, MCR_DTR_RTS);
	outb(PIC1_DATA, 0xff);
	wrmsr(X2_LVT_LINT0, LVT_MASKED);
	took = timed_sleep_ms(1000);
	gprintf("hostile: pic_storm: %lu interrupts in %lu ms before the handler masked IRQ 4; 1 s sleep took %lu ms\n",
		ticks, spent, took);
	if (ticks < 100)
		fail("a standing level on IRQ 4 gave %lu interrupts", ticks);
	else if (spent < STORM_MS)
		fail("the guest ran on %lu ms into a %u ms storm", spent,
		     STORM_MS);
	else
		judge_sleep("after an 8259 level storm", took);
}

/*
 * The I/O APIC in NMI delivery mode, at its worst: the PIT at count 1
 * on GSI 2 and COM1's THR-empty cause left standing on GSI 4, both
 * entries in NMI mode to this vCPU, GSI 4's marked level-triggered (no
 * EOI ends an NMI, so the entry holds no remote IRR and sends once per
 * rising edge, whatever its trigger mode), IF clear throughout. NMIs
 * come at the PIT's rate at most, one at a time (never inside another's
 * handler), the victim on this CPU keeps its rounds and a 1 s sleep
 * after it takes 1 s.
 */
#define GSI_COM1_PIN   4
#define IOAPIC_NMI     (4u << 8)
#define IOAPIC_LEVEL   (1u << 15)

void case_ioapic_nmi_storm(void)
{
	/* the PIT's, 10 % for timing, and COM1's one rising edge and one more */
	uint64_t took, ticks, most = STORM_MS * 1000 / DEV_MIN_PERIOD_US;
	uint64_t limit = most + most / 10 + 2;

	trap.ticks = 0;
	trap.nmi_nested = 0;
	trap.nmi_count_only = 1;
	ioapic_write(IOAPIC_REDIR(GSI_PIT_PIN) + 1, 0);	/* APIC ID 0 */
	ioapic_write(IOAPIC_REDIR(GSI_COM1_PIN) + 1, 0);
	ioapic_write(IOAPIC_REDIR(GSI_PIT_PIN), IOAPIC_NMI);
	ioapic_write(IOAPIC_REDIR(GSI_COM1_PIN), IOAPIC_NMI | IOAPIC_LEVEL);
	outb(COM1_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(COM1_IER, IER_THRE);	/* the THR is empty: the line is up */
	outb(PIT_CTRL, PIT_CH0_RATE);
	outb(PIT_CH0, 1);
	outb(PIT_CH0, 0);
	spin_ms(STORM_MS);
	outb(PIT_CTRL, PIT_CH0_ONESHOT);
	outb(COM1_IER, 0);
	outb(COM1_MCR, MCR_DTR_RTS);
	ioapic_write(IOAPIC_REDIR(GSI_PIT_PIN), IOAPIC_MASKED);
	ioapic_write(IOAPIC_REDIR(GSI_COM1_PIN), IOAPIC_MASKED);
	spin_ms(10);		/* an NMI sent as the entry was masked */
	ticks = trap.ticks;
	trap.nmi_count_only = 0;
	took = timed_sleep_ms(1000);
	gprintf("hostile: ioapic_nmi_storm: %lu NMIs in %u ms (at most %lu), %u inside another's handler; 1 s sleep took %lu ms\n",
		ticks, STORM_MS, limit, trap.nmi_nested, took);
	if (ticks < 10)
		fail("the PIT at count 1 in NMI mode gave %lu NMIs in %u ms",
		     ticks, STORM_MS);
	else if (ticks > limit)
		fail("%lu NMIs in %u ms: above the PIT's %u us minimum period",
		     ticks, STORM_MS, DEV_MIN_PERIOD_US);
	else if (trap.nmi_nested)
		fail("%u NMIs came inside another's handler", trap.nmi_nested);
	else
		judge_sleep("after an I/O APIC NMI storm", took);
}

void case_ipi_storm(void)
{
	uint64_t end, sent = 0, took;

	trap.ticks = 0;
	wrmsr(X2_SVR, SVR_ENABLE | 0xff);
	__asm__ volatile("sti");
	end = rdtsc() + ms_to_tsc(STORM_MS);
	while (rdtsc() < end) {
		wrmsr(X2_SELF_IPI, IPI_VECTOR);
		wrmsr(X2_ICR, (1ull << 18) | IPI_VECTOR);	/* self shorthand */
		wrmsr(X2_ICR, (2ull << 18) | IPI_VECTOR);	/* all, incl. self */
		wrmsr(X2_ICR, (1ull << 32) | IPI_VECTOR);	/* vCPU 1 (done) */
		sent += 4;
	}
	__asm__ volatile("cli");
	took = timed_sleep_ms(1000);
	gprintf("hostile: ipi_storm: %lu IPIs sent, %lu taken in %u ms; 1 s sleep took %lu ms\n",
		sent, trap.ticks, STORM_MS, took);
	judge_sleep("after an IPI storm", took);
	if (!trap.ticks)
		fail("no self-IPI was delivered");
}

/*
 * Self-NMIs for STORM_MS, each sent from the handler of the one before:
 * the next one waits for that handler's IRET, so the guest takes one NMI
 * at a time, as fast as Keel delivers them, with IF open. With sti, each
 * handler opens IF first, so IF is already set at its IRET (on SVM that
 * IRET is intercepted, and the interrupt window must not be what finds
 * it done). The victims on this CPU keep their rounds, and a 1 s sleep
 * after it takes 1 s. NMI_STORM_LEAST: each NMI must come right after
 * the IRET before it (some 600-1300 and 9000 in 200 ms on QEMU and Bochs);
 * one waiting for the next exit of any kind gets some 40.
 */
#define NMI_STORM_LEAST 150u

static void nmi_storm(const char *name, bool sti)
{
	uint64_t took, ticks, end;

	trap.ticks = 0;
	trap.nmi_nested = 0;
	trap.nmi_sti = sti;
	trap.nmi_storm_end = rdtsc() + ms_to_tsc(STORM_MS);
	__asm__ volatile("sti");
	wrmsr(X2_ICR, ICR_SELF_NMI);
	end = trap.nmi_storm_end + ms_to_tsc(50);	/* the last one's IRET */
	while (rdtsc() < end)
		__asm__ volatile("pause");
	__asm__ volatile("cli");
	ticks = trap.ticks;
	trap.nmi_storm_end = 0;
	trap.nmi_sti = 0;
	took = timed_sleep_ms(1000);
	gprintf("hostile: %s: %lu NMIs in %u ms, %u inside another's handler; 1 s sleep took %lu ms\n",
		name, ticks, STORM_MS, trap.nmi_nested, took);
	if (ticks < NMI_STORM_LEAST)
		fail("%lu self-NMIs were taken in %u ms (want %u or more)", ticks,
		     STORM_MS, NMI_STORM_LEAST);
	else if (trap.nmi_nested)
		fail("%u NMIs came inside another's handler", trap.nmi_nested);
	else
		judge_sleep("after an NMI storm", took);
}

void case_nmi_storm(void)
{
	nmi_storm("nmi_storm", false);
}

void case_nmi_storm_sti(void)
{
	nmi_storm("nmi_storm_sti", true);
}

void case_cpu_hog(void)
{
	uint64_t t0 = rdtsc(), loops = 0;

	while (rdtsc() - t0 < ms_to_tsc(500))
		loops++;
	gprintf("hostile: cpu_hog: spun 500 ms (%lu loops)\n", loops);
}

static char flood[4096];

/*
 * The console is shared: a flood fills the hypervisor's output queue and
 * lines printed meanwhile may be dropped. So the floods wait for their
 * slot (args flood_at=MS after this VM started, when the other attackers
 * are done) and wait for the queue to drain before their result line.
 */
#define DRAIN_MS 3000

static uint64_t vm_start_ms;

static void wait_for_flood_slot(void)
{
	uint64_t at;

	if (!vm_start_ms)
		vm_start_ms = now_ms();
	at = vm_start_ms + arg_u64("flood_at", 0);
	while (now_ms() < at)
		sleep_ns(10000000);
}

void hostile_load_start(void)
{
	vm_start_ms = now_ms();
}

void case_console_flood_hc(void)
{
	uint64_t t0, took;

	wait_for_flood_slot();
	t0 = rdtsc();
	for (unsigned int i = 0; i < sizeof(flood); i++)
		flood[i] = i % 64 == 63 ? '\n' : "flood-hypercall-"[i % 16];
	for (int i = 0; i < 16; i++) {
		long r = hc(KEEL_HC_CONSOLE_WRITE, (uint64_t)flood, sizeof(flood), 0, 0);

		if (r != (long)sizeof(flood)) {
			fail("console_write returned %ld", r);
			return;
		}
	}
	took = tsc_to_ms(rdtsc() - t0);
	sleep_ns(DRAIN_MS * 1000000ull);
	gprintf("\nhostile: console_flood_hc: 64 KiB in %lu ms\n", took);
}

void case_console_flood_com1(void)
{
	uint64_t t0 = rdtsc(), took;

	for (unsigned int i = 0; i < 16384; i++)
		console_putc(i % 64 == 63 ? '\n' : "flood-com1------"[i % 16]);
	took = tsc_to_ms(rdtsc() - t0);
	sleep_ns(DRAIN_MS * 1000000ull);
	gprintf("\nhostile: console_flood_com1: 16 KiB in %lu ms\n", took);
}

void case_cr8_max_sleep(void)
{
	uint64_t took;

	write_cr8_(15);		/* masks every interrupt class this vCPU can */
	took = timed_sleep_ms(20);
	write_cr8_(0);
	if (took > 500)
		fail("a 20 ms sleep with CR8=15 took %lu ms", took);
}

/* ---------------------------------------------------- forbidden accesses */

static void probe_read(uint64_t gpa, const char *what)
{
	uint64_t v;

	gprintf("hostile: probe: reading %s at %#lx\n", what, gpa);
	v = *(volatile uint64_t *)gpa;
	fail("read %s at %#lx returned %#lx", what, gpa, v);
}

void case_probe_end(void)
{
	probe_read(start_info->mem_bytes, "past the end of RAM");
}

void case_probe_hv_read(void)
{
	probe_read(start_info->hv_phys_start, "the hypervisor's image");
}

void case_probe_hv_write(void)
{
	gprintf("hostile: probe: writing the hypervisor's image at %#lx\n",
		start_info->hv_phys_start + 0x1000);
	*(volatile uint64_t *)(start_info->hv_phys_start + 0x1000) = 0;
	fail("write to the hypervisor's image went through");
}

void case_probe_lapic(void)
{
	probe_read(0xfee00000ull, "the host's local APIC");
}

/*
 * 0xfec00000 is the VM's own virtual I/O APIC (core/dev/vioapic.c), never
 * the host's: its version register answers. The page after it is no
 * device's.
 */
void case_probe_ioapic(void)
{
	volatile uint32_t *ioapic = (volatile uint32_t *)0xfec00000ull;
	uint32_t version;

	ioapic[0] = 1;			/* IOREGSEL: the version register */
	version = ioapic[4];		/* IOWIN */
	if (version != 0x00170011) {
		fail("0xfec00000 is not the VM's own I/O APIC: version %#x",
		     version);
		return;
	}
	probe_read(0xfec01000ull, "the page after the VM's I/O APIC");
}

void case_probe_exec(void)
{
	void (*f)(void) = (void (*)(void))start_info->mem_bytes;

	gprintf("hostile: probe: executing past the end of RAM at %#lx\n",
		start_info->mem_bytes);
	f();
	fail("executed past the end of RAM");
}

void case_triple_fault(void)
{
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr = { 0, 0 };

	__asm__ volatile("lidt %0; ud2" : : "m"(idtr));
	fail("survived ud2 with no IDT");
}

/* String I/O is emulated (core/emulate.c): the loop runs to its end. */
void case_string_io(void)
{
	static const char s[] = "hostile: outsb\n";
	const char *p = s;
	unsigned long n = sizeof(s) - 1;

	__asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(0x3f8) : "memory");
	if (n || p != s + sizeof(s) - 1)
		fail("RCX or RSI not as after the loop");
}

/* An instruction every x86 CPU executes at CPL 0 must not stop the VM. */
void case_invd_survives(void)
{
	__asm__ volatile("invd" ::: "memory");
}
