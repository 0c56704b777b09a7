#ifndef RADAUDIT_CLIBDEFLATE_SHIM_H
#define RADAUDIT_CLIBDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
