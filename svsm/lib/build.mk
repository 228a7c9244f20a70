# SPDX-License-Identifier: MIT
#
# svsm/lib: the kernel's small libc (string functions, vsnprintf).

svsm-kernel-y += svsm/lib/string.c svsm/lib/printf.c

# The string functions must not be turned back into calls to themselves.
$(BUILD)/kernel/svsm/lib/%.o: EXTRA_CFLAGS += -fno-tree-loop-distribute-patterns
