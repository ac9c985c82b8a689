// The three per-netns knobs under /proc/sys/net/ipv4/, read and written the way the kernel wants them:
// whole-file reads, and a change as one write() at offset 0 (kernel.sysctl_writes_strict). No Node-API here,
// so the same code runs on the JS thread or on a thread that has entered another network namespace.
#pragma once
#include <cstdint>
#include <string>

#include "os_failure.h"

namespace ephemeral_ports {

enum class Knob { kPortRange, kReservedPorts, kUnprivilegedPortStart };

// "ip_local_port_range" → Knob; false for any other name (the JS side cannot reach arbitrary files).
bool KnobFromName(const std::string& name, Knob* knob);
const char* KnobPath(Knob knob);

bool ReadKnob(Knob knob, std::string* text, OsFailure* failure);

// Reads the previous value, writes `value` in one write() at offset 0, reads the value back. A write() the kernel
// refuses changes nothing; one it takes only in part (a list longer than a page) fails as a condition.
bool ExchangeKnob(Knob knob, const std::string& value, std::string* previous, std::string* current,
                  OsFailure* failure);

// Parses "32768\t60999\n".
bool ParsePortRange(const char* text, size_t length, uint32_t* low, uint32_t* high);

// The hot path: the calling process's own namespace, through a descriptor opened once and pread() at 0. Text that
// is not two port numbers fails as ERR_EPHEMERAL_PARSE.
bool ReadPortRangeFast(uint32_t* low, uint32_t* high, OsFailure* failure);

}  // namespace ephemeral_ports
