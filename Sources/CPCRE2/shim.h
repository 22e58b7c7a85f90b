#ifndef PREHOOK_CPCRE2_SHIM_H
#define PREHOOK_CPCRE2_SHIM_H
// PCRE2 needs its code unit width before the header; Prehook matches UTF-8 bytes.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// Macros Swift cannot import, exposed as functions.
static inline PCRE2_SIZE cpcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }
static inline PCRE2_SIZE cpcre2_unset(void) { return PCRE2_UNSET; }
#endif
