// `autodet evaluate --data PATH --predictions PRED`: VOC and COCO mAP of a prediction file
// against a dataset, as a table or as JSON.
#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/data_options.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "eval/coco_ids.h"
#include "eval/evaluate.h"
#include "eval/evaluation_record.h"
#include "eval/predictions_reader.h"
#include "report/job_report.h"

namespace autodet::cli {
namespace {

struct Args {
  std::string data_path;
  DataArgs data;
  std::string split;
  std::string predictions;
  std::string predictions_format = "auto";
  std::string metric = "coco_voc";
  double iou = 0.5;
  bool eleven_point = false;
  double box_score_threshold = -1;  // < 0: not given
  double confusion_score = 0.5;
  unsigned threads = 0;
  bool json = false;
  bool pr_curves = false;
  std::string report_dir;  // --report: write evaluation.json and report.html there
};

eval::PredictionsFormat predictions_format(const std::string& s) {
  if (s == "auto") return eval::PredictionsFormat::Auto;
  if (s == "jsonl") return eval::PredictionsFormat::BatchJsonl;
  if (s == "coco") return eval::PredictionsFormat::CocoResults;
  throw UsageError(Location{"", 0, "", "--predictions-format"}, "unknown predictions format '" + s + "' (auto, jsonl, coco)");
}

Dataset pick_split(const SplitDataset& sd, const std::string& split) {
  if (split.empty()) return sd.merged();
  auto it = sd.splits.find(split);
  if (it == sd.splits.end()) {
    std::string names;
    for (const auto& n : sd.names()) names += (names.empty() ? "" : ", ") + n;
    throw UsageError(Location{"", 0, "", "--split"}, "the dataset has no split '" + split + "' (it has: " + names + ")");
  }
  return it->second;
}

std::string num(double v) { return v == -1 ? "    -1" : fmt::format("{:6.4f}", v); }

void print_table(const eval::EvalReport& rep) {
  auto& out = log::out();
  out << fmt::format("{} images, {} ground-truth boxes, {} predictions", rep.images, rep.ground_truths, rep.predictions);
  if (rep.box_score_threshold) out << fmt::format(" (score > {})", *rep.box_score_threshold);
  out << "\n";
  if (rep.mean_average_precision)
    out << fmt::format("mean_average_precision ({}): {:.5f}\n", rep.metric == eval::MetricType::Coco ? "COCO AP@0.5" : "VOC mAP",
                       *rep.mean_average_precision);
  if (rep.voc) {
    const auto& v = *rep.voc;
    out << fmt::format("\nVOC @ IoU {:.2f} ({})\n", v.options.iou_threshold, v.options.eleven_point ? "11-point" : "all-point");
    std::size_t w = 5;
    for (const auto& c : v.per_class) w = std::max(w, c.name.size());
    out << fmt::format("  {:<{}}  {:>8}  {:>8}  {:>9}  {:>6}  {:>6}\n", "class", w, "objects", "preds", "precision", "recall", "AP");
    for (const auto& c : v.per_class)
      out << fmt::format("  {:<{}}  {:>8}  {:>8}  {:>9}  {:>6}  {:>6}\n", c.name, w, c.ground_truths, c.predictions, num(c.precision),
                         num(c.recall), num(c.average_precision));
    out << fmt::format("  {:<{}}  {:>8}  {:>8}  {:>9}  {:>6}  {:>6}\n", "mean", w, "", "", num(v.precision), num(v.recall),
                       num(v.mean_average_precision));
  }
  if (rep.coco) {
    static const char* rows[12] = {
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]"};
    out << "\nCOCO\n";
    for (std::size_t i = 0; i < 12; ++i) out << fmt::format("  {:<6} {} = {:.3f}\n", eval::kCocoStatNames[i], rows[i], rep.coco->stats[i]);
  }
  if (rep.confusion) {
    const auto& cm = *rep.confusion;
    out << fmt::format("\nConfusion matrix (score >= {:.2f}, IoU >= {:.2f}): rows ground truth, columns predicted\n",
                       cm.options.score_threshold, cm.options.iou_threshold);
    std::size_t w = 10;
    for (const auto& c : cm.classes) w = std::max(w, c.size());
    out << fmt::format("  {:<{}}", "", w);
    for (const auto& c : cm.classes) out << fmt::format("  {:>{}}", c, w);
    out << fmt::format("  {:>{}}\n", "Missed", w);
    for (std::size_t i = 0; i < cm.counts.size(); ++i) {
      out << fmt::format("  {:<{}}", i < cm.classes.size() ? cm.classes[i] : std::string("background"), w);
      for (std::size_t j = 0; j < cm.counts[i].size(); ++j)
        out << (i == cm.classes.size() && j == cm.classes.size() ? fmt::format("  {:>{}}", "", w)
                                                                  : fmt::format("  {:>{}}", cm.counts[i][j], w));
      out << "\n";
    }
  }
}

// evaluation.json (the evaluation record) and report.html in --report's folder.
void write_report(const Args& a, const eval::EvalSet& set, const eval::EvalReport& rep, const eval::EvalOptions& opt) {
  const nlohmann::json record = eval::evaluation_record(set, rep, opt.voc.iou_threshold);
  make_dirs(a.report_dir);
  const std::string record_path = join_path(a.report_dir, "evaluation.json");
  eval::write_evaluation_record(record_path, record);
  report::ReportOptions ro;
  ro.gallery.iou_threshold = opt.voc.iou_threshold;
  ro.gallery.threads = a.threads;
  const std::string title = "autodet evaluation of " + file_name(a.predictions) + " on " + file_name(a.data_path) +
                            (a.split.empty() ? "" : " (" + a.split + ")");
  const std::string page = report::write_report(report::evaluation_report_data(record, record_path, title, ro), a.report_dir);
  log::info("report: {}", page);
}

void run(const Args& a) {
  if (!std::isfinite(a.iou) || a.iou <= 0 || a.iou > 1) throw UsageError(Location{"", 0, "", "--iou"}, "must be in (0, 1]");
  eval::EvalOptions opt;
  opt.metric = eval::parse_metric_type(a.metric);
  opt.voc.iou_threshold = eval::clamp_voc_iou_threshold(a.iou);
  if (opt.voc.iou_threshold != a.iou)
    log::warn("validation IoU threshold {} clamped to {} (Azure's range is [0.1, 1])", a.iou, opt.voc.iou_threshold);
  opt.voc.eleven_point = a.eleven_point;
  if (a.box_score_threshold >= 0) opt.box_score_threshold = a.box_score_threshold;
  opt.confusion = eval::ConfusionOptions{a.confusion_score, opt.voc.iou_threshold};
  opt.threads = a.threads;

  Diagnostics diag;
  const DataFormat format = a.data.data_format() == DataFormat::Auto ? detect_format(a.data_path) : a.data.data_format();
  SplitDataset sd = load_dataset(a.data_path, format, a.data.read_options(ImageCheck::HeaderIfPresent), diag);
  if (!diag.ok()) {
    print_diagnostics(diag, 20);
    throw DataError(Location{a.data_path, 0, "", ""},
                    fmt::format("the dataset has {} errors (see above; `autodet data validate` lists them all)", diag.errors()));
  }
  if (diag.warnings()) log::warn("{}: {} warnings while reading (run `autodet data validate` to see them)", a.data_path, diag.warnings());
  eval::EvalSet set = eval::eval_set_from_dataset(pick_split(sd, a.split));
  const eval::CocoIdMap ids = format == DataFormat::Coco ? eval::coco_ids_from_file(a.data_path, set) : eval::default_coco_ids(set);
  const eval::PredictionsSummary sum = eval::read_predictions(a.predictions, predictions_format(a.predictions_format), ids, set);
  if (sum.clamped_boxes)
    log::warn("{} predicted boxes had coordinates outside [0, 1] and were clamped (first: {})", sum.clamped_boxes,
              sum.first_clamped.str());
  if (sum.images_without_predictions)
    log::info("{} of {} images have no predictions: their objects count as missed", sum.images_without_predictions, set.images.size());

  const eval::EvalReport rep = eval::evaluate(set, opt);
  if (!a.report_dir.empty()) write_report(a, set, rep, opt);
  if (a.json)
    log::out() << eval::to_json(rep, a.pr_curves).dump(2) << "\n";
  else
    print_table(rep);
}

CommandRegistrar reg(30, [](CLI::App& root) {
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("evaluate", "VOC and COCO mAP of predictions against a labelled dataset");
  cmd->add_option("--data", args->data_path, "Labelled dataset: MLTable folder, JSONL, COCO JSON, VOC/YOLO folder, CSV")->required();
  args->data.add_to(*cmd);
  cmd->add_option("--split", args->split, "Evaluate one split of the dataset (default: all images)");
  cmd->add_option("--predictions", args->predictions,
                  "Batch-prediction JSONL ({\"filename\", \"boxes\"} per line) or COCO results JSON")->required();
  cmd->add_option("--predictions-format", args->predictions_format, "auto, jsonl or coco")->capture_default_str();
  cmd->add_option("--metric", args->metric, "validation_metric_type: voc, coco or coco_voc")
      ->check(CLI::IsMember({"voc", "coco", "coco_voc"}, CLI::ignore_case))
      ->capture_default_str();
  cmd->add_option("--iou", args->iou, "VOC validation_iou_threshold (clamped to [0.1, 1])")->capture_default_str();
  cmd->add_flag("--eleven-point", args->eleven_point, "VOC 11-point AP instead of the all-point area");
  cmd->add_option("--box-score-threshold", args->box_score_threshold, "Use only predictions with score > this (R6.2)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--confusion-score", args->confusion_score, "Score threshold of the confusion matrix")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Threads (0: one per core)")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print every number as JSON");
  cmd->add_flag("--pr-curves", args->pr_curves, "With --json: add each class's precision-recall curve");
  cmd->add_option("--report", args->report_dir,
                  "Also write an HTML report (PR curves, confusion matrix, worst images) and evaluation.json into this folder");
  cmd->callback([args] { run(*args); });
});

}  // namespace
}  // namespace autodet::cli
