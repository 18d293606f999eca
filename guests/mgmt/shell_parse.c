// SPDX-License-Identifier: MIT
/* The admin shell's command language: see shell_parse.h. */
#include <stdarg.h>

#include <lib/format.h>
#include <lib/parse.h>
#include <lib/string.h>

#include "shell_parse.h"

/* What a positional argument is. */
enum arg_kind {
	ARG_NONE,
	ARG_VM,		/* an existing VM's name */
	ARG_NEW_VM,	/* a name for a new VM: checked for its syntax */
	ARG_IMAGE,
	ARG_VCPU,
	ARG_CPULIST,
	ARG_TOPIC,	/* a verb, for help */
};

#define ARGS_MAX 3

struct verb_spec {
	const char *name;
	const char *usage;
	const char *summary;
	enum arg_kind args[ARGS_MAX];
	unsigned int required;	/* how many of args must be there */
	unsigned int options;	/* SHELL_OPT_* and SHELL_FLAG_* allowed */
};

#define CREATE_OPTS (SHELL_OPT_MEM | SHELL_OPT_MAXMEM | SHELL_OPT_VCPUS | \
		     SHELL_OPT_PRIO | SHELL_OPT_SLICE | SHELL_OPT_CPUS |    \
		     SHELL_OPT_ARGS | SHELL_OPT_KERNEL | SHELL_OPT_MODULE | \
		     SHELL_OPT_CMDLINE | SHELL_OPT_INITRD | SHELL_OPT_ON_REBOOT)

static const struct verb_spec verbs[SHELL_VERB_COUNT] = {
	[SHELL_HELP] = { "help", "help [CMD]",
		"list the commands, or explain one", { ARG_TOPIC }, 0, 0 },
	[SHELL_VERSION] = { "version", "version",
		"the hypervisor's version and ABI", { ARG_NONE }, 0, 0 },
	[SHELL_INFO] = { "info", "info [--json]",
		"the host: vendor, CPUs, memory, uptime", { ARG_NONE }, 0,
		SHELL_FLAG_JSON },
	[SHELL_LIST] = { "list", "list [--json]",
		"every VM with its state, vCPUs, memory and scheduling",
		{ ARG_NONE }, 0, SHELL_FLAG_JSON },
	[SHELL_IMAGES] = { "images", "images [--json]",
		"the boot modules create can use as IMAGE", { ARG_NONE }, 0,
		SHELL_FLAG_JSON },
	[SHELL_CREATE] = { "create",
		"create NAME IMAGE|kernel=MODULE [module=MODULE]... "
		"[initrd=MODULE] [mem=SIZE] "
		"[maxmem=SIZE] [vcpus=N] [prio=P] [slice=MS] [cpus=LIST] "
		"[args|cmdline=\"TEXT\"] [on_reboot=restart|stop]",
		"make a VM from a boot module: a Keel image, a Multiboot "
		"kernel with up to 4 module=, or a Linux kernel with an "
		"initrd= (defaults mem=16M vcpus=1 prio=8 "
		"slice=10 cpus=all); it waits for start",
		{ ARG_NEW_VM, ARG_IMAGE }, 1, CREATE_OPTS },
	[SHELL_START] = { "start", "start NAME", "run a created VM",
		{ ARG_VM }, 1, 0 },
	[SHELL_PAUSE] = { "pause", "pause NAME",
		"take a running VM off its CPUs, keeping its state",
		{ ARG_VM }, 1, 0 },
	[SHELL_RESUME] = { "resume", "resume NAME", "run a paused VM again",
		{ ARG_VM }, 1, 0 },
	[SHELL_DESTROY] = { "destroy", "destroy NAME",
		"stop a VM and free all of its memory", { ARG_VM }, 1, 0 },
	[SHELL_RESIZE] = { "resize", "resize NAME mem=SIZE|vcpus=N",
		"change a VM's memory (up to its maxmem) or its online vCPUs",
		{ ARG_VM }, 1, SHELL_OPT_MEM | SHELL_OPT_VCPUS },
	[SHELL_PIN] = { "pin", "pin NAME VCPU CPULIST",
		"let a vCPU run only on these CPUs (e.g. 0-3,6 or all)",
		{ ARG_VM, ARG_VCPU, ARG_CPULIST }, 3, 0 },
	[SHELL_SCHED] = { "sched", "sched NAME [prio=P] [slice=MS]",
		"set a VM's priority (0-31, higher first) and time slice "
		"(1-100 ms)", { ARG_VM }, 1, SHELL_OPT_PRIO | SHELL_OPT_SLICE },
	[SHELL_STATS] = { "stats", "stats NAME [--json]",
		"per-vCPU run time, switches and exits", { ARG_VM }, 1,
		SHELL_FLAG_JSON },
	[SHELL_TOP] = { "top", "top",
		"CPU use of every VM over one second", { ARG_NONE }, 0, 0 },
	[SHELL_CONSOLE] = { "console", "console NAME",
		"attach to a VM's console; Enter ~ . detaches", { ARG_VM }, 1,
		0 },
	[SHELL_LOG] = { "log", "log", "the hypervisor's log", { ARG_NONE },
		0, 0 },
	[SHELL_REBOOT] = { "reboot", "reboot", "reset the machine",
		{ ARG_NONE }, 0, 0 },
	[SHELL_CYCLE] = { "cycle",
		"cycle NAME IMAGE|kernel=MODULE [count=N] [create options]",
		"create, start and destroy a VM N times (a leak test); says "
		"the free memory before and after",
		{ ARG_NEW_VM, ARG_IMAGE }, 1, CREATE_OPTS | SHELL_OPT_COUNT },
};

