// SPDX-License-Identifier: MIT
/*
 * keel.cfg parser (grammar in include/core/config.h). Shared by the UEFI
 * loader and the hypervisor, so it uses nothing but lib/string.h,
 * lib/parse.h and core/vm_desc.c, which checks each vm line's values as
 * it checks VM_CREATE's. The text is untrusted: every byte is checked,
 * nothing is copied without a bound, and the first error stops the parse with its
 * line number and a message that says what to write instead.
 */
#include <stdbool.h>

#include <core/config.h>
#include <core/vm_desc.h>
#include <drivers/uart.h>
#include <keel/abi.h>
#include <lib/parse.h>
#include <lib/string.h>
#include <lib/util.h>

/* `vm NAME` and every one of its 10 options, with room for mistakes to name */
#define CONFIG_MAX_WORDS    16
#define MSG_TOKEN_MAX       24	/* longest quoted token in a message */
#define DECIMAL_U32_MAX_LEN 10
#define CHAR_DEL            0x7f

/* A word of a line; quoted parts are kept, unquote() strips them. */
struct token {
	const char *s;
	size_t len;
};

struct parser {
	struct config *cfg;
	struct config_error *err;
	unsigned int line;
	bool seen_hypervisor;
	bool seen_cmdline;
	bool seen_console;
	unsigned int module_line[CONFIG_MAX_MODULES];
	unsigned int vm_line[CONFIG_MAX_VMS];
};

/* ------------------------------------------------------------ messages */

static void msg_add(struct parser *p, const char *s)
{
	size_t used = strlen(p->err->message);

	strlcpy(p->err->message + used, s, sizeof(p->err->message) - used);
}

static void msg_add_token(struct parser *p, const char *s, size_t len)
{
	char buf[MSG_TOKEN_MAX + 4];
	size_t n = len < MSG_TOKEN_MAX ? len : MSG_TOKEN_MAX;

	memcpy(buf, s, n);
	strlcpy(buf + n, len > n ? "..." : "", sizeof(buf) - n);
	msg_add(p, buf);
}

