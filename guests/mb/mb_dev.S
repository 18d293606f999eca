/* SPDX-License-Identifier: MIT */
/*
 * mb_dev: devices behind Keel's instruction emulator, driven from 32-bit
 * protected mode (guests/devtest does the same from 64-bit mode):
 *   1. REP OUTSB of a string longer than the emulator's 64 iterations per
 *      exit to COM1, with paging off and then with 32-bit paging (4 MiB
 *      pages, CR4.PSE) from an alias of the buffer at 0x40000000, whose
 *      PDE the emulator's walk marks accessed (and dirty after an INSB);
 *   2. the local APIC's reset state (xAPIC, SVR 0xff, ESR), then its
 *      xAPIC page (after xAPIC -> x2APIC -> disabled -> xAPIC):
 *      version with MOV, moffs MOV and MOVZX byte/word, ID, TPR written
 *      and read back, SVR enabled with an OR on memory, the timer
 *      periodic on VEC_TIMER whose handler counts and writes EOI through
 *      the page; at least TICKS_WANTED interrupts before a TSC timeout,
 *      then the timer masked. Once with paging off at 0xfee00000, once
 *      with paging on through an uncached alias of it at 0x80200000;
 *   3. "DONE mb_dev", then a MOVNTI to the xAPIC page, which the
 *      emulator does not do: Keel stops this VM and logs the bytes.
 * PASS/FAIL/INFO lines on COM1.
 */
#include "mb.inc"

#define APIC_MMIO      0xfee00000
#define REG_ID         0x20
#define REG_VERSION    0x30
#define REG_TPR        0x80
#define REG_EOI        0xb0
#define REG_SVR        0xf0
#define REG_ESR        0x280
#define REG_ICR_LOW    0x300
#define REG_ICR_HIGH   0x310
#define REG_LVT_TIMER  0x320
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR  0x390
#define REG_TIMER_DIV  0x3e0
#define APIC_VERSION   0x00050014	/* version 0x14, 6 LVTs (max LVT 5) */
#define SVR_ENABLE     0x100
#define SVR_RESET      0xff
#define ESR_SEND_ILLEGAL (1 << 5)
#define ICR_SELF       (1 << 18)	/* shorthand self, fixed */
#define APIC_BASE_RESET_BSP 0xfee00900
#define LVT_MASKED     (1 << 16)
#define LVT_PERIODIC   (1 << 17)
#define DIVIDE_BY_1    0xb
#define VEC_TIMER      0x40
#define TIMER_COUNT    0x100000	/* TSC ticks between interrupts */
#define TICKS_WANTED   5
#define TICK_TIMEOUT   2		/* in 2^32 TSC ticks */
#define MSR_APIC_BASE  0x1b
#define BASE_EN        (1 << 11)
#define BASE_EXTD      (1 << 10)
#define CR4_PSE        (1 << 4)
#define PDE_4M         0x83		/* present, writable, 4 MiB page */
#define PDE_UC         0x18		/* PCD | PWT */
#define PDE_A          0x20
#define PDE_D          0x40
#define RAM_ALIAS      0x40000000	/* maps guest-physical 0-4 MiB */
#define APIC_ALIAS     0x80000000	/* maps 0xfec00000-0xfeffffff */
#define APIC_ALIAS_REG (APIC_ALIAS + (APIC_MMIO - 0xfec00000))

	.text
	.code32
