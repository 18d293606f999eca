// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for core/hc_check.c, the validation of hypercall
 * arguments. The input is a struct keel_vm_config followed by argument
 * values (missing bytes read as zero); every check gets them, raw and
 * folded into the ranges where the interesting edges are. For each call
 * it asserts what acceptance promises and compares the verdict with a
 * model written from docs/hypercalls.md §3 and §4.6-4.8.
 *
 * Domain: the hypervisor passes memory sizes that are 2 MiB multiples of
 * at most KEEL_MEM_MAX; the guest-range size is kept page aligned and the
 * VCPU_ENTRY size at most KEEL_MEM_MAX here, as the callers guarantee.
 */
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/hc_check.h>
#include <core/vm_desc.h>
#include <keel/abi.h>
#include <mm/pagetable.h>

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

#define K4 PT_PAGE_4K
#define M1 (1ULL << 20)
#define M2 (2ULL << 20)

struct fuzz_input {
	struct keel_vm_config cfg;
	uint64_t online;	/* CPU 0 is always added: the BSP runs */
	uint64_t mode;		/* selects folds and the stage-2 kind */
	uint64_t arg[8];
};

/* ---------------------------------------------------- the fixed stage 2 */

#define POOL_PHYS   0x700000000ULL
#define POOL_FRAMES 32

static alignas(4096) unsigned char pool_mem[POOL_FRAMES][4096];
static unsigned int pool_next;

static int pool_alloc(void *ctx, uint64_t *pa)
{
	(void)ctx;
	if (pool_next >= POOL_FRAMES)
		return -KEEL_ENOMEM;
	memset(pool_mem[pool_next], 0, sizeof(pool_mem[0]));
	*pa = POOL_PHYS + pool_next++ * K4;
	return 0;
}

static void pool_free(void *ctx, uint64_t pa)
{
	(void)ctx;
	(void)pa;	/* the tables are built once and kept */
}

static void *pool_virt(void *ctx, uint64_t pa)
{
	uint64_t i = (pa - POOL_PHYS) / K4;

	(void)ctx;
	CHECK(pa >= POOL_PHYS && i < pool_next && pa % K4 == 0);
	return pool_mem[i];
}

static const struct pt_memory pool_ops = {
	.alloc_table = pool_alloc,
	.free_table = pool_free,
	.phys_to_virt = pool_virt,
};

/*
 * RAM [0, STALE_END) at host RAM_HPA + gpa, less a hole where the host
 * frames are the hypervisor's (HV), a plain hole and one uncached (MMIO)
 * page. The guest ranges' size is fuzzed: pages mapped above it are not
 * the VM's any more.
 */
#define RAM_HPA   0x40000000ULL
#define STALE_END (10 * M1)
#define HV_GPA    (3 * M1)
#define HV_LEN    (64 * 1024)
#define HOLE_GPA  (6 * M1 + 2 * K4)
#define HOLE_LEN  (2 * K4)
#define MMIO_GPA  (5 * M1)
#define MMIO_HPA  0xfee00000ULL

static struct page_table stage2[2];	/* NPT, EPT */

static void build_stage2(void)
{
	static bool built;
	static const enum pt_kind kinds[2] = { PT_NPT, PT_EPT };

	if (built)
		return;
	for (int i = 0; i < 2; i++) {
		struct page_table *pt = &stage2[i];

		CHECK(pt_init(pt, kinds[i], false, &pool_ops) == 0);
		CHECK(pt_map(pt, 0, RAM_HPA, STALE_END, PT_RWX) == 0);
		CHECK(pt_unmap(pt, HV_GPA, HV_LEN) == 0);
		CHECK(pt_unmap(pt, HOLE_GPA, HOLE_LEN) == 0);
		CHECK(pt_map(pt, MMIO_GPA, MMIO_HPA, K4, PT_RW | PT_UC) == 0);
	}
	built = true;
}

static bool overlaps(uint64_t gpa, uint64_t end, uint64_t start, uint64_t len)
{
	return gpa < start + len && end > start;
}