static void msg_add_u32(struct parser *p, uint32_t v)
{
	char buf[DECIMAL_U32_MAX_LEN + 1];
	char *c = buf + sizeof(buf);

	*--c = '\0';
	do {
		*--c = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	msg_add(p, c);
}

/* Starts the error message of the current line; always returns -EINVAL. */
static int fail(struct parser *p, const char *msg)
{
	p->err->line = p->line;
	p->err->message[0] = '\0';
	msg_add(p, msg);
	return -KEEL_EINVAL;
}

/* "<before><token><after>", the token cut short if long */
static int fail_value(struct parser *p, const char *before,
		      const struct token *t, const char *after)
{
	fail(p, before);
	msg_add_token(p, t->s, t->len);
	msg_add(p, after);
	return -KEEL_EINVAL;
}

/* "<before>'<token>'<after>" */
static int fail_token(struct parser *p, const char *before,
		      const struct token *t, const char *after)
{
	fail(p, before);
	msg_add(p, "'");
	msg_add_token(p, t->s, t->len);
	msg_add(p, "'");
	msg_add(p, after);
	return -KEEL_EINVAL;
}

/* ---------------------------------------------------------- tokenizing */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool token_ends(const char *s, const char *end)
{
	return s == end || is_space(*s) || *s == '#';
}

/*
 * Reads one word at *pos; returns 1 and the word, 0 at the end of the
 * line or a comment, or a negative error. A double quote may open the
 * word or follow its first '='; it runs to the next quote and must end
 * the word.
 */
static int next_token(struct parser *p, const char **pos, const char *end,
		      struct token *t)
{
	const char *s = *pos;
	const char *eq = NULL;

	while (s < end && is_space(*s))
		s++;
	if (token_ends(s, end))
		return 0;
	t->s = s;
	while (!token_ends(s, end)) {
		if (*s == '=' && !eq)
			eq = s;
		if (*s != '"') {
			s++;
			continue;
		}
		if (s != t->s && !(eq && s == eq + 1))
			return fail(p, "a '\"' may only start a value; "
				    "quote the whole value");
		while (++s < end && *s != '"')
			;
		if (s == end)
			return fail(p, "unterminated '\"'; "
				    "close the quoted value on the same line");
		if (!token_ends(++s, end))
			return fail(p, "a closing '\"' must end the value; "
				    "add a space after it");
	}
	t->len = (size_t)(s - t->s);
	*pos = s;
	return 1;
}

/* Splits a line into at most max words; returns the count or an error. */
static int split_words(struct parser *p, const char *s, const char *end,
		       struct token *words, int max)
{
	int n = 0;
	int rc;
	struct token t;

	while ((rc = next_token(p, &s, end, &t)) > 0) {
		if (n == max)
			return fail(p, "too many words on this line");
		words[n++] = t;
	}
	return rc < 0 ? rc : n;
}

static struct token unquote(struct token t)
{
	if (t.len >= 2 && t.s[0] == '"') {
		t.s++;
		t.len -= 2;
	}
	return t;
}

/* Splits "key=value" into key and unquoted value; false without '='. */
static bool split_option(struct token t, struct token *key, struct token *value)
{
	size_t i;

	for (i = 0; i < t.len && t.s[i] != '='; i++)
		;
	if (i == t.len)
		return false;
	key->s = t.s;
	key->len = i;
	value->s = t.s + i + 1;
	value->len = t.len - i - 1;
	*value = unquote(*value);
	return true;
}

static bool token_is(const struct token *t, const char *s)
{
	return t->len == strlen(s) && !memcmp(t->s, s, t->len);
}

/* ---------------------------------------------------------- validation */

/* Copies a valid name into dst (BOOT_NAME_LEN bytes). */
static int take_name(struct parser *p, const struct token *t, char *dst,
		     const char *what)
{
	_Static_assert(BOOT_NAME_LEN == PARSE_NAME_MAX + 1, "one name length");
	if (!name_valid(t->s, t->len)) {
		fail_token(p, what, t, " is not a name: use 1-31 of "
			   "A-Z a-z 0-9 _ . -");
		return -KEEL_EINVAL;
	}
	memcpy(dst, t->s, t->len);
	dst[t->len] = '\0';
	return 0;
}

/* Copies printable ASCII text (spaces allowed, no quotes) into dst. */
static int take_text(struct parser *p, const struct token *t, char *dst,
		     size_t size, const char *what)
{
	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->s[i];

		if (c == '"' || c < ' ' || c >= CHAR_DEL)
			return fail_token(p, what, t, " has a character "
					  "that is not printable ASCII");
	}
	if (t->len >= size) {
		fail(p, what);
		msg_add(p, " is too long: at most ");
		msg_add_u32(p, (uint32_t)(size - 1));
		msg_add(p, " bytes");
		return -KEEL_EINVAL;
	}
	memcpy(dst, t->s, t->len);
	dst[t->len] = '\0';
	return 0;
}

static int take_path(struct parser *p, const struct token *t, char *dst)
{
	if (!t->len)
		return fail(p, "empty path; write e.g. /keel/guest.elf");
	return take_text(p, t, dst, BOOT_PATH_LEN, "path");
}

/* ---------------------------------------------------------- statements */

static int parse_hypervisor(struct parser *p, const struct token *w, int n)
{
	struct token path;

	if (n != 2)
		return fail(p, "hypervisor takes one path, "
			    "e.g. hypervisor /keel/keel.elf");
	if (p->seen_hypervisor)
		return fail(p, "hypervisor is set twice; keep one line");
	p->seen_hypervisor = true;
	path = unquote(w[1]);
	return take_path(p, &path, p->cfg->hypervisor);
}

/*
 * The command line is the rest of the line as written, quotes included,
 * so that the hypervisor's own parser sees them; comments and trailing
 * blanks are cut off.
 */
