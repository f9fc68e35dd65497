#include "store/job_name.h"

#include <array>

#include "core/error.h"

namespace autodet::store {
namespace {

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

constexpr std::array<const char*, 16> kAdjectives{"amber", "brave",  "calm",  "clever", "eager", "gentle",
                                                  "happy", "jolly",  "keen",  "lucid",  "mellow", "nimble",
                                                  "quiet", "silver", "swift", "witty"};
constexpr std::array<const char*, 16> kNouns{"badger", "cedar", "comet", "falcon", "harbor", "lantern", "maple", "meadow",
                                             "orchid", "pebble", "river", "sparrow", "summit", "tulip", "walrus", "willow"};

}  // namespace

void validate_job_name(const std::string& name) {
  Location where{"", 0, "", "name"};
  if (name.empty()) throw UsageError(where, "a job name must not be empty");
  if (name.size() > kMaxJobNameLength)
    throw UsageError(where, "job name '" + name.substr(0, 20) + "...' is " + std::to_string(name.size()) +
                                " characters long; at most " + std::to_string(kMaxJobNameLength) + " are allowed");
  if (name[0] == '.') throw UsageError(where, "job name '" + name + "' must not start with '.'");
  for (char c : name)
    if (!allowed(c))
      throw UsageError(where, "job name '" + name + "' may contain only letters, digits, '-', '_' and '.'");
}

std::string generate_job_name(Rng& rng) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string name = std::string(kAdjectives[rng.below(kAdjectives.size())]) + "_" + kNouns[rng.below(kNouns.size())] + "_";
  for (int i = 0; i < 8; ++i) name += kAlphabet[rng.below(sizeof kAlphabet - 1)];
  return name;
}

}  // namespace autodet::store
