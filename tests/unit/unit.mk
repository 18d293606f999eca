# Host unit tests: cmocka, ASan + UBSan. Included by the top-level Makefile
# (BUILD and CC come from there). Product sources are compiled for the
# host as they are; only lib/string.c and lib/format.c are renamed (-D) so
# that they do not replace the C library's functions in the test binary.
#
#   make unit          build and run every test (fails if any fails)
#   make unit-build    build only
#
# Set CMOCKA_MESSAGE_OUTPUT=TAP for TAP output.

UNIT_DIR    := $(BUILD)/unit
UNIT_CFLAGS := $(C_BASE) -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Itests/unit
UNIT_LIBS   := -lcmocka
UNIT_DEPS   := $(wildcard include/*/*.h include/*/*/*.h tests/unit/*.h \
	guests/mgmt/*.h arch/x86/*/*.h) $(BUILD_MAKEFILES)

UNIT_NAMES  := test_lib test_string test_config test_elf test_frame \
	test_pagetable test_sched_policy test_sched_sim test_spcr test_smp_plan \
	test_tsc_freq test_shell_parse test_shell_lineedit test_shell_output \
	test_hc_check test_vm_desc test_vmx_timer test_guest_mem test_vlapic_timer \
	test_extents test_emul_walk test_emul_insn test_io_bus test_apic_base \
	test_vlapic_regs test_xcr0 test_cr_rules test_multiboot test_cr_decode \
	test_vcpu_init test_vioapic test_vuart_irq test_vpic test_vpit_count \
	test_vrtc_regs test_linux_parse test_acpi_tables test_acpi_pm \
	test_acpi_pm_timer test_host_irq
UNIT_BINS   := $(addprefix $(UNIT_DIR)/,$(UNIT_NAMES))

# Product sources each test links against.
UNIT_SRCS_test_lib       := lib/format.c lib/parse.c
UNIT_SRCS_test_string    := lib/string.c
UNIT_SRCS_test_config    := core/config.c core/vm_desc.c lib/parse.c \
	tests/unit/compat.c
UNIT_SRCS_test_elf       := core/load/elf.c
UNIT_SRCS_test_frame     := mm/buddy.c
UNIT_SRCS_test_pagetable := mm/pagetable.c
UNIT_SRCS_test_hc_check  := core/hc_check.c core/vm_desc.c mm/pagetable.c \
	lib/parse.c tests/unit/compat.c
UNIT_SRCS_test_vm_desc   := core/vm_desc.c core/config.c core/hc_check.c \
	mm/pagetable.c lib/parse.c tests/unit/compat.c
UNIT_SRCS_test_guest_mem := core/guest_mem.c core/extents.c core/hc_check.c \
	core/vm_desc.c mm/pagetable.c lib/parse.c tests/unit/compat.c
