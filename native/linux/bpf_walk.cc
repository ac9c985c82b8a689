// See bpf_walk.h. Two programs, run side by side (the bind walk on the parked thread), in C (every kernel read goes
// through bpf_rdonly_cast(addr, 0): a fault-safe load):
//
//   main(ctx of the task iterator, filtered to the census thread, so it runs once per read):
//     net = ctx->task->nsproxy->net_ns;  h = net->ipv4.tcp_death_row.hashinfo
//     hash program: walk(h->lhash2, Group(ChainStep)); walk(h->ehash, Group(ChainStep))
//     bind program: walk(h->bhash2, Group(BindStep))
//     seq_write({count, flags})
//   walk: bpf_loop(Group) until Group passes the table's end
//   Group: the next non-empty bucket among the following 64 (a callback per bucket would cost ~14 ns each, 3.7 ms
//     on 262,144 buckets), its chain walked by bpf_loop(step); a nulls chain that does not end in this bucket's
//     marker sets kMoved
//   ChainStep: a socket of this namespace -> record
//   BindStep: a bind bucket of this namespace -> bpf_loop(OwnerStep): an owner in CLOSE with a port -> record
//   record: the next element of the record array (kOverflow when full), filled as bpf_iter.cc's programs do.
#include "bpf_walk.h"

#include <errno.h>
#include <linux/btf.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <vector>

#include "bpf_asm.h"
#include "bpf_load.h"
#include "btf.h"
#include "parked_thread.h"

namespace ephemeral_ports {
namespace {

constexpr const char* kBtfPath = "/sys/kernel/btf/vmlinux";
constexpr int32_t kMaxLoops = 1 << 23;  // BPF_MAX_LOOPS: the most one bpf_loop call may run
constexpr int32_t kGroup = 64;          // buckets per callback
constexpr uint32_t kListeningNullsBase = 1U << 29;  // LISTENING_NULLS_BASE (include/net/inet_hashtables.h)
constexpr uint8_t kTcpClose = 7, kTcpTimeWait = 6, kTcpNewSynRecv = 12, kTcpSynRecv = 3;
// Status flags the program reports.
// kTruncated: a bpf_loop ran out of iterations (BPF_MAX_LOOPS) before the end of a table or chain.
constexpr uint64_t kOverflow = 1, kMoved = 2, kNoNamespace = 4, kTruncated = 8;
constexpr int kAttempts = 4;  // walks tried before giving up on a table that keeps changing

// Where the program reads, for this kernel; -1 = not found.
struct WalkLayout : SockCommonOffsets {
  int32_t target = -1, rdonly_cast = -1;  // FUNC ids: the task iterator, the kfunc
  long ctx_meta = -1, ctx_task = -1, meta_seq = -1;
  long task_nsproxy = -1, nsproxy_net = -1, net_hashinfo = -1;
  long ehash = -1, ehash_mask = -1, lhash2 = -1, lhash2_mask = -1, bhash2 = -1, bhash_size = -1;
  long ebucket_size = -1, ebucket_head = -1, lbucket_size = -1, lbucket_head = -1, bbucket_size = -1, bbucket_head = -1;
  long tb2_net = -1, tb2_node = -1, tb2_owners = -1;
  // more of sock_common, at the start of every TCP socket object (full, TIME_WAIT, request)
  long nulls_node = -1, net = -1;
  long bind2_node = -1, uid = -1, sk_socket = -1, socket_file = -1, file_inode = -1, inode_ino = -1;
  long tw_substate = -1;