static void fuzz_guest_range(const struct page_table *pt, uint64_t mem,
			     uint64_t gpa, uint64_t len)
{
	uint64_t end, pa, size;
	unsigned int perms;
	bool wraps = __builtin_add_overflow(gpa, len, &end);
	int rc = hc_check_guest_range(pt, mem, gpa, len), want;

	if (wraps)
		want = -KEEL_EINVAL;
	else if (!len)
		want = 0;
	else if (end > mem || end > STALE_END ||
		 overlaps(gpa, end, HV_GPA, HV_LEN) ||
		 overlaps(gpa, end, HOLE_GPA, HOLE_LEN) ||
		 overlaps(gpa, end, MMIO_GPA, K4))
		want = -KEEL_EFAULT;
	else
		want = 0;
	CHECK(rc == want);
	if (rc || !len)
		return;
	/* accepted: every page is below mem, mapped, not MMIO, not the HV's */
	CHECK(end <= mem);
	for (uint64_t at = gpa & ~(K4 - 1); at < end; at += K4) {
		CHECK(at < mem);
		CHECK(pt_translate(pt, at, &pa, &perms, &size));
		CHECK(!(perms & PT_UC) && (perms & PT_W));
		CHECK(pa == RAM_HPA + at);
		CHECK(pa + K4 <= RAM_HPA + HV_GPA || pa >= RAM_HPA + HV_GPA + HV_LEN);
	}
}

/* --------------------------------------------------------- the config */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* Length of s within size bytes (strnlen is POSIX, not C11). */
static size_t bounded_len(const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);

	return nul ? (size_t)(nul - s) : size;
}

/* §4.6: 1-31 characters of [A-Za-z0-9_.-], NUL-terminated in the array. */
static bool name_ok(const char *s, size_t size)
{
	size_t n = bounded_len(s, size);

	if (n == 0 || n == size)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!name_char(s[i]))
			return false;
	}
	return true;
}

static bool text_ok(const char *s, size_t size)
{
	size_t n = bounded_len(s, size);

	if (n == size)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c > 0x7e)
			return false;
	}
	return true;
}

static bool mem_ok(uint64_t bytes)
{
	return bytes % KEEL_MEM_ALIGN == 0 && bytes >= KEEL_MEM_MIN &&
	       bytes <= KEEL_MEM_MAX;
}

/* No byte of s[from, size) is set. */
static bool all_zero(const char *s, size_t from, size_t size)
{
	for (size_t i = from; i < size; i++) {
		if (s[i])
			return false;
	}
	return true;
}

/*
 * §4.8 modules: the used ones first, each a name with only zeros after
 * its NUL, the rest all zero. How many are used, or -1.
 */
static int modules_used(const struct keel_vm_config *c)
{
	int used = 0;

	for (int i = 0; i < KEEL_VM_MODULES; i++) {
		const char *m = c->modules[i];

		if (all_zero(m, 0, KEEL_NAME_LEN))
			continue;
		if (used != i || !name_ok(m, KEEL_NAME_LEN) ||
		    !all_zero(m, bounded_len(m, KEEL_NAME_LEN), KEEL_NAME_LEN))
			return -1;
		used++;
	}
	return used;
}

/* §4.8 initrd (1.5): all zero, or a name with only zeros after its NUL. */
static int initrd_used(const struct keel_vm_config *c)
{
	const char *r = c->initrd;

	if (all_zero(r, 0, KEEL_NAME_LEN))
		return 0;
	if (!name_ok(r, KEEL_NAME_LEN) ||
	    !all_zero(r, bounded_len(r, KEEL_NAME_LEN), KEEL_NAME_LEN))
		return -1;
	return 1;
}

