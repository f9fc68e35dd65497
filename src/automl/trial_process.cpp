#include "automl/trial_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/error.h"
#include "core/process_owner.h"

extern char** environ;

namespace autodet {

std::string ExitStatus::describe() const {
  if (!signaled) return fmt::format("exit code {}", code);
  return fmt::format("killed by signal {} ({})", signal, ::strsignal(signal));
}

namespace {

ExitStatus from_wait_status(int status) {
  ExitStatus e;
  if (WIFSIGNALED(status)) {
    e.signaled = true;
    e.signal = WTERMSIG(status);
  } else {
    e.code = WEXITSTATUS(status);
  }
  return e;
}

}  // namespace

ChildProcess ChildProcess::start(const ProcessSpec& spec) {
  // Everything the child needs is prepared before fork: between fork and exec only
  // async-signal-safe calls are made.
  std::vector<std::string> argv_s{spec.executable};
  argv_s.insert(argv_s.end(), spec.args.begin(), spec.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  std::set<std::string> present;
  for (char** e = environ; e && *e; ++e) {
    env_s.emplace_back(*e);
    present.insert(env_s.back().substr(0, env_s.back().find('=')));
  }
  for (const auto& [k, v] : spec.default_env)
    if (!present.count(k)) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  const int log_fd = ::open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw Error(Location{spec.log_path, 0, "", ""}, std::string("cannot open the trial log: ") + std::strerror(errno));
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    throw Error(std::string("cannot start a trial process: fork failed: ") + std::strerror(err));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the scheduler's death ends its trials too
    if (::getppid() != parent) ::_exit(127);
    ::setpgid(0, 0);  // its own group: a Ctrl-C reaches the scheduler, which stops the trials in order
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    const char msg[] = "autodet: cannot execute the trial process\n";
    ssize_t ignored = ::write(2, msg, sizeof msg - 1);
    (void)ignored;
    ::_exit(127);
  }
  ::close(log_fd);
  if (null_fd >= 0) ::close(null_fd);
  ChildProcess c;
  c.pid_ = pid;
  return c;
}

std::optional<ExitStatus> ChildProcess::poll() {
  if (ended_ || pid_ <= 0) return ended_;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) ended_ = from_wait_status(status);
  else if (r < 0 && errno == ECHILD) ended_ = ExitStatus{true, 0, SIGKILL};  // reaped elsewhere
  return ended_;
}

ExitStatus ChildProcess::wait() {
  while (!ended_ && pid_ > 0) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, 0);
    if (r == pid_) ended_ = from_wait_status(status);
    else if (r < 0 && errno != EINTR) ended_ = ExitStatus{true, 0, SIGKILL};
  }
  return ended_.value_or(ExitStatus{});
}

void ChildProcess::signal(int sig) const {
  if (pid_ > 0 && !ended_) ::kill(pid_, sig);
}

std::string self_executable() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("cannot find this program's file (/proc/self/exe): " + ec.message());
  return p.string();
}

std::string worker_name(pid_t pid) { return fmt::format("{}:{}", host_name(), pid > 0 ? pid : ::getpid()); }

bool worker_alive(const std::string& worker) {
  const auto colon = worker.rfind(':');
  if (colon == std::string::npos || worker.substr(0, colon) != host_name()) return false;
  return process_alive(std::strtol(worker.c_str() + colon + 1, nullptr, 10));
}

}  // namespace autodet