struct option_spec {
	const char *key;
	unsigned int bit;
	const char *syntax;	/* for errors: what a good value looks like */
};

static const struct option_spec options[] = {
	{ "mem", SHELL_OPT_MEM, "mem=SIZE, e.g. mem=16M" },
	{ "maxmem", SHELL_OPT_MAXMEM, "maxmem=SIZE, e.g. maxmem=1G" },
	{ "vcpus", SHELL_OPT_VCPUS, "vcpus=N with N from 1 to 8" },
	{ "prio", SHELL_OPT_PRIO, "prio=P with P from 0 to 31" },
	{ "slice", SHELL_OPT_SLICE, "slice=MS with MS from 1 to 100" },
	{ "cpus", SHELL_OPT_CPUS, "cpus=LIST, e.g. cpus=0-3,6 or cpus=all" },
	{ "args", SHELL_OPT_ARGS, "args=\"TEXT\" (at most 127 characters)" },
	{ "count", SHELL_OPT_COUNT, "count=N with N from 1 to 1000000" },
	{ "kernel", SHELL_OPT_KERNEL, "kernel=MODULE naming a boot module "
	  "(see 'images')" },
	{ "module", SHELL_OPT_MODULE, "module=MODULE naming a boot module "
	  "(see 'images')" },
	{ "cmdline", SHELL_OPT_CMDLINE, "cmdline=\"TEXT\" (at most 127 "
	  "characters)" },
	{ "initrd", SHELL_OPT_INITRD, "initrd=MODULE naming a boot module "
	  "(see 'images')" },
	{ "on_reboot", SHELL_OPT_ON_REBOOT, "on_reboot=restart or "
	  "on_reboot=stop" },
};

#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

/* Words of a line, split in place in a copy. */
struct words {
	char text[SHELL_LINE_MAX + 1];
	const char *word[SHELL_WORDS_MAX];
	unsigned int count;
};

/* Shortest echo of user text in a message: long words are cut. */
#define ECHO "%.40s"

static int fail(char *err, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -KEEL_EINVAL;
}

static const char *find_char(const char *s, char c)
{
	for (; *s; s++) {
		if (*s == c)
			return s;
	}
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits line into words; quotes group blanks and are removed. */
static int split(const char *line, struct words *w, char *err, size_t size)
{
	size_t len = strnlen(line, SHELL_LINE_MAX + 1), out = 0;
	bool quoted = false, in_word = false;

	w->count = 0;
	if (len > SHELL_LINE_MAX)
		return fail(err, size, "the line is longer than %d characters; "
			    "shorten it", SHELL_LINE_MAX);
	for (size_t i = 0; i < len; i++) {
		char c = line[i];

		if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f) {
			if (!(c == '\t' && !quoted))
				return fail(err, size, "the line has a control or "
					    "non-ASCII character at column %zu; "
					    "retype it", i + 1);
		}
		if (!quoted && is_blank(c)) {
			if (in_word)
				w->text[out++] = '\0';
			in_word = false;
			continue;
		}
		if (!in_word) {
			if (w->count == SHELL_WORDS_MAX)
				return fail(err, size, "more than %d words; no "
					    "command takes that many",
					    SHELL_WORDS_MAX);
			w->word[w->count++] = &w->text[out];
			in_word = true;
		}
		if (c == '"')
			quoted = !quoted;
		else
			w->text[out++] = c;
	}
	if (quoted)
		return fail(err, size, "a quote is not closed; end the text "
			    "with \"");
	w->text[out] = '\0';
	return 0;
}

