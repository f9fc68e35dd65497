#include "models/weights/torch_globals.h"

#include <utility>

namespace autodet::models::weights {

namespace {

constexpr std::size_t kMaxDims = 64;

const std::vector<std::pair<std::string, ScalarKind>>& storage_classes() {
  static const std::vector<std::pair<std::string, ScalarKind>> names = {
      {"FloatStorage", ScalarKind::Float32}, {"HalfStorage", ScalarKind::Float16},  {"BFloat16Storage", ScalarKind::BFloat16},
      {"DoubleStorage", ScalarKind::Float64}, {"LongStorage", ScalarKind::Int64},   {"IntStorage", ScalarKind::Int32},
      {"ShortStorage", ScalarKind::Int16},   {"ByteStorage", ScalarKind::UInt8},    {"CharStorage", ScalarKind::Int8},
      {"BoolStorage", ScalarKind::Bool},     {"UntypedStorage", ScalarKind::UInt8}, {"_UntypedStorage", ScalarKind::UInt8}};
  return names;
}

bool int_at(const ValueTree& t, ValueId id, std::int64_t* out) {
  if (t.kind(id) == ValueKind::Int) *out = t.at(id).number;
  else if (t.kind(id) == ValueKind::Bool) *out = t.at(id).flag;
  else return false;
  return true;
}

// Reads a tuple (or list) of ints.
bool int_list(const ValueTree& t, ValueId id, std::vector<std::int64_t>* out) {
  if (t.kind(id) != ValueKind::Tuple && t.kind(id) != ValueKind::List) return false;
  for (const ValueId e : t.at(id).items) {
    std::int64_t n = 0;
    if (!int_at(t, e, &n)) return false;
    out->push_back(n);
  }
  return true;
}

// Why a view (offset, sizes, strides) does not fit inside a storage of `numel` elements; "" when it does.
std::string check_view(std::int64_t numel, std::int64_t offset, const std::vector<std::int64_t>& sizes,
                       const std::vector<std::int64_t>& strides) {
  if (sizes.size() != strides.size()) return "tensor has " + std::to_string(sizes.size()) + " sizes but " + std::to_string(strides.size()) + " strides";
  if (sizes.size() > kMaxDims) return "tensor has " + std::to_string(sizes.size()) + " dimensions";
  if (offset < 0) return "negative storage offset";
  __int128 last = offset;
  bool empty = false;
  for (std::size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] < 0 || strides[d] < 0) return "negative size or stride";
    if (sizes[d] == 0) empty = true;
    else last += static_cast<__int128>(sizes[d] - 1) * strides[d];
  }
  if (empty) return offset <= numel ? "" : "storage offset past the end of its storage";
  if (last >= numel)
    return "tensor view reaches element " + std::to_string(static_cast<long long>(last > INT64_MAX ? INT64_MAX : last)) +
           " of a storage of " + std::to_string(numel) + " elements";
  return "";
}

Rebuilt tensor(ValueTree& t, const std::vector<ValueId>& a, bool has_grad_flag) {
  if (a.size() < 4) return {0, "tensor rebuild with " + std::to_string(a.size()) + " arguments"};
  if (t.kind(a[0]) != ValueKind::Storage) return {0, "tensor rebuild over " + t.describe(a[0]) + ", not a storage"};
  Value v;
  v.kind = ValueKind::Tensor;
  v.ref = a[0];
  if (!int_at(t, a[1], &v.number) || !int_list(t, a[2], &v.sizes) || !int_list(t, a[3], &v.strides))
    return {0, "tensor rebuild with a non-integer offset, size or stride"};
  if (has_grad_flag && a.size() > 4 && t.kind(a[4]) == ValueKind::Bool) v.flag = t.at(a[4]).flag;
  const std::string why = check_view(t.at(a[0]).number, v.number, v.sizes, v.strides);
  if (!why.empty()) return {0, why + " (storage key '" + t.at(a[0]).text + "')"};
  return {t.add(std::move(v)), ""};
}

Rebuilt ordered_dict(ValueTree& t, const std::vector<ValueId>& a) {
  Value d;
  d.kind = ValueKind::Dict;
  const ValueId id = t.add(std::move(d));
  if (a.empty() || (t.kind(a[0]) != ValueKind::List && t.kind(a[0]) != ValueKind::Tuple)) return {id, ""};
  const std::vector<ValueId> pairs = t.at(a[0]).items;
  for (const ValueId p : pairs) {
    const ValueKind k = t.kind(p);
    if ((k != ValueKind::Tuple && k != ValueKind::List) || t.at(p).items.size() != 2) return {0, "OrderedDict built from a non-pair"};
    const ValueId key = t.at(p).items[0], value = t.at(p).items[1];
    t.dict_set(id, key, value);
  }
  return {id, ""};
}

}  // namespace