/* §4.8 VM_CREATE */
static bool config_ok(const struct keel_vm_config *c, uint64_t online)
{
	int used = modules_used(c), initrd = initrd_used(c);

	if ((c->flags & ~KEEL_VM_CFG_RESTART) || c->reserved ||
	    !name_ok(c->name, sizeof(c->name)))
		return false;
	if (used < 0 || (used && c->entry != KEEL_ENTRY_ELF))
		return false;
	if (initrd < 0 || (initrd && c->entry != KEEL_ENTRY_ELF))
		return false;
	/* 1.5: on_reboot=restart reloads an image; a raw VM has none */
	if ((c->flags & KEEL_VM_CFG_RESTART) && c->entry != KEEL_ENTRY_ELF)
		return false;
	if (c->entry == KEEL_ENTRY_ELF) {
		if (!name_ok(c->image, sizeof(c->image)) || c->entry_rip)
			return false;
	} else if (c->entry == KEEL_ENTRY_RAW) {
		if (c->image[0] || !c->entry_rip)
			return false;
	} else {
		return false;
	}
	if (!mem_ok(c->mem_bytes) ||
	    (c->mem_max && (!mem_ok(c->mem_max) || c->mem_max < c->mem_bytes)))
		return false;
	if (c->vcpus < 1 || c->vcpus > KEEL_MAX_VCPUS || c->prio > 31 ||
	    c->slice_ms < 1 || c->slice_ms > 100)
		return false;
	return (c->cpus & ~online) == 0 && text_ok(c->args, sizeof(c->args));
}

static void fuzz_config(const struct keel_vm_config *c, uint64_t online)
{
	struct vm_desc d;
	char why[VM_DESC_WHY_LEN];
	int rc = hc_check_vm_config(c, online, &d, why, sizeof(why));
	uint64_t mem_max = vm_desc_mem_max(&d), cpus = vm_desc_cpus(&d, online);

	CHECK(rc == (config_ok(c, online) ? 0 : -KEEL_EINVAL));
	CHECK(memchr(why, '\0', sizeof(why)) != NULL);
	if (rc) {
		CHECK(why[0] != '\0');
		return;
	}
	CHECK(why[0] == '\0');
	/* the description is the configuration, and checks the same again */
	CHECK(!memcmp(d.name, c->name, sizeof(d.name)) &&
	      !memcmp(d.image, c->image, sizeof(d.image)) &&
	      !memcmp(d.args, c->args, sizeof(d.args)) &&
	      !memcmp(d.initrd, c->initrd, sizeof(d.initrd)));
	CHECK(d.mem == c->mem_bytes && d.entry == c->entry &&
	      d.entry_rip == c->entry_rip && d.vcpus == c->vcpus &&
	      d.prio == c->prio && d.slice_ms == c->slice_ms);
	CHECK(d.cpu == VM_DESC_CPU_ANY && d.role == VM_ROLE_GUEST);
	CHECK(d.on_reboot == ((c->flags & KEEL_VM_CFG_RESTART) ?
			      VM_ON_REBOOT_RESTART : VM_ON_REBOOT_STOP));
	CHECK((int)d.module_count == modules_used(c));
	CHECK(!memcmp(d.modules, c->modules, sizeof(d.modules)));
	CHECK(vm_desc_check(&d, online, why, sizeof(why)) == 0);
	CHECK(vm_desc_name_valid(c->name, sizeof(c->name)));
	CHECK(c->entry == KEEL_ENTRY_ELF || c->entry == KEEL_ENTRY_RAW);
	CHECK(mem_ok(c->mem_bytes));
	CHECK(mem_ok(mem_max) && mem_max >= c->mem_bytes);
	CHECK(mem_max == (c->mem_max ? c->mem_max : c->mem_bytes));
	CHECK(c->vcpus >= 1 && c->vcpus <= KEEL_MAX_VCPUS);
	CHECK(c->prio <= 31 && c->slice_ms >= 1 && c->slice_ms <= 100);
	CHECK(cpus != 0 && (cpus & ~online) == 0);
	CHECK(cpus == (c->cpus ? c->cpus : online));
	CHECK(memchr(c->args, '\0', sizeof(c->args)) != NULL);
}

/* ------------------------------------------------- the scalar checks */

static bool wraps(uint64_t a, uint64_t b)
{
	uint64_t sum;

	return __builtin_add_overflow(a, b, &sum);
}

static void fuzz_buffer(uint64_t gpa, uint64_t len)
{
	CHECK(hc_check_buffer(gpa, len) == (wraps(gpa, len) ? -KEEL_EINVAL : 0));
}

static void fuzz_struct_len(uint64_t len, uint64_t size)
{
	CHECK(hc_check_struct_len(len, size) == (len == size ? 0 : -KEEL_EINVAL));
}