  bool Complete() const {
    return Found() && AllFound({target, rdonly_cast, ctx_meta, ctx_task, meta_seq, task_nsproxy, nsproxy_net,
                                net_hashinfo, ehash, ehash_mask, lhash2, lhash2_mask, bhash2, bhash_size,
                                ebucket_size, ebucket_head, lbucket_size, lbucket_head, bbucket_size, bbucket_head,
                                tb2_net, tb2_node, tb2_owners, nulls_node, net, bind2_node, uid, sk_socket,
                                socket_file, file_inode, inode_ino, tw_substate});
  }
};

bool ReadLayout(WalkLayout* layout, OsFailure* failure) {
  KernelBtf btf;
  if (!btf.Open(failure, kBtfPath)) return false;
  enum { kIterFn, kCastFn, kCtx, kMeta, kTask, kNsproxy, kNet, kIpv4, kDeathRow, kHashinfo, kEBucket, kLBucket,
         kBBucket, kTb2, kCommon, kSock, kSocket, kFile, kInode, kTcpTw, kInetTw, kReq, kCount };
  KernelBtf::Query q[kCount] = {
      {"bpf_iter_task", BTF_KIND_FUNC}, {"bpf_rdonly_cast", BTF_KIND_FUNC}, {"bpf_iter__task", BTF_KIND_STRUCT},
      {"bpf_iter_meta", BTF_KIND_STRUCT}, {"task_struct", BTF_KIND_STRUCT}, {"nsproxy", BTF_KIND_STRUCT},
      {"net", BTF_KIND_STRUCT}, {"netns_ipv4", BTF_KIND_STRUCT}, {"inet_timewait_death_row", BTF_KIND_STRUCT},
      {"inet_hashinfo", BTF_KIND_STRUCT}, {"inet_ehash_bucket", BTF_KIND_STRUCT},
      {"inet_listen_hashbucket", BTF_KIND_STRUCT}, {"inet_bind_hashbucket", BTF_KIND_STRUCT},
      {"inet_bind2_bucket", BTF_KIND_STRUCT}, {"sock_common", BTF_KIND_STRUCT}, {"sock", BTF_KIND_STRUCT},
      {"socket", BTF_KIND_STRUCT}, {"file", BTF_KIND_STRUCT}, {"inode", BTF_KIND_STRUCT},
      {"tcp_timewait_sock", BTF_KIND_STRUCT}, {"inet_timewait_sock", BTF_KIND_STRUCT},
      {"request_sock", BTF_KIND_STRUCT}};
  btf.Find(q, kCount);
  auto at = [&](int type, const char* member) { return btf.MemberOffset(q[type].id, member); };
  // The reads assume every TCP socket object starts with its sock_common.
  const bool common_first = at(kSock, "__sk_common") == 0 && at(kInetTw, "__tw_common") == 0 &&
                            at(kTcpTw, "tw_sk") == 0 && at(kReq, "__req_common") == 0;
  WalkLayout& l = *layout;
  l.target = q[kIterFn].id;
  l.rdonly_cast = q[kCastFn].id;
  l.ctx_meta = at(kCtx, "meta");
  l.ctx_task = at(kCtx, "task");
  l.meta_seq = at(kMeta, "seq");
  l.task_nsproxy = at(kTask, "nsproxy");
  l.nsproxy_net = at(kNsproxy, "net_ns");
  l.net_hashinfo = OffsetPath({at(kNet, "ipv4"), at(kIpv4, "tcp_death_row"), at(kDeathRow, "hashinfo")});
  l.ehash = at(kHashinfo, "ehash");
  l.ehash_mask = at(kHashinfo, "ehash_mask");
  l.lhash2 = at(kHashinfo, "lhash2");
  l.lhash2_mask = at(kHashinfo, "lhash2_mask");
  l.bhash2 = at(kHashinfo, "bhash2");
  l.bhash_size = at(kHashinfo, "bhash_size");
  l.ebucket_size = btf.StructSize(q[kEBucket].id);
  l.ebucket_head = at(kEBucket, "chain");
  l.lbucket_size = btf.StructSize(q[kLBucket].id);
  l.lbucket_head = at(kLBucket, "nulls_head");
  l.bbucket_size = btf.StructSize(q[kBBucket].id);
  l.bbucket_head = at(kBBucket, "chain");
  l.tb2_net = at(kTb2, "ib_net");
  l.tb2_node = at(kTb2, "node");
  l.tb2_owners = at(kTb2, "owners");
  l.nulls_node = at(kCommon, "skc_nulls_node");
  l.net = at(kCommon, "skc_net");
  l.Read(btf, q[kCommon].id);
  // Bind-table owners are linked through sock_common's skc_bind_node, in full and TIME_WAIT sockets alike
  // (Linux >= 6.15). Older kernels link full sockets through sk_bind2_node and TIME_WAIT ones elsewhere: the walk
  // would follow a wrong offset there, so those kernels take the iterator.
  l.bind2_node = at(kSock, "sk_bind2_node") >= 0 ? -1 : at(kCommon, "skc_bind_node");
  l.uid = at(kSock, "sk_uid");
  l.sk_socket = at(kSock, "sk_socket");
  l.socket_file = at(kSocket, "file");
  l.file_inode = at(kFile, "f_inode");
  l.inode_ino = at(kInode, "i_ino");
  l.tw_substate = at(kInetTw, "tw_substate");
  if (!common_first || !l.Complete()) {
    failure->Set(ENOENT, "btf", kBtfPath);
    failure->remedy = "this kernel lacks the types or the layout the hash-table walk needs (Linux >= 6.15)";
    return false;
  }
  return true;
}

// The loop context, on the main program's stack; every callback gets a pointer to it.
enum Ctx : long {
  kNet = 0,      // the namespace's struct net *
  kBase = 8,     // the table being walked: bucket array, highest index, bucket size, chain head's offset
  kMask = 16,
  kStride = 24,
  kHead = 32,
  kNulls = 40,   // the nulls value of bucket 0's chain end
  kCursor = 48,  // the chain element being visited
  kBucket = 56,  // the next bucket to look at
  kCount = 64,   // records written
  kFlags = 72,
  kLimit = 80,   // records the array holds
  kBindCursor = 88,
  kCurrent = 96,  // the bucket being walked
  kZero = 104,    // 0, read from the control element (see Main)
  kCtxSize = 112
};
constexpr long kCtxAt = -kCtxSize;  // on the main program's stack
constexpr long kStatusAt = kCtxAt - 16;

// Which tables a program walks: the two walks run side by side on two threads.
enum class Tables { kHash, kBind };  // listening + established; bind (bound-only sockets)

class WalkProgram {
 public:
  WalkProgram(const WalkLayout& l, Tables tables, bool inodes, int map_fd, size_t capacity)
      : l_(l), tables_(tables), inodes_(inodes), map_fd_(map_fd), capacity_(capacity) {}

