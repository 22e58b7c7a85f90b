#include "CSHA1.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int csha1_hardware_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    int sha = (ebx >> 29) & 1;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1;
    return sha && ssse3 && sse41;
}

/// Four rounds; the round function (0-3) must be an immediate, hence the switch.
__attribute__((target("sha,ssse3,sse4.1")))
static inline __m128i rounds4(__m128i abcd, __m128i e, int function) {
    switch (function) {
    case 0: return _mm_sha1rnds4_epu32(abcd, e, 0);
    case 1: return _mm_sha1rnds4_epu32(abcd, e, 1);
    case 2: return _mm_sha1rnds4_epu32(abcd, e, 2);
    default: return _mm_sha1rnds4_epu32(abcd, e, 3);
    }
}

__attribute__((target("sha,ssse3,sse4.1")))
void csha1_compress_hardware(uint32_t state[5], const uint8_t *data, size_t blocks) {
    // Lanes hold words high to low: word 0 of a group sits in lane 3.
    const __m128i reverse = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)state), 0x1B);
    __m128i e0 = _mm_set_epi32((int)state[4], 0, 0, 0);
    while (blocks--) {
        const __m128i abcdSaved = abcd, eSaved = e0;
        __m128i w[4];     // schedule ring: w[g % 4] holds words 4g..4g+3
        __m128i e = e0, previous = abcd;
        // Unrolled, the group number is a constant in each copy: the round function is an
        // immediate, the schedule ring stays in registers, and no branch is left (rolled, each
        // group cost a switch and loads and stores of w[]: about twice the time per block).
#pragma clang loop unroll(full)
        for (int g = 0; g < 20; g++) {
            if (g < 4) {
                w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)), reverse);
            } else {
                // W(4g..) = rol1(W(t-3) ^ W(t-8) ^ W(t-14) ^ W(t-16)), four words at a time.
                __m128i t = _mm_sha1msg1_epu32(w[(g - 4) & 3], w[(g - 3) & 3]);
                t = _mm_xor_si128(t, w[(g - 2) & 3]);
                w[g & 3] = _mm_sha1msg2_epu32(t, w[(g - 1) & 3]);
            }
            // e for these rounds: the initial e plus the words, then rol30(a of four rounds ago) plus the words.
            e = (g == 0) ? _mm_add_epi32(e0, w[0]) : _mm_sha1nexte_epu32(previous, w[g & 3]);
            previous = abcd;
            abcd = rounds4(abcd, e, g / 5);
        }
        e0 = _mm_sha1nexte_epu32(previous, eSaved);
        abcd = _mm_add_epi32(abcd, abcdSaved);
        data += 64;
    }
    _mm_storeu_si128((__m128i *)state, _mm_shuffle_epi32(abcd, 0x1B));
    state[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

#else
int csha1_hardware_available(void) { return 0; }
void csha1_compress_hardware(uint32_t state[5], const uint8_t *data, size_t blocks) { (void)state; (void)data; (void)blocks; }
#endif
