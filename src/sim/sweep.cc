#include "sim/sweep.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>

#include "base/file_util.h"
#include "sim/csv.h"
#include "sim/rng.h"
#include "sim/scenario_toml.h"

namespace v2v::sim {
namespace {

// One axis as read from the grid file, before its values are checked.
struct AxisSpec {
  std::string section, key;
  const toml::array* values = nullptr;
  toml::source_position pos;
};

std::string GridLineOf(const toml::node& n) {
  return " (line " + std::to_string(n.source().begin.line) + ")";
}

Status GridError(std::string_view source, const std::string& what, const toml::node* n = nullptr) {
  return Status::InvalidArgument(std::string(source) + ": " + what + (n ? GridLineOf(*n) : ""));
}

Status AddAxisSpec(const std::string& section, const std::string& key, const toml::node& n,
                   std::string_view source, std::vector<AxisSpec>& out) {
  const std::string name = "[axes] " + section + "." + key;
  const toml::array* arr = n.as_array();
  if (!arr) return GridError(source, name + ": expected a list of values", &n);
  if (arr->empty()) return GridError(source, name + ": empty list", &n);
  for (const AxisSpec& a : out) {
    if (a.section == section && a.key == key) return GridError(source, name + ": given twice", &n);
  }
  out.push_back({section, key, arr, n.source().begin});
  return Status::Ok();
}

// The axes in the order they are written: `market.l1 = [...]` and `"market.l1" = [...]` under
// [axes], or `l1 = [...]` under [axes.market].
Result<std::vector<AxisSpec>> CollectAxes(const toml::table& axes, std::string_view source) {
  std::vector<AxisSpec> out;
  for (const auto& [k, v] : axes) {
    const std::string name(k.str());
    if (const toml::table* t = v.as_table()) {
      for (const auto& [k2, v2] : *t) {
        if (v2.is_table())
          return GridError(source,
                           "[axes] " + name + "." + std::string(k2.str()) +
                               ": expected a list of values (an axis is a scenario key, "
                               "section.key)",
                           &v2);
        V2V_RETURN_IF_ERROR(AddAxisSpec(name, std::string(k2.str()), v2, source, out));
      }
      continue;
    }
    const size_t dot = name.find('.');
    if (dot == std::string::npos)
      return GridError(source, "[axes] " + name + ": expected section.key (e.g. market.radius_m)",
                       &v);
    V2V_RETURN_IF_ERROR(AddAxisSpec(name.substr(0, dot), name.substr(dot + 1), v, source, out));
  }
  std::stable_sort(out.begin(), out.end(), [](const AxisSpec& a, const AxisSpec& b) {
    return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
  });
  return out;
}

// Checks every value of an axis on the base alone and labels it.
Result<SweepAxis> CheckAxis(const AxisSpec& a, const Scenario& base, std::string_view source) {
  SweepAxis axis;
  axis.key = a.section + "." + a.key;
  std::vector<std::string> hashes;
  for (size_t i = 0; i < a.values->size(); ++i) {
    const toml::node& v = *a.values->get(i);
    Scenario s = base;
    V2V_RETURN_IF_ERROR(ApplyScenarioKey(a.section, a.key, v, source, s));
    std::string label;
    if (auto d = v.value_exact<double>()) {
      label = FormatExact(*d);
    } else if (auto n = v.value_exact<int64_t>()) {
      label = std::to_string(*n);
    } else if (auto str = v.value_exact<std::string>()) {
      label = *str;
      axis.numeric = false;
    } else {
      label = "#" + std::to_string(i);
      axis.numeric = false;
    }
    const std::string h = ScenarioHash(s);
    for (size_t j = 0; j < hashes.size(); ++j) {
      if (hashes[j] == h)
        return GridError(source,
                         "[axes] " + axis.key + ": values " + axis.labels[j] + " and " + label +
                             " give the same scenario",
                         &v);
    }
    hashes.push_back(h);
    axis.labels.push_back(std::move(label));
  }
  return axis;
}

// The base scenario: the `base` file, then the keys of [scenario].
Result<Scenario> GridBase(const toml::table& root, std::string_view source,
                          const std::string& base_dir) {
  Scenario s;
  if (const toml::node* b = root.get("base")) {
    auto path = b->value_exact<std::string>();
    if (!path) return GridError(source, "base: expected the path of a scenario file", b);
    std::string full = *path;
    if (!base_dir.empty() && std::filesystem::path(full).is_relative())
      full = base_dir + "/" + full;
    auto loaded = LoadScenarioFile(full);
    if (!loaded.ok()) return GridError(source, "base: " + loaded.status().message());
    s = *loaded;
  }
  if (const toml::node* sc = root.get("scenario")) {
    const toml::table* t = sc->as_table();
    if (!t) return GridError(source, "scenario: expected a table of scenario sections", sc);
    V2V_RETURN_IF_ERROR(ApplyScenarioTable(*t, source, s));
  }
  return s;
}

std::string CellName(const SweepCell& c, const std::vector<SweepAxis>& axes) {
  std::string s = "cell " + std::to_string(c.index);
  for (size_t a = 0; a < axes.size(); ++a)
    s += (a ? ", " : " (") + axes[a].key + " = " + c.labels[a] + (a + 1 == axes.size() ? ")" : "");
  return s;
}

// The cartesian product, the last axis varying fastest; every cell validated.
Result<std::vector<SweepCell>> ExpandCells(const std::vector<AxisSpec>& specs,
                                           const std::vector<SweepAxis>& axes, const Scenario& base,
                                           std::string_view source) {
  int64_t total = 1;
  for (const SweepAxis& a : axes) {
    total *= static_cast<int64_t>(a.labels.size());
    if (total > kMaxSweepCells)
      return GridError(source, "[axes]: more than " + std::to_string(kMaxSweepCells) + " cells");
  }
  std::vector<SweepCell> cells(static_cast<size_t>(total));
  for (int64_t k = 0; k < total; ++k) {
    SweepCell& c = cells[static_cast<size_t>(k)];
    c.index = static_cast<int>(k);
    c.scenario = base;
    c.labels.resize(axes.size());
    int64_t rest = k;
    for (size_t a = axes.size(); a-- > 0;) {
      const auto n = static_cast<int64_t>(axes[a].labels.size());
      const auto pick = static_cast<size_t>(rest % n);
      rest /= n;
      c.labels[a] = axes[a].labels[pick];
      V2V_RETURN_IF_ERROR(ApplyScenarioKey(specs[a].section, specs[a].key,
                                           *specs[a].values->get(pick), source, c.scenario));
    }
    Status st = ValidateScenario(c.scenario);
    if (!st.ok()) return GridError(source, CellName(c, axes) + ": " + st.message());
  }
  return cells;
}

std::string GridHash(const SweepGrid& g) {
  std::string text;
  for (const SweepAxis& a : g.axes) {
    text += a.key + "\n";
    for (const std::string& l : a.labels) text += l + "\n";
  }
  for (const SweepCell& c : g.cells) text += ScenarioHash(c.scenario) + "\n";
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

Result<SweepGrid> ParseSweepGrid(std::string_view text, std::string_view source,
                                 const std::string& base_dir) {
  V2V_ASSIGN_OR_RETURN(const toml::table root, ParseTomlText(text, source));
  for (const auto& [k, v] : root) {
    if (k.str() != "base" && k.str() != "scenario" && k.str() != "axes")
      return GridError(
          source, std::string(k.str()) + ": unknown key (expected base, [scenario], [axes])", &v);
  }
  V2V_ASSIGN_OR_RETURN(const Scenario base, GridBase(root, source, base_dir));
  std::vector<AxisSpec> specs;
  if (const toml::node* ax = root.get("axes")) {
    const toml::table* t = ax->as_table();
    if (!t) return GridError(source, "axes: expected a table of section.key = [values]", ax);
    V2V_ASSIGN_OR_RETURN(specs, CollectAxes(*t, source));
  }
  SweepGrid g;
  for (const AxisSpec& a : specs) {
    V2V_ASSIGN_OR_RETURN(SweepAxis axis, CheckAxis(a, base, source));
    g.axes.push_back(std::move(axis));
  }
  V2V_ASSIGN_OR_RETURN(g.cells, ExpandCells(specs, g.axes, base, source));
  g.hash = GridHash(g);
  return g;
}

Result<SweepGrid> LoadSweepGrid(const std::string& path) {
  V2V_ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  return ParseSweepGrid(text, path, std::filesystem::path(path).parent_path().string());
}

uint64_t SweepRunSeed(uint64_t sweep_seed, int seed_number) {
  return DeriveSeed(sweep_seed, static_cast<uint64_t>(seed_number));
}

std::vector<int> ShardCells(int cell_count, int shard, int shards) {
  std::vector<int> out;
  for (int k = shard; k < cell_count; k += shards) out.push_back(k);
  return out;
}

Result<Shard> ParseShard(std::string_view text) {
  const auto bad = [&] {
    return Status::InvalidArgument("--shard " + std::string(text) +
                                   ": expected i/n with 0 <= i < n (e.g. 0/4)");
  };
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  Shard s;
  const char* end = text.data() + text.size();
  auto r1 = std::from_chars(text.data(), text.data() + slash, s.index);
  auto r2 = std::from_chars(text.data() + slash + 1, end, s.count);
  if (r1.ec != std::errc() || r1.ptr != text.data() + slash || r2.ec != std::errc() ||
      r2.ptr != end || s.count < 1 || s.index < 0 || s.index >= s.count)
    return bad();
  return s;
}

}  // namespace v2v::sim