static int parse_cmdline(struct parser *p, const char *s, const char *end)
{
	struct token t, text = { .s = s, .len = 0 };
	int rc;

	if (p->seen_cmdline)
		return fail(p, "cmdline is set twice; keep one line");
	p->seen_cmdline = true;
	while ((rc = next_token(p, &s, end, &t)) > 0) {
		if (!text.len)
			text.s = t.s;
		text.len = (size_t)(t.s + t.len - text.s);
	}
	if (rc < 0)
		return rc;
	if (text.len >= BOOT_CMDLINE_LEN) {
		fail(p, "cmdline is too long: at most ");
		msg_add_u32(p, BOOT_CMDLINE_LEN - 1);
		msg_add(p, " bytes");
		return -KEEL_EINVAL;
	}
	memcpy(p->cfg->cmdline, text.s, text.len);
	p->cfg->cmdline[text.len] = '\0';
	return 0;
}

static int find_module_index(const struct config *cfg, const char *name)
{
	for (unsigned int i = 0; i < cfg->module_count; i++) {
		if (!strcmp(cfg->modules[i].name, name))
			return (int)i;
	}
	return -1;
}

static int fail_duplicate(struct parser *p, const char *what,
			  const char *name, unsigned int first_line)
{
	fail(p, what);
	msg_add(p, " '");
	msg_add(p, name);
	msg_add(p, "' is already defined on line ");
	msg_add_u32(p, first_line);
	return -KEEL_EINVAL;
}

static int parse_module(struct parser *p, const struct token *w, int n)
{
	struct config *cfg = p->cfg;
	struct config_module *mod;
	struct token name, path;
	int dup;

	if (n != 3)
		return fail(p, "module takes a name and a path, "
			    "e.g. module linux /keel/linux.elf");
	if (cfg->module_count == CONFIG_MAX_MODULES) {
		fail(p, "too many modules: at most ");
		msg_add_u32(p, CONFIG_MAX_MODULES);
		return -KEEL_EINVAL;
	}
	mod = &cfg->modules[cfg->module_count];
	name = unquote(w[1]);
	path = unquote(w[2]);
	if (take_name(p, &name, mod->name, "module name ") ||
	    take_path(p, &path, mod->path))
		return -KEEL_EINVAL;
	dup = find_module_index(cfg, mod->name);
	if (dup >= 0)
		return fail_duplicate(p, "module", mod->name,
				      p->module_line[dup]);
	p->module_line[cfg->module_count++] = p->line;
	return 0;
}

/*
 * The vm options' values. Only their syntax is checked here, and that
 * they fit their fields: the ranges are vm_desc_check's, once the line
 * is read.
 */
static int vm_set_size(struct parser *p, const char *key,
		       const struct token *value, uint64_t *out)
{
	if (parse_size(value->s, value->len, out))
		return 0;
	fail_value(p, key, value, " is not a size; write e.g. ");
	msg_add(p, key);
	msg_add(p, "64M");
	return -KEEL_EINVAL;
}

/* A number that fits 32 bits, else "<key><value><not_one>". */
static int vm_set_u32(struct parser *p, const char *key,
		      const struct token *value, const char *not_one,
		      uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(value->s, value->len, &v) || v > UINT32_MAX)
		return fail_value(p, key, value, not_one);
	*out = (uint32_t)v;
	return 0;
}

static int vm_set_cpu(struct parser *p, struct vm_desc *vm,
		      const struct token *value)
{
	int ret = vm_set_u32(p, "cpu=", value, " is not a CPU number; "
			     "write e.g. cpu=1", &vm->cpu);

	if (!ret && vm->cpu == VM_DESC_CPU_ANY)	/* not a CPU either */
		return fail_value(p, "cpu=", value, " is not a CPU number; "
				  "write e.g. cpu=1");
	return ret;
}

static int vm_set_cpus(struct parser *p, struct vm_desc *vm,
		       const struct token *value)
{
	_Static_assert(KEEL_MAX_CPUS == PARSE_MAX_CPUS, "one CPU-mask width");
	if (!parse_cpu_list(value->s, value->len, VM_DESC_CPUS_ALL, &vm->cpus))
		return fail_value(p, "cpus=", value,
				  " is not a CPU list; write e.g. cpus=0-3,6 or all");
	return 0;
}

