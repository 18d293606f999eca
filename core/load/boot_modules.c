// SPDX-License-Identifier: MIT
/* The boot modules the loader brought (names from keel.cfg). */
#include <core/main.h>
#include <keel/boot_info.h>
#include <lib/string.h>

static const struct boot_info *boot_info;

void boot_modules_init(const struct boot_info *bi)
{
	boot_info = bi;
}

const struct boot_module *boot_module_find(const char *name)
{
	for (uint32_t i = 0; i < boot_info->module_count; i++)
		if (!strcmp(boot_info->modules[i].name, name))
			return &boot_info->modules[i];
	return NULL;
}

const struct boot_module *boot_module_at(uint32_t index)
{
	return index < boot_info->module_count ? &boot_info->modules[index] : NULL;
}
