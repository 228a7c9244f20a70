/* SPDX-License-Identifier: MIT */
/* The one linear mapping of guest physical memory (see physmap.h). */
#include "svsm/physmap.h"

struct physmap physmap;
