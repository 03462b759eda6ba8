// The daemon's side of systemd's Type=notify protocol (sd_notify over $NOTIFY_SOCKET). Every
// call is a no-op when the daemon does not run under systemd (no NOTIFY_SOCKET), so the same
// binary runs by hand, in tests and under systemd.
#pragma once

#include <chrono>
#include <string>

namespace titip::relay {

class SystemdNotifier {
 public:
  SystemdNotifier();  // reads WATCHDOG_USEC/WATCHDOG_PID once
  // The store is verified and open and the sockets are bound: systemd may order dependents.
  void Ready(const std::string& status);
  // From the event loop's once-a-second housekeeping only, so a hung loop stops the pings and
  // systemd restarts the daemon. No-op unless the unit set WatchdogSec.
  void Watchdog();
  void Stopping();
  void Status(const std::string& status);
  bool watchdog_enabled() const { return watchdog_usec_ > 0; }

 private:
  uint64_t watchdog_usec_ = 0;
};

}  // namespace titip::relay