  // The program, and where each of its functions starts.
  std::vector<bpf_insn> Build(std::vector<uint32_t>* functions) {
    const int group = a_.NewLabel(), step = a_.NewLabel();
    Main(group);
    Function(group);
    Group(step, tables_ == Tables::kHash);
    Function(step);
    if (tables_ == Tables::kHash) {
      ChainStep();
    } else {
      const int owner_step = a_.NewLabel();
      BindStep(owner_step);
      Function(owner_step);
      OwnerStep();
    }
    *functions = a_.functions();
    return a_.Finish();
  }

 private:
  void Function(int label) {
    a_.Bind(label);
    a_.BeginFunction();
  }
  // r0 = readable view of the kernel address in `reg` (clobbers r1-r5).
  void Cast(uint8_t reg) {
    if (reg != r1) a_.Mov(r1, reg);
    a_.MovImm(r2, 0);
    a_.CallKfunc(l_.rdonly_cast);
  }
  // dst = *(u64 *)(src + off), a kernel pointer read through a view (clobbers r0-r5).
  void ReadPointer(uint8_t dst, uint8_t src, long off) {
    a_.Mov(r1, src);
    a_.AluImm(BPF_ADD, r1, static_cast<int32_t>(off));
    Cast(r1);
    a_.Load(BPF_DW, dst, r0, 0);
  }
  void SetFlag(uint8_t ctx, uint64_t flag) {
    a_.Load(BPF_DW, r1, ctx, kFlags);
    a_.AluImm(BPF_OR, r1, static_cast<int32_t>(flag));
    a_.Store(BPF_DW, ctx, kFlags, r1);
  }
  // Calls bpf_loop(count in r1, callback, ctx in `ctx`).
  void Loop(int callback, uint8_t ctx) {
    a_.LoadFunc(r2, callback);
    a_.Mov(r3, ctx);
    a_.MovImm(r4, 0);
    a_.Call(BPF_FUNC_loop);
  }

  // One table: r8 = the hashinfo view; walks it with `group`. `size_is_count`: the field holds the bucket count,
  // not the highest index.
  void Table(long table, long bound, bool size_is_count, long stride, long head, uint32_t nulls, int group) {
    const int skip = a_.NewLabel();
    a_.Load(BPF_DW, r1, r8, table);
    a_.Jump(BPF_JEQ, r1, 0, skip);
    a_.Store(BPF_DW, r10, kCtxAt + kBase, r1);
    a_.Load(BPF_W, r1, r8, bound);
    if (size_is_count) {
      a_.Jump(BPF_JEQ, r1, 0, skip);
      a_.AluImm(BPF_SUB, r1, 1);
    }
    a_.Store(BPF_DW, r10, kCtxAt + kMask, r1);
    a_.StoreImm(BPF_DW, r10, kCtxAt + kStride, static_cast<int32_t>(stride));
    a_.StoreImm(BPF_DW, r10, kCtxAt + kHead, static_cast<int32_t>(head));
    a_.StoreImm(BPF_DW, r10, kCtxAt + kNulls, static_cast<int32_t>(nulls));
    a_.Load(BPF_DW, r1, r10, kCtxAt + kZero);
    a_.Store(BPF_DW, r10, kCtxAt + kBucket, r1);
    a_.MovImm(r1, kMaxLoops);  // the callback stops the loop past the last bucket
    a_.Mov(r6, r10);
    a_.AluImm(BPF_ADD, r6, kCtxAt);
    Loop(group, r6);
    a_.Load(BPF_DW, r1, r6, kBucket);
    a_.Load(BPF_DW, r2, r6, kMask);
    a_.JumpReg(BPF_JGT, r1, r2, skip);
    SetFlag(r6, kTruncated);
    a_.Bind(skip);
  }

