/* SPDX-License-Identifier: MIT */
/*
 * mb_pic: a kernel that knows only the 8259 pair, as many small OSes do
 * (docs/guests.md, "The PC platform"). It never touches the local APIC:
 * it takes the virtual wire a PC's firmware leaves (LINT0 ExtINT on the
 * BSP). It remaps the pair to vectors 0x20 and 0x28 (ICW1-4), then:
 *   1. the PIT at 100 Hz (channel 0, mode 2) on IRQ 0: 50 ticks arrive,
 *      each ended by a non-specific EOI; in the first, ISR reads 0x01;
 *      50 ticks take 0.5 s of TSC time, within a factor 2 (the rate from
 *      CPUID 0x40000010);
 *   2. IRQ 0 masked: no tick for 100 ms, and IRR shows the request;
 *      unmasked, the held request arrives;
 *   3. the RTC's periodic interrupt (1024 Hz) on IRQ 8 through the slave
 *      and the master's IRQ 2: 16 arrive at vector 0x28, each ended at
 *      both chips;
 *   4. cli, IRQs stay requested but none is taken; a poll (OCW3 P) reads
 *      the highest request and acknowledges it.
 * PASS/FAIL/INFO lines on COM1, then "DONE mb_pic".
 */
#include "mb.inc"

#define PIC1_CMD   0x20
#define PIC1_DATA  0x21
#define PIC2_CMD   0xa0
#define PIC2_DATA  0xa1
#define PIC_EOI    0x20
#define OCW3_IRR   0x0a
#define OCW3_ISR   0x0b
#define OCW3_POLL  0x0c
#define PIT_CH0    0x40
#define PIT_CMD    0x43
#define PIT_HZ     1193182
#define TICK_HZ    100
#define RTC_INDEX  0x70
#define RTC_DATA   0x71
#define RTC_A      0x0a
#define RTC_B      0x0b
#define RTC_C      0x0c
#define RTC_B_PIE  0x40
#define RTC_RATE_1024 0x26	/* divider 010, rate 6 */
#define VEC_IRQ0   0x20
#define VEC_IRQ7   0x27
#define VEC_IRQ8   0x28
#define VEC_IRQ15  0x2f
#define IDT_VECTORS 48
#define TICKS      50
#define RTC_IRQS   16

/* IDT entry vector (ECX) -> handler (EAX), a 32-bit interrupt gate */
.macro GATE vector, handler
	mov $\vector, %ecx
	mov $\handler, %eax
	call set_gate
.endm

	.text
	.code32
_start:
	mov $stack_top, %esp
	SAY32 "mb_pic: started\n"
	call setup_descriptors
	cld
	/* the 32 exception gates, then the PIC's 16 */
	mov $idt32, %esi
	mov $pic_idt, %edi
	mov $(32 * 8 / 4), %ecx
	rep movsl
	GATE VEC_IRQ0, irq0
	GATE VEC_IRQ7, spurious
	GATE VEC_IRQ8, irq8
	GATE VEC_IRQ15, spurious
	lidt pic_idt_ptr

	/* the TSC's rate: CPUID 0x40000010 EAX, kHz */
	mov $0x40000010, %eax
	cpuid
	mov %eax, tsc_khz
	SAY32 "INFO tsc_khz=0x"
	call puthex32
	SAY32 "\n"

	/* remap: ICW1 edge + ICW4, ICW2 vectors, ICW3 cascade, ICW4 8086 */
	mov $0x11, %al
	outb %al, $PIC1_CMD
	outb %al, $PIC2_CMD
	mov $VEC_IRQ0, %al
	outb %al, $PIC1_DATA
	mov $VEC_IRQ8, %al
	outb %al, $PIC2_DATA
	mov $0x04, %al
	outb %al, $PIC1_DATA
	mov $0x02, %al
	outb %al, $PIC2_DATA
	mov $0x01, %al
	outb %al, $PIC1_DATA
	outb %al, $PIC2_DATA
	mov $0xfe, %al			/* IRQ 0 only */
	outb %al, $PIC1_DATA
	mov $0xff, %al
	outb %al, $PIC2_DATA

	call pit_ticks
	call masked_ticks
	call rtc_irqs
	call poll_without_sti
	SAY32 "DONE mb_pic\n"
	cli