_start:
	mov $stack_top, %esp
	SAY32 "mb_dev: started\n"
	call setup_descriptors
	call setup_idt
	cld

	/* 1. string output, paging off: the buffer at its own address */
	mov $long_text, %esi
	mov $(long_text_end - long_text), %ecx
	mov $COM1, %dx
	rep outsb
	test %ecx, %ecx
	RESULT z, "rep outsb without paging: ECX 0"
	cmp $long_text_end, %esi
	RESULT e, "rep outsb without paging: ESI past the string"

	/* 2. the xAPIC page, paging off */
	call to_xapic
	mov $APIC_MMIO, %ebx
	/* the absolute forms, once: moffs MOV and an OR on an absolute address */
	mov APIC_MMIO + REG_VERSION, %eax	/* A1 moffs32 */
	cmp $APIC_VERSION, %eax
	RESULT e, "moffs mov version"
	movl $0xff, APIC_MMIO + REG_SVR		/* the reset value, APIC off */
	orl $SVR_ENABLE, APIC_MMIO + REG_SVR
	mov APIC_MMIO + REG_SVR, %eax
	cmp $(0xff | SVR_ENABLE), %eax
	RESULT e, "orl on absolute SVR"
	movl $0xff, APIC_MMIO + REG_SVR
	SAY32 "INFO apic pass: paging off\n"
	call apic_pass

	/* 1 and 2 again, with 32-bit paging (CR4.PSE, 4 MiB pages) */
	call paging_on
	mov $(RAM_ALIAS + aliased_text), %esi
	mov $(aliased_text_end - aliased_text), %ecx
	mov $COM1, %dx
	rep outsb
	test %ecx, %ecx
	RESULT z, "rep outsb with paging: ECX 0"
	cmp $(RAM_ALIAS + aliased_text_end), %esi
	RESULT e, "rep outsb with paging: ESI past the string"
	call accessed_dirty
	mov $APIC_ALIAS_REG, %ebx
	SAY32 "INFO apic pass: paging on, alias 0x80200000\n"
	call apic_pass
	/* and the identity map, through which the page is reached as well */
	mov APIC_MMIO + REG_VERSION, %eax
	cmp $APIC_VERSION, %eax
	RESULT e, "paging on: identity-mapped version"

	/* 3. the end: an instruction the emulator does not do */
	SAY32 "DONE mb_dev\n"
	SAY32 "INFO final: movnti to the xAPIC page\n"
	mov $0x12345678, %eax
	movnti %eax, APIC_MMIO + 0x80
	SAY32 "FAIL final: still running after movnti to the xAPIC page\n"
	cli
1:	hlt
	jmp 1b

/*
 * The local APIC as a PC hands it to the BSP (SDM 10.4.4, 10.4.7.1):
 * IA32_APIC_BASE 0xfee00900 (xAPIC, enabled, BSP), SVR 0xff, ESR 0. An
 * illegal vector sent latches ESR's "send illegal vector" at the next ESR
 * write (SDM 10.5.3). Then the modes an OS may go through (SDM 10.12.5):
 * xAPIC -> x2APIC -> disabled -> xAPIC, where it must be again.
 */
to_xapic:
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	SAY32 "INFO apic_base=0x"
	call puthex32
	SAY32 "\n"
	cmp $APIC_BASE_RESET_BSP, %eax
	jne 1f
	test %edx, %edx
1:	RESULT e, "APIC_BASE at reset 0xfee00900 (xAPIC, enabled, BSP)"
	cmpl $SVR_RESET, APIC_MMIO + REG_SVR
	RESULT e, "SVR at reset 0xff"
	movl $0, APIC_MMIO + REG_ESR
	cmpl $0, APIC_MMIO + REG_ESR
	RESULT e, "ESR at reset 0"
	movl $0, APIC_MMIO + REG_ICR_HIGH
	movl $(ICR_SELF | 0x05), APIC_MMIO + REG_ICR_LOW	/* vector 5 */
	cmpl $0, APIC_MMIO + REG_ESR
	RESULT e, "ESR unchanged until written"
	movl $0, APIC_MMIO + REG_ESR
	cmpl $ESR_SEND_ILLEGAL, APIC_MMIO + REG_ESR
	RESULT e, "ESR send illegal vector after a self IPI with vector 5"
	movl $0, APIC_MMIO + REG_ESR
	cmpl $0, APIC_MMIO + REG_ESR
	RESULT e, "ESR cleared by the next write"
	/* xAPIC -> x2APIC -> disabled -> xAPIC */
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	or $BASE_EXTD, %eax
	wrmsr
	rdmsr
	test $BASE_EXTD, %eax
	RESULT nz, "APIC_BASE xAPIC -> x2APIC"
	and $~(BASE_EN | BASE_EXTD), %eax
	wrmsr
	or $BASE_EN, %eax
	wrmsr
	rdmsr
	and $(0xfffff000 | BASE_EN | BASE_EXTD), %eax
	cmp $(APIC_MMIO | BASE_EN), %eax
	RESULT e, "APIC_BASE xAPIC mode at 0xfee00000"
	ret

