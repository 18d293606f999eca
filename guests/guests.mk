# Guest payloads: freestanding ELF64 images with Keel's entry convention.
# Each directory guests/NAME/ (other than lib/) becomes $(BUILD)/guests/NAME.elf.

GUEST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-builtin -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-mno-red-zone -mgeneral-regs-only -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -Iinclude -Iguests/lib -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 \
	-z noexecstack -T guests/lib/guest.ld

GUEST_NAMES := $(filter-out lib,$(notdir $(patsubst %/,%,$(dir $(wildcard guests/*/main.c)))))
GUEST_ELFS  := $(patsubst %,$(BUILD)/guests/%.elf,$(GUEST_NAMES))
GUEST_LIB_OBJS := $(patsubst %,$(BUILD)/guest-obj/%.o,guests/lib/start.S \
	guests/lib/runtime.c guests/lib/idt.c lib/format.c lib/string.c lib/parse.c)

$(BUILD)/guest-obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest-obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) -Iinclude -MMD -MP -c $< -o $@

.SECONDEXPANSION:
$(BUILD)/guests/%.elf: $$(addprefix $(BUILD)/guest-obj/,$$(addsuffix .o,$$(wildcard guests/$$*/*.c))) \
		$(GUEST_LIB_OBJS) guests/lib/guest.ld
	@mkdir -p $(dir $@)
	$(LD) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

.PHONY: guests
guests: $(GUEST_ELFS)

-include $(shell find $(BUILD)/guest-obj -name '*.d' 2>/dev/null)
