// [export.postgres]: optional, aggregator only; dsn required and shape-checked, batch_rows
// bounded; a bad DSN is reported without echoing it (it may hold a password).
#include <string>

#include <gtest/gtest.h>

#include "config_test_util.h"
#include "titip/config/config.h"

namespace titip::config {
namespace {

using testing::FailedAt;
using testing::Loaded;

constexpr const char* kBase =
    "[node]\n"                             // 1
    "id = \"bkpsdm\"\n"                    // 2
    "state_dir = \"/var/lib/titip\"\n"     // 3
    "listen = \"tcp://127.0.0.1:7460\"\n"  // 4
    "[export.postgres]\n";                 // 5

LoadResult Export(const std::string& tail) {
  return ParseConfig(std::string(kBase) + tail, "agg.toml", Role::kAggregator);
}

TEST(ConfigExport, AbsentMeansNoExport) {
  LoadResult r = ParseConfig(
      "[node]\nid = \"bkpsdm\"\nstate_dir = \"/s\"\nlisten = \"tcp://127.0.0.1:7460\"\n",
      "agg.toml", Role::kAggregator);
  ASSERT_TRUE(Loaded(r));
  EXPECT_FALSE(r.config->postgres_export.has_value());
}

TEST(ConfigExport, KeyValueDsnAndDefaults) {
  LoadResult r = Export("dsn = \"host=10.20.0.9 dbname=titip user=titip password=s3cret\"\n");
  ASSERT_TRUE(Loaded(r));
  ASSERT_TRUE(r.config->postgres_export.has_value());
  EXPECT_EQ(r.config->postgres_export->dsn,
            "host=10.20.0.9 dbname=titip user=titip password=s3cret");
  EXPECT_EQ(r.config->postgres_export->batch_rows, 5000u);
}

TEST(ConfigExport, UriDsnAndBatchRows) {
  LoadResult r = Export("dsn = \"postgresql://titip@db.bkpsdm/titip\"\nbatch_rows = 200\n");
  ASSERT_TRUE(Loaded(r));
  EXPECT_EQ(r.config->postgres_export->batch_rows, 200u);
}

TEST(ConfigExport, DsnRequired) {
  EXPECT_TRUE(FailedAt(Export("batch_rows = 10\n"), "export.postgres.dsn", 5, "required"));
}

TEST(ConfigExport, MalformedDsnIsNotEchoed) {
  LoadResult r = Export("dsn = \"s3cretpassword\"\n");
  EXPECT_TRUE(FailedAt(r, "export.postgres.dsn", 6, "not a PostgreSQL connection string"));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ToString().find("s3cret"), std::string::npos) << r.error->ToString();
}

TEST(ConfigExport, ControlCharacterFails) {
  EXPECT_TRUE(
      FailedAt(Export("dsn = \"host=a\\ndbname=b\"\n"), "export.postgres.dsn", 6, "control"));
}

TEST(ConfigExport, BatchRowsRange) {
  EXPECT_TRUE(
      FailedAt(Export("dsn = \"host=a\"\nbatch_rows = 0\n"), "export.postgres.batch_rows", 7));
  EXPECT_TRUE(
      FailedAt(Export("dsn = \"host=a\"\nbatch_rows = 100001\n"), "export.postgres.batch_rows", 7));
}

TEST(ConfigExport, TypoFails) {
  EXPECT_TRUE(
      FailedAt(Export("dsn = \"host=a\"\nbatch = 3\n"), "export.postgres.batch", 7, "unknown"));
  EXPECT_TRUE(FailedAt(ParseConfig(std::string(kBase) + "dsn = \"host=a\"\n[export.mysql]\n",
                                   "agg.toml", Role::kAggregator),
                       "export.mysql", 7, "unknown"));
}

TEST(ConfigExport, RefusedOnAGateway) {
  LoadResult r = ParseConfig(
      "[node]\nid = \"kec-a\"\nunit = \"kec-a\"\nstate_dir = \"/s\"\n[[upstream]]\nid = \"x\"\n"
      "endpoint = \"tcp://127.0.0.1:1\"\n[export.postgres]\ndsn = \"host=a\"\n",
      "gw.toml", Role::kGateway);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->key, "export");
  EXPECT_NE(r.error->message.find("aggregator"), std::string::npos);
}

}  // namespace
}  // namespace titip::config
