#pragma once
// What a network writes its inference graph into when it is exported (ONNX's operator set). The
// layers of a family emit their operators through this interface, so models/ knows nothing of
// the file format; export/ implements it over the ONNX protobuf.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <torch/types.h>

namespace autodet::models {

using GraphInts = std::vector<std::int64_t>;

// One attribute of an operator (ONNX's int, float, ints, floats or string kinds).
struct GraphAttribute {
  std::string name;
  std::variant<std::int64_t, float, GraphInts, std::vector<float>, std::string> value;
};

class GraphBuilder {
 public:
  virtual ~GraphBuilder() = default;
  // The operator set version the graph targets (operators whose form changed are emitted in it).
  virtual int opset() const = 0;
  // A constant (weights, shapes, indices), stored as an initializer; returns its unique name,
  // `hint` made unique. float32 and int64 tensors; any memory layout.
  virtual std::string constant(const std::string& hint, const torch::Tensor& value) = 0;
  // One operator over named inputs ("" for an omitted optional input); returns its outputs' names.
  virtual std::vector<std::string> op(const std::string& type, const std::vector<std::string>& inputs,
                                      const std::vector<GraphAttribute>& attributes = {}, int outputs = 1) = 0;
  // The same, for an operator with one output.
  std::string op1(const std::string& type, const std::vector<std::string>& inputs,
                  const std::vector<GraphAttribute>& attributes = {}) {
    return op(type, inputs, attributes, 1).front();
  }
};

// An output the exported graph declares: the tensor an operator produced, the name the file gives
// it, its shape (-1 for the batch dimension, -2 for a count only known when it runs) and what its
// values are.
struct GraphOutput {
  std::string tensor;
  std::string name;
  GraphInts shape;
  std::string description;
  std::string count_name = "n";  // the symbolic name of a -2 dimension
};

// NMS candidates in an exported graph: boxes (B, N, 4) and scores (B, C, N), by tensor name.
struct GraphCandidates {
  std::string boxes, scores;
};

}  // namespace autodet::models