enum vm_option {
	VM_OPT_IMAGE,
	VM_OPT_MEM,
	VM_OPT_CPU,
	VM_OPT_ARGS,
	VM_OPT_PRIO,
	VM_OPT_SLICE,
	VM_OPT_CPUS,
	VM_OPT_VCPUS,
	VM_OPT_MAXMEM,
	VM_OPT_ROLE,
	VM_OPT_KERNEL,		/* image= by the name Multiboot users know */
	VM_OPT_CMDLINE,		/* args= likewise */
	VM_OPT_MODULE,		/* may be given up to VM_DESC_MAX_MODULES times */
	VM_OPT_INITRD,		/* a Linux kernel's initrd */
	VM_OPT_ON_REBOOT,
	VM_OPT_COUNT,
};

static const char *const vm_option_names[VM_OPT_COUNT] = {
	[VM_OPT_IMAGE] = "image",
	[VM_OPT_MEM] = "mem",
	[VM_OPT_CPU] = "cpu",
	[VM_OPT_ARGS] = "args",
	[VM_OPT_PRIO] = "prio",
	[VM_OPT_SLICE] = "slice",
	[VM_OPT_CPUS] = "cpus",
	[VM_OPT_VCPUS] = "vcpus",
	[VM_OPT_MAXMEM] = "maxmem",
	[VM_OPT_ROLE] = "role",
	[VM_OPT_KERNEL] = "kernel",
	[VM_OPT_CMDLINE] = "cmdline",
	[VM_OPT_MODULE] = "module",
	[VM_OPT_INITRD] = "initrd",
	[VM_OPT_ON_REBOOT] = "on_reboot",
};

/* A Multiboot kernel's module=, in the order given. */
static int vm_add_module(struct parser *p, struct vm_desc *vm,
			 const struct token *value)
{
	if (vm->module_count == VM_DESC_MAX_MODULES) {
		fail(p, "too many module= options: at most ");
		msg_add_u32(p, VM_DESC_MAX_MODULES);
		return -KEEL_EINVAL;
	}
	return take_name(p, value, vm->modules[vm->module_count++], "module=");
}

static int vm_set_role(struct parser *p, struct vm_desc *vm,
		       const struct token *value)
{
	if (token_is(value, "mgmt")) {
		vm->role = VM_ROLE_MGMT;
		return 0;
	}
	if (token_is(value, "guest")) {
		vm->role = VM_ROLE_GUEST;
		return 0;
	}
	return fail_value(p, "role=", value,
			  " is not a role; write role=mgmt or role=guest");
}

/* What a guest's reset does (docs/guests.md, "Power"). */
static int vm_set_on_reboot(struct parser *p, struct vm_desc *vm,
			    const struct token *value)
{
	if (token_is(value, "restart")) {
		vm->on_reboot = VM_ON_REBOOT_RESTART;
		return 0;
	}
	if (token_is(value, "stop")) {
		vm->on_reboot = VM_ON_REBOOT_STOP;
		return 0;
	}
	return fail_value(p, "on_reboot=", value,
			  " is not a choice; write on_reboot=restart or "
			  "on_reboot=stop");
}

