#include "train/progress_hook.h"

#include <iostream>
#include <unistd.h>

#include <fmt/format.h>

#include "core/log.h"

namespace autodet {
namespace {

std::string duration(double s) {
  if (s < 0 || s > 1e7) return "?";
  int t = int(s + 0.5);
  return t >= 3600 ? fmt::format("{}h{:02d}m", t / 3600, (t / 60) % 60) : fmt::format("{}m{:02d}s", t / 60, t % 60);
}

// Seconds left when `done` of `total` epochs took `elapsed` seconds, at the same pace.
double eta_seconds(double elapsed, double done, double total) { return done > 0 ? elapsed / done * (total - done) : -1; }

double get(const std::map<std::string, double>& m, const char* k) {
  auto it = m.find(k);
  return it == m.end() ? 0.0 : it->second;
}

}  // namespace

std::string ProgressHook::loss_parts(const std::map<std::string, double>& values) const {
  std::string out;
  for (const auto& name : loss_names_) {
    const std::string shown = name.size() > 5 && name.compare(name.size() - 5, 5, "_loss") == 0 ? name.substr(0, name.size() - 5) : name;
    out += fmt::format("{}{} {:.4f}", out.empty() ? "" : " ", shown, get(values, name.c_str()));
  }
  return out;
}

void ProgressHook::on_train_begin(const nlohmann::json& info) {
  tty_ = ::isatty(2);
  epochs_ = info.value("epochs", 0);
  start_epoch_ = info.value("start_epoch", 0);
  loss_names_ = info.value("loss_names", std::vector<std::string>{"box_loss", "obj_loss", "cls_loss"});
  start_ = last_print_ = std::chrono::steady_clock::now();
  log::info("training on {} ({}, {} threads, {} loader workers): {} train / {} validation images, {} class{}, {} batches/epoch",
            info.value("device", "?"), info.value("precision", "?"), info.value("threads", 0), info.value("loader_workers", 0),
            info.value("train_images", 0), info.value("validation_images", 0), info["classes"].size(),
            info["classes"].size() == 1 ? "" : "es", info.value("batches_per_epoch", 0));
  if (!info.value("anchors", std::string()).empty()) log::info("{}", info.value("anchors", std::string()));
}

void ProgressHook::on_batch_end(int epoch, std::size_t batch, std::size_t batches, const std::map<std::string, double>& v) {
  auto now = std::chrono::steady_clock::now();
  const bool end = batch == batches;
  if (!tty_ && !end) return;
  if (!end && std::chrono::duration<double>(now - last_print_).count() < 0.5) return;
  last_print_ = now;
  if (!tty_) return;
  const double done = double(epoch - start_epoch_) + double(batch) / double(std::max<std::size_t>(1, batches));
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = eta_seconds(elapsed, done, double(epochs_ - start_epoch_));
  std::cerr << fmt::format("\r  epoch {}/{}  batch {}/{}  {}  lr {:.5f}  {:.1f} img/s  ETA {}   ", epoch + 1, epochs_, batch,
                           batches, loss_parts(v), get(v, "learning_rate"), get(v, "images_per_second"), duration(eta))
            << std::flush;
}

void ProgressHook::on_epoch_end(const EpochSummary& s) {
  if (tty_) std::cerr << "\r" << std::string(110, ' ') << "\r";
  std::string line = fmt::format("epoch {:>3}/{}  loss {:.4f} ({})  {:.1f} img/s  {:.0f}s", s.epoch + 1, s.epochs,
                                 get(s.metrics, "log_loss_train"), loss_parts(s.metrics), get(s.metrics, "images_per_second"),
                                 s.seconds);
  if (s.evaluated && !s.metrics.count("mean_average_precision") && s.metrics.count("mean_average_precision_train")) {
    // A refit: its validation images are among its training images.
    line += fmt::format("  mAP on training images {:.4f}", get(s.metrics, "mean_average_precision_train"));
    if (s.metrics.count("coco_AP_train")) line += fmt::format("  COCO mAP {:.4f}", get(s.metrics, "coco_AP_train"));
  } else if (s.evaluated) {
    line += fmt::format("  mAP {:.4f}", get(s.metrics, "mean_average_precision"));
    if (s.metrics.count("coco_AP")) line += fmt::format("  COCO mAP {:.4f}", get(s.metrics, "coco_AP"));
    if (s.metrics.count("log_loss")) line += fmt::format("  val loss {:.4f}", get(s.metrics, "log_loss"));
    if (s.best) line += "  *best*";
  }
  // Time left for the remaining epochs at the pace so far, evaluations included (early stopping
  // or a time limit can end the run sooner). Logs that are not a terminal see only these lines.
  const int done = s.epoch + 1 - start_epoch_;
  if (done > 0 && s.epoch + 1 < s.epochs) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    line += fmt::format("  ETA {}", duration(eta_seconds(elapsed, done, double(s.epochs - start_epoch_))));
  }
  log::info("{}", line);
}

void ProgressHook::on_train_end(const nlohmann::json& r) {
  const std::string name = r.value("score_name", "mean_average_precision");
  log::info("done: {} epochs, best epoch {} ({} {:.4f}){}{}", r.value("epochs_run", 0), r.value("best_epoch", -1) + 1,
            name == "mean_average_precision" ? "mAP" : name, r.value("best_score", 0.0), r.value("stopped_early", false) ? ", stopped early" : "",
            r.value("interrupted", false) ? ", interrupted (resume with --resume)" : "");
}

}  // namespace autodet