bool storage_scalar(const std::string& class_name, ScalarKind* out) {
  const auto dot = class_name.rfind('.');
  const std::string module = dot == std::string::npos ? "" : class_name.substr(0, dot);
  if (module != "torch" && module != "torch.cuda" && module != "torch.storage") return false;
  const std::string name = class_name.substr(dot + 1);
  for (const auto& [n, k] : storage_classes())
    if (n == name) {
      *out = k;
      return true;
    }
  return false;
}

StorageRecord make_storage(const ValueTree& t, const std::vector<ValueId>& pid, std::uint64_t max_bytes) {
  StorageRecord r;
  Value& s = r.value;
  s.kind = ValueKind::Storage;
  const ValueId cls = pid[1], key = pid[2], location = pid[3];
  if (t.kind(cls) != ValueKind::Global || !storage_scalar(t.at(cls).text, &s.scalar))
    return {{}, "storage of unknown type " + (t.kind(cls) == ValueKind::Global ? t.at(cls).text : t.describe(cls))};
  if (t.kind(key) == ValueKind::String) s.text = t.at(key).text;
  else if (t.kind(key) == ValueKind::Int) s.text = std::to_string(t.at(key).number);
  else return {{}, "storage key is " + t.describe(key)};
  if (t.kind(location) == ValueKind::String) s.location = t.at(location).text;
  if (!int_at(t, pid[4], &s.number) || s.number < 0) return {{}, "storage '" + s.text + "' has no valid element count"};
  if (static_cast<std::uint64_t>(s.number) > max_bytes / element_size(s.scalar))
    return {{}, "storage '" + s.text + "' claims " + std::to_string(s.number) + " elements, more than the file holds"};
  if (pid.size() > 5 && pid[5] != 0) return {{}, "storage '" + s.text + "' is a legacy storage view, which is not supported"};
  return r;
}

Rebuilt rebuild_at(ValueTree& t, ValueId callable, ValueId args, int depth);

Rebuilt rebuild(ValueTree& t, ValueId callable, ValueId args) { return rebuild_at(t, callable, args, 0); }

Rebuilt rebuild_at(ValueTree& t, ValueId callable, ValueId args, int depth) {
  const std::vector<ValueId> a = t.at(args).items;
  const std::string name = t.kind(callable) == ValueKind::Global ? t.at(callable).text : "";
  if (name == "torch._utils._rebuild_tensor_v2") return tensor(t, a, true);
  if (name == "torch._utils._rebuild_tensor") return tensor(t, a, false);
  if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
    if (a.empty() || t.kind(a[0]) != ValueKind::Tensor) return {0, "parameter rebuilt from " + (a.empty() ? "nothing" : t.describe(a[0]))};
    const Value& data = t.at(a[0]);
    Value p;
    p.kind = ValueKind::Tensor;
    p.ref = data.ref;
    p.number = data.number;
    p.sizes = data.sizes;
    p.strides = data.strides;
    p.flag = a.size() > 1 && t.kind(a[1]) == ValueKind::Bool && t.at(a[1]).flag;
    return {t.add(std::move(p)), ""};
  }
  if (name == "torch._utils._rebuild_from_type_v2") {
    if (a.size() < 3 || t.kind(a[2]) != ValueKind::Tuple) return {0, "_rebuild_from_type_v2 without arguments"};
    if (depth >= 4) return {0, "_rebuild_from_type_v2 nested too deeply"};
    return rebuild_at(t, a[0], a[2], depth + 1);
  }
  if (name == "collections.OrderedDict") return ordered_dict(t, a);
  Value v;
  if (name == "builtins.set" || name == "builtins.frozenset") {
    v.kind = ValueKind::List;
    if (!a.empty() && (t.kind(a[0]) == ValueKind::List || t.kind(a[0]) == ValueKind::Tuple)) v.items = t.at(a[0]).items;
    return {t.add(std::move(v)), ""};
  }
  v.kind = ValueKind::Object;
  v.text = name.empty() ? "<call of " + t.describe(callable) + ">" : name;
  v.ref = args;
  return {t.add(std::move(v)), ""};
}

}  // namespace autodet::models::weights