static void fuzz_mem_target(uint64_t target, uint64_t mem_max, uint64_t flags)
{
	int rc = hc_check_mem_target(target, mem_max, flags);
	bool ok = !(flags & ~KEEL_MEM_FORCE) && mem_ok(target) &&
		  target <= mem_max;

	CHECK(rc == (ok ? 0 : -KEEL_EINVAL));
}

static void fuzz_release(uint64_t gpa, uint64_t len, uint64_t actual,
			 uint64_t target)
{
	int rc = hc_check_release(gpa, len, actual, target);
	bool ok = len && !wraps(gpa, len) && gpa + len == actual &&
		  gpa % KEEL_MEM_ALIGN == 0 && len % KEEL_MEM_ALIGN == 0 &&
		  gpa >= target && gpa >= KEEL_MEM_MIN;

	CHECK(rc == (ok ? 0 : -KEEL_EINVAL));
	if (!rc)	/* what is left is at least the target and 2 MiB */
		CHECK(actual - len >= target && actual - len >= KEEL_MEM_MIN &&
		      actual > gpa);
}

static void fuzz_vcpu_entry(uint64_t rip, uint64_t stacks, uint64_t bytes,
			    uint64_t mem)
{
	int rc = hc_check_vcpu_entry(rip, stacks, bytes, mem);
	uint64_t area, end;
	bool ok = rip && rip < mem && bytes >= 4096 && bytes % 16 == 0 &&
		  stacks % 16 == 0 &&
		  !__builtin_mul_overflow(bytes, KEEL_MAX_VCPUS, &area) &&
		  !__builtin_add_overflow(stacks, area, &end) && end <= mem;

	CHECK(rc == (ok ? 0 : -KEEL_EINVAL));
	if (rc)
		return;
	/* §4.7: vCPU n's RSP = stacks + (n + 1) * bytes, inside RAM */
	for (uint64_t n = 0; n < KEEL_MAX_VCPUS; n++) {
		uint64_t rsp = stacks + (n + 1) * bytes;

		CHECK(rsp > stacks && rsp <= mem && rsp % 16 == 0 &&
		      rsp - bytes >= stacks);
	}
}

static bool sched_value_ok(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v == KEEL_KEEP || (v >= lo && v <= hi);
}

static void fuzz_sched(uint64_t prio, uint64_t slice)
{
	int rc = hc_check_sched(prio, slice);
	bool ok = sched_value_ok(prio, 0, 31) && sched_value_ok(slice, 1, 100);

	CHECK(rc == (ok ? 0 : -KEEL_EINVAL));
	if (!rc)	/* the uint32_t the scheduler gets means the same */
		CHECK((uint32_t)prio == prio && (uint32_t)slice == slice);
}

static void fuzz_load(uint64_t dst, uint64_t len, uint64_t mem)
{
	int rc = hc_check_load(dst, len, mem);

	if (len > KEEL_LOAD_MAX)
		CHECK(rc == -KEEL_E2BIG);
	else if (wraps(dst, len) || dst + len > mem)
		CHECK(rc == -KEEL_EINVAL);
	else
		CHECK(rc == 0);
}

static void fuzz_chunk(uint64_t gpa, uint64_t len, uint64_t max)
{
	int rc = hc_check_chunk(gpa, len, max);
	bool ok = len >= sizeof(struct keel_chunk) &&
		  len - sizeof(struct keel_chunk) <= max && !wraps(gpa, len);

	CHECK(rc == (ok ? 0 : -KEEL_EINVAL));
}

static void fuzz_cpu_mask(uint64_t mask, uint64_t online)
{
	int rc = hc_check_cpu_mask(mask, online);

	CHECK(rc == (mask && !(mask & ~online) ? 0 : -KEEL_EINVAL));
}

static void fuzz_name(const char *name, unsigned int size)
{
	CHECK(vm_desc_name_valid(name, size) == name_ok(name, size));
}

/* ---------------------------------------------------------------- entry */

