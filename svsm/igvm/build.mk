# SPDX-License-Identifier: MIT
#
# svsm/igvm: the IGVM library (check, walk, SNP launch and launch digest).
# Freestanding C: it calls only memcpy/memset/memcmp and OpenSSL's SHA384(),
# so the same files build hosted (the tools, the tests, the fuzzer) and
# freestanding (the emulator compiles IGVM_LIB_SRCS with its own flags and
# links libcrypto.a). Archives:
#   $(IGVM_LIB)       hosted, optimised (tools/igvm-measure, tools/igvm-build)
#   $(IGVM_ASAN_LIB)  ASan+UBSan (the unit tests)
#   $(IGVM_FUZZ_LIB)  clang, libFuzzer instrumentation (tests/fuzz-igvm)

ifndef SVSM_IGVM_MK
SVSM_IGVM_MK := 1

IGVM_LIB_SRCS := svsm/igvm/parse.c svsm/igvm/launch.c svsm/igvm/vmsa.c \
                 svsm/igvm/crc32.c svsm/igvm/format.c
IGVM_LIB := $(BUILD)/hosted/libigvm.a
IGVM_ASAN_LIB := $(BUILD)/asan/libigvm.a
IGVM_FUZZ_LIB := $(BUILD)/fuzz/libigvm.a

# igvm-lib-archive: FLAVOUR
define igvm-lib-archive
$(BUILD)/$(1)/libigvm.a: $(call objs,$(1),$(IGVM_LIB_SRCS))
	$$(call msg,AR,$$@)
	@mkdir -p $$(@D)
	$(Q)rm -f $$@ && $(AR) rcs $$@ $$^
endef
$(eval $(call igvm-lib-archive,hosted))
$(eval $(call igvm-lib-archive,asan))
$(eval $(call igvm-lib-archive,fuzz))

# The library stays freestanding: compiled with the kernel's flags, its
# objects may only need memcpy/memset/memcmp and SHA384 from outside.
IGVM_FREESTANDING_OBJS = $(call objs,kernel,$(IGVM_LIB_SRCS))
IGVM_ALLOWED_UNDEFINED := memcpy memset memcmp SHA384

CHECK_TARGETS += test-igvm-bare
HELP += test-igvm-bare|the IGVM library built freestanding needs only memcpy, memset, memcmp, SHA384

.PHONY: test-igvm-bare
test-igvm-bare: $$(IGVM_FREESTANDING_OBJS)
	$(Q)defined=$$(nm --defined-only $^ | awk 'NF == 3 { print $$3 }' | tr '\n' ' '); \
	bad=; for s in $$(nm -u $^ | awk '{ print $$2 }' | sort -u); do \
		case " $(IGVM_ALLOWED_UNDEFINED) $$defined " in \
		*" $$s "*) ;; *) bad="$$bad $$s";; esac; \
	done; \
	if [ -n "$$bad" ]; then \
		echo "svsm/igvm needs symbols a freestanding build lacks:$$bad"; \
		exit 1; fi; \
	echo "svsm/igvm: freestanding objects need only $(IGVM_ALLOWED_UNDEFINED)"

endif