const char *shell_verb_name(enum shell_verb verb)
{
	return verb > SHELL_EMPTY && verb < SHELL_VERB_COUNT ?
		verbs[verb].name : "";
}

const char *shell_verb_usage(enum shell_verb verb)
{
	return verb > SHELL_EMPTY && verb < SHELL_VERB_COUNT ?
		verbs[verb].usage : "";
}

const char *shell_verb_summary(enum shell_verb verb)
{
	return verb > SHELL_EMPTY && verb < SHELL_VERB_COUNT ?
		verbs[verb].summary : "";
}

static enum shell_verb find_verb(const char *word)
{
	for (int v = SHELL_EMPTY + 1; v < SHELL_VERB_COUNT; v++) {
		if (!strcmp(verbs[v].name, word))
			return (enum shell_verb)v;
	}
	return SHELL_EMPTY;
}

bool shell_valid_name(const char *s, size_t len)
{
	if (len == 0 || len >= KEEL_NAME_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!name_char_valid(s[i]))
			return false;
	return true;
}

bool shell_parse_size(const char *s, size_t len, uint64_t *bytes)
{
	uint64_t v;

	if (!parse_size(s, len, &v) || v < KEEL_MEM_MIN || v > KEEL_MEM_MAX ||
	    v % KEEL_MEM_ALIGN)
		return false;
	*bytes = v;
	return true;
}

/* One CPU number of a list: [s, s+len) */
/* keel.cfg's syntax (lib/parse.c); "all" is a mask of 0 here. */
bool shell_parse_cpulist(const char *s, size_t len, uint64_t *mask)
{
	_Static_assert(SHELL_MAX_CPUS == PARSE_MAX_CPUS, "one CPU-mask width");
	return parse_cpu_list(s, len, 0, mask);
}

static bool parse_ranged(const char *s, uint64_t lo, uint64_t hi,
			 uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(s, strlen(s), &v) || v < lo || v > hi)
		return false;
	*out = (uint32_t)v;
	return true;
}

/*
 * An option that cannot join what the line gave already: kernel= and a
 * positional IMAGE, args= and cmdline= (one text by two names), a fifth
 * module=. 0, or -EINVAL with the message.
 */
static int clashes(const struct verb_spec *spec, unsigned int bit,
		   const struct shell_cmd *cmd, char *err, size_t size)
{
	if (bit == SHELL_OPT_KERNEL && cmd->image[0])
		return fail(err, size, "give the image once: IMAGE or "
			    "kernel=MODULE, not both; usage: %s", spec->usage);
	if ((bit == SHELL_OPT_ARGS && (cmd->given & SHELL_OPT_CMDLINE)) ||
	    (bit == SHELL_OPT_CMDLINE && (cmd->given & SHELL_OPT_ARGS)))
		return fail(err, size, "cmdline= is args= by its Multiboot "
			    "name; give one of them");
	if (bit == SHELL_OPT_MODULE && cmd->module_count == SHELL_MAX_MODULES)
		return fail(err, size, "too many module= options: a Multiboot "
			    "kernel takes at most %d", SHELL_MAX_MODULES);
	return 0;
}

