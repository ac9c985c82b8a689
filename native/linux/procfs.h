// The three per-netns knobs under /proc/sys/net/ipv4/, read and written the way the kernel wants them:
// whole-file reads, and a change as one write() at offset 0 (kernel.sysctl_writes_strict). No Node-API here,
// so the same code runs on the JS thread or on a thread that has entered another network namespace.
#pragma once
#include <cstdint>
#include <string>

#include "os_failure.h"

namespace ephemeral_ports {

// kTcpTwReuse is read only (a fact doctor weighs); the addon never writes it.
enum class Knob { kPortRange, kReservedPorts, kUnprivilegedPortStart, kTcpTwReuse };

// "ip_local_port_range" → Knob; false for any other name (the JS side cannot reach arbitrary files).
bool KnobFromName(const std::string& name, Knob* knob);
const char* KnobPath(Knob knob);

// Opens, reads and closes: for the reads around a write, which must not depend on a descriptor kept from before.
bool ReadKnob(Knob knob, std::string* text, OsFailure* failure);

// Reads the previous value, writes `value` in one write() at offset 0, reads the value back. A write() the kernel
// refuses changes nothing; one it takes only in part (a list longer than a page) fails as a condition.
bool ExchangeKnob(Knob knob, const std::string& value, std::string* previous, std::string* current,
                  OsFailure* failure);

// Parses "32768\t60999\n".
bool ParsePortRange(const char* text, size_t length, uint32_t* low, uint32_t* high);

// The read path. Each thread keeps the files it read open, per namespace (`netns` empty: the thread's own; else a
// namespace file, identified by its inode, whose files a short setns thread opens once), and pread()s at offset 0
// on every call, so every value is the kernel's current one. A descriptor that fails is reopened once; a namespace
// path that names another namespace than before gets its own descriptors. `*text` points into a per-thread buffer,
// valid until the thread's next read.
bool ReadKnobCached(Knob knob, const std::string& netns, const std::string** text, OsFailure* failure);

// ip_local_port_range through the cache above. Text that is not two port numbers fails as ERR_EPHEMERAL_PARSE.
bool ReadPortRangeCached(const std::string& netns, uint32_t* low, uint32_t* high, OsFailure* failure);

}  // namespace ephemeral_ports
