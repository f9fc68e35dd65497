#include "models/weights/unpickler.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "models/weights/torch_globals.h"

namespace autodet::models::weights {

namespace {

constexpr int kHighestProtocol = 5;

// The pickle virtual machine over one byte range: a value stack, a mark stack and a memo.
class Machine {
 public:
  Machine(std::string_view bytes, const PickleSource& source, ValueTree& tree) : b_(bytes), src_(source), tree_(tree) {}

  ValueId run(std::size_t* consumed) {
    while (true) {
      const std::size_t at = pos_;
      const auto op = static_cast<unsigned char>(take(1)[0]);
      op_at_ = at;
      if (op == '.') {
        if (consumed) *consumed = pos_;
        return pop();
      }
      step(op);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw DataError(Location{src_.file, 0, src_.element, ""}, "pickle: " + why + " (opcode at byte " + std::to_string(op_at_) + ")");
  }

  std::string_view take(std::uint64_t n) {
    if (n > b_.size() - pos_) fail("truncated: " + std::to_string(n) + " bytes needed, " + std::to_string(b_.size() - pos_) + " left");
    const auto out = b_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::uint64_t le(int n) {
    const auto s = take(n);
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[i]);
    return v;
  }
  std::string_view line() {
    const auto nl = b_.find('\n', pos_);
    if (nl == std::string_view::npos) fail("truncated: a text argument has no end of line");
    const auto out = b_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    return out;
  }

  std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  ValueId pop() {
    if (stack_.size() <= floor()) fail("stack underflow");
    const ValueId v = stack_.back();
    stack_.pop_back();
    return v;
  }
  ValueId& top() {
    if (stack_.size() <= floor()) fail("stack underflow");
    return stack_.back();
  }
  std::vector<ValueId> pop_mark() {
    if (marks_.empty()) fail("no MARK to pop to");
    const std::size_t m = marks_.back();
    marks_.pop_back();
    std::vector<ValueId> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }
  void push(ValueId v) { stack_.push_back(v); }
  void push(Value v) { push(tree_.add(std::move(v))); }

  static Value make(ValueKind k) {
    Value v;
    v.kind = k;
    return v;
  }
  void push_int(std::int64_t n) {
    Value v = make(ValueKind::Int);
    v.number = n;
    push(std::move(v));
  }
  void push_bool(bool f) {
    Value v = make(ValueKind::Bool);
    v.flag = f;
    push(std::move(v));
  }
  void push_text(ValueKind k, std::string_view s) {
    Value v = make(k);
    v.text = std::string(s);
    push(std::move(v));
  }
  void push_seq(ValueKind k, std::vector<ValueId> items) {
    Value v = make(k);
    v.items = std::move(items);
    push(std::move(v));
  }
  // A little-endian two's-complement integer of n bytes (LONG1/LONG4).
  void push_long(std::string_view s) {
    if (s.size() > 8) return push_text(ValueKind::BigInt, s);
    std::uint64_t u = 0;
    for (std::size_t i = s.size(); i-- > 0;) u = (u << 8) | static_cast<unsigned char>(s[i]);
    if (!s.empty() && s.size() < 8 && (static_cast<unsigned char>(s.back()) & 0x80)) u |= ~std::uint64_t{0} << (8 * s.size());
    push_int(static_cast<std::int64_t>(u));
  }
  void push_decimal(std::string_view text, bool is_long) {
    std::string s(text);
    if (is_long && !s.empty() && s.back() == 'L') s.pop_back();
    if (!is_long && (s == "00" || s == "01")) return push_bool(s == "01");
    errno = 0;
    char* end = nullptr;
    const long long n = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE) fail("bad or too large text integer '" + s.substr(0, 40) + "'");
    push_int(n);
  }
  void push_memo(std::uint64_t key) {
    const auto it = memo_.find(key);
    if (it == memo_.end()) fail("memo key " + std::to_string(key) + " was never stored");
    push(it->second);
  }
  void put_memo(std::uint64_t key) { memo_[key] = top(); }

  void append(ValueId list, const std::vector<ValueId>& items) {
    Value& l = tree_.at(list);
    if (l.kind == ValueKind::List) {
      l.items.insert(l.items.end(), items.begin(), items.end());
    } else if (l.kind != ValueKind::Object) {  // an object's own append() is never run: the items are dropped
      fail("APPEND to " + tree_.describe(list));
    }
  }
  void set_items(ValueId dict, const std::vector<ValueId>& kv) {
    if (kv.size() % 2) fail("SETITEMS with an odd number of values");
    const ValueKind k = tree_.kind(dict);
    if (k != ValueKind::Dict && k != ValueKind::Object) fail("SETITEM on " + tree_.describe(dict));
    for (std::size_t i = 0; i < kv.size(); i += 2) tree_.dict_set(dict, kv[i], kv[i + 1]);
  }

