#pragma once
// Job names: checked when given (they become folder names in the run store), generated when
// absent as "<experiment>-<yyyymmdd-hhmmss>-<4 hex>" (UTC), e.g. "fridge-20250131-142501-9f3a".
#include <chrono>
#include <string>

namespace autodet {

class Rng;

// Letters, digits, '_', '-' and '.', starting with a letter or digit, at most 100 characters
// (the run store's limit, store/job_name.h).
bool valid_job_name(const std::string& name);

// Turns any text into a name part: other characters become '-', runs collapse, ends trimmed
// ("My experiment!" -> "My-experiment"); "" when nothing is left.
std::string name_part(const std::string& text);

// A fresh name from the experiment name ("job" when it has no usable characters), the clock
// and the generator (both passed in, so tests are repeatable).
std::string generate_job_name(const std::string& experiment_name, std::chrono::system_clock::time_point now,
                              Rng& rng);

}  // namespace autodet
