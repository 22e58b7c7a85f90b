#ifndef PREHOOK_CFUZZDRIVER_H
#define PREHOOK_CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

typedef int (*prehook_fuzz_callback)(const uint8_t *data, size_t size);

/// 1 when libFuzzer is linked in (the build of Tests/fuzz/run), 0 in a plain build.
int prehook_fuzzer_linked(void);

/// Runs libFuzzer's driver with these arguments and callback; -1 when libFuzzer is not linked in.
int prehook_run_fuzzer(int *argc, char ***argv, prehook_fuzz_callback callback);

#endif