  // BUILD: an object's state becomes part of it (dicts merge); other targets keep theirs.
  void build(ValueId target, ValueId state) {
    const ValueKind k = tree_.kind(target);
    if (k != ValueKind::Object && k != ValueKind::Dict) return;
    const ValueId old = tree_.at(target).state;
    if (old != 0 && tree_.kind(old) == ValueKind::Dict && tree_.kind(state) == ValueKind::Dict) {
      const std::vector<ValueId> kv = tree_.at(state).items;
      for (std::size_t i = 0; i + 1 < kv.size(); i += 2) tree_.dict_set(old, kv[i], kv[i + 1]);
    } else {
      tree_.at(target).state = state;
    }
  }

  std::string text_of(ValueId id, const char* what) {
    if (tree_.kind(id) != ValueKind::String) fail(std::string(what) + " is " + tree_.describe(id) + ", not a string");
    return tree_.at(id).text;
  }
  void push_global(std::string module, const std::string& name) {
    if (module == "__builtin__") module = "builtins";
    push_text(ValueKind::Global, module + "." + name);
  }

  void persistent_load(ValueId pid) {
    const Value& p = tree_.at(pid);
    if (p.kind != ValueKind::Tuple || p.items.empty()) fail("persistent id is " + tree_.describe(pid) + ", not a tuple");
    const std::string tag = tree_.kind(p.items[0]) == ValueKind::String ? tree_.at(p.items[0]).text : "";
    if (tag == "module" && p.items.size() >= 2) return push(p.items[1]);
    if (tag != "storage" || p.items.size() < 5) fail("unknown persistent id (expected ('storage', type, key, location, size))");
    StorageRecord s = make_storage(tree_, p.items, src_.max_storage_bytes);
    if (!s.error.empty()) fail(s.error);
    push(std::move(s.value));
  }

  void reduce(ValueId callable, ValueId args) {
    if (tree_.kind(args) != ValueKind::Tuple) fail("REDUCE arguments are " + tree_.describe(args) + ", not a tuple");
    Rebuilt r = rebuild(tree_, callable, args);
    if (!r.error.empty()) fail(r.error);
    push(r.id);
  }

  void new_object(ValueId cls, ValueId args) {
    Value v = make(ValueKind::Object);
    v.text = tree_.kind(cls) == ValueKind::Global ? tree_.at(cls).text : "<" + tree_.describe(cls) + ">";
    v.ref = args;
    if (v.text == "collections.OrderedDict") v.kind = ValueKind::Dict;
    push(std::move(v));
  }