/*
 * Random bytes are almost never module names: mode bits 16-19 keep
 * modules 0-3 as they are (1) or clear them (0), and bit 20 ends each
 * kept one at its first byte that is not a name character, so that used
 * entries, gaps and bytes after a NUL all occur.
 */
static void fold_modules(struct keel_vm_config *c, uint64_t mode)
{
	for (int i = 0; i < KEEL_VM_MODULES; i++) {
		char *m = c->modules[i];

		if (!(mode >> (16 + i) & 1)) {
			memset(m, 0, KEEL_NAME_LEN);
			continue;
		}
		for (int j = 0; (mode >> 20 & 1) && j < KEEL_NAME_LEN; j++) {
			if (!name_char(m[j])) {
				memset(m + j, 0, (size_t)(KEEL_NAME_LEN - j));
				break;
			}
		}
	}
}

/* A 2 MiB multiple up to 254 MiB, where sizes and limits meet. */
static uint64_t fold_2m(uint64_t v)
{
	return (v & 0x7f) * M2;
}

/* libFuzzer calls it; it declares no prototype of its own. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	const uint64_t *g = in.arg;
	uint64_t online, mode, mem, gpa, len, max;
	static const uint64_t chunk_max[] = { KEEL_CONSOLE_RING, KEEL_LOG_RING };

	memset(&in, 0, sizeof(in));
	memcpy(&in, data, size < sizeof(in) ? size : sizeof(in));
	build_stage2();
	online = in.online | 1;
	mode = in.mode;

	fuzz_config(&in.cfg, online);
	fold_modules(&in.cfg, mode);
	fuzz_config(&in.cfg, online);
	fuzz_config(&in.cfg, in.cfg.cpus | 1);	/* cpus within online */
	fuzz_name(in.cfg.name, (unsigned int)((mode >> 8) % (KEEL_NAME_LEN + 1)));
	fuzz_name(in.cfg.image, KEEL_NAME_LEN);

	/* guest ranges, near the mapped RAM unless told otherwise */
	mem = g[0] & ~(K4 - 1);
	gpa = g[1];
	len = g[2];
	if (!(mode & 1))
		mem %= 12 * M1;
	if (!(mode & 2))
		gpa %= 12 * M1;
	if (!(mode & 4))
		len %= HV_LEN + 4 * K4;	/* short: each page is walked */
	fuzz_guest_range(&stage2[(mode >> 3) & 1], mem, gpa, len);

	fuzz_buffer(g[0], g[1]);
	fuzz_struct_len(g[0], g[1]);
	fuzz_struct_len(g[3], sizeof(struct keel_vm_config));

	fuzz_mem_target(g[0], g[1], g[2]);
	fuzz_mem_target(fold_2m(g[3]), fold_2m(g[4]), g[5] & 3);

	fuzz_release(g[0], g[1], g[2], g[3]);
	fuzz_release(fold_2m(g[4]), fold_2m(g[5]), fold_2m(g[6]), fold_2m(g[7]));
	/* from near 2^64: a sum that wraps to exactly actual */
	fuzz_release(0 - fold_2m(g[4]), fold_2m(g[5]), fold_2m(g[6]),
		     fold_2m(g[7]));

	fuzz_vcpu_entry(g[0], g[1], g[2], g[3] % (KEEL_MEM_MAX + 1));
	fuzz_vcpu_entry(g[4] & 0x7ffffff, g[5] & 0x7fffff0, g[6] & 0x3ffff0,
			fold_2m(g[7]));

	fuzz_sched(g[0], g[1]);
	fuzz_sched(mode & 16 ? KEEL_KEEP : g[2] & 0x3f,
		   mode & 32 ? KEEL_KEEP : g[3] & 0x7f);

	fuzz_load(g[0], g[1], g[2]);
	fuzz_load(g[3] & 0xffffff, g[4] & 0x1ffff, fold_2m(g[5]));

	max = mode & 64 ? g[7] : chunk_max[(mode >> 7) & 1];
	fuzz_chunk(g[0], g[1], max);
	fuzz_chunk(g[5], g[6] & 0x1ffff, max);

	fuzz_cpu_mask(g[0], online);
	fuzz_cpu_mask(g[1], g[2]);
	return 0;
}
