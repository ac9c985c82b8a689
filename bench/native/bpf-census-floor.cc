/*
 * The kernel's share of a TCP census by the BPF method, the floor under it: the addon's own hash-table walk
 * (native/linux/bpf_walk.cc, as census.cc runs it) linked into a plain C++ program without Node, records only
 * counted. bench/suites/census.ts compiles it and runs it inside the bench's namespace beside the census. Two
 * censuses per run (the first loads the program), the caches evicted in between (evict-caches.h); prints the
 * second as one JSON line.
 */
#include <stdio.h>
#include <time.h>

#include "bpf_walk.h"
#include "evict-caches.h"

using namespace ephemeral_ports;

static double NowMs() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Number of TCP sockets listed, or -1 (the failure printed).
static long Census() {
  OsFailure failure;
  RecordBuffer records;
  if (!WalkTcpTables(false, 0, &records, &failure)) {
    fprintf(stderr, "%s failed: %s\n", failure.syscall.c_str(), failure.remedy.c_str());
    return -1;
  }
  return static_cast<long>(records.size() / kCensusRecordSize);
}

int main() {
  if (Census() < 0) return 1;
  EvictCaches();
  const double start = NowMs();
  const long sockets = Census();
  const double ms = NowMs() - start;
  if (sockets < 0) return 1;
  printf("{\"ms\":%.3f,\"sockets\":%ld}\n", ms, sockets);
  return 0;
}