static int vm_set_option(struct parser *p, struct vm_desc *vm,
			 enum vm_option opt, const struct token *value)
{
	switch (opt) {
	case VM_OPT_IMAGE:
		return take_name(p, value, vm->image, "image=");
	case VM_OPT_KERNEL:
		return take_name(p, value, vm->image, "kernel=");
	case VM_OPT_MODULE:
		return vm_add_module(p, vm, value);
	case VM_OPT_INITRD:
		return take_name(p, value, vm->initrd, "initrd=");
	case VM_OPT_CMDLINE:
		return take_text(p, value, vm->args, CONFIG_ARGS_LEN, "cmdline");
	case VM_OPT_MEM:
		return vm_set_size(p, "mem=", value, &vm->mem);
	case VM_OPT_MAXMEM:
		return vm_set_size(p, "maxmem=", value, &vm->mem_max);
	case VM_OPT_CPU:
		return vm_set_cpu(p, vm, value);
	case VM_OPT_PRIO:
		return vm_set_u32(p, "prio=", value, VM_DESC_NOT_PRIO,
				  &vm->prio);
	case VM_OPT_SLICE:
		return vm_set_u32(p, "slice=", value, VM_DESC_NOT_SLICE,
				  &vm->slice_ms);
	case VM_OPT_CPUS:
		return vm_set_cpus(p, vm, value);
	case VM_OPT_VCPUS:
		return vm_set_u32(p, "vcpus=", value, VM_DESC_NOT_VCPUS,
				  &vm->vcpus);
	case VM_OPT_ROLE:
		return vm_set_role(p, vm, value);
	case VM_OPT_ON_REBOOT:
		return vm_set_on_reboot(p, vm, value);
	default:
		return take_text(p, value, vm->args, CONFIG_ARGS_LEN, "args");
	}
}

static int vm_parse_option(struct parser *p, struct vm_desc *vm,
			   const struct token *word, bool seen[VM_OPT_COUNT])
{
	struct token key, value;
	int opt;

	if (!split_option(*word, &key, &value))
		return fail_token(p, "", word, " is not an option; "
				  "write image=, kernel=, module=, initrd=, cmdline=, mem=, maxmem=, vcpus=, cpu=, cpus=, prio=, slice=, role=, on_reboot= or args=");
	for (opt = 0; opt < VM_OPT_COUNT; opt++) {
		if (token_is(&key, vm_option_names[opt]))
			break;
	}
	if (opt == VM_OPT_COUNT)
		return fail_token(p, "unknown vm option ", &key,
				  "; use image, kernel, module, initrd, cmdline, mem, maxmem, vcpus, cpu, cpus, prio, slice, role, on_reboot or args");
	if (seen[opt] && opt != VM_OPT_MODULE)
		return fail_token(p, "vm option ", &key, " is given twice");
	seen[opt] = true;
	return vm_set_option(p, vm, (enum vm_option)opt, &value);
}

/*
 * What a vm line leaves unsaid. cpus= alone: it starts on the first of
 * them; cpu= alone: pinned there.
 */
static void vm_defaults(struct vm_desc *vm, const bool seen[VM_OPT_COUNT])
{
	/* the operator's shell must not wait behind a busy guest */
	if (vm->role == VM_ROLE_MGMT && !seen[VM_OPT_PRIO])
		vm->prio = CONFIG_MGMT_VM_PRIO;
	if (!seen[VM_OPT_CPUS])
		vm->cpus = vm->cpu < KEEL_MAX_CPUS ? 1ull << vm->cpu :
			   VM_DESC_CPUS_ALL;
	else if (!seen[VM_OPT_CPU] && vm->cpus != VM_DESC_CPUS_ALL)
		vm->cpu = (uint32_t)__builtin_ctzll(vm->cpus);
}

