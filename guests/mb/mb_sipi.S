/* SPDX-License-Identifier: MIT */
/*
 * mb_sipi: secondary vCPUs started the way an OS starts them (SDM
 * 8.4.4.1). The BSP copies a real-mode trampoline to 0x8000 (STARTUP
 * vector 0x08) and starts every AP four times, each AP counting in with
 * lock xadd, printing "sipi: ap N up" under a spinlock and halting with
 * cli;hlt:
 *   round 1: xAPIC, physical destination, INIT-SIPI-SIPI to each AP;
 *   round 2: xAPIC, all excluding self: INIT resets the halted APs;
 *   round 3: x2APIC, logical (cluster 0) destination; the APs stay
 *            running afterwards (a pause loop instead of hlt);
 *   round 4: x2APIC, all excluding self: INIT resets the running APs.
 * After each round it waits until every AP counted in and finished its
 * line (so the BSP's lines never interleave with theirs), waits, and
 * checks that no second STARTUP started an AP twice. The number of vCPUs
 * comes from CPUID 1 EBX[23:16]. PASS/FAIL lines on COM1, then "DONE
 * mb_sipi" and cli;hlt: with every vCPU halted the VM halts.
 */
#include "mb.inc"

#define TRAMPOLINE     0x8000
#define SIPI_VECTOR    (TRAMPOLINE >> 12)
#define APIC_MMIO      0xfee00000
#define APIC_ID        (APIC_MMIO + 0x20)
#define APIC_SVR       (APIC_MMIO + 0xf0)
#define APIC_ICR_LOW   (APIC_MMIO + 0x300)
#define APIC_ICR_HIGH  (APIC_MMIO + 0x310)
#define MSR_APIC_BASE  0x1b
#define MSR_X2APIC_ICR 0x830
#define BASE_EN        (1 << 11)
#define BASE_EXTD      (1 << 10)
#define ICR_INIT       0x4500	/* INIT, level assert */
#define ICR_STARTUP    0x4600	/* STARTUP, level assert */
#define ICR_LOGICAL    0x0800
#define ICR_OTHERS     (3 << 18)
#define INIT_WAIT      10000000	/* TSC ticks: "10 ms", roughly */
#define SIPI_WAIT      200000
#define COUNT_TIMEOUT  4	/* in 2^32 TSC ticks */
#define AP_STACK_BYTES 1024
#define MAX_VCPUS      8

	.text
	.code32
_start:
	mov $stack_top, %esp
	SAY32 "mb_sipi: started\n"
	call setup_descriptors
	/* the trampoline below 1 MiB, where a STARTUP vector can point */
	mov $tramp_start, %esi
	mov $TRAMPOLINE, %edi
	mov $(tramp_end - tramp_start), %ecx
	cld
	rep movsb
	/* how many vCPUs: CPUID 1 EBX[23:16] */
	mov $1, %eax
	cpuid
	shr $16, %ebx
	and $0xff, %ebx
	cmp $MAX_VCPUS, %ebx
	jbe 1f
	mov $MAX_VCPUS, %ebx
1:	dec %ebx
	mov %ebx, ap_total
	SAY32 "INFO aps="
	mov %ebx, %eax
	call puthex32
	SAY32 "\n"
	cmpl $0, ap_total
	RESULT ne, "there are APs to start"

	/* off and on again, as an OS resetting its APIC: -> disabled -> xAPIC */
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	and $~(BASE_EN | BASE_EXTD), %eax
	wrmsr
	or $BASE_EN, %eax
	wrmsr
	movl $0x1ff, APIC_SVR

	/* round 1: each AP by its physical ID */
	mov $1, %ebx
2:	cmp ap_total, %ebx
	ja 3f
	mov %ebx, %eax
	shl $24, %eax
	mov %eax, APIC_ICR_HIGH
	movl $ICR_INIT, APIC_ICR_LOW
	mov $INIT_WAIT, %eax
	call delay
	movl $(ICR_STARTUP | SIPI_VECTOR), APIC_ICR_LOW
	mov $SIPI_WAIT, %eax
	call delay
	movl $(ICR_STARTUP | SIPI_VECTOR), APIC_ICR_LOW
	inc %ebx
	jmp 2b
