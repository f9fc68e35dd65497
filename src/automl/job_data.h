#pragma once
// What every process of a job shares: the trainer's settings from the job's parameters, the
// job's data (training and validation, given or split off), and the job as saved in the run store.
#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "automl/job_spec.h"
#include "data/dataset.h"
#include "data/decode_check.h"
#include "store/workspace.h"
#include "train/trainer.h"

namespace autodet {

// random_seed, else 1 (the Azure YOLO runtime's default).
std::uint64_t job_seed(const TrainingParams& params);

// The trainer's settings for resolved job parameters.
TrainConfig to_train_config(const TrainingParams& params);

// Training and validation images of a job: validation_data, or validation_data_size of the
// training images split off with `seed` (R1.24). DataError when either is empty. With
// tile_grid_size the training images' tiles follow them as samples of their own (R8.6).
// `rejected`, when given, receives the image files the readers left out (missing, unreadable header).
// train_on_validation (AutoMode's refit): the validation images are also trained on; they stay the
// validation set, scored as training metrics (TrainConfig::validation_in_training).
std::pair<Dataset, Dataset> read_job_data(const JobSpec& spec, std::uint64_t seed,
                                          std::vector<UnusableImage>* rejected = nullptr,
                                          bool train_on_validation = false);

// DataError naming the job file when a data path does not exist.
void check_data_paths(const JobSpec& spec);

// What the run store keeps of a job (JobRecord::spec): the file, its folder, the --set overrides,
// the final name, the --image-root remaps and the resolved spec as JSON.
nlohmann::json saved_job(const JobSpec& spec, const std::string& job_yaml, const std::vector<std::string>& overrides);
// The job again from the copy of its file (WORKSPACE/jobs/JOB/job.yml) and saved_job().
JobSpec parse_saved_job(const std::string& yaml_text, const nlohmann::json& saved);

// UsageError when the workspace already has a job of this name.
void require_new_job_name(store::RunStore& store, const store::Workspace& ws, const JobSpec& spec);
// Records a new job (status given) and copies its file's text to WORKSPACE/jobs/JOB/job.yml.
void record_new_job(store::RunStore& store, const store::Workspace& ws, const JobSpec& spec,
                    const nlohmann::json& saved, const std::string& yaml_text, store::RunStatus status);

}  // namespace autodet
