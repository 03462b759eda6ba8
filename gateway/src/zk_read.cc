// Client side of the ZK buffered read (terminal-protocols.md §1.5 A), transport-free: the
// caller's send/recv do the I/O, so the whole exchange is testable with scripted packets.
#include <algorithm>

#include "titip/gateway/zk_proto.h"
#include "zk_bytes.h"

namespace titip::gateway::zk {
namespace {

using le::U32;

Status Unexpected(const Packet& p, const std::string& when) {
  return Status::Corruption("zk: unexpected " + CmdName(p.cmd) + " with " +
                            std::to_string(p.data.size()) + " bytes " + when);
}

// One 1504 exchange: PREPARE_DATA, CMD_DATA frame(s) totalling `len`, ACK_OK.
Status ReadChunk(const SendFn& send, const RecvFn& recv, uint32_t start, uint32_t len,
                 std::string* out) {
  if (Status s = send(kCmdReadBuffer, ReadBufferRequest(start, len)); !s.ok()) return s;
  uint32_t got = 0;
  while (true) {
    Result<Packet> p = recv();
    if (!p.ok()) return p.status();
    switch (p->cmd) {
      case kCmdPrepareData:
        if (p->data.size() >= 4 && U32(p->data, 0) != len) {
          return Status::Corruption("zk: chunk at " + std::to_string(start) + " announced " +
                                    std::to_string(U32(p->data, 0)) + " bytes, asked " +
                                    std::to_string(len));
        }
        break;
      case kCmdData:
        if (got + p->data.size() > len) {
          return Status::Corruption("zk: chunk at " + std::to_string(start) +
                                    " overflows: " + std::to_string(got + p->data.size()) + " > " +
                                    std::to_string(len));
        }
        out->append(p->data);
        got += static_cast<uint32_t>(p->data.size());
        break;
      case kAckOk:
        if (got == len) return Status::Ok();
        return Status::Corruption("zk: chunk at " + std::to_string(start) + " ended after " +
                                  std::to_string(got) + " of " + std::to_string(len) + " bytes");
      default:
        return Unexpected(*p, "in a read-buffer chunk");
    }
  }
}

}  // namespace

Result<std::string> ReadBuffered(const SendFn& send, const RecvFn& recv, uint32_t max_chunk) {
  if (max_chunk == 0) return Status::Invalid("zk: max_chunk 0");
  if (Status s = send(kCmdPrepareBuffer, PrepareBufferRequest()); !s.ok()) return s;
  Result<Packet> first = recv();
  if (!first.ok()) return first.status();
  std::string dataset;
  uint32_t size = 0;
  if (first->cmd == kCmdData) {
    dataset = std::move(first->data);  // direct: the whole set in one frame
  } else {
    if (first->cmd == kAckOk && first->data.size() >= 5) {
      size = U32(first->data, 1);
    } else if (first->cmd == kCmdPrepareData && first->data.size() >= 4) {
      size = U32(first->data, 0);
    } else {
      return Unexpected(*first, "after _CMD_PREPARE_BUFFER");
    }
    if (size > kMaxDataset) {
      return Status::Corruption("zk: terminal announced a dataset of " + std::to_string(size) +
                                " bytes, more than any terminal holds");
    }
    dataset.reserve(size);
    for (uint32_t start = 0; start < size;) {
      uint32_t len = std::min(max_chunk, size - start);
      if (Status s = ReadChunk(send, recv, start, len, &dataset); !s.ok()) return s;
      start += len;
    }
  }
  // The data is complete whatever the terminal says to FREE_DATA; a refusal only leaks its
  // buffer until the session ends.
  if (Status s = send(kCmdFreeData, {}); !s.ok()) return s;
  Result<Packet> freed = recv();
  if (!freed.ok()) return freed.status();
  return dataset;
}

}  // namespace titip::gateway::zk
