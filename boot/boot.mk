# The UEFI loader, BOOTX64.EFI, built with gnu-efi (included by Makefile).
#
# The loader calls the firmware directly through the system table with
# GNU_EFI_USE_MS_ABI and does not use libefi: libefi's init.o defines
# memset and memcpy, which lib/string.c (linked here for config_parse and
# elf_parse) also defines. Only libgnuefi's _relocate is needed, for
# crt0's self-relocation.

EFI_INC     ?= /usr/include/efi
EFI_LIB     ?= /usr/lib
EFI_CRT0    := $(EFI_LIB)/crt0-efi-x86_64.o
EFI_LDS     := $(EFI_LIB)/elf_x86_64_efi.lds

LOADER_EFI  := $(BUILD)/BOOTX64.EFI
LOADER_SO   := $(BUILD)/loader/loader.so

# The base flags (Makefile), with GNU C for the EFI headers and their own
# include path instead of -nostdinc.
LOADER_CFLAGS := $(C_BASE) -std=gnu11 $(C_DEPS) -O2 \
	-fpic -fshort-wchar -mno-red-zone -ffreestanding -fno-builtin \
	-fno-stack-protector -fno-strict-aliasing -fno-asynchronous-unwind-tables \
	-mgeneral-regs-only -DGNU_EFI_USE_MS_ABI \
	-I$(EFI_INC) -I$(EFI_INC)/x86_64
LOADER_LDFLAGS := -nostdlib -znocombreloc -T $(EFI_LDS) -shared -Bsymbolic \
	--no-undefined -L$(EFI_LIB)
FLAGS_loader := $(CC) $(LOADER_CFLAGS) ; $(LD) $(LOADER_LDFLAGS) $(EFI_CRT0) \
	; $(OBJCOPY)
LOADER_STAMP := $(call flags_stamp,loader)

# Shared code from the hypervisor tree the loader needs.
LOADER_SHARED := core/config.c core/vm_desc.c core/load/elf.c lib/string.c lib/parse.c lib/format.c \
	drivers/acpi.c drivers/spcr.c drivers/serial_select.c
LOADER_SRCS := $(sort $(wildcard boot/*.c)) $(LOADER_SHARED)
LOADER_OBJS := $(patsubst %.c,$(BUILD)/loader/%.o,$(LOADER_SRCS))

$(BUILD)/loader/%.o: %.c $(BUILD_MAKEFILES) $(LOADER_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(LOADER_CFLAGS) -c $< -o $@

$(LOADER_SO): $(LOADER_OBJS) $(EFI_CRT0) $(EFI_LDS) $(BUILD_MAKEFILES) \
		$(LOADER_STAMP)
	$(LD) $(LOADER_LDFLAGS) -o $@ $(EFI_CRT0) $(LOADER_OBJS) -lgnuefi

$(LOADER_EFI): $(LOADER_SO) $(BUILD_MAKEFILES) $(LOADER_STAMP)
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
		-j .rel -j .rela -j .rel.* -j .rela.* -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@

.PHONY: loader
loader: $(LOADER_EFI)

-include $(LOADER_OBJS:.o=.d)
