// Test build only, never installed: titip-relay with a compromised forwarding path, as a relay
// whose box an attacker owns would behave (it still holds a valid CURVE key and allowlist
// entry). `titip-relay-tamper --tamper MODE --config FILE`:
//   flip:N  flips the last byte of the PIN of the first N punches it forwards
//   forge   adds two invented punches to the first bundle it forwards: one claiming to come from
//           the first punch's origin (no seal can cover it) and one in its own name (it has no
//           registered signing key)
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "titip/relay/daemon.h"

namespace {

struct Tamper {
  int flips_left = 0;
  bool forge = false;
  bool forged = false;
  std::string self;

  void Apply(std::vector<titip::storage::QueuedPunch>* batch) {
    for (auto& q : *batch) {
      if (flips_left <= 0) break;
      std::string* pin = q.punch.mutable_pin();
      if (pin->empty()) continue;
      pin->back() = static_cast<char>(pin->back() ^ 0x01);
      --flips_left;
    }
    if (!forge || forged || batch->empty()) return;
    forged = true;
    titip::storage::QueuedPunch as_origin = batch->front();
    as_origin.punch.set_seq(as_origin.punch.seq() + 1'000'000);
    as_origin.punch.set_pin("99999");
    as_origin.punch.set_status(0);
    titip::storage::QueuedPunch as_self = as_origin;
    as_self.punch.set_origin(self);
    as_self.punch.set_pin("99998");
    batch->push_back(as_origin);
    batch->push_back(as_self);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || std::strcmp(argv[1], "--tamper") != 0) {
    std::fprintf(stderr, "usage: titip-relay-tamper --tamper flip:N|forge --self ID ...\n");
    return 64;
  }
  auto t = std::make_shared<Tamper>();
  std::string mode = argv[2];
  if (mode.rfind("flip:", 0) == 0) t->flips_left = std::stoi(mode.substr(5));
  t->forge = mode == "forge";
  int skip = 3;
  if (argc > 4 && std::strcmp(argv[3], "--self") == 0) {
    t->self = argv[4];
    skip = 5;
  }
  std::vector<char*> rest{argv[0]};
  for (int i = skip; i < argc; ++i) rest.push_back(argv[i]);
  titip::relay::DaemonHooks hooks;
  hooks.outgoing = [t](std::vector<titip::storage::QueuedPunch>* b) { t->Apply(b); };
  return titip::relay::RunDaemon(static_cast<int>(rest.size()), rest.data(),
                                 titip::config::Role::kRelay, nullptr, hooks);
}
