// Reading batch-prediction JSONL and COCO results, and the errors bad input gives.
#include <gtest/gtest.h>

#include "core/error.h"
#include "eval/coco_ids.h"
#include "eval/predictions_reader.h"
#include "eval_builders.h"
#include "test_util.h"

namespace autodet::eval {
namespace {

using testing::gt;

// Two 200x100 images in folders a/ and b/, classes cat and dog.
EvalSet two_images() {
  EvalSet s;
  s.classes = {"cat", "dog"};
  for (int i = 0; i < 2; ++i) {
    EvalImage im;
    im.id = i + 1;
    im.url = i == 0 ? "a/x.jpg" : "b/y.jpg";
    im.path = i == 0 ? "/data/a/x.jpg" : "/data/b/y.jpg";
    im.width = 200;
    im.height = 100;
    im.gts = {gt(0, 0, 0, 100, 50)};
    s.images.push_back(im);
  }
  return s;
}

std::string line(const std::string& filename, const std::string& boxes) {
  return "{\"filename\": \"" + filename + "\", \"boxes\": [" + boxes + "]}\n";
}
std::string box(double x0, double y0, double x1, double y1, const std::string& label, const std::string& score) {
  return "{\"box\": {\"topX\": " + std::to_string(x0) + ", \"topY\": " + std::to_string(y0) + ", \"bottomX\": " +
         std::to_string(x1) + ", \"bottomY\": " + std::to_string(y1) + "}, \"label\": \"" + label + "\", \"score\": " + score + "}";
}

std::string error_of(const std::string& text) {
  EvalSet s = two_images();
  try {
    read_batch_predictions(text, "p.jsonl", s);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(EvalPredictionsReader, BatchJsonlConvertsNormalizedBoxesToPixels) {
  EvalSet s = two_images();
  const std::string text = line("a/x.jpg", box(0.1, 0.2, 0.6, 0.7, "cat", "0.9") + ", " + box(0, 0, 1, 1, "dog", "0.4")) +
                           "\n" + line("/data/b/y.jpg", "");
  const PredictionsSummary sum = read_batch_predictions(text, "p.jsonl", s);
  EXPECT_EQ(sum.detections, 2u);
  EXPECT_EQ(sum.images_with_predictions, 2u);
  EXPECT_EQ(sum.images_without_predictions, 0u);
  ASSERT_EQ(s.images[0].dets.size(), 2u);
  const Detection& d = s.images[0].dets[0];
  EXPECT_DOUBLE_EQ(d.box.x, 20);
  EXPECT_DOUBLE_EQ(d.box.y, 20);
  EXPECT_DOUBLE_EQ(d.box.w, 100);
  EXPECT_DOUBLE_EQ(d.box.h, 50);
  EXPECT_EQ(d.cls, 0);
  EXPECT_EQ(d.score, 0.9);
  EXPECT_EQ(s.images[0].dets[1].cls, 1);
}

TEST(EvalPredictionsReader, MatchesByUrlPathOrUniqueBasename) {
  EvalSet s = two_images();
  read_batch_predictions(line("y.jpg", box(0, 0, 1, 1, "cat", "1")), "p.jsonl", s);
  EXPECT_EQ(s.images[1].dets.size(), 1u);
  EXPECT_EQ(s.images[0].dets.size(), 0u);
  // Two images with the same basename: the bare name is ambiguous, the url is not.
  s.images[1].url = "b/x.jpg";
  s.images[1].path = "/data/b/x.jpg";
  EXPECT_THROW(read_batch_predictions(line("x.jpg", ""), "p.jsonl", s), DataError);
  EXPECT_NO_THROW(read_batch_predictions(line("b/x.jpg", ""), "p.jsonl", s));
  EXPECT_NO_THROW(read_batch_predictions(line("/elsewhere/../data/a/x.jpg", ""), "p.jsonl", s));
}

TEST(EvalPredictionsReader, BadInputGivesErrorsWithTheirLocation) {
  EXPECT_NE(error_of(line("a/x.jpg", "") + line("zebra.jpg", "")).find("p.jsonl:2"), std::string::npos);
  EXPECT_NE(error_of(line("zebra.jpg", "")).find("not an image of the evaluated dataset"), std::string::npos);
  EXPECT_NE(error_of(line("a/x.jpg", box(0, 0, 1, 1, "horse", "0.5"))).find("label 'horse' is not a class"), std::string::npos);
  EXPECT_NE(error_of(line("a/x.jpg", box(0, 0, 1, 1, "cat", "NaN"))).find("NaN"), std::string::npos);
  EXPECT_NE(error_of(line("a/x.jpg", box(0, 0, 1, 1, "cat", "-0.5"))).find("negative score"), std::string::npos);
  EXPECT_NE(error_of(line("a/x.jpg", box(0, 0, 1, 1, "cat", "\"high\""))).find("score"), std::string::npos);
  EXPECT_NE(error_of(line("a/x.jpg", box(0.5, 0, 0.2, 1, "cat", "0.5"))).find("inverted box"), std::string::npos);
  EXPECT_NE(error_of(line("a/x.jpg", "") + line("a/x.jpg", "")).find("already has predictions on line 1"), std::string::npos);
  EXPECT_NE(error_of("{\"filename\": \"a/x.jpg\"\n").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1, 2]\n").find("JSON object"), std::string::npos);
  EXPECT_NE(error_of(line("a/x.jpg", "{\"label\": \"cat\", \"score\": 1}")).find("box"), std::string::npos);
  EXPECT_NE(error_of("{\"filename\": \"a/x.jpg\", \"boxes\": [{\"box\": {\"topX\": 0, \"topY\": 0, \"bottomX\": 1}, \"label\": \"cat\", \"score\": 1}]}")
                .find("bottomY"),
            std::string::npos);
}

TEST(EvalPredictionsReader, CoordinatesOutsideTheImageAreClampedAndCounted) {
  EvalSet s = two_images();
  const auto sum = read_batch_predictions(line("a/x.jpg", box(-0.1, 0.5, 1.2, 0.6, "cat", "0.5") + "," + box(0, 0, 1, 1, "cat", "0.5")),
                                          "p.jsonl", s);
  EXPECT_EQ(sum.clamped_boxes, 1u);
  EXPECT_EQ(sum.first_clamped.line, 1);
  const Detection& d = s.images[0].dets[0];
  EXPECT_DOUBLE_EQ(d.box.x, 0);
  EXPECT_DOUBLE_EQ(d.box.w, 200);
}

TEST(EvalPredictionsReader, UnknownImageSizeIsAnError) {
  EvalSet s = two_images();
  s.images[0].width = 0;
  EXPECT_THROW(read_batch_predictions(line("a/x.jpg", box(0, 0, 1, 1, "cat", "1")), "p.jsonl", s), DataError);
  EXPECT_NO_THROW(read_batch_predictions(line("a/x.jpg", ""), "p.jsonl", s));  // no boxes: nothing to convert
}

TEST(EvalPredictionsReader, CocoResultsWithDefaultIds) {
  EvalSet s = two_images();
  const CocoIdMap ids = default_coco_ids(s);
  const auto sum = read_coco_results(
      R"([{"image_id": 2, "category_id": 2, "bbox": [10, 20, 30, 40], "score": 0.75},
          {"image_id": 2, "category_id": 1, "bbox": [0, 0, 5, 5], "score": 0.5}])",
      "r.json", ids, s);
  EXPECT_EQ(sum.detections, 2u);
  EXPECT_EQ(sum.images_without_predictions, 1u);
  ASSERT_EQ(s.images[1].dets.size(), 2u);
  EXPECT_EQ(s.images[1].dets[0].cls, 1);  // category 2 = second class in sorted order
  EXPECT_DOUBLE_EQ(s.images[1].dets[0].box.h, 40);
  EXPECT_EQ(s.images[1].dets[0].score, 0.75);
}

TEST(EvalPredictionsReader, CocoResultsBadInput) {
  auto err = [](const std::string& text) {
    EvalSet s = two_images();
    try {
      read_coco_results(text, "r.json", default_coco_ids(s), s);
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err(R"([{"image_id": 9, "category_id": 1, "bbox": [0,0,1,1], "score": 1}])").find("image_id 9"), std::string::npos);
  EXPECT_NE(err(R"([{"image_id": 1, "category_id": 7, "bbox": [0,0,1,1], "score": 1}])").find("category_id 7"), std::string::npos);
  EXPECT_NE(err(R"([{"image_id": 1, "category_id": 1, "bbox": [0,0,-1,1], "score": 1}])").find("negative width"), std::string::npos);
  EXPECT_NE(err(R"([{"image_id": 1, "category_id": 1, "bbox": [0,0,1], "score": 1}])").find("[x, y, width, height]"), std::string::npos);
  EXPECT_NE(err(R"([{"image_id": 1, "category_id": 1, "bbox": [0,0,1,1], "score": -2}])").find("negative score"), std::string::npos);
  EXPECT_NE(err(R"([{"image_id": 1, "category_id": 1, "bbox": [0,0,1,1], "score": NaN}])").find("NaN"), std::string::npos);
  EXPECT_NE(err(R"([{"image_id": 1.5, "category_id": 1, "bbox": [0,0,1,1], "score": 1}])").find("integer"), std::string::npos);
  EXPECT_NE(err(R"({"annotations": []})").find("must be a JSON list"), std::string::npos);
  EXPECT_EQ(err(R"([{"image_id": 1, "category_id": 1, "bbox": [0,0,1,1], "score": 1}])"), "");
}

TEST(EvalPredictionsReader, CocoIdsFromTheGroundTruthFile) {
  EvalSet s = two_images();
  const CocoIdMap ids = coco_ids_from_text(
      R"({"images": [{"id": 70, "file_name": "b/y.jpg"}, {"id": 30, "file_name": "a/x.jpg"}, {"id": 99, "file_name": "gone.jpg"}],
          "categories": [{"id": 5, "name": "dog"}, {"id": 3, "name": "cat"}], "annotations": []})",
      "gt.json", s);
  EXPECT_EQ(ids.images.at(70), 1u);
  EXPECT_EQ(ids.images.at(30), 0u);
  EXPECT_EQ(ids.images.count(99), 0u);
  EXPECT_EQ(ids.categories.at(5), 1);
  EXPECT_EQ(ids.categories.at(3), 0);
  EXPECT_EQ(s.images[1].id, 70);
  read_coco_results(R"([{"image_id": 70, "category_id": 5, "bbox": [0,0,1,1], "score": 1}])", "r.json", ids, s);
  EXPECT_EQ(s.images[1].dets.at(0).cls, 1);
}

TEST(EvalPredictionsReader, DetectsTheFormatFromTheContent) {
  autodet::testing::TempDir dir;
  EvalSet s = two_images();
  autodet::testing::write_text(dir / "r.json", "\n  [{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,1,1], \"score\": 1}]");
  EXPECT_EQ(read_predictions(dir / "r.json", PredictionsFormat::Auto, default_coco_ids(s), s).format, PredictionsFormat::CocoResults);
  autodet::testing::write_text(dir / "p.jsonl", line("a/x.jpg", ""));
  EXPECT_EQ(read_predictions(dir / "p.jsonl", PredictionsFormat::Auto, default_coco_ids(s), s).format, PredictionsFormat::BatchJsonl);
}

}  // namespace
}  // namespace autodet::eval
