#pragma once
// Trials as child processes of the scheduler's own process (compute: local), killed with it
// (trial_process.h): a crash or an out-of-memory kill of one trial ends that trial only.
#include <string>
#include <vector>

#include "automl/trial_executor.h"
#include "automl/trial_process.h"

namespace autodet {

class LocalExecutor : public TrialExecutor {
 public:
  LocalExecutor(store::RunStore& rs, store::Workspace ws, std::string job, std::string executable);
  std::string describe() const override;
  void launch(const TrialLaunch& t) override;
  std::vector<std::string> poll() override;
  void signal(const std::string& trial, TrialSignal s) override;
  void collect() override;

 private:
  struct Child {
    std::string trial;
    ChildProcess process;
  };
  store::RunStore& rs_;
  store::Workspace ws_;
  std::string job_;
  std::string exe_;
  std::vector<Child> children_;
};

}  // namespace autodet