/*
 * One round of xAPIC accesses with the page at EBX (a linear address);
 * the timer's handler writes EOI through eoi_addr.
 */
apic_pass:
	mov REG_VERSION(%ebx), %eax
	cmp $APIC_VERSION, %eax
	RESULT e, "mov version"
	movzbl REG_VERSION(%ebx), %eax
	cmp $(APIC_VERSION & 0xff), %eax
	RESULT e, "movzx byte version"
	movzwl REG_VERSION(%ebx), %eax
	cmp $(APIC_VERSION & 0xffff), %eax
	RESULT e, "movzx word version"
	movzbl REG_VERSION + 2(%ebx), %eax	/* byte 2: the max LVT */
	cmp $(APIC_VERSION >> 16), %eax
	RESULT e, "movzx byte max LVT"
	mov REG_ID(%ebx), %eax			/* vCPU 0: ID 0 in bits 31:24 */
	cmp $0, %eax
	RESULT e, "mov ID"

	movl $0x20, REG_TPR(%ebx)
	mov REG_TPR(%ebx), %eax
	cmp $0x20, %eax
	RESULT e, "TPR written and read back"
	orl $0x10, REG_TPR(%ebx)
	cmpl $0x30, REG_TPR(%ebx)
	RESULT e, "orl TPR and cmp on memory"
	movl $0, REG_TPR(%ebx)

	orl $SVR_ENABLE, REG_SVR(%ebx)
	testl $SVR_ENABLE, REG_SVR(%ebx)
	RESULT nz, "SVR enabled by orl on memory"

	/* the timer: periodic, divide by 1, TIMER_COUNT */
	lea REG_EOI(%ebx), %eax
	mov %eax, eoi_addr
	movl $0, ticks
	movl $DIVIDE_BY_1, REG_TIMER_DIV(%ebx)
	movl $(VEC_TIMER | LVT_PERIODIC), REG_LVT_TIMER(%ebx)
	mov REG_LVT_TIMER(%ebx), %eax
	cmp $(VEC_TIMER | LVT_PERIODIC), %eax
	RESULT e, "LVT timer written and read back"
	rdtsc
	mov %eax, t0_lo
	mov %edx, t0_hi
	movl $TIMER_COUNT, REG_TIMER_INIT(%ebx)
	/*
	 * No check of the current count here: under QEMU TCG on a loaded
	 * host a whole period can pass before the read (it read 0 once).
	 */
2:	cmpl $TICKS_WANTED, ticks
	jae 3f
	sti
	hlt				/* an interrupt (the timer) ends it */
	cli
	rdtsc
	sub t0_lo, %eax
	sbb t0_hi, %edx
	cmp $TICK_TIMEOUT, %edx
	jb 2b
3:	cli
	movl $LVT_MASKED, REG_LVT_TIMER(%ebx)	/* masked: no more ticks */
	movl $0, REG_TIMER_INIT(%ebx)
	SAY32 "INFO ticks=0x"
	mov ticks, %eax
	call puthex32
	SAY32 "\n"
	cmpl $TICKS_WANTED, ticks
	RESULT ae, "timer interrupts arrived, EOI through the page"
	/* masked and stopped: none come any more */
	mov ticks, %ecx
	sti
	mov $100000, %eax
4:	dec %eax
	jnz 4b
	cli
	cmp ticks, %ecx
	RESULT e, "no interrupts after masking the timer"
	testl $LVT_MASKED, REG_LVT_TIMER(%ebx)
	RESULT nz, "LVT timer masked"
	ret