/* One key=value word; val points after the '='. */
static int parse_option(const struct verb_spec *spec, const char *word,
			const char *val, struct shell_cmd *cmd, char *err,
			size_t size)
{
	size_t klen = (size_t)(val - 1 - word), vlen = strlen(val);
	const struct option_spec *opt = NULL;
	bool ok;

	for (size_t i = 0; i < OPTION_COUNT; i++) {
		if (strlen(options[i].key) == klen &&
		    !strncmp(options[i].key, word, klen))
			opt = &options[i];
	}
	if (!opt || !(spec->options & opt->bit))
		return fail(err, size, "%s takes no option '%.*s='; usage: %s",
			    spec->name, (int)(klen > 20 ? 20 : klen), word,
			    spec->usage);
	if ((cmd->given & opt->bit) && opt->bit != SHELL_OPT_MODULE)
		return fail(err, size, "%s= is given twice; give it once",
			    opt->key);
	if (clashes(spec, opt->bit, cmd, err, size))
		return -KEEL_EINVAL;
	switch (opt->bit) {
	case SHELL_OPT_MEM:
		ok = shell_parse_size(val, vlen, &cmd->mem);
		break;
	case SHELL_OPT_MAXMEM:
		ok = shell_parse_size(val, vlen, &cmd->maxmem);
		break;
	case SHELL_OPT_VCPUS:
		ok = parse_ranged(val, 1, KEEL_MAX_VCPUS, &cmd->vcpus);
		break;
	case SHELL_OPT_PRIO:
		ok = parse_ranged(val, 0, SHELL_PRIO_MAX, &cmd->prio);
		break;
	case SHELL_OPT_SLICE:
		ok = parse_ranged(val, SHELL_SLICE_MIN, SHELL_SLICE_MAX,
				  &cmd->slice_ms);
		break;
	case SHELL_OPT_CPUS:
		ok = shell_parse_cpulist(val, vlen, &cmd->cpus);
		break;
	case SHELL_OPT_COUNT:
		ok = parse_ranged(val, 1, SHELL_CYCLE_MAX, &cmd->count);
		break;
	case SHELL_OPT_KERNEL:
		ok = shell_valid_name(val, vlen);
		if (ok)
			strlcpy(cmd->image, val, sizeof(cmd->image));
		break;
	case SHELL_OPT_MODULE:
		ok = shell_valid_name(val, vlen);
		if (ok)
			strlcpy(cmd->modules[cmd->module_count++], val,
				sizeof(cmd->modules[0]));
		break;
	case SHELL_OPT_INITRD:
		ok = shell_valid_name(val, vlen);
		if (ok)
			strlcpy(cmd->initrd, val, sizeof(cmd->initrd));
		break;
	case SHELL_OPT_ON_REBOOT:
		cmd->restart = !strcmp(val, "restart");
		ok = cmd->restart || !strcmp(val, "stop");
		break;
	default:	/* SHELL_OPT_ARGS, SHELL_OPT_CMDLINE */
		ok = vlen < sizeof(cmd->args);
		if (ok)
			strlcpy(cmd->args, val, sizeof(cmd->args));
		break;
	}
	if (!ok) {
		if (opt->bit == SHELL_OPT_MEM || opt->bit == SHELL_OPT_MAXMEM)
			return fail(err, size, "bad size '" ECHO "': sizes are "
				    "multiples of 2 MiB from 2M to 64G; write "
				    "%s", val, opt->syntax);
		return fail(err, size, "bad value '" ECHO "' for %s=; write %s",
			    val, opt->key, opt->syntax);
	}
	cmd->given |= opt->bit;
	return 0;
}

/* Positional argument number index, the word s. */
static int parse_arg(const struct verb_spec *spec, unsigned int index,
		     const char *s, struct shell_cmd *cmd, char *err,
		     size_t size)
{
	size_t len = strlen(s);
	uint64_t v;

	switch (spec->args[index]) {
	case ARG_VM:
		if (!len || len >= KEEL_NAME_LEN)
			return fail(err, size, "no VM named '" ECHO "'; see "
				    "'list'", s);
		strlcpy(cmd->name, s, sizeof(cmd->name));
		return 0;
	case ARG_NEW_VM:
		if (!shell_valid_name(s, len))
			return fail(err, size, "'" ECHO "' cannot be a VM name: "
				    "use 1-31 of A-Z a-z 0-9 _ . -", s);
		strlcpy(cmd->name, s, sizeof(cmd->name));
		return 0;
	case ARG_IMAGE:
		if (cmd->given & SHELL_OPT_KERNEL)
			return fail(err, size, "give the image once: IMAGE or "
				    "kernel=MODULE, not both; usage: %s",
				    spec->usage);
		if (!len || len >= KEEL_NAME_LEN)
			return fail(err, size, "no image named '" ECHO "'; see "
				    "'images'", s);
		strlcpy(cmd->image, s, sizeof(cmd->image));
		return 0;
	case ARG_VCPU:
		if (!parse_u64(s, len, &v) || v >= KEEL_MAX_VCPUS)
			return fail(err, size, "bad vCPU '" ECHO "': write a "
				    "number from 0 to %d; usage: %s", s,
				    KEEL_MAX_VCPUS - 1, spec->usage);
		cmd->vcpu = (uint32_t)v;
		return 0;
	case ARG_CPULIST:
		if (!shell_parse_cpulist(s, len, &cmd->cpu_mask))
			return fail(err, size, "bad CPU list '" ECHO "': write "
				    "e.g. 0-3,6 or all (CPUs 0 to %d)", s,
				    SHELL_MAX_CPUS - 1);
		return 0;
	case ARG_TOPIC:
		cmd->topic = find_verb(s);
		if (cmd->topic == SHELL_EMPTY)
			return fail(err, size, "there is no command '" ECHO "'; "
				    "type help for the list", s);
		return 0;
	default:
		return fail(err, size, "%s takes no arguments; usage: %s",
			    spec->name, spec->usage);
	}
}

