// Socket census through iphlpapi GetExtendedTcpTable / GetExtendedUdpTable (platform-facts §9.2).
// Rows are returned raw (numeric MIB state, owner PID); the TypeScript side maps them to core's SocketEntry.
#include "win_common.h"

#include <vector>

namespace ep_win32 {
namespace {

// Port fields are DWORDs whose low 16 bits hold the port in network byte order.
inline uint32_t Port(DWORD raw) { return ntohs(static_cast<u_short>(raw & 0xFFFF)); }

std::string Ipv4(DWORD addr) {
  in_addr a{};
  a.s_addr = addr;
  char buf[INET_ADDRSTRLEN] = {0};
  return inet_ntop(AF_INET, &a, buf, sizeof buf) ? buf : "";
}

std::string Ipv6(const UCHAR* bytes) {
  in6_addr a{};
  memcpy(&a, bytes, sizeof a);
  char buf[INET6_ADDRSTRLEN] = {0};
  return inet_ntop(AF_INET6, &a, buf, sizeof buf) ? buf : "";
}

// The table can grow between the size query and the read; retry a few times on ERROR_INSUFFICIENT_BUFFER.
template <typename Call>
std::vector<unsigned char> ReadTable(Napi::Env env, const char* syscall, Call call) {
  std::vector<unsigned char> buf(16 * 1024);
  for (int attempt = 0; attempt < 8; ++attempt) {
    DWORD size = static_cast<DWORD>(buf.size());
    const DWORD rc = call(buf.data(), &size);
    if (rc == NO_ERROR) return buf;
    if (rc != ERROR_INSUFFICIENT_BUFFER) Throw(env, rc, syscall);
    buf.resize(static_cast<size_t>(size) + 4096);
  }
  Throw(env, ERROR_INSUFFICIENT_BUFFER, syscall);
}

int FamilyArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "family must be 4 or 6");
  const int family = info[0].As<Napi::Number>().Int32Value();
  if (family != 4 && family != 6) throw Napi::TypeError::New(info.Env(), "family must be 4 or 6");
  return family;
}

Napi::Object Row(Napi::Env env, uint32_t state, const std::string& local, uint32_t localPort,
                 const std::string& remote, uint32_t remotePort, uint32_t pid) {
  Napi::Object row = Napi::Object::New(env);
  row.Set("state", state);
  row.Set("localAddress", local);
  row.Set("localPort", localPort);
  row.Set("remoteAddress", remote);
  row.Set("remotePort", remotePort);
  row.Set("pid", pid);
  return row;
}

}  // namespace

// tcpTable(family: 4 | 6): { state, localAddress, localPort, remoteAddress, remotePort, pid }[]
Napi::Value TcpTable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int family = FamilyArg(info);
  const ULONG af = family == 4 ? AF_INET : AF_INET6;
  auto buf = ReadTable(env, "GetExtendedTcpTable", [af](void* p, DWORD* size) {
    return GetExtendedTcpTable(p, size, FALSE, af, TCP_TABLE_OWNER_PID_ALL, 0);
  });
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  if (family == 4) {
    const auto* table = reinterpret_cast<const MIB_TCPTABLE_OWNER_PID*>(buf.data());
    for (DWORD i = 0; i < table->dwNumEntries; ++i) {
      const auto& r = table->table[i];
      out.Set(n++, Row(env, r.dwState, Ipv4(r.dwLocalAddr), Port(r.dwLocalPort), Ipv4(r.dwRemoteAddr),
                       Port(r.dwRemotePort), r.dwOwningPid));
    }
  } else {
    const auto* table = reinterpret_cast<const MIB_TCP6TABLE_OWNER_PID*>(buf.data());
    for (DWORD i = 0; i < table->dwNumEntries; ++i) {
      const auto& r = table->table[i];
      out.Set(n++, Row(env, r.dwState, Ipv6(r.ucLocalAddr), Port(r.dwLocalPort), Ipv6(r.ucRemoteAddr),
                       Port(r.dwRemotePort), r.dwOwningPid));
    }
  }
  return out;
}

// udpTable(family: 4 | 6): same row shape; UDP rows have no state or remote end (state 0, remote "").
Napi::Value UdpTable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int family = FamilyArg(info);
  const ULONG af = family == 4 ? AF_INET : AF_INET6;
  auto buf = ReadTable(env, "GetExtendedUdpTable", [af](void* p, DWORD* size) {
    return GetExtendedUdpTable(p, size, FALSE, af, UDP_TABLE_OWNER_PID, 0);
  });
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  if (family == 4) {
    const auto* table = reinterpret_cast<const MIB_UDPTABLE_OWNER_PID*>(buf.data());
    for (DWORD i = 0; i < table->dwNumEntries; ++i) {
      const auto& r = table->table[i];
      out.Set(n++, Row(env, 0, Ipv4(r.dwLocalAddr), Port(r.dwLocalPort), "", 0, r.dwOwningPid));
    }
  } else {
    const auto* table = reinterpret_cast<const MIB_UDP6TABLE_OWNER_PID*>(buf.data());
    for (DWORD i = 0; i < table->dwNumEntries; ++i) {
      const auto& r = table->table[i];
      out.Set(n++, Row(env, 0, Ipv6(r.ucLocalAddr), Port(r.dwLocalPort), "", 0, r.dwOwningPid));
    }
  }
  return out;
}

}  // namespace ep_win32
