// A small BPF assembler for the census programs (bpf_iter.cc, bpf_walk.cc): the programs are built at run time
// from member offsets the kernel's BTF gives (btf.h), so one addon binary fits every kernel layout without libbpf
// or a compiler. Forward and backward jumps go to labels; subprograms (bpf_loop callbacks) are labels too.
#pragma once
#include <linux/bpf.h>
#include <string.h>

#include <cstdint>
#include <vector>

namespace ephemeral_ports {

enum : uint8_t { r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10 };

class Assembler {
 public:
  void Emit(uint8_t code, uint8_t dst, uint8_t src, long off, int32_t imm) {
    bpf_insn insn;
    memset(&insn, 0, sizeof(insn));
    insn.code = code;
    insn.dst_reg = dst & 0xf;
    insn.src_reg = src & 0xf;
    insn.off = static_cast<int16_t>(off);
    insn.imm = imm;
    code_.push_back(insn);
  }
  void Load(uint8_t size, uint8_t dst, uint8_t src, long off) { Emit(BPF_LDX | BPF_MEM | size, dst, src, off, 0); }
  void Store(uint8_t size, uint8_t dst, long off, uint8_t src) { Emit(BPF_STX | BPF_MEM | size, dst, src, off, 0); }
  void StoreImm(uint8_t size, uint8_t dst, long off, int32_t imm) { Emit(BPF_ST | BPF_MEM | size, dst, 0, off, imm); }
  void MovImm(uint8_t dst, int32_t imm) { Emit(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
  void Mov(uint8_t dst, uint8_t src) { Emit(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0); }
  // 64-bit arithmetic: op is BPF_ADD, BPF_SUB, BPF_MUL, BPF_AND, BPF_OR, BPF_LSH, BPF_RSH.
  void AluImm(uint8_t op, uint8_t dst, int32_t imm) { Emit(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm); }
  void Alu(uint8_t op, uint8_t dst, uint8_t src) { Emit(BPF_ALU64 | op | BPF_X, dst, src, 0, 0); }
  void Call(int32_t helper) { Emit(BPF_JMP | BPF_CALL, 0, 0, 0, helper); }
  // A kernel function (kfunc) by its BTF id in vmlinux.
  void CallKfunc(int32_t btf_id) { Emit(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, btf_id); }
  void Exit() { Emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }
  // dst = the map behind `fd` (for helpers that take a map).
  void LoadMap(uint8_t dst, int fd) { LoadImm64(dst, BPF_PSEUDO_MAP_FD, fd); }
  // dst = the subprogram at `label` (a bpf_loop callback).
  void LoadFunc(uint8_t dst, int label) {
    fixups_.push_back({code_.size(), label, Fixup::kImm});
    LoadImm64(dst, BPF_PSEUDO_FUNC, 0);
  }

  // Marks the next instruction as the start of a subprogram (the main program starts at 0).
  void BeginFunction() { functions_.push_back(static_cast<uint32_t>(code_.size())); }
  // Where each function starts, the main program first: the kernel wants them described (bpf_load.h).
  const std::vector<uint32_t>& functions() const { return functions_; }

  int NewLabel() {
    labels_.push_back(-1);
    return static_cast<int>(labels_.size()) - 1;
  }
  void Bind(int label) { labels_[label] = static_cast<long>(code_.size()); }
  // Jumps to `label` if `reg <op> imm` (op: BPF_JEQ, BPF_JNE, BPF_JGE, BPF_JGT, BPF_JSET ...); BPF_JA always.
  void Jump(uint8_t op, uint8_t reg, int32_t imm, int label) {
    fixups_.push_back({code_.size(), label, Fixup::kOff});
    Emit(BPF_JMP | op | BPF_K, op == BPF_JA ? 0 : reg, 0, 0, op == BPF_JA ? 0 : imm);
  }
  // Jumps to `label` if `dst <op> src`.
  void JumpReg(uint8_t op, uint8_t dst, uint8_t src, int label) {
    fixups_.push_back({code_.size(), label, Fixup::kOff});
    Emit(BPF_JMP | op | BPF_X, dst, src, 0, 0);
  }

  const std::vector<bpf_insn>& Finish() {
    for (const Fixup& f : fixups_) {
      const long rel = labels_[f.label] - static_cast<long>(f.at) - 1;
      if (f.field == Fixup::kOff) code_[f.at].off = static_cast<int16_t>(rel);
      else code_[f.at].imm = static_cast<int32_t>(rel);
    }
    return code_;
  }

 private:
  void LoadImm64(uint8_t dst, uint8_t pseudo, int32_t imm) {
    Emit(BPF_LD | BPF_DW | BPF_IMM, dst, pseudo, 0, imm);
    Emit(0, 0, 0, 0, 0);
  }

  struct Fixup {
    size_t at;
    int label;
    enum { kOff, kImm } field;
  };
  std::vector<bpf_insn> code_;
  std::vector<uint32_t> functions_{0};
  std::vector<long> labels_;
  std::vector<Fixup> fixups_;
};

}  // namespace ephemeral_ports