static int parse_vm(struct parser *p, const struct token *w, int n)
{
	struct config *cfg = p->cfg;
	struct vm_desc *vm;
	bool seen[VM_OPT_COUNT] = { false };
	char why[VM_DESC_WHY_LEN];
	struct token name;

	if (n < 2)
		return fail(p, "vm needs a name and image=MODULE, "
			    "e.g. vm linux image=linux mem=64M");
	if (cfg->vm_count == CONFIG_MAX_VMS) {
		fail(p, "too many vms: at most ");
		msg_add_u32(p, CONFIG_MAX_VMS);
		return -KEEL_EINVAL;
	}
	vm = &cfg->vms[cfg->vm_count];
	name = unquote(w[1]);
	if (take_name(p, &name, vm->name, "vm name "))
		return -KEEL_EINVAL;
	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		if (!strcmp(cfg->vms[i].name, vm->name))
			return fail_duplicate(p, "vm", vm->name, p->vm_line[i]);
	}
	vm->entry = KEEL_ENTRY_ELF;
	vm->mem = CONFIG_DEFAULT_VM_MEM;
	vm->prio = CONFIG_DEFAULT_VM_PRIO;
	vm->slice_ms = CONFIG_DEFAULT_VM_SLICE_MS;
	vm->vcpus = 1;
	for (int i = 2; i < n; i++) {
		if (vm_parse_option(p, vm, &w[i], seen))
			return -KEEL_EINVAL;
	}
	if (seen[VM_OPT_IMAGE] && seen[VM_OPT_KERNEL])
		return fail(p, "kernel= and image= name the same thing: give one");
	if (seen[VM_OPT_ARGS] && seen[VM_OPT_CMDLINE])
		return fail(p, "cmdline= and args= name the same thing: give one");
	if (!seen[VM_OPT_IMAGE] && !seen[VM_OPT_KERNEL])
		return fail(p, "vm needs image=MODULE (or kernel=MODULE) naming a module line");
	vm_defaults(vm, seen);
	/* VM_CREATE's rules; which CPUs run is known only at boot */
	if (vm_desc_check(vm, VM_DESC_ONLINE_ANY, why, sizeof(why)))
		return fail(p, why);
	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		if (vm->role == VM_ROLE_MGMT &&
		    cfg->vms[i].role == VM_ROLE_MGMT) {
			fail(p, "only one vm may have role=mgmt; line ");
			msg_add_u32(p, p->vm_line[i]);
			msg_add(p, " gives it already");
			return -KEEL_EINVAL;
		}
	}
	p->vm_line[cfg->vm_count++] = p->line;
	return 0;
}

/* ------------------------------------------------------------- console */

#define IO_PORT_MAX       0xfff8	/* the 8 registers fit below 0x10000 */
#define PHYS_ADDR_LIMIT   (1ULL << 52)
#define PCI_BUS_MAX       0xff
#define PCI_DEV_MAX       0x1f
#define PCI_FUNC_MAX      7

static const uint32_t console_bauds[] = {
	300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
};

static const struct {
	const char *name;
	uint16_t port;
} com_ports[] = {
	{ "com1", UART_COM1_PORT }, { "com2", UART_COM2_PORT },
	{ "com3", UART_COM3_PORT }, { "com4", UART_COM4_PORT },
};

/* Reads 1 to max_digits hex digits at *s, a value up to limit. */
static bool take_hex(const char **s, const char *end, unsigned int max_digits,
		     unsigned int limit, uint8_t *out)
{
	unsigned int v = 0, n = 0;
	int d;

	while (*s < end && n < max_digits && (d = hex_digit_value(**s)) >= 0) {
		v = v * 16 + (unsigned int)d;
		(*s)++;
		n++;
	}
	if (!n || v > limit)
		return false;
	*out = (uint8_t)v;
	return true;
}

/* BB:DD.F, hex */
static int console_set_pci(struct parser *p, struct config_console *c,
			   const struct token *value)
{
	const char *s = value->s, *end = value->s + value->len;

	if (!take_hex(&s, end, 2, PCI_BUS_MAX, &c->pci_bus) ||
	    s == end || *s++ != ':' ||
	    !take_hex(&s, end, 2, PCI_DEV_MAX, &c->pci_dev) ||
	    s == end || *s++ != '.' ||
	    !take_hex(&s, end, 1, PCI_FUNC_MAX, &c->pci_func) || s != end)
		return fail_value(p, "pci=", value, " is not bus:device."
				  "function in hex, e.g. pci=02:00.0");
	c->kind = CONFIG_CONSOLE_PCI;
	return 0;
}

