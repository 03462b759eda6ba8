// sd_notify from libsystemd (see notify_systemd.h). Failures are logged once and otherwise
// ignored: a lost notification costs a restart by systemd's timeout, never a punch.
#include "notify_systemd.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

namespace titip::relay {
namespace {

void Send(const std::string& msg) {
  static bool warned = false;
  int r = sd_notify(0, msg.c_str());
  if (r < 0 && !warned) {
    warned = true;
    spdlog::warn("sd_notify failed: {}", strerror(-r));
  }
}

}  // namespace

SystemdNotifier::SystemdNotifier() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) watchdog_usec_ = usec;
}

void SystemdNotifier::Ready(const std::string& status) {
  Send("READY=1\nSTATUS=" + status);
  if (watchdog_enabled()) {
    spdlog::info("systemd watchdog every {} ms", watchdog_usec_ / 1000);
  }
}

void SystemdNotifier::Watchdog() {
  if (watchdog_enabled()) Send("WATCHDOG=1");
}

void SystemdNotifier::Stopping() { Send("STOPPING=1\nSTATUS=stopping"); }

void SystemdNotifier::Status(const std::string& status) { Send("STATUS=" + status); }

}  // namespace titip::relay