  // The iterator's task is the census thread (the link's filter): its namespace is the one listed.
  void Main(int group) {
    const int done = a_.NewLabel(), report = a_.NewLabel(), no_net = a_.NewLabel();
    a_.Mov(r9, r1);
    a_.Load(BPF_DW, r6, r9, l_.ctx_task);
    a_.Jump(BPF_JEQ, r6, 0, done);  // the iterator's last call, without a task
    for (long o = 0; o < kCtxSize; o += 8) a_.StoreImm(BPF_DW, r10, kCtxAt + o, 0);
    // The limit and the zero the count, the flags and the bucket index start from come from the array's control
    // element, not from constants: values the verifier knew would be tracked exactly through every callback, whose
    // states would then converge slowly (flags, a bucket index) or never (the count).
    a_.StoreImm(BPF_W, r10, kStatusAt, static_cast<int32_t>(capacity_));
    a_.LoadMap(r1, map_fd_);
    a_.Mov(r2, r10);
    a_.AluImm(BPF_ADD, r2, kStatusAt);
    a_.Call(BPF_FUNC_map_lookup_elem);
    a_.Jump(BPF_JEQ, r0, 0, done);
    a_.Load(BPF_DW, r1, r0, 0);
    a_.Store(BPF_DW, r10, kCtxAt + kLimit, r1);
    a_.Load(BPF_DW, r1, r0, 8);
    a_.Store(BPF_DW, r10, kCtxAt + kCount, r1);
    a_.Store(BPF_DW, r10, kCtxAt + kZero, r1);
    a_.Store(BPF_DW, r10, kCtxAt + kFlags, r1);
    ReadPointer(r6, r6, l_.task_nsproxy);
    a_.Jump(BPF_JEQ, r6, 0, no_net);
    ReadPointer(r7, r6, l_.nsproxy_net);
    a_.Jump(BPF_JEQ, r7, 0, no_net);
    a_.Store(BPF_DW, r10, kCtxAt + kNet, r7);
    ReadPointer(r8, r7, l_.net_hashinfo);
    a_.Jump(BPF_JEQ, r8, 0, no_net);
    Cast(r8);
    a_.Mov(r8, r0);
    if (tables_ == Tables::kHash) {
      Table(l_.lhash2, l_.lhash2_mask, false, l_.lbucket_size, l_.lbucket_head, kListeningNullsBase, group);
      Table(l_.ehash, l_.ehash_mask, false, l_.ebucket_size, l_.ebucket_head, 0, group);
    } else {
      Table(l_.bhash2, l_.bhash_size, true, l_.bbucket_size, l_.bbucket_head, 0, group);
    }
    a_.Jump(BPF_JA, 0, 0, report);
    a_.Bind(no_net);
    a_.Mov(r6, r10);
    a_.AluImm(BPF_ADD, r6, kCtxAt);
    SetFlag(r6, kNoNamespace);
    a_.Bind(report);
    a_.Load(BPF_DW, r1, r10, kCtxAt + kCount);
    a_.Store(BPF_DW, r10, kStatusAt, r1);
    a_.Load(BPF_DW, r1, r10, kCtxAt + kFlags);
    a_.Store(BPF_DW, r10, kStatusAt + 8, r1);
    a_.Load(BPF_DW, r1, r9, l_.ctx_meta);
    a_.Load(BPF_DW, r1, r1, l_.meta_seq);
    a_.Mov(r2, r10);
    a_.AluImm(BPF_ADD, r2, kStatusAt);
    a_.MovImm(r3, 16);
    a_.Call(BPF_FUNC_seq_write);
    a_.Bind(done);
    a_.MovImm(r0, 0);
    a_.Exit();
  }

