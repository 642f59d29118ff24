#include "sim/fcd_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "base/file_util.h"

namespace v2v::sim {
namespace {

std::string Trace() { return ReadFile(V2V_TEST_DATA "/sumo_grid_fcd.xml").value(); }

struct Collected {
  std::vector<FcdFrame> frames;
  Status status;
};

Collected Read(const std::string& text, size_t chunk = 1 << 16) {
  Collected c;
  std::istringstream in(text);
  c.status = ReadFcd(
      in, "t.xml",
      [&c](const FcdFrame& f) {
        c.frames.push_back(f);
        return Status::Ok();
      },
      chunk);
  return c;
}

TEST(FcdReaderTest, ReadsTheCommittedSumoTrace) {
  const std::string text = Trace();
  ASSERT_FALSE(text.empty());
  const Collected c = Read(text);
  ASSERT_TRUE(c.status.ok()) << c.status.ToString();
  ASSERT_EQ(c.frames.size(), 60u);  // 300 s in 5 s steps
  EXPECT_DOUBLE_EQ(c.frames[0].time_s, 0);
  EXPECT_DOUBLE_EQ(c.frames[1].time_s, 5);
  ASSERT_EQ(c.frames[0].vehicles.size(), 1u);
  EXPECT_EQ(c.frames[0].vehicles[0].id, "0");
  EXPECT_DOUBLE_EQ(c.frames[0].vehicles[0].x, 612.30);
  EXPECT_DOUBLE_EQ(c.frames[0].vehicles[0].y, 298.40);
  size_t rows = 0;
  for (const auto& f : c.frames) rows += f.vehicles.size();
  size_t expected = 0;
  for (size_t p = text.find("<vehicle "); p != std::string::npos; p = text.find("<vehicle ", p + 1))
    ++expected;
  EXPECT_EQ(rows, expected);
}

TEST(FcdReaderTest, TinyChunksGiveTheSameFrames) {
  const std::string text = Trace();
  const Collected big = Read(text), small = Read(text, 7);
  ASSERT_TRUE(small.status.ok()) << small.status.ToString();
  ASSERT_EQ(big.frames.size(), small.frames.size());
  for (size_t i = 0; i < big.frames.size(); ++i) {
    ASSERT_EQ(big.frames[i].vehicles.size(), small.frames[i].vehicles.size());
  }
}

TEST(FcdReaderTest, TruncatedTraceIsAnErrorNamingTheLine) {
  const std::string text = Trace();
  for (size_t cut : {text.size() / 2, text.size() - 20, size_t{200}}) {
    const Collected c = Read(text.substr(0, cut));
    ASSERT_FALSE(c.status.ok()) << "cut at " << cut;
    EXPECT_NE(c.status.message().find("t.xml: line "), std::string::npos) << c.status.message();
  }
}

struct Bad {
  const char* xml;
  const char* mention;
};

TEST(FcdReaderTest, MalformedTracesAreErrorsNamingTheLine) {
  const Bad cases[] = {
      {"<fcd-export>\n<timestep time=\"0\">\n<vehicle id=\"a\" x=\"1\" "
       "y=\"zz\"/>\n</timestep>\n</fcd-export>",
       "line 3: vehicle a needs finite numeric x and y"},
      {"<fcd-export>\n<timestep>\n</timestep>\n</fcd-export>", "line 2: <timestep> needs"},
      {"<fcd-export>\n<timestep time=\"5\"></timestep>\n<timestep "
       "time=\"1\"></timestep></fcd-export>",
       "line 3: timestep time 1 is before"},
      {"<fcd-export>\n<vehicle id=\"a\" x=\"1\" y=\"2\"/>\n</fcd-export>",
       "line 2: <vehicle> must be"},
      {"<fcd-export>\n<timestep time=\"0\">\n<vehicle id=\"a\" x=\"1\" y=\"2\"/>\n<vehicle "
       "id=\"a\" x=\"1\" y=\"2\"/>"
       "</timestep></fcd-export>",
       "line 4: vehicle a appears twice"},
      {"<routes>\n</routes>", "line 1: root element is <routes>"},
      {"<fcd-export>\n<timestep time=\"0\">\n<vehicle id=\"a\" x=\"1\" y=\"2\">\n</timestep>",
       "line 4: mismatched tag"},
      {"", "line 1"},
  };
  for (const Bad& b : cases) {
    const Collected c = Read(b.xml);
    ASSERT_FALSE(c.status.ok()) << b.xml;
    EXPECT_NE(c.status.message().find(b.mention), std::string::npos) << c.status.message();
  }
}

TEST(FcdReaderTest, SinkErrorStopsTheReading) {
  int frames = 0;
  std::istringstream in(Trace());
  Status st = ReadFcd(in, "t.xml", [&frames](const FcdFrame&) {
    return ++frames == 3 ? Status::Internal("stop here") : Status::Ok();
  });
  EXPECT_EQ(st.message(), "stop here");
  EXPECT_EQ(frames, 3);
}

}  // namespace
}  // namespace v2v::sim
