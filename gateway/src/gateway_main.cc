// titip-gateway: the office box: the custody daemon plus the terminal adapters.
#include "titip/gateway/adapters.h"
#include "titip/relay/daemon.h"

int main(int argc, char** argv) {
  return titip::relay::RunDaemon(argc, argv, titip::config::Role::kGateway,
                                 titip::gateway::StartAdapters);
}
