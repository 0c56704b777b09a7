#ifndef RADAUDIT_CZLIB_SHIM_H
#define RADAUDIT_CZLIB_SHIM_H
#include <zlib.h>

/// `inflateInit2` is a macro; Swift needs a function.
static inline int czlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
#endif
