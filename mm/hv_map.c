// SPDX-License-Identifier: MIT
/* The hypervisor's own page tables; see mm/hv_map.h. */
#include <arch/layout.h>
#include <arch/msr.h>
#include <arch/x86.h>
#include <base/log.h>
#include <base/panic.h>
#include <lib/spinlock.h>
#include <lib/util.h>
#include <mm/frame_pool.h>
#include <mm/hv_map.h>

/* 32-bit code loads CR3 during AP start-up, so the tables live below 4 GiB. */
#define HV_TABLE_LIMIT (4 * GIB)

static struct page_table hv_pt;
static struct spinlock hv_pt_lock = SPINLOCK_INIT;
uint64_t kernel_phys_base;

static void *identity(void *ctx, uint64_t pa)
{
	return phys_to_virt(pa);
}

static int hv_alloc_table(void *ctx, uint64_t *pa)
{
	int ret = frames_alloc_below(0, HV_TABLE_LIMIT, pa);
	uint64_t *t;

	if (ret)
		return ret;
	t = phys_to_virt(*pa);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		t[i] = 0;
	return 0;
}

static void hv_free_table(void *ctx, uint64_t pa)
{
	frames_free(pa, 0);
}

static const struct pt_memory hv_pt_memory = {
	.alloc_table = hv_alloc_table,
	.free_table = hv_free_table,
	.phys_to_virt = identity,
};

static void map_image_part(const char *start, const char *end, unsigned int perms)
{
	uint64_t va = (uint64_t)start;
	uint64_t size = (uint64_t)(end - start);

	if (!size)
		return;
	if (pt_map(&hv_pt, va, virt_to_phys(start), size, perms))
		panic("cannot map the hypervisor image at %lx", va);
}

void hv_map_init(const struct boot_info *bi)
{
	uint64_t top = 4 * GIB;
	bool has_1g = cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_1G;

	if (!(cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_NX))
		panic("this CPU has no NX bit; Keel needs it to keep data non-executable");

	for (uint32_t i = 0; i < bi->mem_count; i++)
		top = MAX(top, bi->mem[i].base + bi->mem[i].length);
	top = ALIGN_UP(top, PT_PAGE_2M);

	if (pt_init(&hv_pt, PT_HOST, has_1g, &hv_pt_memory))
		panic("no memory for the hypervisor's page tables");
	/* page 0 stays unmapped: a NULL dereference must fault */
	if (pt_map(&hv_pt, PT_PAGE_4K, PT_PAGE_4K, top - PT_PAGE_4K, PT_RW))
		panic("cannot build the identity map");
	map_image_part(__text_start, __text_end, PT_RX);
	map_image_part(__rodata_start, __rodata_end, PT_R);
	map_image_part(__data_start, __bss_end, PT_RW);

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
	write_cr3(pt_root_pointer(&hv_pt));
	log_info("paging: identity map of %lu MiB, %lu table pages", top / MIB,
		 hv_pt.table_count);
}

uint64_t hv_map_root(void)
{
	return pt_root_pointer(&hv_pt);
}

int hv_map_identity(uint64_t pa, uint64_t size, unsigned int perms)
{
	int ret;

	spin_lock(&hv_pt_lock);
	ret = pt_map(&hv_pt, pa, pa, size, perms);
	spin_unlock(&hv_pt_lock);
	/* Only this CPU's TLB: other CPUs flush when they load CR3. */
	for (uint64_t off = 0; off < size; off += PT_PAGE_4K)
		invlpg(pa + off);
	return ret;
}

struct wx_count {
	uint64_t wx, pages;
};

static int count_wx(void *arg, uint64_t va, uint64_t pa, uint64_t page_size,
		    unsigned int perms)
{
	struct wx_count *c = arg;
	uint64_t pages = page_size / PT_PAGE_4K;

	c->pages += pages;
	if ((perms & PT_W) && (perms & PT_X)) {
		c->wx += pages;
		log_error("paging: %lx -> %lx is writable and executable", va, pa);
	}
	return 0;
}

uint64_t hv_map_count_wx(uint64_t *pages_checked)
{
	struct wx_count c = { 0, 0 };

	spin_lock(&hv_pt_lock);
	pt_walk(&hv_pt, count_wx, &c);
	spin_unlock(&hv_pt_lock);
	if (pages_checked)
		*pages_checked = c.pages;
	return c.wx;
}
