// Shared set-up of the security tests: keys made with the real `titipctl keygen`, configs
// with [security], and the daemons' live counters read from their runtime.json.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "daemon_harness.h"

namespace titip::testing {

class SecureMeshTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir("sec"); }
  void TearDown() override {
    if (!HasFailure()) RemoveTree(dir_);
  }

  // `titipctl keygen --out DIR/NAME.key`; returns the public key it printed.
  std::string Keygen(const std::string& name) {
    RunResult r = titip::testing::Run({BinPath("titipctl"), "keygen", "--out", KeyPath(name)});
    EXPECT_EQ(r.exit_code, 0);
    std::string pub = r.out.substr(0, r.out.find('\n'));
    EXPECT_EQ(pub.size(), 40u) << r.out;
    keys_[name] = pub;
    return pub;
  }
  std::string KeyPath(const std::string& name) const { return dir_ + "/" + name + ".key"; }
  struct Entry {
    std::string node, key;  // key: the name given to Keygen
    bool relay = false;
  };
  // Allowlist file for `listener` with "<node> <key of keyname> [relay]" lines.
  std::string Allowlist(const std::string& listener, const std::vector<Entry>& entries) {
    std::string text = "# who may connect to " + listener + "\n";
    for (const auto& e : entries) {
      text += e.node + " " + keys_.at(e.key) + (e.relay ? " relay" : "") + "\n";
    }
    std::string path = dir_ + "/" + listener + ".allowed";
    WriteFile(path, text);
    return path;
  }
  static std::string Link(const std::string& extra = "") {
    return "[link]\nbundle_max_punches = 200\nwindow = 2\nheartbeat_ms = 200\n"
           "ack_timeout_ms = 1000\nbackoff_max_ms = 2000\n" +
           extra;
  }
  static std::string Endpoint(int port) { return "tcp://127.0.0.1:" + std::to_string(port); }
  static std::string Security(const std::string& key_path, const std::string& allowed = "") {
    std::string s = "[security]\nsecret_key_file = \"" + key_path + "\"\n";
    if (!allowed.empty()) s += "allowed_keys_file = \"" + allowed + "\"\n";
    return s;
  }
  static std::string Upstream(const std::string& id, int port, const std::string& pub) {
    return "[[upstream]]\nid = \"" + id + "\"\nendpoint = \"" + Endpoint(port) +
           "\"\npublic_key = \"" + pub + "\"\n";
  }
  // Writes DIR/NAME.toml for a node; `body` holds [security], [[upstream]]... sections.
  // `link_extra`: more [link] keys (e.g. "resend_after_s = 2\n").
  std::string NodeConfig(const std::string& name, const std::string& id, int listen_port,
                         const std::string& body, bool gateway = false,
                         const std::string& link_extra = "") {
    std::string text = "[node]\nid = \"" + id + "\"\nstate_dir = \"" + dir_ + "/" + name + "\"\n";
    if (gateway) text += "unit = \"" + id + "\"\n";
    if (listen_port) text += "listen = \"" + Endpoint(listen_port) + "\"\n";
    text += body + Link(link_extra);
    if (gateway) text += "[[terminal]]\nserial = \"A6F1190360012\"\nkind = \"usb\"\n";
    std::string path = dir_ + "/" + name + ".toml";
    WriteFile(path, text);
    return path;
  }
  Process Start(const std::string& binary, const std::string& name) {
    return Process::Start({BinPath(binary), "--config", dir_ + "/" + name + ".toml"},
                          dir_ + "/" + name + ".log");
  }
  // Imports a generated attlog (about users × days punches) into gateway `name`.
  size_t ImportPunches(const std::string& name, int users, int days) {
    RunResult gen =
        titip::testing::Run({BinPath("titip-termsim"), "attlog", "--out", dir_ + "/attlog.dat",
                             "--users", std::to_string(users), "--days", std::to_string(days),
                             "--start", "2026-11-02", "--seed", "7"});
    EXPECT_EQ(gen.exit_code, 0);
    RunResult imp =
        titip::testing::Run({BinPath("titipctl"), "--config", dir_ + "/" + name + ".toml", "--json",
                             "import", dir_ + "/attlog.dat", "--terminal", "A6F1190360012"});
    EXPECT_EQ(imp.exit_code, 0) << imp.out;
    auto j = nlohmann::json::parse(imp.out, nullptr, false);
    return j.is_discarded() ? 0 : j.value("added", size_t{0});
  }
  // A counter from node `name`'s runtime.json; 0 while the file is not there yet.
  uint64_t Counter(const std::string& name, const std::string& counter) {
    auto j = nlohmann::json::parse(ReadFile(dir_ + "/" + name + "/runtime.json"), nullptr, false);
    if (j.is_discarded() || !j.contains("counters")) return 0;
    return j["counters"].value(counter, uint64_t{0});
  }

  std::string dir_;
  std::map<std::string, std::string> keys_;  // key name -> public key
};

}  // namespace titip::testing