  void step(unsigned char op) {
    switch (op) {
      case 0x80: {  // PROTO
        const auto v = le(1);
        if (v > kHighestProtocol) fail("pickle protocol " + std::to_string(v) + " is newer than 5");
        return;
      }
      case 0x95: le(8); return;  // FRAME: only a read-ahead hint
      case '(': marks_.push_back(stack_.size()); return;
      case '0': pop(); return;
      case '1': pop_mark(); return;
      case '2': push(top()); return;
      case 'N': push(ValueId{0}); return;
      case 0x88: push_bool(true); return;
      case 0x89: push_bool(false); return;
      case 'I': return push_decimal(line(), false);
      case 'L': return push_decimal(line(), true);
      case 'J': return push_int(static_cast<std::int32_t>(le(4)));
      case 'K': return push_int(static_cast<std::int64_t>(le(1)));
      case 'M': return push_int(static_cast<std::int64_t>(le(2)));
      case 0x8a: return push_long(take(le(1)));
      case 0x8b: return push_long(take(le(4)));
      case 'F': {
        const std::string s(line());
        char* end = nullptr;
        Value v = make(ValueKind::Float);
        v.real = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0') fail("bad text float");
        return push(std::move(v));
      }
      case 'G': {
        const std::uint64_t be = le(8);
        std::uint64_t u = 0;
        for (int i = 0; i < 8; ++i) u |= ((be >> (8 * i)) & 0xFF) << (8 * (7 - i));
        Value v = make(ValueKind::Float);
        std::memcpy(&v.real, &u, sizeof u);
        return push(std::move(v));
      }
      case 'S': {  // text STRING: a quoted repr; escapes are kept as written
        auto s = line();
        if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
        return push_text(ValueKind::String, s);
      }
      case 'V': return push_text(ValueKind::String, line());
      case 'T': return push_text(ValueKind::String, take(le(4)));
      case 'U': return push_text(ValueKind::String, take(le(1)));
      case 'X': return push_text(ValueKind::String, take(le(4)));
      case 0x8c: return push_text(ValueKind::String, take(le(1)));
      case 0x8d: return push_text(ValueKind::String, take(le(8)));
      case 'B': return push_text(ValueKind::Bytes, take(le(4)));
      case 'C': return push_text(ValueKind::Bytes, take(le(1)));
      case 0x8e: return push_text(ValueKind::Bytes, take(le(8)));
      case 0x96: return push_text(ValueKind::Bytes, take(le(8)));
      case ')': return push_seq(ValueKind::Tuple, {});
      case 't': return push_seq(ValueKind::Tuple, pop_mark());
      case 0x85: {
        const ValueId a = pop();
        return push_seq(ValueKind::Tuple, {a});
      }
      case 0x86: {
        const ValueId b = pop(), a = pop();
        return push_seq(ValueKind::Tuple, {a, b});
      }
      case 0x87: {
        const ValueId c = pop(), b = pop(), a = pop();
        return push_seq(ValueKind::Tuple, {a, b, c});
      }
      case ']': return push_seq(ValueKind::List, {});
      case 'l': return push_seq(ValueKind::List, pop_mark());
      case 0x8f: return push_seq(ValueKind::List, {});  // EMPTY_SET: sets are read as lists
      case 0x91: return push_seq(ValueKind::List, pop_mark());
      case 'a': {
        const ValueId v = pop();
        return append(top(), {v});
      }
      case 'e':
      case 0x90: {
        auto items = pop_mark();
        return append(top(), items);
      }
      case '}': return push(make(ValueKind::Dict));
      case 'd': {
        const auto kv = pop_mark();
        push(make(ValueKind::Dict));
        return set_items(stack_.back(), kv);
      }
      case 's': {
        const ValueId v = pop(), k = pop();
        return set_items(top(), {k, v});
      }
      case 'u': {
        const auto kv = pop_mark();
        return set_items(top(), kv);
      }
      case 'c': {
        const std::string module(line());
        return push_global(module, std::string(line()));
      }
      case 0x93: {
        const ValueId name = pop(), module = pop();
        return push_global(text_of(module, "STACK_GLOBAL module"), text_of(name, "STACK_GLOBAL name"));
      }
      case 'R': {
        const ValueId args = pop(), callable = pop();
        return reduce(callable, args);
      }
      case 0x81: {
        const ValueId args = pop(), cls = pop();
        return new_object(cls, args);
      }
      case 0x92: {
        pop();  // keyword arguments are not kept
        const ValueId args = pop(), cls = pop();
        return new_object(cls, args);
      }
      case 'i': {
        const std::string module(line());
        const std::string name(line());
        auto args = pop_mark();
        push_global(module, name);
        const ValueId cls = pop();
        push_seq(ValueKind::Tuple, std::move(args));
        const ValueId a = pop();
        return new_object(cls, a);
      }
      case 'o': {
        auto items = pop_mark();
        if (items.empty()) fail("OBJ without a class");
        const ValueId cls = items.front();
        items.erase(items.begin());
        push_seq(ValueKind::Tuple, std::move(items));
        const ValueId a = pop();
        return new_object(cls, a);
      }
      case 'b': {
        const ValueId state = pop();
        return build(top(), state);
      }
      case 'P': {
        push_text(ValueKind::String, line());
        return persistent_load(pop());
      }
      case 'Q': return persistent_load(pop());
      case 'g': return push_memo(parse_index(line()));
      case 'h': return push_memo(le(1));
      case 'j': return push_memo(le(4));
      case 'p': return put_memo(parse_index(line()));
      case 'q': return put_memo(le(1));
      case 'r': return put_memo(le(4));
      case 0x94: return put_memo(memo_.size());
      default: break;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", op);
    fail(std::string("unsupported or invalid opcode ") + hex);
  }

  std::uint64_t parse_index(std::string_view s) {
    if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string_view::npos) fail("bad text memo key");
    return std::stoull(std::string(s));
  }

  std::string_view b_;
  const PickleSource& src_;
  ValueTree& tree_;
  std::size_t pos_ = 0, op_at_ = 0;
  std::vector<ValueId> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint64_t, ValueId> memo_;
};

}  // namespace

ValueId unpickle(std::string_view bytes, const PickleSource& source, ValueTree& tree, std::size_t* consumed) {
  return Machine(bytes, source, tree).run(consumed);
}

}  // namespace autodet::models::weights
