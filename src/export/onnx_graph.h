#pragma once
// An ONNX model being built (Debian's libonnx protobuf types): the GraphBuilder that networks emit
// their operators into, plus the graph's input, outputs and metadata, serialised at the end.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/export_graph.h"

namespace autodet {

class OnnxGraph : public models::GraphBuilder {
 public:
  // opset: the default-domain operator set version (11 ... 17).
  OnnxGraph(int opset, const std::string& graph_name);
  ~OnnxGraph() override;

  int opset() const override { return opset_; }
  std::string constant(const std::string& hint, const torch::Tensor& value) override;
  std::vector<std::string> op(const std::string& type, const std::vector<std::string>& inputs,
                              const std::vector<models::GraphAttribute>& attributes, int outputs) override;

  // The float input; shape entries of -1 become the symbolic dimension "batch".
  void add_input(const std::string& name, const models::GraphInts& shape, const std::string& description);
  // Declares an output: renames the tensor `output.tensor` to `output.name`; -1 becomes "batch",
  // -2 output.count_name.
  void add_output(const models::GraphOutput& output);
  void set_metadata(const std::string& key, const std::string& value);
  void set_doc(const std::string& doc);

  std::size_t node_count() const;
  std::size_t constant_count() const;
  // The serialised ModelProto.
  std::string serialize() const;

 private:
  std::string unique(const std::string& hint);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  int opset_;
  std::map<std::string, int> used_;
};

}  // namespace autodet