  // Callback (r2 = ctx): from bucket kBucket, finds the next non-empty bucket within kGroup and walks its chain
  // with bpf_loop(step); stops the loop (returns 1) past the table's end. Why one chain per call and not a group
  // of buckets per call: the verifier checks the chain walk once per call site, so a walk inside the scanning loop
  // would be checked kGroup times over (and nested for the bind table, past its limit).
  // `nulls`: hlist_nulls chains, whose end marker must name this bucket; else bind chains (NULL-terminated).
  void Group(int step, bool nulls) {
    const int scan = a_.NewLabel(), next = a_.NewLabel(), found = a_.NewLabel(), walked = a_.NewLabel(),
              end = a_.NewLabel(), stop = a_.NewLabel();
    a_.Mov(r6, r2);
    a_.Load(BPF_DW, r1, r6, kFlags);
    a_.Jump(BPF_JSET, r1, static_cast<int32_t>(kOverflow), stop);
    a_.Load(BPF_DW, r7, r6, kBucket);
    a_.MovImm(r8, 0);
    a_.Bind(scan);
    a_.Mov(r1, r7);
    a_.Alu(BPF_ADD, r1, r8);
    a_.Load(BPF_DW, r2, r6, kMask);
    a_.JumpReg(BPF_JGT, r1, r2, end);  // past the last bucket
    a_.Load(BPF_DW, r2, r6, kStride);
    a_.Alu(BPF_MUL, r1, r2);
    a_.Load(BPF_DW, r2, r6, kBase);
    a_.Alu(BPF_ADD, r1, r2);
    a_.Load(BPF_DW, r2, r6, kHead);
    a_.Alu(BPF_ADD, r1, r2);
    Cast(r1);
    a_.Load(BPF_DW, r9, r0, 0);  // the chain's first element
    if (nulls) a_.Jump(BPF_JSET, r9, 1, next);  // an end marker: empty
    else a_.Jump(BPF_JEQ, r9, 0, next);
    a_.Jump(BPF_JA, 0, 0, found);
    a_.Bind(next);
    a_.AluImm(BPF_ADD, r8, 1);
    a_.Jump(BPF_JLT, r8, kGroup, scan);
    a_.Alu(BPF_ADD, r7, r8);  // kGroup empty buckets: on from the next one
    a_.Store(BPF_DW, r6, kBucket, r7);
    a_.Jump(BPF_JA, 0, 0, walked);
    a_.Bind(found);
    a_.Alu(BPF_ADD, r7, r8);
    a_.Store(BPF_DW, r6, kCurrent, r7);
    a_.AluImm(BPF_ADD, r7, 1);
    a_.Store(BPF_DW, r6, kBucket, r7);
    a_.Store(BPF_DW, r6, nulls ? kCursor : kBindCursor, r9);
    a_.MovImm(r1, kMaxLoops);
    Loop(step, r6);
    if (nulls) {
      const int at_end = a_.NewLabel();
      a_.Load(BPF_DW, r1, r6, kCursor);
      a_.Jump(BPF_JSET, r1, 1, at_end);
      SetFlag(r6, kTruncated);  // stopped before the end (a full array, or a chain longer than bpf_loop allows)
      a_.Jump(BPF_JA, 0, 0, walked);
      a_.Bind(at_end);
      a_.AluImm(BPF_RSH, r1, 1);  // the marker's value: bucket + the table's nulls base
      a_.Load(BPF_DW, r2, r6, kCurrent);
      a_.Load(BPF_DW, r3, r6, kNulls);
      a_.Alu(BPF_ADD, r2, r3);
      a_.JumpReg(BPF_JEQ, r1, r2, walked);
      SetFlag(r6, kMoved);  // the walk left this bucket's chain: a socket was reused under it
    } else {
      a_.Load(BPF_DW, r1, r6, kBindCursor);
      a_.Jump(BPF_JEQ, r1, 0, walked);
      SetFlag(r6, kTruncated);
    }
    a_.Bind(walked);
    a_.MovImm(r0, 0);
    a_.Exit();
    a_.Bind(end);
    a_.Store(BPF_DW, r6, kBucket, r1);  // the walk's end, as the caller checks
    a_.Bind(stop);
    a_.MovImm(r0, 1);
    a_.Exit();
  }

  // Callback: one element of a nulls chain (kCursor); a socket of this namespace becomes a record.
  void ChainStep() {
    const int advance = a_.NewLabel(), stop = a_.NewLabel();
    StepBegin(kCursor, l_.nulls_node, true, stop);
    SameNamespace(advance);
    Record(stop);
    StepEnd(advance, stop, l_.nulls_node, kCursor);
  }

  // Callback: one bind bucket (kBindCursor, an inet_bind2_bucket's node); its owners if it is this namespace's.
  void BindStep(int owner_step) {
    const int advance = a_.NewLabel(), stop = a_.NewLabel();
    StepBegin(kBindCursor, l_.tb2_node, false, stop);
    a_.Load(BPF_DW, r1, r7, l_.tb2_net);
    a_.Load(BPF_DW, r2, r6, kNet);
    a_.JumpReg(BPF_JNE, r1, r2, advance);
    a_.Load(BPF_DW, r1, r7, l_.tb2_owners);
    a_.Jump(BPF_JEQ, r1, 0, advance);
    a_.Store(BPF_DW, r6, kCursor, r1);
    a_.MovImm(r1, kMaxLoops);
    Loop(owner_step, r6);
    a_.Load(BPF_DW, r1, r6, kCursor);
    a_.Jump(BPF_JEQ, r1, 0, advance);
    SetFlag(r6, kTruncated);
    StepEnd(advance, stop, l_.tb2_node, kBindCursor);
  }

  // Callback: one owner of a bind bucket (kCursor, a socket's sk_bind2_node), listed only if bound-only (CLOSE
  // with a port): the others are in the listening or established table.
  void OwnerStep() {
    const int advance = a_.NewLabel(), stop = a_.NewLabel();
    StepBegin(kCursor, l_.bind2_node, false, stop);
    SameNamespace(advance);
    a_.Load(BPF_B, r1, r7, l_.state);
    a_.Jump(BPF_JNE, r1, kTcpClose, advance);
    a_.Load(BPF_H, r1, r7, l_.num);
    a_.Jump(BPF_JEQ, r1, 0, advance);
    Record(stop);
    StepEnd(advance, stop, l_.bind2_node, kCursor);
  }

  // A chain step's start (callback: r2 = ctx): r6 = ctx, r7 = a view of the element whose link the ctx field
  // `cursor` holds (the link lies at `link` inside it); at the chain's end (a nulls marker, or NULL) to `stop`.
  void StepBegin(long cursor, long link, bool nulls, int stop) {
    a_.Mov(r6, r2);
    a_.Load(BPF_DW, r1, r6, cursor);
    if (nulls) a_.Jump(BPF_JSET, r1, 1, stop);
    else a_.Jump(BPF_JEQ, r1, 0, stop);
    a_.AluImm(BPF_SUB, r1, static_cast<int32_t>(link));
    Cast(r1);
    a_.Mov(r7, r0);
  }

