// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for config_parse. Besides the sanitizers' checks, it
 * asserts what a successful parse promises (every vm passes vm_desc_check,
 * VM_CREATE's rules) and that every error names a line that exists and
 * says something.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <core/config.h>
#include <core/vm_desc.h>
#include <keel/abi.h>

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

static void check_string(const char *s, size_t size)
{
	CHECK(memchr(s, '\0', size) != NULL);
}

static void check_ok(const struct config *cfg)
{
	check_string(cfg->hypervisor, sizeof(cfg->hypervisor));
	CHECK(cfg->hypervisor[0] != '\0');
	check_string(cfg->cmdline, sizeof(cfg->cmdline));
	CHECK(cfg->module_count <= CONFIG_MAX_MODULES);
	CHECK(cfg->vm_count <= CONFIG_MAX_VMS);
	for (unsigned int i = 0; i < cfg->module_count; i++) {
		const struct config_module *m = &cfg->modules[i];

		check_string(m->name, sizeof(m->name));
		check_string(m->path, sizeof(m->path));
		CHECK(m->name[0] && m->path[0]);
		CHECK(config_find_module(cfg, m->name) == m);
	}
	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		const struct vm_desc *vm = &cfg->vms[i];
		char why[VM_DESC_WHY_LEN];

		check_string(vm->name, sizeof(vm->name));
		check_string(vm->image, sizeof(vm->image));
		check_string(vm->args, sizeof(vm->args));
		/* what VM_CREATE would accept, on some set of running CPUs */
		CHECK(vm_desc_check(vm, VM_DESC_ONLINE_ANY, why, sizeof(why)) == 0);
		CHECK(vm->entry == KEEL_ENTRY_ELF && vm->cpu != VM_DESC_CPU_ANY);
		CHECK(config_find_module(cfg, vm->image) != NULL);
		for (unsigned int j = 0; j < i; j++)
			CHECK(strcmp(cfg->vms[j].name, vm->name) != 0);
	}
}

/* libFuzzer calls it; it declares no prototype of its own. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg;
	struct config_error err;
	unsigned int lines = 1;
	int rc;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	rc = config_parse((const char *)data, size, &cfg, &err);
	if (rc == 0) {
		CHECK(err.line == 0 && err.message[0] == '\0');
		check_ok(&cfg);
		return 0;
	}
	CHECK(rc == -KEEL_EINVAL);
	CHECK(err.line >= 1 && err.line <= lines);
	check_string(err.message, sizeof(err.message));
	CHECK(err.message[0] != '\0');
	return 0;
}
