# Keel: one entry point. `make help` lists the targets.
#
# Fragments: boot/boot.mk (UEFI loader), guests/guests.mk (guest payloads),
# tests/unit/unit.mk (host unit tests), tools/tools.mk (ESP, run, test).

BUILD   ?= build
VENDOR  ?= amd
SMP     ?= 2
MEM     ?= 512M
ACCEL   ?= tcg
GUESTS  ?=
DEBUG   ?= 0

CC      ?= gcc
LD      ?= ld
OBJCOPY ?= objcopy

.DEFAULT_GOAL := all
.SECONDARY:
.PHONY: all help clean hypervisor run test unit integration hostile image bench linux-image \
	esp soak density check-layers

help:
	@echo "make            build the loader, hypervisor and guests into $(BUILD)/"
	@echo "make run        boot in an emulator with the serial console here"
	@echo "                VENDOR=amd (QEMU, SVM; default) | intel (Bochs, VMX)"
	@echo "                SMP=N MEM=SIZE ACCEL=tcg|tcg-single|kvm GUESTS=\"file ...\""
	@echo "                DEBUG=1: check the stated preconditions (DEBUG_ASSERT)"
	@echo "make image      $(BUILD)/keel.img: a GPT disk image for real machines;"
	@echo "                write it with tools/flash (docs/hardware.md)"
	@echo "make test       unit and integration tests (installs Debian packages as root)"
	@echo "make unit       host unit tests only"
	@echo "make check-layers  the hypervisor's modules keep their layers"
	@echo "                (tools/layers.txt, docs/architecture.md)"
	@echo "make hostile    the hostile-guest suite on both vendors (docs/hostile.md)"
	@echo "make bench      instruction counts of exit/switch paths -> $(BUILD)/bench"
	@echo "make density    200 small VMs on QEMU: overhead and create/destroy cost"
	@echo "make soak       10,000 create/start/destroy cycles through the management"
	@echo "                VM; free memory must come back exactly (VENDOR=amd|intel,"
	@echo "                SOAK_CYCLES=N)"
	@echo "make fuzz-long  every fuzz target to 10 million executions"
	@echo "                (FUZZ_LONG_RUNS=N), one summary line each"
	@echo "make clean      remove $(BUILD)/"

# ------------------------------------------------------------------- C flags
# One base for every C compile in the tree (hypervisor, loader, guests,
# host tests, fuzz targets, bench); each build adds its own parts below or
# in its fragment. -I. reaches the back-ends' own headers (arch/x86/vmx/).
C_WARN  := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Wredundant-decls -Wcast-qual
C_BASE  := -std=c11 -g $(C_WARN) -Iinclude -I.
C_DEPS  := -MMD -MP
# Freestanding x86-64 code without SSE or a C library: hypervisor, guests.
C_FREESTANDING := -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing
# Every object and binary depends on the makefiles and on the flag stamp
# of its kind of build, so that an edited fragment, `make DEBUG=1` or
# `make CC=clang` rebuilds what it affects, and only that.
BUILD_MAKEFILES := Makefile $(wildcard boot/boot.mk guests/guests.mk \
	tests/unit/unit.mk tests/fuzz/fuzz.mk tools/tools.mk tests/bench/bench.mk)

# $(call flags_stamp,NAME): $(BUILD)/flags.NAME, which holds $(FLAGS_NAME)
# (the compilers, options and link flags of one kind of build). It is
# rewritten when the makefiles are read, and only when its text changes:
# its date says when the flags last changed. `make clean`, `help` and
# `print-VAR` leave it alone; the rule below writes a missing one.
FLAGS_WRITE := $(if $(MAKECMDGOALS),$(filter-out clean help print-%,$(MAKECMDGOALS)),all)
flags_quote = '$(subst ','\'',$(strip $(1)))'
flags_stamp = $(if $(FLAGS_WRITE),$(shell mkdir -p $(BUILD) && \
	t=$(call flags_quote,$(FLAGS_$(1))); f=$(BUILD)/flags.$(1); \
	[ -f "$$f" ] && [ "$$(cat "$$f")" = "$$t" ] || \
	printf '%s\n' "$$t" > "$$f"))$(BUILD)/flags.$(1)

