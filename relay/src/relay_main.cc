// titip-relay: the custody engine without terminals (e.g. at Diskominfo). It takes bundles
// from downstream nodes, commits them, acks, and forwards them to its best upstream.
#include "titip/relay/daemon.h"

int main(int argc, char** argv) {
  return titip::relay::RunDaemon(argc, argv, titip::config::Role::kRelay);
}
