# SPDX-License-Identifier: MIT
#
# svsm/mm: the buddy page allocator, slab caches and kmalloc, built into the
# kernel and the hosted build alike. Tests and benchmark: tests/unit/mm.

svsm-mm-y := svsm/mm/page_alloc.c svsm/mm/slab.c svsm/mm/kmalloc.c \
             svsm/mm/mm.c
svsm-common-y += $(svsm-mm-y)

# The top-level Makefile reads tests/*/build.mk but not tests/*/*/build.mk:
# read the unit-test fragment from here (it guards against being read twice).
include $(SRCDIR)/tests/unit/mm/build.mk
