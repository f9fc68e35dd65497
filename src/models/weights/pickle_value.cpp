#include "models/weights/pickle_value.h"

namespace autodet::models::weights {

namespace {

// The index key of a dict key, or "" when the key is neither a string nor an int (never merged).
std::string index_key(const Value& k) {
  if (k.kind == ValueKind::String) return "s" + k.text;
  if (k.kind == ValueKind::Int) return "i" + std::to_string(k.number);
  return "";
}

}  // namespace

ValueTree::ValueTree() { values_.emplace_back(); }

ValueId ValueTree::add(Value v) {
  values_.push_back(std::move(v));
  return static_cast<ValueId>(values_.size() - 1);
}

bool ValueTree::dict_find(ValueId dict, const std::string& key, ValueId* out) const {
  const Value& d = values_[dict];
  if (d.kind != ValueKind::Dict || !d.key_index) return false;
  const auto it = d.key_index->find("s" + key);
  if (it == d.key_index->end()) return false;
  *out = d.items[2 * it->second + 1];
  return true;
}

void ValueTree::dict_set(ValueId dict, ValueId key, ValueId value) {
  const std::string k = index_key(values_[key]);
  Value& d = values_[dict];
  if (!d.key_index) d.key_index = std::make_unique<std::unordered_map<std::string, std::size_t>>();
  if (!k.empty()) {
    const auto it = d.key_index->find(k);
    if (it != d.key_index->end()) {
      d.items[2 * it->second + 1] = value;
      return;
    }
    d.key_index->emplace(k, d.items.size() / 2);
  }
  d.items.push_back(key);
  d.items.push_back(value);
}

std::string ValueTree::describe(ValueId id) const {
  const Value& v = values_[id];
  switch (v.kind) {
    case ValueKind::None: return "None";
    case ValueKind::Bool: return "a bool";
    case ValueKind::Int:
    case ValueKind::BigInt: return "an int";
    case ValueKind::Float: return "a float";
    case ValueKind::String: return "a string";
    case ValueKind::Bytes: return "bytes";
    case ValueKind::Tuple: return "a tuple";
    case ValueKind::List: return "a list";
    case ValueKind::Dict: return "a dict";
    case ValueKind::Global: return "a reference to " + v.text;
    case ValueKind::Object: return "a pickled object of class " + v.text;
    case ValueKind::Storage: return "a storage";
    case ValueKind::Tensor: return "a tensor";
  }
  return "a value";
}

std::size_t element_size(ScalarKind k) {
  switch (k) {
    case ScalarKind::Float64:
    case ScalarKind::Int64: return 8;
    case ScalarKind::Float32:
    case ScalarKind::Int32: return 4;
    case ScalarKind::Float16:
    case ScalarKind::BFloat16:
    case ScalarKind::Int16: return 2;
    case ScalarKind::UInt8:
    case ScalarKind::Int8:
    case ScalarKind::Bool: return 1;
  }
  return 1;
}

const char* scalar_name(ScalarKind k) {
  switch (k) {
    case ScalarKind::Float32: return "float32";
    case ScalarKind::Float16: return "float16";
    case ScalarKind::BFloat16: return "bfloat16";
    case ScalarKind::Float64: return "float64";
    case ScalarKind::Int64: return "int64";
    case ScalarKind::Int32: return "int32";
    case ScalarKind::Int16: return "int16";
    case ScalarKind::UInt8: return "uint8";
    case ScalarKind::Int8: return "int8";
    case ScalarKind::Bool: return "bool";
  }
  return "?";
}

}  // namespace autodet::models::weights
