/*
 * Evicts the CPU caches before a floor program's measured run: writes 128 MiB (beyond any last-level cache of a
 * bench machine), so the kernel meets the sockets as cold as the census does in the bench, which runs after other
 * work. Without it the floor's measured dump follows its warm-up dump and reads every socket from cache.
 */
#ifndef EPHEMERAL_PORTS_EVICT_CACHES_H
#define EPHEMERAL_PORTS_EVICT_CACHES_H
#include <stdlib.h>
#include <string.h>

static inline void EvictCaches(void) {
  const size_t size = (size_t)128 << 20;
  char* junk = (char*)malloc(size);
  if (junk == NULL) return;
  memset(junk, 1, size);
  __asm__ __volatile__("" : : "r"(junk) : "memory");  /* keep the writes */
  free(junk);
}

#endif
