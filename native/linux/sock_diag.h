// Socket census through NETLINK_SOCK_DIAG (inet_diag_req_v2): registered on the Linux addon's exports.
//
// JS surface (typed in packages/linux/src/census/native-census.ts):
//   sockDiagCensus({ netns?: string, tcp: bool, udp: bool, v4: bool, v6: bool }) -> Promise<ArrayBuffer>
// The buffer holds fixed-size little-endian records (kCensusRecordSize bytes each, layout below), so tens of
// thousands of sockets cross into JS as one allocation instead of one object per socket.
#pragma once
#include <napi.h>

namespace ephemeral_ports {

// Record layout, offsets in bytes. Addresses are raw network-order bytes (IPv4 uses the first 4).
constexpr size_t kCensusRecordSize = 48;
constexpr size_t kRecProtocol = 0;  // u8: 6 = TCP, 17 = UDP
constexpr size_t kRecFamily = 1;    // u8: 4 or 6
constexpr size_t kRecState = 2;     // u8: kernel TCP_* state number (UDP: 1 connected, 7 unconnected)
constexpr size_t kRecLocalPort = 4;   // u16, host order
constexpr size_t kRecRemotePort = 6;  // u16, host order
constexpr size_t kRecInode = 8;       // u32
constexpr size_t kRecUid = 12;        // u32
constexpr size_t kRecLocalAddr = 16;  // 16 bytes
constexpr size_t kRecRemoteAddr = 32; // 16 bytes

void RegisterCensus(Napi::Env env, Napi::Object exports);

}  // namespace ephemeral_ports
