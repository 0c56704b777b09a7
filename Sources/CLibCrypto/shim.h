#ifndef RADAUDIT_CLIBCRYPTO_SHIM_H
#define RADAUDIT_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
