// Census records: the fixed-size little-endian records sock_diag.cc makes from netlink messages, and the buffer
// that holds them until census.cc hands its memory to JS without a copy.
// The JS side (packages/linux/src/census/native-census.ts) mirrors the layout; keep both in step.
#pragma once
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cstdint>

namespace ephemeral_ports {

// Record layout, offsets in bytes. Addresses are raw network-order bytes (IPv4 uses the first 4).
constexpr size_t kCensusRecordSize = 48;
constexpr size_t kRecProtocol = 0;  // u8: 6 = TCP, 17 = UDP
constexpr size_t kRecFamily = 1;    // u8: 4 or 6
constexpr size_t kRecState = 2;     // u8: kernel TCP_* state number (UDP: 1 connected, 7 unconnected)
constexpr size_t kRecLocalPort = 4;   // u16, the port number (not network order)
constexpr size_t kRecRemotePort = 6;  // u16, the port number (not network order)
constexpr size_t kRecInode = 8;       // u32 (0: none, e.g. TIME_WAIT)
constexpr size_t kRecUid = 12;        // u32
constexpr size_t kRecLocalAddr = 16;  // 16 bytes
constexpr size_t kRecRemoteAddr = 32; // 16 bytes

// The census records, appended in place and handed to JS without a copy (an external ArrayBuffer).
// Why not a std::vector copied into a fresh ArrayBuffer: every new 4 KiB page costs a page fault, expensive on
// virtual machines, once where the records are written and again where they are copied. Beyond a small first
// block the records live in a mapping aligned for one transparent huge page per 2 MiB (one fault instead of 512);
// where THP is off it is an ordinary mapping.
class RecordBuffer {
 public:
  RecordBuffer() = default;
  RecordBuffer(const RecordBuffer&) = delete;
  RecordBuffer& operator=(const RecordBuffer&) = delete;
  ~RecordBuffer() { Free(data_, capacity_); }

  size_t size() const { return size_; }
  const uint8_t* data() const { return data_; }
  void Truncate(size_t size) { size_ = size; }

  // Room for one more record, zeroed; nullptr when memory ran out.
  uint8_t* Append() {
    if (size_ + kCensusRecordSize > capacity_ && !Grow()) return nullptr;
    uint8_t* r = data_ + size_;
    size_ += kCensusRecordSize;
    memset(r, 0, kCensusRecordSize);
    return r;
  }

  // Replaces the contents with `bytes` zeroed bytes (for counts handed to JS the same way as records). Fresh
  // anonymous mappings are zero already; beyond kSmall the block is one huge page where THP allows, so a large
  // count table costs one page fault instead of hundreds. False when memory ran out.
  bool ResetZeroed(size_t bytes) {
    Free(data_, capacity_);
    data_ = nullptr;
    capacity_ = size_ = 0;
    const size_t capacity = bytes <= kSmall ? kSmall : (bytes + kHuge - 1) / kHuge * kHuge;
    uint8_t* data = Allocate(capacity);
    if (data == nullptr) return false;
    if (capacity <= kSmall) memset(data, 0, capacity);
    data_ = data;
    capacity_ = capacity;
    size_ = bytes;
    return true;
  }
  uint8_t* mutable_data() { return data_; }

  // Hands the records over: the caller owns `*data` (`*capacity` bytes, `*size` used) and frees it with Free().
  void Detach(uint8_t** data, size_t* capacity, size_t* size) {
    *data = data_;
    *capacity = capacity_;
    *size = size_;
    data_ = nullptr;
    capacity_ = size_ = 0;
  }

  static void Free(uint8_t* data, size_t capacity) {
    if (data == nullptr) return;
    if (capacity <= kSmall) free(data);
    else munmap(data, capacity);
  }

 private:
  static constexpr size_t kSmall = 64 * 1024;    // a few hundred sockets: plain heap memory
  static constexpr size_t kHuge = 2 * 1024 * 1024;  // the huge page size with 4 KiB pages (x86-64, most arm64)

  static uint8_t* Allocate(size_t capacity) {
    if (capacity <= kSmall) return static_cast<uint8_t*>(malloc(capacity));
    // Map one huge page more than needed and trim, so the block starts on a 2 MiB boundary (THP needs it).
    const size_t span = capacity + kHuge;
    void* p = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    const uintptr_t start = reinterpret_cast<uintptr_t>(p);
    const uintptr_t aligned = (start + kHuge - 1) & ~(kHuge - 1);
    if (aligned > start) munmap(p, aligned - start);
    if (start + span > aligned + capacity) munmap(reinterpret_cast<void*>(aligned + capacity), start + span - aligned - capacity);
    madvise(reinterpret_cast<void*>(aligned), capacity, MADV_HUGEPAGE);  // a hint; fails harmlessly without THP
    return reinterpret_cast<uint8_t*>(aligned);
  }

  bool Grow() {
    const size_t capacity = capacity_ == 0 ? kSmall : capacity_ < kHuge ? kHuge : capacity_ * 2;
    uint8_t* data = Allocate(capacity);
    if (data == nullptr) return false;
    if (size_ > 0) memcpy(data, data_, size_);
    Free(data_, capacity_);
    data_ = data;
    capacity_ = capacity;
    return true;
  }

  uint8_t* data_ = nullptr;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace ephemeral_ports
