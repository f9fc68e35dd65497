#pragma once
// Settings some libraries read only once, when the process starts (OpenMP's wait policy is one):
// to change them, the program starts itself again with the variable set.
namespace autodet {

// When the environment variable `name` is unset, sets it to `value` and replaces this process
// by a fresh start of the same program with the same arguments (/proc/self/exe, /proc/self/cmdline).
// Returns when the variable was already set, or when the restart is impossible (then nothing changed
// but the variable).
void restart_with_env(const char* name, const char* value);

}  // namespace autodet
