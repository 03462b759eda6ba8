// Shared helpers for the config tests: load a fixture, and check that a load failed with the
// expected key and line (printing the whole error when it did not).
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "titip/config/config.h"

namespace titip::config::testing {

inline std::string Fixture(std::string_view name) {
  return std::string(TITIP_FIXTURES_DIR) + "/config/" + std::string(name);
}

inline ::testing::AssertionResult Loaded(const LoadResult& r) {
  if (r.config && !r.error) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "load failed: " << (r.error ? r.error->ToString() : std::string("(no error set)"));
}

// Passes when `r` failed with exactly `key` at `line`, and the message contains `needle`.
inline ::testing::AssertionResult FailedAt(const LoadResult& r, std::string_view key, int line,
                                           std::string_view needle = "") {
  if (!r.error) return ::testing::AssertionFailure() << "load succeeded, expected an error";
  if (r.config) return ::testing::AssertionFailure() << "both config and error are set";
  const ConfigError& e = *r.error;
  if (e.key != key || e.line != line || e.message.find(needle) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "want key '" << key << "' line " << line << " message containing '" << needle
           << "', got: " << e.ToString();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace titip::config::testing
