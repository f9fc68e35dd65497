#pragma once
// The neutral value tree an unpickled PyTorch file becomes: plain Python values, references to
// classes, inert objects (class name + the state pickle gave them) and tensor/storage records.
// Nothing in it is executed; it lives in an arena and refers to its parts by index.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace autodet::models::weights {

using ValueId = std::uint32_t;

enum class ValueKind { None, Bool, Int, BigInt, Float, String, Bytes, Tuple, List, Dict, Global, Object, Storage, Tensor };

// Element types a storage can hold (the torch.*Storage classes).
enum class ScalarKind { Float32, Float16, BFloat16, Float64, Int64, Int32, Int16, UInt8, Int8, Bool };

// One value. Which fields matter depends on kind (see each comment).
struct Value {
  ValueKind kind = ValueKind::None;
  bool flag = false;        // Bool: the value; Tensor: requires_grad
  std::int64_t number = 0;  // Int: the value; Storage: element count; Tensor: storage offset
  double real = 0;          // Float
  std::string text;         // String/Bytes: data; BigInt: little-endian two's complement;
                            // Global/Object: "module.name"; Storage: the key of its bytes
  std::string location;     // Storage: the device tag it was saved with ("cpu", "cuda:0")
  ScalarKind scalar = ScalarKind::Float32;  // Storage
  std::vector<ValueId> items;  // Tuple/List: elements; Dict: key, value, key, value...
  std::vector<std::int64_t> sizes, strides;  // Tensor
  ValueId ref = 0;     // Tensor: its Storage; Object: its constructor arguments (a Tuple)
  ValueId state = 0;   // Object/Dict: what BUILD set (None when nothing)
  std::unique_ptr<std::unordered_map<std::string, std::size_t>> key_index;  // Dict: string key -> pair index
};

// The arena of one unpickled stream. Id 0 is always None.
class ValueTree {
 public:
  ValueTree();
  ValueId add(Value v);
  const Value& at(ValueId id) const { return values_[id]; }
  Value& at(ValueId id) { return values_[id]; }
  std::size_t size() const { return values_.size(); }
  ValueKind kind(ValueId id) const { return values_[id].kind; }

  // Dict helpers: number of pairs, pair i, lookup of a string key (returns false when absent).
  static std::size_t dict_size(const Value& d) { return d.items.size() / 2; }
  bool dict_find(ValueId dict, const std::string& key, ValueId* out) const;
  // Sets dict[key] = value, replacing an equal string/int key in place (Python's order rules).
  void dict_set(ValueId dict, ValueId key, ValueId value);

  // A short description for error messages: "a dict", "an object of class x.Y", ...
  std::string describe(ValueId id) const;

 private:
  std::vector<Value> values_;
};

// Bytes per element of a storage kind; its name as torch prints it ("float16").
std::size_t element_size(ScalarKind k);
const char* scalar_name(ScalarKind k);

}  // namespace autodet::models::weights