1:	hlt
	jmp 1b

/* 1. the PIT's ticks */
pit_ticks:
	mov $0x34, %al			/* channel 0, lo/hi, mode 2 */
	outb %al, $PIT_CMD
	mov $(PIT_HZ / TICK_HZ), %eax
	outb %al, $PIT_CH0
	mov %ah, %al
	outb %al, $PIT_CH0
	rdtsc
	mov %eax, tsc_start
	mov %edx, tsc_start + 4
	sti
1:	hlt
	cmpl $TICKS, ticks
	jb 1b
	cli
	rdtsc
	sub tsc_start, %eax
	sbb tsc_start + 4, %edx
	mov %eax, tsc_took
	mov %edx, tsc_took + 4
	SAY32 "PASS pit_irq0_ticks\n"
	cmpl $0x01, first_isr
	RESULT e, "isr_in_handler"
	/* TICKS at TICK_HZ: tsc_khz * 1000 * TICKS / TICK_HZ, within 2x */
	mov tsc_khz, %eax
	mov $(1000 * TICKS / TICK_HZ), %ecx
	mul %ecx			/* EDX:EAX: the expected TSC ticks */
	mov %eax, want
	mov %edx, want + 4
	SAY32 "INFO tsc for 50 ticks=0x"
	mov tsc_took + 4, %eax
	call puthex32
	mov tsc_took, %eax
	call puthex32
	SAY32 " want 0x"
	mov want + 4, %eax
	call puthex32
	mov want, %eax
	call puthex32
	SAY32 "\n"
	/* took >= want / 2 */
	mov want, %eax
	mov want + 4, %edx
	shrd $1, %edx, %eax
	shr $1, %edx
	cmp tsc_took + 4, %edx
	jb 2f
	ja 3f
	cmp tsc_took, %eax
	ja 3f
2:	/* took <= want * 2 */
	mov want, %eax
	mov want + 4, %edx
	shld $1, %eax, %edx
	shl $1, %eax
	cmp tsc_took + 4, %edx
	ja 4f
	jb 3f
	cmp tsc_took, %eax
	jae 4f
3:	SAY32 "FAIL pit_rate\n"
	ret
4:	SAY32 "PASS pit_rate\n"
	ret

/* 2. masked: no tick; IRR keeps the request; unmasked, it comes */
masked_ticks:
	mov $0xff, %al
	outb %al, $PIC1_DATA
	mov ticks, %ebx
	sti
	mov $100, %ecx
	call spin_ms
	cli
	cmp ticks, %ebx
	RESULT e, "masked_irq0_silent"
	mov $OCW3_IRR, %al
	outb %al, $PIC1_CMD
	inb $PIC1_CMD, %al
	test $0x01, %al
	RESULT nz, "irr_holds_masked_request"
	mov $0xfe, %al
	outb %al, $PIC1_DATA
	sti
	nop
	cli
	inc %ebx
	cmp ticks, %ebx
	RESULT be, "unmasked_request_arrives"
	mov $0xff, %al			/* the PIT stays quiet from here */
	outb %al, $PIC1_DATA
	ret

/* 3. the RTC through the slave */
rtc_irqs:
	mov $RTC_A, %al
	outb %al, $RTC_INDEX
	mov $RTC_RATE_1024, %al
	outb %al, $RTC_DATA
	mov $RTC_B, %al
	outb %al, $RTC_INDEX
	inb $RTC_DATA, %al
	or $RTC_B_PIE, %al
	mov %al, %ah
	mov $RTC_B, %al
	outb %al, $RTC_INDEX
	mov %ah, %al
	outb %al, $RTC_DATA
	mov $RTC_C, %al			/* clear a flag already up */
	outb %al, $RTC_INDEX
	inb $RTC_DATA, %al
	mov $0xfb, %al			/* the cascade */
	outb %al, $PIC1_DATA
	mov $0xfe, %al			/* IRQ 8 */
	outb %al, $PIC2_DATA
	sti
