#ifndef PREHOOK_MALLOC_COUNTER_H
#define PREHOOK_MALLOC_COUNTER_H
#include <stdint.h>
/// Number of malloc/calloc/realloc/posix_memalign/aligned_alloc calls made by this process so far.
/// Linked only into the benchmark executable, where it replaces the allocator entry points.
uint64_t prehook_allocation_count(void);
#endif
