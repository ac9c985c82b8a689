// What the usage reports need of a census, counted in C++ over the records (census_records.h), so JS gets a few
// typed arrays instead of one object per socket. Mirrors core's aggregateSockets (packages/core/src/sockets.ts),
// which computes the same from a socket list; test/census/census-aggregate.test.ts holds both to the same result.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "census_records.h"

namespace ephemeral_ports {

constexpr size_t kPorts = 65536;
// Index of a (protocol, kernel state) pair in CensusAggregate::states: protocol 0 = TCP, 1 = UDP.
constexpr size_t kStateSlots = 2 * 256;

struct CensusAggregate {
  std::vector<uint32_t> states = std::vector<uint32_t>(kStateSlots);
  // The (protocol, state) slots in the order they first appear, so JS lists states as a socket list would.
  std::vector<uint16_t> state_order;
  // Sockets per local port: TCP, UDP, UDP unconnected (kPorts uint32 each, in that order, host byte order). In a
  // RecordBuffer so that it reaches JS without a copy, and costs one huge page fault instead of 192 small ones.
  RecordBuffer ports;
  // TCP sockets that hold a port without a connection (LISTEN, or bound only: reported as CLOSE), as records.
  RecordBuffer bound;
  // Per record of `bound`: its index in the census (to find its owner, census_owners.h).
  std::vector<uint32_t> bound_record;
  // One record per distinct destination (family, local address, remote address, remote port) of the outgoing
  // connections: TCP sockets neither listening, bound only, nor the accepted end of a listener of this census.
  RecordBuffer destinations;
  // Per outgoing connection, in census order: its destination's index, its local port, 1 when in TIME_WAIT.
  std::vector<uint32_t> connection_destination;
  std::vector<uint16_t> connection_port;
  std::vector<uint8_t> connection_time_wait;
};

// Counts `count` records; false when memory ran out.
bool AggregateRecords(const uint8_t* records, size_t count, CensusAggregate* out);

}  // namespace ephemeral_ports
