// See bpf_iter.h. The programs are assembled here, per kernel: member offsets come from the kernel's BTF
// (btf.h), so one addon binary fits every kernel layout. Loads through BTF-typed pointers are checked by the
// verifier and become fault-safe probe loads, so a program can never crash the kernel or read out of bounds.
#include "bpf_iter.h"

#include <errno.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <vector>

#include "bpf_asm.h"
#include "bpf_load.h"
#include "btf.h"

namespace ephemeral_ports {
namespace {

constexpr const char* kBtfPath = "/sys/kernel/btf/vmlinux";

// Where the programs read, for this kernel. -1 = not found.
// (SockCommonOffsets: where sock_common's fields lie; TCP hands the program a sock_common, UDP a udp_sock, which
// contains one.)
struct KernelLayout : SockCommonOffsets {
  int32_t target[2] = {-1, -1};  // FUNC ids of bpf_iter_tcp, bpf_iter_udp: what a program attaches to
  long ctx_meta = -1, ctx_sock[2] = {-1, -1}, ctx_uid[2] = {-1, -1};  // in struct bpf_iter__tcp / __udp
  long meta_seq = -1;
  long udp_common = -1;                          // sock_common inside udp_sock
  long sk_socket[2] = {-1, -1};                  // sock.sk_socket inside tcp_sock / udp_sock
  long socket_file = -1, file_inode = -1, inode_ino = -1;
  long tw_substate = -1;                         // inside tcp_timewait_sock

