#pragma once
// The run store: jobs, their trials, resolved parameters, status, per-epoch metrics, timings and
// artefact paths. RunStore is the interface; SqliteStore (sqlite_store.h) is the embedded default
// and PostgresStore (postgres_store.h) the server database that workers on many machines share.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/run_status.h"
#include "store/store_error.h"

namespace autodet::store {

// The primary metric (spec R6.1); best trials are chosen by it (R6.11).
inline constexpr const char* kPrimaryMetric = "mean_average_precision";
// COCO AP@[.5:.95] as the trainer records it per epoch.
inline constexpr const char* kCocoApMetric = "coco_AP";

// When a job or trial was created, first started, ended, and last touched. ISO 8601 UTC
// (timestamp.h); empty when it has not happened yet.
struct Timings {
  std::string created;
  std::string started;
  std::string ended;
  std::string updated;  // trials: the heartbeat (status change, metrics, heartbeat())
};

// One job: an AutoML object-detection run (a single trial, a manual sweep or AutoMode).
struct JobRecord {
  std::string name;             // unique; a safe folder name (job_name.h)
  std::string experiment_name;
  std::string display_name;
  std::string description;
  std::string task = "image_object_detection";
  std::string spec = "{}";      // the resolved job spec, a JSON object as text
  std::string tags = "{}";      // JSON object as text
  RunStatus status = RunStatus::Queued;
  std::string message;          // why it failed / was canceled; free text
  Timings times;                // set by the store
  // Image files left out because they cannot be decoded: a JSON array of {"path", "reason"} as text.
  std::string skipped_images = "[]";
  std::string owner;            // the process running it ("host:pid:start", process_owner.h); "" when none
  std::string heartbeat;        // ISO 8601 UTC of the owner's last heartbeat; "" when none
};

// One trial (Azure: a child run): a configuration of hyperparameters trained once.
struct TrialRecord {
  std::string id;               // "<job>_<index>", assigned by create_trial
  std::string job;
  int index = -1;               // 0, 1, ... in creation order within the job
  std::string parameters = "{}";  // resolved hyperparameters, a JSON object as text
  std::string config = "{}";      // how a sweep proposed it (sub-space, sampled values, source), JSON object
  RunStatus status = RunStatus::Queued;
  std::string message;
  std::string worker;           // who runs it (e.g. "host:pid"), from heartbeat(); may be empty
  Timings times;                // set by the store
  // A scheduler's request that the trial stop (request_trial_stop): the final status it asks for
  // (terminated, canceled) and why; nullopt when none.
  std::optional<RunStatus> stop_status;
  std::string stop_reason;
};

// One logged value of a metric. NaN is kept (a diverged loss is worth seeing).
struct MetricPoint {
  int epoch = 0;
  double value = 0;
};

// Metric name -> its values in epoch order.
using MetricHistory = std::map<std::string, std::vector<MetricPoint>>;

// The winning trial of a job and its best epoch.
struct BestTrial {
  std::string trial;
  double value = 0;
  int epoch = 0;
};

// The best point of one metric (largest non-NaN value, latest epoch among equals: the epoch whose
// weights the trainer keeps, R4.13).
std::optional<MetricPoint> best_point(const MetricHistory& history, const std::string& metric = kPrimaryMetric);

// The metric that ranks a job's epochs and trials: kCocoApMetric when its training_parameters
// say best_epoch_metric: coco_ap, else the primary metric. Read from the job's saved spec.
std::string ranking_metric(const JobRecord& job);

// Storage of jobs and trials. Every call is one atomic change; implementations are safe to use
// from several processes at once (each with its own RunStore object). Errors are StoreError or
// its subclasses and name the database and the operation.
class RunStore {
 public:
  virtual ~RunStore() = default;

  // The database, for messages: a file path or a URL without credentials.
  virtual std::string location() const = 0;