static int console_set_where(struct parser *p, struct config_console *c,
			     const struct token *word)
{
	struct token key, value, where = unquote(*word);
	const struct token *w = &where;
	uint64_t v;

	for (unsigned int i = 0; i < ARRAY_SIZE(com_ports); i++) {
		if (token_is(w, com_ports[i].name)) {
			c->kind = CONFIG_CONSOLE_IO;
			c->address = com_ports[i].port;
			return 0;
		}
	}
	if (token_is(w, "spcr")) {
		c->kind = CONFIG_CONSOLE_SPCR;
		return 0;
	}
	if (token_is(w, "none")) {
		c->kind = CONFIG_CONSOLE_NONE;
		return 0;
	}
	if (!split_option(*w, &key, &value))
		goto unknown;
	if (token_is(&key, "pci"))
		return console_set_pci(p, c, &value);
	if (token_is(&key, "io")) {
		if (!parse_u64(value.s, value.len, &v) || !v || v > IO_PORT_MAX)
			return fail_value(p, "io=", &value, " is not an I/O "
					  "port; write e.g. io=0x3f8");
		c->kind = CONFIG_CONSOLE_IO;
		c->address = v;
		return 0;
	}
	if (token_is(&key, "mmio")) {
		if (!parse_u64(value.s, value.len, &v) || !v ||
		    v >= PHYS_ADDR_LIMIT)
			return fail_value(p, "mmio=", &value, " is not a "
					  "physical address; write e.g. "
					  "mmio=0xfe030000");
		c->kind = CONFIG_CONSOLE_MMIO;
		c->address = v;
		return 0;
	}
unknown:
	return fail_token(p, "console ", w, " is unknown; use com1-com4, "
			  "io=, mmio=, pci=, spcr or none");
}

static int console_set_baud(struct parser *p, struct config_console *c,
			    const struct token *value)
{
	uint64_t baud;

	if (parse_u64(value->s, value->len, &baud)) {
		for (unsigned int i = 0; i < ARRAY_SIZE(console_bauds); i++) {
			if (baud == console_bauds[i]) {
				c->baud = (uint32_t)baud;
				return 0;
			}
		}
	}
	return fail_value(p, "baud=", value, " is not a 16550 rate; use "
			  "115200, 57600, 38400, 19200 or 9600");
}

static int console_set_option(struct parser *p, struct config_console *c,
			      const struct token *w)
{
	struct token key, value;
	uint64_t width;

	if (!split_option(*w, &key, &value))
		return fail_token(p, "", w, " is not a console option; "
				  "write baud= or width=");
	if (token_is(&key, "baud")) {
		if (c->baud)
			return fail(p, "console option baud is given twice");
		return console_set_baud(p, c, &value);
	}
	if (!token_is(&key, "width"))
		return fail_token(p, "unknown console option ", &key,
				  "; use baud or width");
	if (c->width)
		return fail(p, "console option width is given twice");
	if (c->kind != CONFIG_CONSOLE_MMIO && c->kind != CONFIG_CONSOLE_PCI)
		return fail(p, "width= is for mmio= and pci= consoles only: "
			    "I/O-port UARTs have byte registers");
	if (!parse_u64(value.s, value.len, &width) ||
	    (width != 1 && width != 2 && width != 4))
		return fail_value(p, "width=", &value, " is not a register "
				  "width; use 1, 2 or 4 (bytes)");
	c->width = (uint8_t)width;
	return 0;
}

static int parse_console(struct parser *p, const struct token *w, int n)
{
	struct config_console *c = &p->cfg->console;

	if (n < 2)
		return fail(p, "console needs a port, e.g. console com1 "
			    "baud=115200");
	if (p->seen_console)
		return fail(p, "console is set twice; keep one line");
	p->seen_console = true;
	if (console_set_where(p, c, &w[1]))
		return -KEEL_EINVAL;
	if (c->kind == CONFIG_CONSOLE_NONE && n > 2)
		return fail(p, "console none takes no options");
	for (int i = 2; i < n; i++) {
		if (console_set_option(p, c, &w[i]))
			return -KEEL_EINVAL;
	}
	return 0;
}

/* ---------------------------------------------------------------- lines */

