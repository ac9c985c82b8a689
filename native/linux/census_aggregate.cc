// Counting a census for the usage reports (census_aggregate.h). Two passes over the records: the first counts
// states and ports and finds the listeners, the second groups the outgoing connections by destination, which
// needs every listener known (an accepted connection is recognised by its listener).
//
// State names follow packages/linux/src/census/states.ts: TCP 10 is LISTEN, 6 TIME_WAIT, and 7 (bound only),
// 0 and anything above 12 read as CLOSE; UDP 1 is ESTABLISHED, anything else UNCONN.
#include "census_aggregate.h"

#include <string.h>

#include <bitset>
#include <memory>

namespace ephemeral_ports {
namespace {

constexpr uint8_t kTcp = 6;
constexpr uint8_t kTcpTimeWait = 6;
constexpr uint8_t kTcpClose = 7;
constexpr uint8_t kTcpListen = 10;
constexpr uint8_t kTcpLastNamed = 12;  // NEW_SYN_RECV

bool IsListen(uint8_t state) { return state == kTcpListen; }
bool ReadsAsClose(uint8_t state) { return state == 0 || state == kTcpClose || state > kTcpLastNamed; }

uint16_t Get16(const uint8_t* r, size_t off) { return static_cast<uint16_t>(r[off] | (r[off + 1] << 8)); }

// An address with its family and a port: listeners by (family, local address, local port), destinations by
// (family, local address, remote address, remote port).
struct Key {
  uint64_t w[5];
  bool operator==(const Key& o) const { return memcmp(w, o.w, sizeof(w)) == 0; }
};

Key ListenKey(const uint8_t* r) {
  Key k{};
  memcpy(&k.w[0], r + kRecLocalAddr, 16);
  k.w[4] = (static_cast<uint64_t>(r[kRecFamily]) << 16) | Get16(r, kRecLocalPort);
  return k;
}

Key DestinationKey(const uint8_t* r) {
  Key k;
  memcpy(&k.w[0], r + kRecLocalAddr, 16);
  memcpy(&k.w[2], r + kRecRemoteAddr, 16);
  k.w[4] = (static_cast<uint64_t>(r[kRecFamily]) << 16) | Get16(r, kRecRemotePort);
  return k;
}

// Open addressing, linear probing, power-of-two size kept at most half full: a census has few distinct keys
// (destinations, listeners) beside its sockets, so a lookup is usually one probe.
class KeyIndex {
 public:
  // The key's index, adding it as `size()` when new.
  uint32_t Find(const Key& key, bool* added) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.index == kEmpty) {
        s.key = key;
        s.index = count_++;
        *added = true;
        return s.index;
      }
      if (s.key == key) {
        *added = false;
        return s.index;
      }
    }
  }

  bool Contains(const Key& key) const {
    if (slots_.empty()) return false;
    size_t mask = slots_.size() - 1;
    for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.index == kEmpty) return false;
      if (s.key == key) return true;
    }
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    Key key;
    uint32_t index = kEmpty;
  };

  static size_t Hash(const Key& k) {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (uint64_t w : k.w) h = (h ^ w) * 0xff51afd7ed558ccdULL, h ^= h >> 32;
    return static_cast<size_t>(h);
  }

  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.resize(old.empty() ? 64 : old.size() * 2);
    size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index == kEmpty) continue;
      size_t i = Hash(s.key) & mask;
      while (slots_[i].index != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  uint32_t count_ = 0;
};

bool AllZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0) return false;
  return true;
}

}  // namespace

bool AggregateRecords(const uint8_t* records, size_t count, CensusAggregate* out) {
  // Pass 1: states, ports, the sockets holding a port without a connection, and the listeners.
  KeyIndex listeners;
  auto any4 = std::make_unique<std::bitset<kPorts>>();  // ports with a 0.0.0.0 listener
  auto any6 = std::make_unique<std::bitset<kPorts>>();  // ports with a :: listener
  auto exact = std::make_unique<std::bitset<kPorts>>();  // ports with a listener on a given address
  if (!out->ports.ResetZeroed(3 * kPorts * sizeof(uint32_t))) return false;
  uint32_t* tcp_ports = reinterpret_cast<uint32_t*>(out->ports.mutable_data());
  uint32_t* udp_ports = tcp_ports + kPorts;
  uint32_t* udp_unconnected = udp_ports + kPorts;
  for (size_t i = 0; i < count; i++) {
    const uint8_t* r = records + i * kCensusRecordSize;
    const bool tcp = r[kRecProtocol] == kTcp;
    const uint8_t state = r[kRecState];
    const uint16_t slot = static_cast<uint16_t>((tcp ? 0 : 256) + state);
    if (out->states[slot]++ == 0) out->state_order.push_back(slot);
    const uint16_t port = Get16(r, kRecLocalPort);
    if (!tcp) {
      udp_ports[port]++;
      if (state != 1) udp_unconnected[port]++;
      continue;
    }
    tcp_ports[port]++;
    if (!IsListen(state) && !ReadsAsClose(state)) continue;
    uint8_t* copy = out->bound.Append();
    if (copy == nullptr) return false;
    memcpy(copy, r, kCensusRecordSize);
    out->bound_record.push_back(static_cast<uint32_t>(i));
    if (!IsListen(state)) continue;
    const size_t len = r[kRecFamily] == 6 ? 16 : 4;
    if (AllZero(r + kRecLocalAddr, len)) (len == 4 ? *any4 : *any6).set(port);
    exact->set(port);
    bool added;
    listeners.Find(ListenKey(r), &added);
  }

  // Pass 2: the outgoing connections, grouped by destination. Neighbouring records usually share one, so the
  // last key is checked before the table.
  KeyIndex destinations;
  out->connection_destination.reserve(count);
  out->connection_port.reserve(count);
  out->connection_time_wait.reserve(count);
  Key last{};
  uint32_t last_index = UINT32_MAX;
  for (size_t i = 0; i < count; i++) {
    const uint8_t* r = records + i * kCensusRecordSize;
    const uint8_t state = r[kRecState];
    if (r[kRecProtocol] != kTcp || IsListen(state) || ReadsAsClose(state)) continue;
    const uint16_t port = Get16(r, kRecLocalPort);
    if (any4->test(port) || any6->test(port) || (exact->test(port) && listeners.Contains(ListenKey(r)))) continue;
    const Key key = DestinationKey(r);
    if (last_index == UINT32_MAX || !(key == last)) {
      bool added;
      last_index = destinations.Find(key, &added);
      last = key;
      if (added) {
        uint8_t* d = out->destinations.Append();
        if (d == nullptr) return false;
        d[kRecProtocol] = kTcp;
        d[kRecFamily] = r[kRecFamily];
        memcpy(d + kRecRemotePort, r + kRecRemotePort, 2);
        memcpy(d + kRecLocalAddr, r + kRecLocalAddr, 16);
        memcpy(d + kRecRemoteAddr, r + kRecRemoteAddr, 16);
      }
    }
    out->connection_destination.push_back(last_index);
    out->connection_port.push_back(port);
    out->connection_time_wait.push_back(state == kTcpTimeWait ? 1 : 0);
  }
  return true;
}

}  // namespace ephemeral_ports