3:	mov $1, %eax
	call check_round
	RESULT e, "round 1: xAPIC physical INIT-SIPI-SIPI started every AP once"

	/* round 2: the APs are halted; INIT resets them, all excluding self */
	movl $0, APIC_ICR_HIGH
	movl $(ICR_INIT | ICR_OTHERS), APIC_ICR_LOW
	mov $INIT_WAIT, %eax
	call delay
	movl $(ICR_STARTUP | ICR_OTHERS | SIPI_VECTOR), APIC_ICR_LOW
	mov $SIPI_WAIT, %eax
	call delay
	movl $(ICR_STARTUP | ICR_OTHERS | SIPI_VECTOR), APIC_ICR_LOW
	mov $2, %eax
	call check_round
	RESULT e, "round 2: INIT reset the halted APs, all-excluding-self started them again"

	/* round 3: x2APIC, logical cluster 0, members 1..ap_total */
	movl $1, ap_spin	/* after this round the APs keep running */
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	or $BASE_EXTD, %eax
	wrmsr
	mov ap_total, %ecx
	mov $2, %edx
	shl %cl, %edx
	sub $2, %edx		/* bits 1..ap_total */
	mov %edx, x2_dest
	mov $MSR_X2APIC_ICR, %ecx
	mov $(ICR_INIT | ICR_LOGICAL), %eax
	wrmsr
	mov $INIT_WAIT, %eax
	call delay
	mov x2_dest, %edx
	mov $MSR_X2APIC_ICR, %ecx
	mov $(ICR_STARTUP | ICR_LOGICAL | SIPI_VECTOR), %eax
	wrmsr
	mov $SIPI_WAIT, %eax
	call delay
	mov x2_dest, %edx
	mov $MSR_X2APIC_ICR, %ecx
	mov $(ICR_STARTUP | ICR_LOGICAL | SIPI_VECTOR), %eax
	wrmsr
	mov $3, %eax
	call check_round
	RESULT e, "round 3: x2APIC logical INIT-SIPI-SIPI started every AP once"

	/* round 4: the APs run; INIT resets them, all excluding self */
	movl $0, ap_spin	/* this time they halt */
	xor %edx, %edx
	mov $MSR_X2APIC_ICR, %ecx
	mov $(ICR_INIT | ICR_OTHERS), %eax
	wrmsr
	mov $INIT_WAIT, %eax
	call delay
	/*
	 * check_round waited for round 3's lines, but only until its timeout:
	 * an AP whose vCPU waited longer for a host CPU may still have held
	 * print_lock when INIT reset it, and every AP of this round would spin
	 * on it for ever. No AP runs now.
	 */
	movl $0, print_lock
	xor %edx, %edx
	mov $MSR_X2APIC_ICR, %ecx
	mov $(ICR_STARTUP | ICR_OTHERS | SIPI_VECTOR), %eax
	wrmsr
	mov $SIPI_WAIT, %eax
	call delay
	xor %edx, %edx
	mov $MSR_X2APIC_ICR, %ecx
	mov $(ICR_STARTUP | ICR_OTHERS | SIPI_VECTOR), %eax
	wrmsr
	mov $4, %eax
	call check_round
	RESULT e, "round 4: INIT reset the running APs, x2APIC all-excluding-self started them again"

	SAY32 "DONE mb_sipi\n"
	cli
4:	hlt
	jmp 4b

/* delay: about EAX TSC ticks */
delay:
	push %ebx
	push %ecx
	push %edx
	mov %eax, %ebx
	rdtsc
	mov %eax, %ecx
1:	pause
	rdtsc
	sub %ecx, %eax
	cmp %ebx, %eax
	jb 1b
	pop %edx
	pop %ecx
	pop %ebx
	ret

/*
 * check_round: waits until EAX * ap_total APs counted in and as many
 * finished their line (or a timeout), then a while longer; ZF set if the
 * count is exactly that. An AP counts in before it prints, and the BSP
 * prints without print_lock, so without the second wait its INFO line
 * could land in the middle of a slow AP's line.
 */
check_round:
	push %ebx
	push %esi
	mull ap_total
	mov %eax, %ebx		/* the count wanted */
	rdtsc
	mov %edx, %esi
	add $COUNT_TIMEOUT, %esi
1:	cmp %ebx, ap_count
	jae 2f
	pause
	rdtsc
	cmp %esi, %edx
	jb 1b
2:	cmp %ebx, ap_printed
	jae 3f
	pause
	rdtsc
	cmp %esi, %edx
	jb 2b
3:	mov $INIT_WAIT, %eax	/* a late second start would show now */
	call delay
	SAY32 "INFO count="
	mov ap_count, %eax
	call puthex32
	SAY32 "\n"
	cmp %ebx, ap_count
	pop %esi
	pop %ebx
	ret

/* An AP from the trampoline: 32-bit protected mode, flat segments. */
ap_entry32:
	mov $SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	lidt idt32_ptr
	/* its xAPIC ID (INIT left the APIC in xAPIC mode) picks its stack */
	mov APIC_ID, %ebx
	shr $24, %ebx
	mov %ebx, %esp
	inc %esp
	shl $10, %esp		/* AP_STACK_BYTES */
	add $ap_stacks, %esp
	mov $1, %eax
	lock xadd %eax, ap_count
	/* the line under a spinlock: APs print at the same time */
1:	mov $1, %eax
	xchg %eax, print_lock
	test %eax, %eax
	jz 2f
	pause
	jmp 1b
2:	SAY32 "sipi: ap "
	mov %ebx, %eax
	add $'0', %al
	mov $COM1, %dx
	outb %al, %dx
	SAY32 " up\n"
	movl $0, print_lock
	lock incl ap_printed
	cmpl $0, ap_spin
	jne 4f
	cli
3:	hlt
	jmp 3b
4:	pause			/* running until an INIT resets it */
	jmp 4b

/* Copied to TRAMPOLINE; runs at CS = 0x0800, IP = 0, in real mode. */
	.code16
tramp_start:
	cli
	mov %cs, %ax
	mov %ax, %ds
	lgdtl tramp_gdt_ptr - tramp_start
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl $SEL_CODE32, $ap_entry32
	.balign 4
tramp_gdt_ptr:
	.word gdt_end - gdt - 1
	.long gdt
tramp_end:
	.code32

	.data
	.balign 4
ap_total:
	.long 0
ap_count:
	.long 0
print_lock:
	.long 0
ap_printed:
	.long 0
x2_dest:
	.long 0
ap_spin:
	.long 0

	.bss
	.balign 16
ap_stacks:
	.skip AP_STACK_BYTES * (MAX_VCPUS + 1)