  // A chain step's end: at `advance`, move the cursor (ctx field `cursor`) to the element viewed by r7's next
  // (its link at `link`) and go on; at `stop`, end the loop.
  void StepEnd(int advance, int stop, long link, long cursor) {
    a_.Bind(advance);
    a_.Load(BPF_DW, r1, r7, link);
    a_.Store(BPF_DW, r6, cursor, r1);
    a_.MovImm(r0, 0);
    a_.Exit();
    a_.Bind(stop);
    a_.MovImm(r0, 1);
    a_.Exit();
  }

  // Jumps to `other` unless the socket viewed by r7 belongs to the namespace (r6 = ctx).
  void SameNamespace(int other) {
    a_.Load(BPF_DW, r1, r7, l_.net);
    a_.Load(BPF_DW, r2, r6, kNet);
    a_.JumpReg(BPF_JNE, r1, r2, other);
  }

  // The socket viewed by r7 as the next record (r6 = ctx); jumps to `full` when the array is full. States and
  // uids as sock_diag reports them: request sockets SYN_RECV with uid 0, TIME_WAIT sockets their substate.
  void Record(int full) {
    const int overflow = a_.NewLabel(), not_request = a_.NewLabel(), full_sock = a_.NewLabel(),
              simple = a_.NewLabel(), ports = a_.NewLabel(), v6 = a_.NewLabel(), done = a_.NewLabel();
    a_.Load(BPF_DW, r1, r6, kCount);
    a_.Load(BPF_DW, r2, r6, kLimit);
    a_.JumpReg(BPF_JGE, r1, r2, overflow);
    a_.Store(BPF_W, r10, -4, r1);
    a_.LoadMap(r1, map_fd_);
    a_.Mov(r2, r10);
    a_.AluImm(BPF_ADD, r2, -4);
    a_.Call(BPF_FUNC_map_lookup_elem);
    a_.Jump(BPF_JEQ, r0, 0, overflow);
    a_.Mov(r8, r0);
    a_.Load(BPF_DW, r1, r6, kCount);
    a_.AluImm(BPF_ADD, r1, 1);
    a_.Store(BPF_DW, r6, kCount, r1);
    for (long o = 0; o < static_cast<long>(kCensusRecordSize); o += 8) a_.StoreImm(BPF_DW, r8, o, 0);
    a_.StoreImm(BPF_B, r8, kRecProtocol, IPPROTO_TCP);
    a_.Load(BPF_B, r3, r7, l_.state);
    a_.Jump(BPF_JNE, r3, kTcpNewSynRecv, not_request);
    a_.MovImm(r3, kTcpSynRecv);
    a_.Jump(BPF_JA, 0, 0, simple);
    a_.Bind(not_request);
    a_.Jump(BPF_JNE, r3, kTcpTimeWait, full_sock);
    a_.Load(BPF_B, r3, r7, l_.tw_substate);
    a_.Jump(BPF_JA, 0, 0, simple);
    a_.Bind(full_sock);  // a full socket: its uid, and its inode when asked
    a_.Store(BPF_B, r8, kRecState, r3);
    a_.Load(BPF_W, r1, r7, l_.uid);
    a_.Store(BPF_W, r8, kRecUid, r1);
    if (inodes_) {
      a_.Load(BPF_DW, r1, r7, l_.sk_socket);
      a_.Jump(BPF_JEQ, r1, 0, ports);  // orphaned: closed by its owner, still in the tables
      ReadPointer(r1, r1, l_.socket_file);
      a_.Jump(BPF_JEQ, r1, 0, ports);  // a kernel socket
      ReadPointer(r1, r1, l_.file_inode);
      a_.Jump(BPF_JEQ, r1, 0, ports);
      a_.AluImm(BPF_ADD, r1, static_cast<int32_t>(l_.inode_ino));
      Cast(r1);
      a_.Load(BPF_W, r1, r0, 0);
      a_.Store(BPF_W, r8, kRecInode, r1);
    }
    a_.Jump(BPF_JA, 0, 0, ports);
    a_.Bind(simple);  // TIME_WAIT and request sockets: uid 0, no inode
    a_.Store(BPF_B, r8, kRecState, r3);
    a_.Bind(ports);
    a_.Load(BPF_H, r1, r7, l_.num);
    a_.Store(BPF_H, r8, kRecLocalPort, r1);
    a_.Load(BPF_H, r1, r7, l_.dport);
    a_.Emit(BPF_ALU | BPF_END | BPF_TO_BE, r1, 0, 0, 16);  // network to host order (records are little-endian)
    a_.Store(BPF_H, r8, kRecRemotePort, r1);
    a_.Load(BPF_H, r1, r7, l_.family);
    a_.Jump(BPF_JEQ, r1, AF_INET6, v6);
    a_.StoreImm(BPF_B, r8, kRecFamily, 4);
    a_.Load(BPF_W, r1, r7, l_.rcv_saddr);
    a_.Store(BPF_W, r8, kRecLocalAddr, r1);
    a_.Load(BPF_W, r1, r7, l_.daddr);
    a_.Store(BPF_W, r8, kRecRemoteAddr, r1);
    a_.Jump(BPF_JA, 0, 0, done);
    a_.Bind(v6);
    a_.StoreImm(BPF_B, r8, kRecFamily, 6);
    for (long half = 0; half < 16; half += 8) {
      a_.Load(BPF_DW, r1, r7, l_.v6_rcv_saddr + half);
      a_.Store(BPF_DW, r8, kRecLocalAddr + half, r1);
      a_.Load(BPF_DW, r1, r7, l_.v6_daddr + half);
      a_.Store(BPF_DW, r8, kRecRemoteAddr + half, r1);
    }
    a_.Jump(BPF_JA, 0, 0, done);
    a_.Bind(overflow);
    SetFlag(r6, kOverflow);
    a_.Jump(BPF_JA, 0, 0, full);
    a_.Bind(done);
  }

