// SOAP GetAttLog: the request bytes of §3 and the reply decoder on the [TAD] sample, in any
// split, with the variants seen in the field (envelope, attributes, no CRLF) and garbage.
#include <gtest/gtest.h>

#include "titip/common/civil_time.h"
#include "titip/gateway/soap_attlog.h"

namespace titip::gateway {
namespace {

struct Out {
  std::vector<AttlogRecord> records;
  uint64_t garbage = 0;
  bool saw = false;
  bool operator==(const Out&) const = default;
};

Out Parse(std::string_view in, size_t chunk = 0) {
  SoapAttLogParser p;
  Out o;
  if (chunk == 0) chunk = in.size() + 1;
  for (size_t i = 0; i < in.size(); i += chunk) p.Feed(in.substr(i, chunk), &o.records);
  p.Finish();
  o.garbage = p.garbage_count();
  o.saw = p.saw_response();
  return o;
}

const std::string kTadReply =
    "<?xml version=\"1.0\" encoding=\"iso8859-1\" standalone=\"no\"?>\n"
    "<GetAttLogResponse>\r\n"
    "<Row><PIN>10610805</PIN><DateTime>2014-11-30 18:36:49</DateTime><Verified>0</Verified>"
    "<Status>0</Status><WorkCode>0</WorkCode></Row>\r\n"
    "<Row><PIN>7</PIN><DateTime>2014-12-01 07:01:02</DateTime><Verified>1</Verified>"
    "<Status>1</Status><WorkCode>0</WorkCode></Row>\r\n"
    "</GetAttLogResponse>";

TEST(SoapRequest, ExactlyAsTheFieldScriptsSendIt) {
  std::string r = BuildGetAttLogRequest(0);
  std::string body =
      "<GetAttLog><ArgComKey xsi:type=\"xsd:integer\">0</ArgComKey><Arg><PIN "
      "xsi:type=\"xsd:integer\">All</PIN></Arg></GetAttLog>";
  EXPECT_EQ(r, "POST /iWsService HTTP/1.0\r\nContent-Type: text/xml\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body + "\r\n");
  EXPECT_EQ(r.find("Host:"), std::string::npos);
  EXPECT_NE(BuildGetAttLogRequest(12345).find(">12345</ArgComKey>"), std::string::npos);
}

TEST(SoapReply, TadSampleAnySplit) {
  Out whole = Parse(kTadReply);
  ASSERT_EQ(whole.records.size(), 2u);
  EXPECT_TRUE(whole.saw);
  EXPECT_EQ(whole.garbage, 0u);
  EXPECT_EQ(whole.records[0].pin, "10610805");
  EXPECT_EQ(whole.records[0].device_time, *ParseCivil("2014-11-30 18:36:49"));
  EXPECT_EQ(whole.records[1].status, 1u);
  EXPECT_EQ(whole.records[1].verify, 1u);
  for (size_t chunk : {1, 2, 5, 13, 100}) EXPECT_EQ(Parse(kTadReply, chunk), whole) << chunk;
}

TEST(SoapReply, EnvelopeAttributesPrefixesAndNoLineBreaks) {
  std::string r =
      "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"x\"><SOAP-ENV:Body><ns:GetAttLogResponse "
      "xmlns:ns=\"y\"><ns:Row><ns:PIN xsi:type=\"xsd:integer\"> 42 </ns:PIN><ns:DateTime>"
      "2025-01-29 06:58:48</ns:DateTime><ns:Verified>15</ns:Verified><ns:Status>0</ns:Status>"
      "</ns:Row><Row><PIN>43</PIN><DateTime>2025-01-29 06:59:00</DateTime></Row>"
      "</ns:GetAttLogResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>\r\ntrailing junk";
  Out o = Parse(r, 3);
  ASSERT_EQ(o.records.size(), 2u);
  EXPECT_TRUE(o.saw);
  EXPECT_EQ(o.records[0].pin, "42");
  EXPECT_EQ(o.records[0].verify, 15u);
  EXPECT_EQ(o.records[1].pin, "43");
  EXPECT_EQ(o.records[1].workcode, 0u);
}

TEST(SoapReply, GarbageRowsCountedGoodOnesKept) {
  std::string r =
      "<GetAttLogResponse>"
      "<Row><DateTime>2025-01-29 06:58:48</DateTime></Row>"
      "<Row><PIN>1</PIN><DateTime>2025-02-30 06:58:48</DateTime></Row>"
      "<Row><PIN>1</PIN></Row>"
      "<Row><PIN>1</PIN><DateTime>2025-01-29 06:58:48</DateTime><Status>x</Status>"
      "</Row><Row><PIN>" +
      std::string(3000, '9') +
      "</PIN></Row>"
      "<Row><PIN>2</PIN><DateTime>2025-01-29 06:58:48</DateTime></Row>"
      "<Row><PIN>3</PIN><DateTime>2025-01-29";  // cut mid-row
  SoapAttLogParser p;
  std::vector<AttlogRecord> recs;
  p.Feed(r, &recs);
  p.Finish();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].pin, "2");
  EXPECT_EQ(p.garbage_count(), 6u);
  std::vector<std::string> reasons;
  for (const auto& i : p.issues()) reasons.push_back(i.reason);
  EXPECT_EQ(reasons, (std::vector<std::string>{"missing PIN", "bad DateTime", "missing DateTime",
                                               "bad Status", "row too long", "truncated row"}));
}

TEST(SoapReply, NotAnAttLogResponse) {
  Out o = Parse("<html><body>401 Unauthorized</body></html>");
  EXPECT_FALSE(o.saw);
  EXPECT_TRUE(o.records.empty());
  std::string noise;
  for (int i = 0; i < 20000; ++i) noise.push_back(static_cast<char>((i * 37 + 11) & 0xFF));
  Out n = Parse(noise, 7);
  EXPECT_TRUE(n.records.empty());
}

}  // namespace
}  // namespace titip::gateway