/* The timer's handler: count, EOI by a write to the xAPIC page. */
timer_isr:
	push %eax
	incl ticks
	mov eoi_addr, %eax
	movl $0, (%eax)
	pop %eax
	iret

/* An IDT of VEC_TIMER + 1 gates: setup_descriptors' 32, then the timer's. */
setup_idt:
	mov $(32 * 2), %ecx
	mov $idt32, %esi
	mov $idt_dev, %edi
	rep movsl
	mov $timer_isr, %eax
	mov %eax, %edx
	and $0xffff, %eax
	or $(SEL_CODE32 << 16), %eax
	mov %eax, idt_dev + VEC_TIMER * 8
	and $0xffff0000, %edx
	or $0x8e00, %edx		/* present, DPL 0, 32-bit interrupt gate */
	mov %edx, idt_dev + VEC_TIMER * 8 + 4
	lidt idt_dev_ptr
	ret

/*
 * The emulator's page walk sets accessed and dirty bits as the CPU does
 * (SDM 4.8): the alias's PDE was written without them, and only the
 * emulator reaches memory through it (the string operand of OUTS/INS,
 * whose port I/O exits first). The OUTS before set A; an INS writes
 * through the alias and sets D.
 */
accessed_dirty:
	testl $PDE_A, page_dir + (RAM_ALIAS >> 22) * 4
	RESULT nz, "emulated read through the alias: PDE accessed"
	testl $PDE_D, page_dir + (RAM_ALIAS >> 22) * 4
	RESULT z, "emulated read through the alias: PDE not dirty"
	mov $(RAM_ALIAS + ins_buf), %edi
	mov $4, %ecx
	mov $(COM1 + 5), %dx		/* the line status register */
	rep insb
	testl $PDE_D, page_dir + (RAM_ALIAS >> 22) * 4
	RESULT nz, "emulated write through the alias: PDE dirty"
	ret

/*
 * 32-bit paging with 4 MiB pages: an identity map of all 4 GiB (the
 * APIC's 4 MiB uncached), RAM_ALIAS -> 0 and APIC_ALIAS -> 0xfec00000.
 */
paging_on:
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $22, %eax
	or $PDE_4M, %eax
	cmp $(APIC_MMIO >> 22), %ecx
	jne 2f
	or $PDE_UC, %eax
2:	mov %eax, page_dir(, %ecx, 4)
	inc %ecx
	cmp $1024, %ecx
	jb 1b
	movl $(0 | PDE_4M), page_dir + (RAM_ALIAS >> 22) * 4
	movl $((APIC_MMIO & 0xffc00000) | PDE_4M | PDE_UC), \
		page_dir + (APIC_ALIAS >> 22) * 4
	mov $page_dir, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $CR4_PSE, %eax
	mov %eax, %cr4
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	jmp 1f
1:	mov %cr0, %eax
	test $CR0_PG, %eax
	RESULT nz, "32-bit paging on (4 MiB pages)"
	ret

	.section .rodata
long_text:
	.ascii "mb_dev: outsb paging off: 0123456789 abcdefghijklmnopqrstuvwxyz "
	.ascii "ABCDEFGHIJKLMNOPQRSTUVWXYZ end\n"
long_text_end:
aliased_text:
	.ascii "mb_dev: outsb paging on: through the alias at 0x40000000, "
	.ascii "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ end\n"
aliased_text_end:

	.data
	.balign 8
idt_dev_ptr:
	.word (VEC_TIMER + 1) * 8 - 1
	.long idt_dev
eoi_addr: .long APIC_MMIO + REG_EOI
ticks:    .long 0
t0_lo:    .long 0
t0_hi:    .long 0

	.bss
	.balign 4096
page_dir:
	.skip 4096
ins_buf:
	.skip 16
	.balign 8
idt_dev:
	.skip (VEC_TIMER + 1) * 8
