// SHA-1 block compression with the x86 SHA extensions (SHA-NI), for the one hash Twilio signs
// every request with. Portable Swift code in TwilioWebhook does the same work where these are missing.
#ifndef PREHOOK_CSHA1_H
#define PREHOOK_CSHA1_H
#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has the SHA extensions (and SSSE3/SSE4.1, which every such CPU has), else 0.
int csha1_hardware_available(void);

/// Compresses `blocks` 64-byte blocks from `data` into `state` (a, b, c, d, e). Call only when
/// `csha1_hardware_available()` returned 1.
void csha1_compress_hardware(uint32_t state[5], const uint8_t *data, size_t blocks);
#endif