UNIT_SRCS_test_extents   := core/extents.c
UNIT_SRCS_test_cr_rules  := core/cr_rules.c
UNIT_SRCS_test_cr_decode := core/cr_decode.c
UNIT_SRCS_test_vcpu_init := core/vcpu_init_state.c lib/string.c
UNIT_SRCS_test_multiboot := core/load/multiboot_parse.c core/load/linux_parse.c
UNIT_SRCS_test_linux_parse := core/load/linux_parse.c core/load/multiboot_parse.c
# the instruction emulator, all of it, against a fake guest
UNIT_EMUL_SRCS := $(sort $(wildcard core/emul/*.c)) tests/unit/emul_fake.c
UNIT_SRCS_test_emul_walk := $(UNIT_EMUL_SRCS)
UNIT_SRCS_test_emul_insn := $(UNIT_EMUL_SRCS)
UNIT_SRCS_test_spcr      := drivers/spcr.c drivers/serial_select.c \
	drivers/acpi.c
UNIT_SRCS_test_smp_plan  := arch/x86/smp_plan.c
UNIT_SRCS_test_host_irq  := drivers/acpi.c
UNIT_SRCS_test_tsc_freq  := arch/x86/tsc_freq.c
UNIT_SRCS_test_vlapic_timer := core/dev/vlapic_timer.c
UNIT_SRCS_test_io_bus    := core/dev/io_bus.c
UNIT_SRCS_test_vpit_count := core/dev/vpit_count.c
UNIT_SRCS_test_vrtc_regs := core/dev/vrtc_regs.c lib/civil_time.c
UNIT_SRCS_test_acpi_tables := core/dev/acpi_tables.c drivers/acpi.c
UNIT_SRCS_test_acpi_pm   := core/dev/acpi_pm.c
UNIT_SRCS_test_acpi_pm_timer := core/dev/acpi_pm_timer.c
UNIT_SRCS_test_apic_base := core/dev/apic_base.c
UNIT_SRCS_test_xcr0       := arch/x86/xcr0_rules.c
# the local APIC's register file and both access forms, the hypervisor stubbed
UNIT_SRCS_test_vlapic_regs := core/dev/vlapic.c core/dev/vlapic_x2apic.c \
	core/dev/vlapic_xapic.c core/dev/apic_base.c core/dev/vlapic_timer.c \
	core/dev/vlapic_accept.c core/dev/apic_dest.c
# the I/O APIC's register file and routing; the 16550's interrupt logic; the 8259
UNIT_SRCS_test_vioapic   := core/dev/vioapic_regs.c core/dev/apic_dest.c
UNIT_SRCS_test_vuart_irq := core/dev/vuart_irq.c
UNIT_SRCS_test_vpic      := core/dev/vpic.c
UNIT_SRCS_test_sched_policy := sched/policy.c
UNIT_SRCS_test_sched_sim    := sched/policy.c tests/unit/sched_sim.c
# The management VM's shell: its pure parts (guests/mgmt)
UNIT_SRCS_test_shell_parse    := guests/mgmt/shell_parse.c lib/parse.c \
	tests/unit/compat.c
UNIT_SRCS_test_shell_lineedit := guests/mgmt/lineedit.c guests/mgmt/detach.c \
	tests/unit/compat.c tests/unit/out_capture.c
UNIT_SRCS_test_shell_output   := guests/mgmt/json.c guests/mgmt/show.c \
	guests/mgmt/out_text.c tests/unit/compat.c tests/unit/out_capture.c

UNIT_STRING_FNS := memcpy memmove memset memcmp strlen strnlen strcmp \
	strncmp strlcpy
UNIT_FLAGS_test_lib    := -Dvsnprintf=keel_vsnprintf -Dsnprintf=keel_snprintf
# guest_mem.c has callbacks that ignore arguments, as the hypervisor allows
UNIT_FLAGS_test_guest_mem := -Wno-unused-parameter
UNIT_FLAGS_test_shell_parse    := -Iguests/mgmt
UNIT_FLAGS_test_shell_lineedit := -Iguests/mgmt
UNIT_FLAGS_test_shell_output   := -Iguests/mgmt
# -fno-builtin: the compiler must call the functions under test, not its own
UNIT_FLAGS_test_string := -fno-builtin \
	$(foreach f,$(UNIT_STRING_FNS),-D$(f)=keel_$(f))

# Every test's flags in one stamp: changing one rebuilds them all.
FLAGS_unit := $(CC) $(UNIT_CFLAGS) $(UNIT_LIBS) \
	$(foreach t,$(UNIT_NAMES),; $(t) $(UNIT_FLAGS_$(t)))
UNIT_STAMP := $(call flags_stamp,unit)

.PHONY: unit unit-build

unit-build: $(UNIT_BINS)

# One explicit rule per test (no secondary expansion: it would change the
# meaning of '$$' in every fragment included after this one).
define UNIT_RULE
$(UNIT_DIR)/$(1): tests/unit/$(1).c $(UNIT_SRCS_$(1)) $(UNIT_DEPS) $(UNIT_STAMP)
	@mkdir -p $(UNIT_DIR)
	$(CC) $(UNIT_CFLAGS) $(UNIT_FLAGS_$(1)) -o $$@ $$< $(UNIT_SRCS_$(1)) $(UNIT_LIBS)
endef
$(foreach t,$(UNIT_NAMES),$(eval $(call UNIT_RULE,$(t))))

# Runs every binary even after a failure, then fails if any did.
unit: unit-build
	@failed=0; \
	for t in $(UNIT_BINS); do \
		echo "== $$t"; \
		$$t || failed=$$((failed + 1)); \
	done; \
	if [ $$failed -ne 0 ]; then \
		echo "unit: $$failed test binaries failed"; exit 1; \
	fi; \
	echo "unit: all $(words $(UNIT_BINS)) test binaries passed"
