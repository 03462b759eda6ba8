// titip-aggregator: the sink at Sengeti. Final custody, exactly-once store, receipts back to
// every origin.
#include "titip/relay/daemon.h"

int main(int argc, char** argv) {
  return titip::relay::RunDaemon(argc, argv, titip::config::Role::kAggregator);
}
