#include "automl/slurm_client.h"

#include <sstream>

#include "core/error.h"
#include "core/run_command.h"

namespace autodet {
namespace {

std::string one_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

std::string sbatch(const std::string& script, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"sbatch", "--parsable"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(script);
  const CommandOutput r = run_command(argv);
  if (!r.ok()) throw Error(Location{script, 0, "", ""}, "sbatch refused the workers: " + one_line(r.output));
  // --parsable prints "id" or "id;cluster", possibly after warnings.
  const auto lines = lines_of(r.output);
  const std::string last = lines.empty() ? "" : lines.back();
  const std::string id = last.substr(0, last.find(';'));
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    throw Error(Location{script, 0, "", ""}, "sbatch printed no job id: " + one_line(r.output));
  return id;
}

std::vector<std::string> squeue_by_name(const std::string& name) {
  const CommandOutput r = run_command({"squeue", "-h", "-r", "-n", name, "-t", "PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED", "-o", "%i"});
  if (!r.ok()) throw Error("squeue failed: " + one_line(r.output));
  return lines_of(r.output);
}

void scancel(const std::vector<std::string>& ids, bool batch_only) {
  if (ids.empty()) return;
  std::vector<std::string> argv{"scancel", "--quiet"};
  if (batch_only) {
    argv.push_back("--batch");
    argv.push_back("--signal=TERM");
  }
  argv.insert(argv.end(), ids.begin(), ids.end());
  run_command(argv);  // a job that has ended meanwhile is no error worth stopping for
}

}  // namespace autodet