$(BUILD)/flags.%:
	@mkdir -p $(@D)
	@printf '%s\n' $(call flags_quote,$(FLAGS_$*)) > $@

# ---------------------------------------------------------------- hypervisor
HV_CFLAGS := $(C_BASE) $(C_DEPS) -O2 -Wno-unused-parameter $(C_FREESTANDING) \
	-mno-sse -mno-mmx -mno-80387 -mcmodel=kernel -fno-pic -fno-pie \
	-fno-common
# Link-time optimisation: the compiler sees the exit and scheduler paths
# across the layers' files (docs/performance.md, "Stop 30"), while each
# object keeps its ordinary code (-ffat-lto-objects) for check-layers'
# symbol graph. LTO=0 builds without it.
LTO ?= 1
ifeq ($(LTO),1)
HV_CFLAGS += -flto=auto -ffat-lto-objects
endif
ifeq ($(DEBUG),1)
HV_CFLAGS += -DKEEL_DEBUG	# stated preconditions are checked (DEBUG_ASSERT)
endif
HV_ASFLAGS := -Iinclude -I. $(C_DEPS) -D__ASSEMBLY__
# linked through the compiler driver, which runs LTO's code generation
HV_LDFLAGS := -nostdlib -static -no-pie -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,--build-id=none \
	-Wl,-T,linker.ld

FLAGS_hv := $(CC) $(HV_CFLAGS) ; $(HV_ASFLAGS) ; $(HV_LDFLAGS)
HV_STAMP := $(call flags_stamp,hv)

HV_SRCS := $(sort $(wildcard arch/x86/*.c arch/x86/*.S arch/x86/vmx/*.c \
	arch/x86/vmx/*.S arch/x86/svm/*.c arch/x86/svm/*.S base/*.c core/*.c core/dev/*.c \
	core/emul/*.c core/load/*.c init/*.c mm/*.c \
	sched/*.c drivers/*.c lib/*.c))
HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))
HV_ELF  := $(BUILD)/keel.elf

$(BUILD)/hv/%.c.o: %.c $(BUILD_MAKEFILES) $(HV_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.S.o: %.S $(BUILD_MAKEFILES) $(HV_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(HV_ASFLAGS) -c $< -o $@

$(HV_ELF): $(HV_OBJS) linker.ld $(BUILD_MAKEFILES) $(HV_STAMP)
	$(CC) $(HV_CFLAGS) $(HV_LDFLAGS) -o $@ $(HV_OBJS)
	@size $@

hypervisor: $(HV_ELF)

# Upward uses and cycles between the hypervisor's files, from their symbols.
check-layers: $(HV_ELF) tools/layers.txt
	/usr/bin/python3 tools/check-layers $(BUILD)

-include $(HV_OBJS:.o=.d)

include boot/boot.mk
include guests/guests.mk
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include tools/tools.mk
include tests/bench/bench.mk

all: $(HV_ELF) $(LOADER_EFI) guests esp

# Instruction counts of exit and switch paths and of a Linux guest's boot
# on both vendors (not timings). BENCH_ARGS="--only linux_boot" runs a part.
bench: all bench-build $(LINUX_FILES)
	tools/install-deps
	KEEL_BUILD=$(BUILD) /usr/bin/python3 tests/bench/run.py $(BENCH_ARGS)

# Create/start/destroy cycles through the management VM's shell (the
# `cycle` command); fails unless mem_free comes back exactly.
SOAK_CYCLES ?= 10000
soak: all
	tools/install-deps
	KEEL_BUILD=$(BUILD) /usr/bin/python3 tests/integration/soak.py \
		--vendor $(VENDOR) --cycles $(SOAK_CYCLES)

# 200 VMs of 4 MiB on a 2-CPU, 2 GiB QEMU machine (issue 14): overhead per
# VM, create/destroy cost at 10/100/200 VMs -> $(BUILD)/density
density: all
	tools/install-deps
	KEEL_BUILD=$(BUILD) /usr/bin/python3 tests/integration/density.py

clean:
	rm -rf $(BUILD)