  bool Complete() const {
    return Found() && AllFound({target[0], target[1], ctx_meta, ctx_sock[0], ctx_sock[1], ctx_uid[0], ctx_uid[1],
                                meta_seq, udp_common, sk_socket[0], sk_socket[1], socket_file, file_inode, inode_ino,
                                tw_substate});
  }
};

bool ReadLayout(KernelLayout* layout, OsFailure* failure) {
  KernelBtf btf;
  if (!btf.Open(failure, kBtfPath)) return false;
  enum { kTcpFn, kUdpFn, kTcpCtx, kUdpCtx, kMeta, kCommon, kSock, kInetSock, kIcsk, kTcpSock, kUdpSock, kSocket,
         kFile, kInode, kTcpTw, kInetTw, kCount };
  KernelBtf::Query q[kCount] = {
      {"bpf_iter_tcp", BTF_KIND_FUNC}, {"bpf_iter_udp", BTF_KIND_FUNC}, {"bpf_iter__tcp", BTF_KIND_STRUCT},
      {"bpf_iter__udp", BTF_KIND_STRUCT}, {"bpf_iter_meta", BTF_KIND_STRUCT}, {"sock_common", BTF_KIND_STRUCT},
      {"sock", BTF_KIND_STRUCT}, {"inet_sock", BTF_KIND_STRUCT}, {"inet_connection_sock", BTF_KIND_STRUCT},
      {"tcp_sock", BTF_KIND_STRUCT}, {"udp_sock", BTF_KIND_STRUCT}, {"socket", BTF_KIND_STRUCT},
      {"file", BTF_KIND_STRUCT}, {"inode", BTF_KIND_STRUCT}, {"tcp_timewait_sock", BTF_KIND_STRUCT},
      {"inet_timewait_sock", BTF_KIND_STRUCT}};
  btf.Find(q, kCount);
  auto at = [&](int type, const char* member) { return btf.MemberOffset(q[type].id, member); };
  KernelLayout& l = *layout;
  l.target[0] = q[kTcpFn].id;
  l.target[1] = q[kUdpFn].id;
  l.ctx_meta = at(kTcpCtx, "meta") == at(kUdpCtx, "meta") ? at(kTcpCtx, "meta") : -1;
  l.ctx_sock[0] = at(kTcpCtx, "sk_common");
  l.ctx_sock[1] = at(kUdpCtx, "udp_sk");
  l.ctx_uid[0] = at(kTcpCtx, "uid");
  l.ctx_uid[1] = at(kUdpCtx, "uid");
  l.meta_seq = at(kMeta, "seq");
  l.Read(btf, q[kCommon].id);
  const long inet_sk = at(kInetSock, "sk");
  l.udp_common = OffsetPath({at(kUdpSock, "inet"), inet_sk, at(kSock, "__sk_common")});
  l.sk_socket[0] = OffsetPath({at(kTcpSock, "inet_conn"), at(kIcsk, "icsk_inet"), inet_sk, at(kSock, "sk_socket")});
  l.sk_socket[1] = OffsetPath({at(kUdpSock, "inet"), inet_sk, at(kSock, "sk_socket")});
  l.socket_file = at(kSocket, "file");
  l.file_inode = at(kFile, "f_inode");
  l.inode_ino = at(kInode, "i_ino");
  l.tw_substate = OffsetPath({at(kTcpTw, "tw_sk"), at(kInetTw, "tw_substate")});
  if (!l.Complete()) {
    failure->Set(ENOENT, "btf", kBtfPath);
    failure->remedy = "this kernel lacks the BPF socket iterators (Linux >= 5.9) or the types they need";
    return false;
  }
  return true;
}

constexpr uint8_t kTcpNewSynRecv = 12, kTcpSynRecv = 3, kTcpTimeWait = 6;

// One record per socket (census_records.h), written with bpf_seq_write. In C:
//   sk = ctx->sk; if (!sk) return 0;  rec = {0};  rec.protocol = P;  rec.uid = ctx->uid;
//   request sockets (NEW_SYN_RECV): rec.state = SYN_RECV, rec.uid = 0, as sock_diag reports them
//   TCP TIME_WAIT: rec.state = tw->tw_substate (FIN_WAIT2 or TIME_WAIT, as sock_diag and /proc report)
//   rec.lport = sk->num; rec.rport = ntohs(sk->dport);
//   inodes: rec.inode = full socket ? sk->sk_socket->file->f_inode->i_ino : 0
//   rec.family, rec addresses from skc_rcv_saddr/skc_daddr (IPv4) or the v6 pair;  seq_write(seq, &rec, 48)
std::vector<bpf_insn> BuildProgram(const KernelLayout& l, IterProtocol protocol, bool inodes) {
  const bool udp = protocol == IterProtocol::kUdp;
  const int p = static_cast<int>(protocol);
  const long base = udp ? l.udp_common : 0;  // sock_common inside the object the program is handed
  const long rec = -static_cast<long>(kCensusRecordSize);  // the record, on the stack
  Assembler a;
  const int done = a.NewLabel();
  a.Load(BPF_DW, r6, r1, l.ctx_sock[p]);
  a.Jump(BPF_JEQ, r6, 0, done);
  a.Load(BPF_DW, r7, r1, l.ctx_meta);
  a.Load(BPF_DW, r7, r7, l.meta_seq);
  a.Load(BPF_W, r2, r1, l.ctx_uid[p]);
  for (long o = 0; o < static_cast<long>(kCensusRecordSize); o += 8) a.StoreImm(BPF_DW, r10, rec + o, 0);
  a.Store(BPF_W, r10, rec + kRecUid, r2);
  a.StoreImm(BPF_B, r10, rec + kRecProtocol, udp ? IPPROTO_UDP : IPPROTO_TCP);
  a.Load(BPF_B, r3, r6, base + l.state);
  if (!udp) {  // request sockets: reported as SYN_RECV with uid 0, as sock_diag does (the iterator gives the listener's)
    const int not_request = a.NewLabel();
    a.Jump(BPF_JNE, r3, kTcpNewSynRecv, not_request);
    a.MovImm(r3, kTcpSynRecv);
    a.StoreImm(BPF_W, r10, rec + kRecUid, 0);
    a.Bind(not_request);
  }
  a.Store(BPF_B, r10, rec + kRecState, r3);
  if (!udp) {
    const int not_tw = a.NewLabel();
    a.Jump(BPF_JNE, r3, kTcpTimeWait, not_tw);
    a.Mov(r1, r6);
    a.Call(BPF_FUNC_skc_to_tcp_timewait_sock);
    a.Jump(BPF_JEQ, r0, 0, not_tw);
    a.Load(BPF_B, r3, r0, l.tw_substate);
    a.Store(BPF_B, r10, rec + kRecState, r3);
    a.Bind(not_tw);
  }
  a.Load(BPF_H, r3, r6, base + l.num);
  a.Store(BPF_H, r10, rec + kRecLocalPort, r3);
  a.Load(BPF_H, r3, r6, base + l.dport);
  a.Emit(BPF_ALU | BPF_END | BPF_TO_BE, r3, 0, 0, 16);  // network to host order (the records are little-endian)
  a.Store(BPF_H, r10, rec + kRecRemotePort, r3);
  if (inodes) {
    const int no_inode = a.NewLabel();
    if (udp) {
      a.Load(BPF_DW, r1, r6, l.sk_socket[p]);
    } else {  // only full sockets have one: not TIME_WAIT, not request sockets
      a.Mov(r1, r6);
      a.Call(BPF_FUNC_skc_to_tcp_sock);
      a.Jump(BPF_JEQ, r0, 0, no_inode);
      a.Load(BPF_DW, r1, r0, l.sk_socket[p]);
    }
    a.Jump(BPF_JEQ, r1, 0, no_inode);  // orphaned: closed by its owner, still in the tables
    a.Load(BPF_DW, r1, r1, l.socket_file);
    a.Jump(BPF_JEQ, r1, 0, no_inode);  // a kernel socket
    a.Load(BPF_DW, r1, r1, l.file_inode);
    a.Jump(BPF_JEQ, r1, 0, no_inode);
    a.Load(BPF_W, r1, r1, l.inode_ino);
    a.Store(BPF_W, r10, rec + kRecInode, r1);
    a.Bind(no_inode);
  }
  const int v6 = a.NewLabel(), write = a.NewLabel();
  a.Load(BPF_H, r3, r6, base + l.family);
  a.Jump(BPF_JEQ, r3, AF_INET6, v6);
  a.StoreImm(BPF_B, r10, rec + kRecFamily, 4);
  a.Load(BPF_W, r3, r6, base + l.rcv_saddr);
  a.Store(BPF_W, r10, rec + kRecLocalAddr, r3);
  a.Load(BPF_W, r3, r6, base + l.daddr);
  a.Store(BPF_W, r10, rec + kRecRemoteAddr, r3);
  a.Jump(BPF_JA, 0, 0, write);
  a.Bind(v6);
  a.StoreImm(BPF_B, r10, rec + kRecFamily, 6);
  for (long half = 0; half < 16; half += 8) {
    a.Load(BPF_DW, r3, r6, base + l.v6_rcv_saddr + half);
    a.Store(BPF_DW, r10, rec + kRecLocalAddr + half, r3);
    a.Load(BPF_DW, r3, r6, base + l.v6_daddr + half);
    a.Store(BPF_DW, r10, rec + kRecRemoteAddr + half, r3);
  }
  a.Bind(write);
  a.Mov(r1, r7);
  a.Mov(r2, r10);
  a.Emit(BPF_ALU64 | BPF_ADD | BPF_K, r2, 0, 0, static_cast<int32_t>(rec));
  a.MovImm(r3, static_cast<int32_t>(kCensusRecordSize));
  a.Call(BPF_FUNC_seq_write);
  a.Bind(done);
  a.MovImm(r0, 0);
  a.Exit();
  return a.Finish();
}

// Loads the program for (protocol, inodes) as an iterator; returns the link's fd (which keeps the program alive).
int LoadIterator(const KernelLayout& l, IterProtocol protocol, bool inodes, OsFailure* failure) {
  const int prog = LoadIterProgram(BuildProgram(l, protocol, inodes), {0}, l.target[static_cast<int>(protocol)],
                                   protocol == IterProtocol::kTcp ? "ep_census_tcp" : "ep_census_udp", failure);
  if (prog < 0) return -1;
  const int link = AttachIterator(prog, nullptr, 0, failure);
  close(prog);  // the link keeps the program
  return link;
}

// Process-wide: the layout (read once) and one link per (protocol, inodes), kept open for the process's life.
struct Iterators {
  std::mutex mutex;
  bool layout_read = false;
  OsFailure layout_failure;
  KernelLayout layout;
  int link[2][2] = {{-1, -1}, {-1, -1}};
  OsFailure link_failure[2][2];
};

Iterators& State() {
  static Iterators* state = new Iterators();  // never destroyed: worker threads may still use it at exit
  return *state;
}

// The link of the program for (protocol, inodes), loading it on first use; -1 with `failure` set.
int IteratorLink(IterProtocol protocol, bool inodes, OsFailure* failure) {
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
  // The programs store ports in host order, and the records are little-endian.
  failure->Set(ENOTSUP, "bpf", "");
  failure->remedy = "the BPF census is built for little-endian hosts; the census uses NETLINK_SOCK_DIAG";
  return -1;
#endif
  Iterators& s = State();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!s.layout_read) {
    s.layout_read = true;
    ReadLayout(&s.layout, &s.layout_failure);
  }
  if (s.layout_failure.failed()) {
    *failure = s.layout_failure;
    return -1;
  }
  const int p = static_cast<int>(protocol), v = inodes ? 1 : 0;
  if (s.link[p][v] < 0 && !s.link_failure[p][v].failed()) s.link[p][v] = LoadIterator(s.layout, protocol, inodes, &s.link_failure[p][v]);
  if (s.link[p][v] < 0) *failure = s.link_failure[p][v];
  return s.link[p][v];
}

}  // namespace

int OpenBpfIterator(IterProtocol protocol, bool inodes, OsFailure* failure) {
  const int link = IteratorLink(protocol, inodes, failure);
  if (link < 0) return -1;
  bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.iter_create.link_fd = static_cast<uint32_t>(link);
  int fd = static_cast<int>(Bpf(BPF_ITER_CREATE, &attr));
  if (fd < 0) failure->Set(errno, "bpf", "");
  return fd;
}

bool ReadBpfIterator(int iter_fd, RecordBuffer* out, OsFailure* failure) {
  const size_t before = out->size();
  bool ok = out->ReadAll(iter_fd, failure);
  if (ok && (out->size() - before) % kCensusRecordSize != 0) {  // cannot happen: every write is one whole record
    failure->Set(EPROTO, "read", "");
    ok = false;
  }
  return ok;
}

}  // namespace ephemeral_ports
