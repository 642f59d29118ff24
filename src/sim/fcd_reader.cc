#include "sim/fcd_reader.h"

#include <expat.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <unordered_set>

namespace v2v::sim {
namespace {

struct ParserDeleter {
  void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};

struct Context {
  XML_Parser parser = nullptr;
  std::string source;
  const FcdSink* sink = nullptr;
  Status status;
  int depth = 0;
  bool in_timestep = false;
  bool seen_root = false;
  bool have_time = false;
  double last_time = 0;
  FcdFrame frame;
  std::unordered_set<std::string> ids;

  std::string Line() const {
    return source + ": line " + std::to_string(XML_GetCurrentLineNumber(parser)) + ": ";
  }
  void Fail(const std::string& msg) {
    if (!status.ok()) return;
    status = Status::InvalidArgument(Line() + msg);
    XML_StopParser(parser, XML_FALSE);
  }
};

const char* Attr(const XML_Char** atts, const char* name) {
  for (int i = 0; atts[i] != nullptr; i += 2) {
    if (std::strcmp(atts[i], name) == 0) return atts[i + 1];
  }
  return nullptr;
}

bool ParseDouble(const char* text, double* out) {
  if (text == nullptr) return false;
  const char* end = text + std::strlen(text);
  auto r = std::from_chars(text, end, *out);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(*out);
}

void OnStart(void* data, const XML_Char* name, const XML_Char** atts) {
  auto* c = static_cast<Context*>(data);
  if (!c->status.ok()) return;
  ++c->depth;
  if (c->depth == 1) {
    if (std::strcmp(name, "fcd-export") != 0)
      c->Fail(std::string("root element is <") + name + ">, expected <fcd-export>");
    c->seen_root = true;
    return;
  }
  if (std::strcmp(name, "timestep") == 0) {
    if (c->depth != 2) return c->Fail("<timestep> must be a child of <fcd-export>");
    double t = 0;
    if (!ParseDouble(Attr(atts, "time"), &t))
      return c->Fail("<timestep> needs a finite numeric time attribute");
    if (c->have_time && t < c->last_time)
      return c->Fail("timestep time " + std::string(Attr(atts, "time")) +
                     " is before the previous one");
    c->have_time = true;
    c->last_time = t;
    c->in_timestep = true;
    c->frame.time_s = t;
    c->frame.vehicles.clear();
    c->ids.clear();
    return;
  }
  if (std::strcmp(name, "vehicle") == 0) {
    if (!c->in_timestep || c->depth != 3) return c->Fail("<vehicle> must be a child of <timestep>");
    const char* id = Attr(atts, "id");
    if (id == nullptr || *id == '\0') return c->Fail("<vehicle> needs an id");
    FcdVehicle v;
    v.id = id;
    if (!ParseDouble(Attr(atts, "x"), &v.x) || !ParseDouble(Attr(atts, "y"), &v.y))
      return c->Fail("vehicle " + v.id + " needs finite numeric x and y");
    if (!c->ids.insert(v.id).second)
      return c->Fail("vehicle " + v.id + " appears twice in one timestep");
    c->frame.vehicles.push_back(std::move(v));
  }
}

void OnEnd(void* data, const XML_Char* name) {
  auto* c = static_cast<Context*>(data);
  if (!c->status.ok()) return;
  if (c->depth == 2 && c->in_timestep && std::strcmp(name, "timestep") == 0) {
    c->in_timestep = false;
    Status st = (*c->sink)(c->frame);
    if (!st.ok()) {
      c->status = st;
      XML_StopParser(c->parser, XML_FALSE);
    }
  }
  --c->depth;
}

}  // namespace

Status ReadFcd(std::istream& in, std::string_view source, const FcdSink& sink, size_t chunk_bytes) {
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(XML_ParserCreate(nullptr));
  if (!parser) return Status::Internal("cannot create an XML parser");
  Context c;
  c.parser = parser.get();
  c.source = std::string(source);
  c.sink = &sink;
  XML_SetUserData(c.parser, &c);
  XML_SetElementHandler(c.parser, OnStart, OnEnd);
  std::vector<char> buf(std::max<size_t>(chunk_bytes, 1));
  while (true) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::streamsize got = in.gcount();
    if (in.bad()) return Status::IoError(c.source + ": read error");
    const bool final = in.eof() || got == 0;
    if (XML_Parse(c.parser, buf.data(), static_cast<int>(got), final ? 1 : 0) == XML_STATUS_ERROR) {
      if (!c.status.ok()) return c.status;
      const XML_Error code = XML_GetErrorCode(c.parser);
      return Status::InvalidArgument(c.Line() + XML_ErrorString(code) +
                                     (final ? " (the file may be truncated)" : ""));
    }
    if (!c.status.ok()) return c.status;
    if (final) break;
  }
  if (!c.seen_root) return Status::InvalidArgument(c.source + ": no <fcd-export> element");
  return Status::Ok();
}

Status ReadFcdFile(const std::string& path, const FcdSink& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot open file");
  return ReadFcd(in, path, sink);
}

}  // namespace v2v::sim