static void defaults(struct shell_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->verb = SHELL_EMPTY;
	cmd->topic = SHELL_EMPTY;
	cmd->mem = SHELL_DEFAULT_MEM;
	cmd->vcpus = SHELL_DEFAULT_VCPUS;
	cmd->prio = SHELL_DEFAULT_PRIO;
	cmd->slice_ms = SHELL_DEFAULT_SLICE;
	cmd->count = 1;
}

/* Rules across options, after every word was read. */
static int check_combination(const struct verb_spec *spec,
			     struct shell_cmd *cmd, char *err, size_t size)
{
	unsigned int g = cmd->given;

	switch (cmd->verb) {
	case SHELL_CREATE:
	case SHELL_CYCLE:
		if (!cmd->image[0])
			return fail(err, size, "%s needs an image: IMAGE or "
				    "kernel=MODULE; usage: %s", spec->name,
				    spec->usage);
		if ((g & SHELL_OPT_MAXMEM) && cmd->maxmem < cmd->mem)
			return fail(err, size, "maxmem= is below mem=; give a "
				    "maxmem of at least the memory it starts "
				    "with");
		return 0;
	case SHELL_RESIZE:
		if (!(g & (SHELL_OPT_MEM | SHELL_OPT_VCPUS)) ||
		    ((g & SHELL_OPT_MEM) && (g & SHELL_OPT_VCPUS)))
			return fail(err, size, "resize takes either mem= or "
				    "vcpus=; usage: %s", spec->usage);
		return 0;
	case SHELL_SCHED:
		if (!(g & (SHELL_OPT_PRIO | SHELL_OPT_SLICE)))
			return fail(err, size, "sched needs prio= or slice= (or "
				    "both); usage: %s", spec->usage);
		return 0;
	default:
		return 0;
	}
}

int shell_parse(const char *line, struct shell_cmd *cmd, char *err,
		size_t err_size)
{
	static struct words w;	/* one shell, one line at a time */
	const struct verb_spec *spec;
	unsigned int nargs = 0;
	int ret;

	defaults(cmd);
	if (err_size)
		err[0] = '\0';
	ret = split(line, &w, err, err_size);
	if (ret)
		return ret;
	if (!w.count)
		return 0;
	cmd->verb = find_verb(w.word[0]);
	if (cmd->verb == SHELL_EMPTY)
		return fail(err, err_size, "unknown command '" ECHO "'; type "
			    "help for the list", w.word[0]);
	spec = &verbs[cmd->verb];
	for (unsigned int i = 1; i < w.count; i++) {
		const char *word = w.word[i];
		const char *eq = find_char(word, '=');

		if (word[0] == '-' && word[1] == '-') {
			if (strcmp(word, "--json") ||
			    !(spec->options & SHELL_FLAG_JSON))
				return fail(err, err_size, "%s has no flag '"
					    ECHO "'; usage: %s", spec->name,
					    word, spec->usage);
			cmd->given |= SHELL_FLAG_JSON;
		} else if (eq && eq != word) {
			ret = parse_option(spec, word, eq + 1, cmd, err,
					   err_size);
			if (ret)
				return ret;
		} else if (nargs == ARGS_MAX || spec->args[nargs] == ARG_NONE) {
			return fail(err, err_size, "too many arguments for %s "
				    "at '" ECHO "'; usage: %s", spec->name,
				    word, spec->usage);
		} else {
			ret = parse_arg(spec, nargs++, word, cmd, err,
					err_size);
			if (ret)
				return ret;
		}
	}
	if (nargs < spec->required)
		return fail(err, err_size, "%s needs more arguments; usage: %s",
			    spec->name, spec->usage);
	return check_combination(spec, cmd, err, err_size);
}
