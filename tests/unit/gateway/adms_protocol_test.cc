// iclock targets, handshake reply, command lines: from the sample requests of
// terminal-protocols.md §2.6, plus malformed input that must be refused with a reason.
#include <gtest/gtest.h>

#include "titip/common/civil_time.h"
#include "titip/gateway/adms_protocol.h"

namespace titip::gateway {
namespace {

TEST(IclockTarget, HandshakeSampleFromTheDoc) {
  auto t = ParseIclockTarget(
      "/iclock/cdata?SN=0316144680030&options=all&pushver=2.2.14&language=83&pushcommkey="
      "4a9594af164f2b9779b59e8554b5df26");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->endpoint, "cdata");
  EXPECT_EQ(t->sn, "0316144680030");
  EXPECT_TRUE(t->options_all);
  EXPECT_EQ(t->params.at("pushver"), "2.2.14");
  EXPECT_EQ(t->params.at("language"), "83");
  EXPECT_TRUE(t->table.empty());
}

TEST(IclockTarget, UploadAndGetRequestSamples) {
  auto up = ParseIclockTarget("/iclock/cdata?SN=CNYG213260182&table=ATTLOG&Stamp=9999");
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->sn, "CNYG213260182");
  EXPECT_EQ(up->table, "ATTLOG");
  EXPECT_EQ(up->stamp, "9999");
  EXPECT_FALSE(up->options_all);
  auto gr = ParseIclockTarget("/iclock/getrequest?SN=SPK7240100098");
  ASSERT_TRUE(gr.ok());
  EXPECT_EQ(gr->endpoint, "getrequest");
  auto info = ParseIclockTarget(
      "/iclock/getrequest?SN=SPK7240100098&INFO=Ver%208.0.4,12,30,5021,192.168.1.201");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->params.at("info"), "Ver 8.0.4,12,30,5021,192.168.1.201");
}

TEST(IclockTarget, KeyCaseAndEmptyPairsTolerated) {
  auto t = ParseIclockTarget("/iclock/cdata?sn=ABC&&OPTIONS=ALL&");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->sn, "ABC");
  EXPECT_TRUE(t->options_all);
}

TEST(IclockTarget, MalformedIsRefusedWithReason) {
  struct Case {
    std::string target, reason;
  } cases[] = {
      {"/index.html?SN=1", "path not under /iclock/"},
      {"/iclock/cdata", "missing SN"},
      {"/iclock/cdata?SN=", "missing SN"},
      {"/iclock/cdata?SN=A%20B", "bad SN"},
      {"/iclock/cdata?SN=A%0", "bad %-escape in query"},
      {"/iclock/cdata?SN=A%zz", "bad %-escape in query"},
      {"/iclock/?SN=A", "unknown iclock path"},
      {"/iclock/a/b?SN=A", "unknown iclock path"},
      {"/iclock/cdata?SN=" + std::string(65, 'A'), "bad SN"},
      {"/iclock/cdata?SN=A&x=" + std::string(5000, 'x'), "request target too long"},
  };
  for (const auto& c : cases) {
    auto t = ParseIclockTarget(c.target);
    ASSERT_FALSE(t.ok()) << c.target;
    EXPECT_EQ(t.status().message(), c.reason) << c.target;
  }
  // Every prefix of a valid target parses or is refused; none crashes.
  std::string good = "/iclock/cdata?SN=CNYG213260182&table=ATTLOG&Stamp=9999";
  for (size_t i = 0; i <= good.size(); ++i) (void)ParseIclockTarget(good.substr(0, i));
}

TEST(Handshake, ReplyCarriesTheOptionsOfSection22) {
  HandshakeOptions o;
  o.utc_offset_min = 480;  // WITA
  std::string r = HandshakeReply("0316144680030", o);
  EXPECT_EQ(r.rfind("GET OPTION FROM: 0316144680030\n", 0), 0u) << r;
  for (const char* line :
       {"\nATTLOGStamp=None\n", "\nRealtime=1\n", "\nTimeZone=8\n", "\nDelay=10\n",
        "\nErrorDelay=30\n", "\nTransFlag=TransData AttLog\n", "\nEncrypt=None\n"}) {
    EXPECT_NE(r.find(line), std::string::npos) << line << " missing in\n" << r;
  }
  EXPECT_EQ(r.find('\r'), std::string::npos);
}

TEST(Handshake, TimeZoneWholeHoursOrMinutes) {
  EXPECT_EQ(TimeZoneOption(420), "7");
  EXPECT_EQ(TimeZoneOption(540), "9");
  EXPECT_EQ(TimeZoneOption(330), "330");
  EXPECT_EQ(TimeZoneOption(-180), "-3");
}

TEST(Commands, DataQueryRoundTrip) {
  int64_t s = *ParseCivil("2025-01-29 00:00:00"), e = *ParseCivil("2025-01-29 23:59:59");
  std::string c = DataQueryAttlogCommand("101", s, e);
  EXPECT_EQ(c,
            "C:101:DATA QUERY ATTLOG StartTime=2025-01-29 00:00:00\tEndTime=2025-01-29 23:59:59");
  auto cmds = ParseGetRequestReply(c + "\r\nC:102:CHECK\n");
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[0].id, "101");
  EXPECT_EQ(cmds[1].command, "CHECK");
  int64_t s2 = 0, e2 = 0;
  ASSERT_TRUE(ParseDataQueryAttlog(cmds[0].command, &s2, &e2));
  EXPECT_EQ(s2, s);
  EXPECT_EQ(e2, e);
  EXPECT_FALSE(ParseDataQueryAttlog("DATA QUERY ATTLOG StartTime=2025-13-01 00:00:00", &s2, &e2));
  EXPECT_TRUE(ParseGetRequestReply("OK").empty());
  EXPECT_TRUE(ParseGetRequestReply("C::x\nC:1\n").empty());
}

TEST(Commands, DeviceCmdBodyBatchedAndGarbage) {
  auto r = ParseDeviceCmdBody(
      "ID=101&Return=0&CMD=DATA\nID=102&Return=-1002&CMD=USER ADD\r\n~DeviceName=MB10\n"
      "ID=103&Return=x\n\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, "101");
  EXPECT_EQ(r[0].return_code, 0);
  EXPECT_EQ(r[1].return_code, -1002);
  EXPECT_EQ(r[1].cmd, "USER ADD");
  EXPECT_TRUE(ParseDeviceCmdBody(std::string("\0\xff&&==", 7)).empty());
}

TEST(Replies, OkForms) {
  EXPECT_TRUE(IsOkReply("OK: 2\n"));
  EXPECT_TRUE(IsOkReply("OK:2"));
  EXPECT_TRUE(IsOkReply("OK"));
  EXPECT_FALSE(IsOkReply("ERROR: store full\n"));
  EXPECT_FALSE(IsOkReply(""));
}

TEST(Replies, HttpDate) {
  // 2015-07-03 06:53:01 UTC, the Date of the doc's handshake sample.
  EXPECT_EQ(HttpDate(1435906381000), "Fri, 03 Jul 2015 06:53:01 GMT");
  EXPECT_EQ(HttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

}  // namespace
}  // namespace titip::gateway