  const WalkLayout& l_;
  const Tables tables_;
  const bool inodes_;
  const int map_fd_;
  const size_t capacity_;
  Assembler a_;
};

// The layout, read once per process.
const WalkLayout* Layout(OsFailure* failure) {
  static std::once_flag once;
  static OsFailure layout_failure;
  static WalkLayout* layout = new WalkLayout();  // never destroyed: worker threads may still use it at exit
  std::call_once(once, [] { ReadLayout(layout, &layout_failure); });
  if (layout_failure.failed()) {
    *failure = layout_failure;
    return nullptr;
  }
  return layout;
}

// One walk (Tables) for the process: its record array and mapping, one program per `inodes`.
class Walker {
 public:
  explicit Walker(Tables tables) : tables_(tables) {}

  // Appends the sockets of the namespace of thread `tid` (alive throughout) to `out`, growing the array and
  // walking again while it overflows or a chain moves; false with `failure` set.
  bool Walk(const WalkLayout& layout, bool inodes, pid_t tid, size_t expected, RecordBuffer* out, OsFailure* failure) {
    std::lock_guard<std::mutex> lock(mutex_);  // one walk at a time: they share the array
    size_t wanted = kMinRecords;
    while (wanted < expected * 2 && wanted < kMaxRecords) wanted *= 2;  // room for new sockets
    for (int attempt = 0; attempt < kAttempts; attempt++) {
      if (capacity_ < wanted && !Resize(wanted, failure)) return false;
      const int prog = Program(layout, inodes, failure);
      if (prog < 0) return false;
      uint64_t status[2];
      if (!RunOnce(prog, tid, status, failure)) return false;
      const uint64_t count = status[0], flags = status[1];
      if (flags & kNoNamespace) {
        failure->Set(ENOENT, "bpf", "");
        failure->remedy = "the census thread has no network namespace";
        return false;
      }
      if (flags & kOverflow) {  // more sockets than room: a larger array (and programs built for it)
        if (capacity_ >= kMaxRecords) break;
        wanted = capacity_ * 4;
        continue;
      }
      if (flags & kTruncated) {
        failure->Set(E2BIG, "bpf", "");
        failure->remedy = "more sockets than one BPF walk can visit; the census uses the BPF iterators instead";
        return false;
      }
      if (flags & kMoved) continue;  // the tables changed under a chain: walk again
      if (count > capacity_) {
        failure->Set(EPROTO, "bpf", "");
        return false;
      }
      if (!out->AppendBytes(view_, count * kCensusRecordSize)) {
        failure->Set(ENOMEM, "mmap", "");
        return false;
      }
      return true;
    }
    failure->Set(EAGAIN, "bpf", "");
    failure->remedy = "the socket tables kept changing during the walk; the census uses the BPF iterators instead";
    return false;
  }

 private:
  static constexpr size_t kMinRecords = 4096, kMaxRecords = size_t{1} << 26;

  void Release() {
    for (int& p : prog_) {
      if (p >= 0) close(p);
      p = -1;
    }
    if (view_ != nullptr) munmap(const_cast<uint8_t*>(view_), view_size_);
    if (map_fd_ >= 0) close(map_fd_);
    view_ = nullptr;
    map_fd_ = -1;
    capacity_ = view_size_ = 0;
  }