1:	hlt
	cmpl $RTC_IRQS, rtc_count
	jb 1b
	cli
	SAY32 "PASS rtc_irq8_through_the_slave\n"
	cmpl $0, spurious_count
	RESULT e, "no_spurious"
	ret

/* 4. with IF clear, the requests wait; a poll takes one */
poll_without_sti:
	/* the RTC keeps requesting IRQ 8 (its flag is read below) */
	mov rtc_count, %ebx
	mov $20, %ecx
	call spin_ms
	cmp rtc_count, %ebx
	RESULT e, "if_clear_takes_none"
	mov $OCW3_POLL, %al
	outb %al, $PIC1_CMD
	inb $PIC1_CMD, %al
	mov %al, poll_master
	mov $OCW3_POLL, %al
	outb %al, $PIC2_CMD
	inb $PIC2_CMD, %al
	mov %al, poll_slave
	SAY32 "INFO poll master=0x"
	movzbl poll_master, %eax
	call puthex32
	SAY32 " slave=0x"
	movzbl poll_slave, %eax
	call puthex32
	SAY32 "\n"
	cmpb $0x82, poll_master		/* found, IRQ 2 */
	RESULT e, "poll_master_cascade"
	cmpb $0x80, poll_slave		/* found, IRQ 0 of the slave */
	RESULT e, "poll_slave_irq8"
	/* end it at both chips, quiet the RTC */
	mov $RTC_C, %al
	outb %al, $RTC_INDEX
	inb $RTC_DATA, %al
	mov $PIC_EOI, %al
	outb %al, $PIC2_CMD
	outb %al, $PIC1_CMD
	mov $0xff, %al
	outb %al, $PIC1_DATA
	outb %al, $PIC2_DATA
	ret

/* Spins ECX ms of TSC time (at most 4 s at 1 GHz: low 32 bits). */
spin_ms:
	push %eax
	push %edx
	push %esi
	push %edi
	mov tsc_khz, %eax
	mul %ecx
	mov %eax, %esi
	rdtsc
	mov %eax, %edi
1:	rdtsc
	sub %edi, %eax
	cmp %esi, %eax
	jb 1b
	pop %edi
	pop %esi
	pop %edx
	pop %eax
	ret

/* ECX vector, EAX handler */
set_gate:
	mov %eax, %edx
	and $0xffff, %edx
	or $(SEL_CODE32 << 16), %edx
	mov %edx, pic_idt(, %ecx, 8)
	and $0xffff0000, %eax
	or $0x8e00, %eax
	mov %eax, pic_idt + 4(, %ecx, 8)
	ret

irq0:
	push %eax
	cmpl $0, ticks
	jne 1f
	mov $OCW3_ISR, %al
	outb %al, $PIC1_CMD
	inb $PIC1_CMD, %al
	movzbl %al, %eax
	mov %eax, first_isr
	mov $OCW3_IRR, %al		/* back to IRR reads */
	outb %al, $PIC1_CMD
1:	incl ticks
	mov $PIC_EOI, %al
	outb %al, $PIC1_CMD
	pop %eax
	iret

irq8:
	push %eax
	mov $RTC_C, %al
	outb %al, $RTC_INDEX
	inb $RTC_DATA, %al
	incl rtc_count
	mov $PIC_EOI, %al
	outb %al, $PIC2_CMD
	outb %al, $PIC1_CMD
	pop %eax
	iret

spurious:
	incl spurious_count
	iret

	.data
	.balign 8
pic_idt_ptr:
	.word IDT_VECTORS * 8 - 1
	.long pic_idt
ticks:
	.long 0
rtc_count:
	.long 0
spurious_count:
	.long 0
first_isr:
	.long 0xffffffff
tsc_khz:
	.long 0
	.balign 8
tsc_start:
	.quad 0
tsc_took:
	.quad 0
want:
	.quad 0
poll_master:
	.byte 0
poll_slave:
	.byte 0

	.bss
	.balign 8
pic_idt:
	.skip IDT_VECTORS * 8
