// libFuzzer's entry point, referenced weakly: a plain `swift build` links without libFuzzer (and
// prehook-fuzz then only replays inputs); Tests/fuzz/run links libclang_rt.fuzzer_no_main and forces
// the symbol in with --undefined=LLVMFuzzerRunDriver, so the weak reference resolves to it.
#include "CFuzzDriver.h"

extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t)) __attribute__((weak));

int prehook_fuzzer_linked(void) { return LLVMFuzzerRunDriver != NULL; }

int prehook_run_fuzzer(int *argc, char ***argv, prehook_fuzz_callback callback) {
    if (LLVMFuzzerRunDriver == NULL) return -1;
    return LLVMFuzzerRunDriver(argc, argv, callback);
}