  // A record array of `records` elements plus the control element, mapped read-only; the programs are rebuilt
  // for it on next use.
  bool Resize(size_t records, OsFailure* failure) {
    Release();
    bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = sizeof(uint32_t);
    attr.value_size = kCensusRecordSize;
    attr.max_entries = static_cast<uint32_t>(records + 1);
    attr.map_flags = BPF_F_MMAPABLE;
    strncpy(attr.map_name, "ep_census_walk", sizeof(attr.map_name) - 1);
    map_fd_ = static_cast<int>(Bpf(BPF_MAP_CREATE, &attr));
    if (map_fd_ < 0) {
      failure->Set(errno, "bpf", "");
      if (failure->err == EPERM) failure->remedy = kBpfPrivilegeRemedy;
      return false;
    }
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    view_size_ = ((records + 1) * kCensusRecordSize + page - 1) / page * page;
    void* p = mmap(nullptr, view_size_, PROT_READ, MAP_SHARED, map_fd_, 0);
    if (p == MAP_FAILED) {
      failure->Set(errno, "mmap", "");
      Release();
      return false;
    }
    view_ = static_cast<const uint8_t*>(p);
    // The control element: {records the program may write, the count it starts from (0)}.
    uint32_t key = static_cast<uint32_t>(records);
    uint64_t control[kCensusRecordSize / sizeof(uint64_t)] = {records, 0};
    memset(&attr, 0, sizeof(attr));
    attr.map_fd = static_cast<uint32_t>(map_fd_);
    attr.key = reinterpret_cast<uintptr_t>(&key);
    attr.value = reinterpret_cast<uintptr_t>(control);
    if (Bpf(BPF_MAP_UPDATE_ELEM, &attr) != 0) {
      failure->Set(errno, "bpf", "");
      Release();
      return false;
    }
    capacity_ = records;
    return true;
  }

  // The program for `inodes`, loaded on first use for the current array; -1 with `failure` set.
  int Program(const WalkLayout& layout, bool inodes, OsFailure* failure) {
    const int v = inodes ? 1 : 0;
    if (prog_[v] >= 0) return prog_[v];
    if (refused_[v].failed()) {
      *failure = refused_[v];
      return -1;
    }
    std::vector<uint32_t> functions;
    const std::vector<bpf_insn> code = WalkProgram(layout, tables_, inodes, map_fd_, capacity_).Build(&functions);
    OsFailure f;
    prog_[v] = LoadIterProgram(code, functions, layout.target, "ep_census_walk", &f);
    if (prog_[v] < 0) {
      // Refused by the verifier (an older kernel): remembered. Privilege or memory: tried again next time.
      if (f.err != EPERM && f.err != ENOMEM) refused_[v] = f;
      *failure = f;
    }
    return prog_[v];
  }

  // Runs `prog` once, for thread `tid`: {records written, flags}. False with `failure` set.
  static bool RunOnce(int prog, pid_t tid, uint64_t status[2], OsFailure* failure) {
    union bpf_iter_link_info info;
    memset(&info, 0, sizeof(info));
    info.task.tid = static_cast<uint32_t>(tid);  // the program runs once, for the census thread
    const int link = AttachIterator(prog, &info, sizeof(info), failure);
    if (link < 0) return false;
    bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.iter_create.link_fd = static_cast<uint32_t>(link);
    const int fd = static_cast<int>(Bpf(BPF_ITER_CREATE, &attr));
    if (fd < 0) failure->Set(errno, "bpf", "");
    close(link);  // the iterator keeps what it needs
    if (fd < 0) return false;
    uint8_t* out = reinterpret_cast<uint8_t*>(status);
    const size_t want = 2 * sizeof(uint64_t);
    size_t got = 0;
    while (got < want) {
      const ssize_t n = read(fd, out + got, want - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) failure->Set(errno, "read", "");
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    close(fd);
    if (!failure->failed() && got != want) failure->Set(EPROTO, "read", "");
    return !failure->failed();
  }

  const Tables tables_;
  std::mutex mutex_;
  int map_fd_ = -1;
  size_t capacity_ = 0;  // records
  const uint8_t* view_ = nullptr;
  size_t view_size_ = 0;
  int prog_[2] = {-1, -1};
  OsFailure refused_[2];  // a program the kernel refused stays refused for the process
};

}  // namespace

bool WalkTcpTables(bool inodes, size_t expected, RecordBuffer* out, OsFailure* failure) {
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
  failure->Set(ENOTSUP, "bpf", "");  // the program stores ports in host order; records are little-endian
  return false;
#endif
  const WalkLayout* layout = Layout(failure);
  if (layout == nullptr) return false;
  static Walker* hash = new Walker(Tables::kHash);  // never destroyed: worker threads may still use them at exit
  static Walker* bind = new Walker(Tables::kBind);
  // Both programs list the namespace of this thread, which stays alive until both are done.
  const pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  RecordBuffer bound;
  OsFailure bind_failure;
  bool bind_ok = false, hash_ok;
  {
    Beside beside([&] { bind_ok = bind->Walk(*layout, inodes, tid, 0, &bound, &bind_failure); });
    hash_ok = hash->Walk(*layout, inodes, tid, expected, out, failure);
  }
  if (!hash_ok) return false;
  if (!bind_ok) {
    *failure = bind_failure;
    return false;
  }
  if (!out->Take(&bound)) {
    failure->Set(ENOMEM, "mmap", "");
    return false;
  }
  return true;
}

}  // namespace ephemeral_ports
