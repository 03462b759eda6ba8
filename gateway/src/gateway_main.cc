// titip-gateway: the office box. Today its punches come from `titipctl import` (USB attlog
// files written straight into its store); terminal adapters join with their issue.
#include "titip/relay/daemon.h"

int main(int argc, char** argv) {
  return titip::relay::RunDaemon(argc, argv, titip::config::Role::kGateway);
}
