#include "models/weights/tensor_names.h"

#include <unordered_set>

#include "core/error.h"

namespace autodet::models::weights {

namespace {

constexpr int kMaxDepth = 200;
const char* const kEntryNames[] = {"ema", "model", "state_dict", "model_state_dict", "net"};

// A dict key as a name ("" when it is neither a string nor an int).
std::string key_name(const ValueTree& t, ValueId k) {
  if (t.kind(k) == ValueKind::String) return t.at(k).text;
  if (t.kind(k) == ValueKind::Int) return std::to_string(t.at(k).number);
  return "";
}

// The attribute dict of a pickled nn.Module (one with _parameters or _modules), or 0.
ValueId module_state(const ValueTree& t, ValueId v) {
  if (t.kind(v) != ValueKind::Object) return 0;
  const ValueId s = t.at(v).state;
  ValueId unused = 0;
  if (t.kind(s) == ValueKind::Dict && (t.dict_find(s, "_parameters", &unused) || t.dict_find(s, "_modules", &unused))) return s;
  return 0;
}

bool is_tensor_dict(const ValueTree& t, ValueId v) {
  if (t.kind(v) != ValueKind::Dict) return false;
  const auto& items = t.at(v).items;
  for (std::size_t i = 1; i < items.size(); i += 2)
    if (t.kind(items[i]) != ValueKind::Tensor) return false;
  return true;
}

std::string top_keys(const ValueTree& t, ValueId root) {
  std::string keys;
  const auto& items = t.at(root).items;
  for (std::size_t i = 0; i < items.size() && i < 40; i += 2) keys += (keys.empty() ? "" : ", ") + key_name(t, items[i]);
  return keys.empty() ? "(none)" : keys;
}

// Walks dicts and modules depth-first, bounded in depth and in total visits (shared or cyclic references).
class Collector {
 public:
  Collector(const ValueTree& t, std::string entry, const std::string& file)
      : t_(t), entry_(std::move(entry)), file_(file), budget_(4 * t.size() + 1000) {}

  void value(ValueId v, const std::string& name, int depth) {
    if (--budget_ == 0) fail(name, "too many shared references to walk");
    if (depth > kMaxDepth) fail(name, "nested more than " + std::to_string(kMaxDepth) + " levels deep (a cycle?)");
    const ValueKind k = t_.kind(v);
    if (k == ValueKind::Tensor) return out.push_back({name, v});
    if (k == ValueKind::None) return;
    if (k == ValueKind::Dict) return dict(v, name, depth, {});
    if (const ValueId s = module_state(t_, v)) return module(s, name, depth);
    fail(name, "holds " + t_.describe(v) + " where tensors are expected");
  }

  std::vector<TensorRef> out;

 private:
  [[noreturn]] void fail(const std::string& name, const std::string& why) const {
    throw DataError(Location{file_, 0, entry_.empty() ? "" : "entry '" + entry_ + "'", name}, why);
  }
  static std::string join(const std::string& prefix, const std::string& key) { return prefix.empty() ? key : prefix + "." + key; }

  void dict(ValueId d, const std::string& prefix, int depth, const std::unordered_set<std::string>& skip) {
    const auto& items = t_.at(d).items;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      const std::string key = key_name(t_, items[i]);
      if (key.empty()) fail(prefix, "a key is " + t_.describe(items[i]) + ", not a name");
      if (!skip.count(key)) value(items[i + 1], join(prefix, key), depth + 1);
    }
  }