  // Adds a job (status and timings from job; created = now). ConflictError when the name is taken,
  // UsageError when it is not a safe folder name or spec/tags are not JSON objects.
  virtual void create_job(const JobRecord& job) = 0;
  virtual std::optional<JobRecord> find_job(const std::string& name) = 0;
  // Like find_job, but NotFoundError when absent.
  JobRecord get_job(const std::string& name);
  // All jobs, oldest first.
  virtual std::vector<JobRecord> list_jobs() = 0;
  // Changes status along can_transition (ConflictError otherwise); records started/ended times.
  virtual void set_job_status(const std::string& job, RunStatus status, const std::string& message = "") = 0;
  // Sets one tag of the job (e.g. automl_best_child_run_id, R6.11), keeping the others.
  virtual void set_job_tag(const std::string& job, const std::string& key, const std::string& value) = 0;
  // Records the job's unusable image files (a JSON array as text; UsageError otherwise).
  virtual void set_job_skipped_images(const std::string& job, const std::string& json_array) = 0;
  // "Still alive": the job's owner (a process, "" = nobody runs it any more) and now as its heartbeat.
  virtual void job_heartbeat(const std::string& job, const std::string& owner) = 0;

  // Adds a trial to job (queued unless trial.status says otherwise) and returns its id
  // "<job>_<n>", n counting from 0. trial.id, trial.job and trial.index are ignored.
  virtual std::string create_trial(const std::string& job, const TrialRecord& trial) = 0;
  virtual std::optional<TrialRecord> find_trial(const std::string& trial) = 0;
  // Like find_trial, but NotFoundError when absent.
  TrialRecord get_trial(const std::string& trial);
  // The trials of a job by index; NotFoundError when the job does not exist.
  virtual std::vector<TrialRecord> list_trials(const std::string& job) = 0;
  // Changes status along can_transition; the check and the change are atomic, so two workers
  // cannot both move the same queued trial to running.
  virtual void set_trial_status(const std::string& trial, RunStatus status, const std::string& message = "") = 0;
  // Pull-based workers: moves the job's oldest queued trial to running for worker in one atomic
  // step (two workers never get the same trial) and returns it; nullopt when none is queued.
  virtual std::optional<TrialRecord> claim_trial(const std::string& job, const std::string& worker) = 0;
  // Asks whoever runs the trial to stop it and end it as status (terminated or canceled) because
  // of reason. The first request is kept; a trial that has ended is left alone.
  virtual void request_trial_stop(const std::string& trial, RunStatus status, const std::string& reason) = 0;
  // "Still alive": refreshes the trial's updated time and names its worker.
  virtual void heartbeat(const std::string& trial, const std::string& worker) = 0;
  // Running trials (of any job) whose last sign of life is older than max_age: their process
  // most likely died, and a resume can re-queue them.
  virtual std::vector<TrialRecord> stale_trials(std::chrono::seconds max_age) = 0;

  // Stores name -> value for one epoch (a value logged again for the same epoch replaces the
  // old one, as after a resume). Also a heartbeat.
  virtual void record_epoch_metrics(const std::string& trial, int epoch,
                                    const std::map<std::string, double>& values) = 0;
  virtual MetricHistory metric_history(const std::string& trial) = 0;
  // Remembers where an artefact of the trial is (kind e.g. "model", "onnx", "labels"); a kind
  // recorded again points to the new path.
  virtual void record_artifact(const std::string& trial, const std::string& kind, const std::string& path) = 0;
  // kind -> path.
  virtual std::map<std::string, std::string> artifacts(const std::string& trial) = 0;

  // R6.11: the trial with the highest best-epoch value of the job's ranking_metric; ties go to the
  // earliest trial. Failed trials and trials without that metric do not take part. nullopt when
  // none does. NotFoundError when there is no such job.
  std::optional<BestTrial> best_trial(const std::string& job);
  // The same by a given metric.
  virtual std::optional<BestTrial> best_trial_by(const std::string& job, const std::string& metric) = 0;
};

}  // namespace autodet::store
