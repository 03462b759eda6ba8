// Origin seals (issue 6, item 2): build and verify, and every way a seal or punch can be wrong
// — truncated seal, wrong key, digest count off, altered punch, no seal, no key — plus the
// signing key files and the origin_keys_file parser.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "titip/relay/origin_seal.h"
#include "titip/relay/security.h"

namespace titip::relay {
namespace {

wire::Punch P(const std::string& origin, uint64_t seq) {
  wire::Punch p;
  p.set_origin(origin);
  p.set_epoch(0x1234);
  p.set_seq(seq);
  p.set_terminal("A6F1190360012");
  p.set_pin(std::to_string(1000 + seq));
  p.set_device_time(1'767'225'600 + static_cast<int64_t>(seq) * 60);
  p.set_utc_offset_min(420);
  p.set_verify(1);
  p.set_status(seq % 2);
  p.set_received_at_ms(1'767'200'000'000 + static_cast<int64_t>(seq));
  p.set_source(wire::SOURCE_USB);
  p.set_unit("kec-a");
  return p;
}

std::vector<wire::Punch> Span(const std::string& origin, uint64_t first, uint64_t last) {
  std::vector<wire::Punch> out;
  for (uint64_t s = first; s <= last; ++s) out.push_back(P(origin, s));
  return out;
}

SigningKey Key() {
  auto k = NewSigningKey();
  EXPECT_TRUE(k.ok());
  return *k;
}

google::protobuf::RepeatedPtrField<wire::Seal> Field(const std::vector<wire::Seal>& v) {
  return {v.begin(), v.end()};
}

class OriginSeal : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = Key();
    other_ = Key();
    keys_.by_node["kec-a"] = {key_.public_raw};
  }
  std::vector<SealVerdict> Verify(const std::vector<wire::Punch>& ps,
                                  const std::vector<wire::Seal>& seals) {
    return VerifyPunches(ps, Field(seals), keys_);
  }
  SigningKey key_, other_;
  OriginKeys keys_;
};

TEST_F(OriginSeal, OneSealPerContiguousRunAndAllVerify) {
  auto ps = Span("kec-a", 1, 5);
  auto more = Span("kec-a", 9, 10);
  ps.insert(ps.end(), more.begin(), more.end());
  ps.push_back(P("kec-b", 3));  // a neighbour's punch carried along: not ours to seal
  auto seals = MakeSeals(ps, "kec-a", key_);
  ASSERT_EQ(seals.size(), 2u);
  EXPECT_EQ(seals[0].first_seq(), 1u);
  EXPECT_EQ(seals[0].last_seq(), 5u);
  EXPECT_EQ(seals[0].digests().size(), 5 * kPunchDigestBytes);
  EXPECT_EQ(seals[0].signature().size(), kSealSignatureBytes);
  EXPECT_EQ(seals[1].first_seq(), 9u);
  EXPECT_TRUE(SealWellFormed(seals[0]));
  auto v = Verify(ps, seals);
  for (size_t i = 0; i + 1 < v.size(); ++i) EXPECT_EQ(v[i], SealVerdict::kGenuine) << i;
  EXPECT_EQ(v.back(), SealVerdict::kNoKey);  // kec-b has no registered key
}

TEST_F(OriginSeal, SurvivesRebundling) {
  // The origin sealed 1..10 in one bundle; a relay split the punches over two bundles and
  // sends the same seal with each.
  auto ps = Span("kec-a", 1, 10);
  auto seals = MakeSeals(ps, "kec-a", key_);
  std::vector<wire::Punch> second(ps.begin() + 4, ps.end());
  for (auto v : Verify(second, seals)) EXPECT_EQ(v, SealVerdict::kGenuine);
}

TEST_F(OriginSeal, AlteredPunchIsADigestMismatchOnlyForThatPunch) {
  auto ps = Span("kec-a", 1, 4);
  auto seals = MakeSeals(ps, "kec-a", key_);
  ps[2].mutable_pin()->back() ^= 1;  // one flipped byte
  auto v = Verify(ps, seals);
  EXPECT_EQ(v[0], SealVerdict::kGenuine);
  EXPECT_EQ(v[2], SealVerdict::kDigestMismatch);
  EXPECT_EQ(v[3], SealVerdict::kGenuine);
  // Fields the hops change legitimately are not covered.
  auto q = Span("kec-a", 1, 1);
  q[0].set_hops(3);
  q[0].add_path("diskominfo");
  q[0].set_stored_at_ms(42);
  EXPECT_EQ(Verify(q, seals)[0], SealVerdict::kGenuine);
}

TEST_F(OriginSeal, WrongKeyForgedSealIsBadSignature) {
  auto ps = Span("kec-a", 1, 3);
  // A relay that knows the format but not kec-a's key seals its own forgery.
  auto forged = MakeSeals(ps, "kec-a", other_);
  for (auto v : Verify(ps, forged)) EXPECT_EQ(v, SealVerdict::kBadSignature);
  // Re-signing a seal whose digests were edited also fails.
  auto seals = MakeSeals(ps, "kec-a", key_);
  (*seals[0].mutable_digests())[0] ^= 1;
  for (auto v : Verify(ps, seals)) EXPECT_EQ(v, SealVerdict::kBadSignature);
  // A rotated key: both keys registered, either verifies.
  keys_.by_node["kec-a"].push_back(other_.public_raw);
  for (auto v : Verify(ps, forged)) EXPECT_EQ(v, SealVerdict::kGenuine);
}

TEST_F(OriginSeal, TruncatedAndMiscountedSealsAreBadSeals) {
  auto ps = Span("kec-a", 1, 3);
  auto seals = MakeSeals(ps, "kec-a", key_);
  auto truncated_sig = seals;
  truncated_sig[0].mutable_signature()->resize(63);
  EXPECT_FALSE(SealWellFormed(truncated_sig[0]));
  for (auto v : Verify(ps, truncated_sig)) EXPECT_EQ(v, SealVerdict::kBadSeal);
  auto short_digests = seals;
  short_digests[0].mutable_digests()->resize(2 * kPunchDigestBytes);  // 3 seqs, 2 digests
  for (auto v : Verify(ps, short_digests)) EXPECT_EQ(v, SealVerdict::kBadSeal);
  auto wide_range = seals;
  wide_range[0].set_last_seq(4);  // claims 4 punches, carries 3 digests
  for (auto v : Verify(ps, wide_range)) EXPECT_EQ(v, SealVerdict::kBadSeal);
  auto huge = seals;
  huge[0].set_last_seq(1 + kMaxSealPunches);
  EXPECT_FALSE(SealWellFormed(huge[0]));
  // A wire-truncated seal does not even parse into the same message.
  std::string bytes = seals[0].SerializeAsString();
  wire::Seal cut;
  if (cut.ParseFromString(bytes.substr(0, bytes.size() - 10))) {
    EXPECT_FALSE(SealWellFormed(cut));
  }
}

TEST_F(OriginSeal, NoSealOrASealOfAnotherStreamIsNoSeal) {
  auto ps = Span("kec-a", 1, 2);
  for (auto v : Verify(ps, {})) EXPECT_EQ(v, SealVerdict::kNoSeal);
  auto other_epoch = Span("kec-a", 1, 2);
  for (auto& p : other_epoch) p.set_epoch(99);
  auto seals = MakeSeals(other_epoch, "kec-a", key_);
  for (auto v : Verify(ps, seals)) EXPECT_EQ(v, SealVerdict::kNoSeal);
  // A valid seal next to a bad one: the valid one decides.
  auto good = MakeSeals(ps, "kec-a", key_);
  auto bad = MakeSeals(ps, "kec-a", other_);
  for (auto v : Verify(ps, {bad[0], good[0]})) EXPECT_EQ(v, SealVerdict::kGenuine);
}

TEST_F(OriginSeal, CanonicalBytesNameEveryOriginField) {
  wire::Punch a = P("kec-a", 1), b = a;
  const std::string base = PunchDigest(a);
  b.set_workcode(7);
  EXPECT_NE(PunchDigest(b), base);
  b = a;
  b.set_clock_synced(true);
  EXPECT_NE(PunchDigest(b), base);
  b = a;
  b.set_unit("kec-b");
  EXPECT_NE(PunchDigest(b), base);
  // Length prefixes: moving a byte between adjacent strings changes the digest.
  b = a;
  b.set_terminal(a.terminal() + a.pin().substr(0, 1));
  b.set_pin(a.pin().substr(1));
  EXPECT_NE(PunchDigest(b), base);
  EXPECT_EQ(PunchDigest(a).size(), kPunchDigestBytes);
}

class SigningKeyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/titip-sigkeys-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(SigningKeyFiles, RoundTripPrivateModeAndRefusals) {
  auto k = NewSigningKey();
  ASSERT_TRUE(k.ok());
  const std::string path = dir_ + "/sign.key";
  ASSERT_TRUE(WriteSigningKeyFiles(path, *k).ok());
  struct stat st = {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto back = LoadSigningKeyFile(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->public_raw, k->public_raw);
  EXPECT_EQ(back->secret_raw, k->secret_raw);
  EXPECT_EQ(WriteSigningKeyFiles(path, *k).code(), Code::kInvalidArgument);  // never overwrite
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  auto leaked = LoadSigningKeyFile(path);
  EXPECT_EQ(leaked.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(leaked.status().message().find("chmod 600 " + path), std::string::npos);
  // A CURVE secret key is not a signing key.
  auto curve = NewCurveKeypair();
  ASSERT_TRUE(curve.ok());
  ASSERT_TRUE(WriteKeypairFiles(dir_ + "/curve.key", *curve).ok());
  EXPECT_EQ(LoadSigningKeyFile(dir_ + "/curve.key").status().code(), Code::kInvalidArgument);
}

TEST(OriginKeysFile, ParsesLinesAndNamesTheBadOne) {
  auto a = Key(), b = Key();
  auto keys = ParseOriginKeys(
      "# registered\nkec-a " + a.public_z85() + "\n\nkec-a " + b.public_z85() + "\n", "ok");
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->by_node.at("kec-a").size(), 2u);  // rotation
  auto bad = ParseOriginKeys("kec-a " + a.public_z85() + "\nkec-b not-a-key\n", "/etc/ok");
  EXPECT_NE(bad.status().message().find("/etc/ok:2:"), std::string::npos);
  auto shared =
      ParseOriginKeys("kec-a " + a.public_z85() + "\nkec-b " + a.public_z85() + "\n", "f");
  EXPECT_NE(shared.status().message().find("f:2: key already belongs to node 'kec-a'"),
            std::string::npos);
  EXPECT_FALSE(ParseOriginKeys("KEC-A " + a.public_z85() + "\n", "f").ok());
}

}  // namespace
}  // namespace titip::relay