  // Parameters, then persistent buffers, then children: state_dict()'s order.
  void module(ValueId state, const std::string& prefix, int depth) {
    ValueId params = 0, buffers = 0, modules = 0, transient = 0;
    std::unordered_set<std::string> skip;
    if (t_.dict_find(state, "_non_persistent_buffers_set", &transient) && t_.kind(transient) == ValueKind::List)
      for (const ValueId n : t_.at(transient).items)
        if (t_.kind(n) == ValueKind::String) skip.insert(t_.at(n).text);
    if (t_.dict_find(state, "_parameters", &params)) tensor_dict(params, prefix, depth, {}, "_parameters");
    if (t_.dict_find(state, "_buffers", &buffers)) tensor_dict(buffers, prefix, depth, skip, "_buffers");
    if (!t_.dict_find(state, "_modules", &modules) || t_.kind(modules) == ValueKind::None) return;
    if (t_.kind(modules) != ValueKind::Dict) fail(prefix, "_modules is " + t_.describe(modules));
    const auto& items = t_.at(modules).items;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      const ValueId child = items[i + 1];
      const std::string name = join(prefix, key_name(t_, items[i]));
      if (t_.kind(child) == ValueKind::None) continue;
      const ValueId s = module_state(t_, child);
      if (!s) fail(name, "a submodule is " + t_.describe(child) + ", not a module");
      if (--budget_ == 0) fail(name, "too many shared references to walk");
      if (depth + 1 > kMaxDepth) fail(name, "modules nested more than " + std::to_string(kMaxDepth) + " levels deep (a cycle?)");
      module(s, name, depth + 1);
    }
  }

  // _parameters or _buffers: tensors or None only.
  void tensor_dict(ValueId d, const std::string& prefix, int depth, const std::unordered_set<std::string>& skip, const char* what) {
    if (t_.kind(d) == ValueKind::None) return;
    if (t_.kind(d) != ValueKind::Dict) fail(prefix, std::string(what) + " is " + t_.describe(d));
    const auto& items = t_.at(d).items;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      const ValueKind k = t_.kind(items[i + 1]);
      const std::string name = join(prefix, key_name(t_, items[i]));
      if (k != ValueKind::Tensor && k != ValueKind::None) fail(name, std::string(what) + " entry is " + t_.describe(items[i + 1]));
    }
    dict(d, prefix, depth, skip);
  }

  const ValueTree& t_;
  std::string entry_;
  const std::string& file_;
  std::size_t budget_;
};

}  // namespace

ValueId pick_entry(const ValueTree& t, ValueId root, const std::string& entry, const std::string& file, std::string* picked) {
  picked->clear();
  if (!entry.empty()) {
    *picked = entry;
    ValueId v = 0;
    if (t.kind(root) != ValueKind::Dict)
      throw DataError(Location{file, 0, "", entry}, "the file holds " + t.describe(root) + ", not a dict with entries");
    if (!t.dict_find(root, entry, &v))
      throw DataError(Location{file, 0, "", entry}, "no such entry; the top-level keys are " + top_keys(t, root));
    if (t.kind(v) == ValueKind::None) throw DataError(Location{file, 0, "", entry}, "the entry is None");
    return v;
  }
  if (is_tensor_dict(t, root) || module_state(t, root)) return root;
  if (t.kind(root) != ValueKind::Dict) throw DataError(Location{file, 0, "", ""}, "the file holds " + t.describe(root) + ", not tensors");
  for (const char* name : kEntryNames) {
    ValueId v = 0;
    if (t.dict_find(root, name, &v) && t.kind(v) != ValueKind::None) {
      *picked = name;
      return v;
    }
  }
  // A dict of tensors and other things (None, nested dicts): read it as it is.
  bool any_tensor = false;
  for (std::size_t i = 1; i < t.at(root).items.size(); i += 2) any_tensor |= t.kind(t.at(root).items[i]) == ValueKind::Tensor;
  if (any_tensor) return root;
  throw DataError(Location{file, 0, "", ""}, "no weights found: the top-level keys are " + top_keys(t, root) +
                                             ", none of ema, model, state_dict, model_state_dict, net (name the entry)");
}

std::vector<TensorRef> collect_tensors(const ValueTree& t, ValueId entry_value, const std::string& entry_name,
                                       const std::string& file) {
  Collector c(t, entry_name, file);
  c.value(entry_value, "", 0);
  return std::move(c.out);
}

}  // namespace autodet::models::weights