static int parse_statement(struct parser *p, const char *s, const char *end)
{
	struct token w[CONFIG_MAX_WORDS];
	int n = next_token(p, &s, end, &w[0]);

	if (n <= 0)
		return n;
	/* the command line is free text: do not cut it into words */
	if (token_is(&w[0], "cmdline"))
		return parse_cmdline(p, s, end);
	n = split_words(p, s, end, w + 1, CONFIG_MAX_WORDS - 1);
	if (n < 0)
		return n;
	n++;
	if (token_is(&w[0], "hypervisor"))
		return parse_hypervisor(p, w, n);
	if (token_is(&w[0], "module"))
		return parse_module(p, w, n);
	if (token_is(&w[0], "vm"))
		return parse_vm(p, w, n);
	if (token_is(&w[0], "console"))
		return parse_console(p, w, n);
	return fail_token(p, "unknown statement ", &w[0],
			  "; use hypervisor, cmdline, module, vm or console");
}

/* Bytes that may appear in a line at all: tab, printable, non-ASCII. */
static int check_line_bytes(struct parser *p, const char *s, const char *end)
{
	for (; s < end; s++) {
		if (*s == '\0')
			return fail(p, "NUL byte; keel.cfg must be plain text");
		if (*s == '\r')
			return fail(p, "stray carriage return; "
				    "end lines with LF or CRLF");
		if (((unsigned char)*s < ' ' && *s != '\t') || *s == CHAR_DEL)
			return fail(p, "control character; "
				    "keel.cfg must be plain text");
	}
	return 0;
}

static int parse_line(struct parser *p, const char *s, const char *end)
{
	/* CRLF line endings: the CR belongs to the line break */
	if (end > s && end[-1] == '\r')
		end--;
	if (check_line_bytes(p, s, end))
		return -KEEL_EINVAL;
	return parse_statement(p, s, end);
}

/* A module name a vm line gives must be a module line's. */
static int check_vm_module(struct parser *p, unsigned int vm,
			   const char *what, const char *name)
{
	if (find_module_index(p->cfg, name) >= 0)
		return 0;
	p->line = p->vm_line[vm];
	/* names are at most 31 bytes: this fits the message */
	fail(p, "vm '");
	msg_add(p, p->cfg->vms[vm].name);
	msg_add(p, what);
	msg_add(p, name);
	msg_add(p, "' is not a module");
	return -KEEL_EINVAL;
}

/*
 * Every vm's image and module= must name modules, which may come after
 * the vm line.
 */
static int check_vm_images(struct parser *p)
{
	const struct config *cfg = p->cfg;

	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		if (check_vm_module(p, i, "': image '", cfg->vms[i].image))
			return -KEEL_EINVAL;
		for (unsigned int m = 0; m < cfg->vms[i].module_count; m++)
			if (check_vm_module(p, i, "': module '",
					    cfg->vms[i].modules[m]))
				return -KEEL_EINVAL;
		if (cfg->vms[i].initrd[0] &&
		    check_vm_module(p, i, "': initrd '", cfg->vms[i].initrd))
			return -KEEL_EINVAL;
	}
	return 0;
}

int config_parse(const char *text, size_t len, struct config *cfg,
		 struct config_error *err)
{
	struct config_error scratch;
	struct parser p = { .cfg = cfg, .err = err ? err : &scratch };
	const char *s = text, *end = text + len;
	const char *eol;

	memset(cfg, 0, sizeof(*cfg));
	memset(p.err, 0, sizeof(*p.err));
	strlcpy(cfg->hypervisor, CONFIG_DEFAULT_HYPERVISOR,
		sizeof(cfg->hypervisor));
	while (s < end) {
		p.line++;
		for (eol = s; eol < end && *eol != '\n'; eol++)
			;
		if (parse_line(&p, s, eol))
			return -KEEL_EINVAL;
		s = eol < end ? eol + 1 : end;
	}
	return check_vm_images(&p);
}

const struct config_module *config_find_module(const struct config *cfg,
					       const char *name)
{
	int i = find_module_index(cfg, name);

	return i < 0 ? NULL : &cfg->modules[i];
}
