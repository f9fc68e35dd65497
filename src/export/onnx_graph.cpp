#include "export/onnx_graph.h"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include "core/error.h"

namespace autodet {

struct OnnxGraph::Impl {
  onnx::ModelProto model;
  onnx::GraphProto* graph = nullptr;
};

namespace {

// Symbolic dimensions: -1 is "batch", -2 is `count_name`.
void set_shape(onnx::ValueInfoProto& v, const models::GraphInts& shape, const std::string& count_name = "batch") {
  auto* t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* s = t->mutable_shape();
  for (std::size_t i = 0; i < shape.size(); ++i) {
    auto* dim = s->add_dim();
    if (shape[i] == -1) dim->set_dim_param("batch");
    else if (shape[i] < 0) dim->set_dim_param(count_name);
    else dim->set_dim_value(shape[i]);
  }
}

void set_attribute(onnx::AttributeProto& a, const models::GraphAttribute& attr) {
  a.set_name(attr.name);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::int64_t>) {
          a.set_type(onnx::AttributeProto::INT);
          a.set_i(v);
        } else if constexpr (std::is_same_v<T, float>) {
          a.set_type(onnx::AttributeProto::FLOAT);
          a.set_f(v);
        } else if constexpr (std::is_same_v<T, models::GraphInts>) {
          a.set_type(onnx::AttributeProto::INTS);
          for (auto x : v) a.add_ints(x);
        } else if constexpr (std::is_same_v<T, std::vector<float>>) {
          a.set_type(onnx::AttributeProto::FLOATS);
          for (auto x : v) a.add_floats(x);
        } else {
          a.set_type(onnx::AttributeProto::STRING);
          a.set_s(v);
        }
      },
      attr.value);
}

}  // namespace

OnnxGraph::OnnxGraph(int opset, const std::string& graph_name) : impl_(std::make_unique<Impl>()), opset_(opset) {
  if (opset < 11 || opset > 17) throw UsageError(fmt::format("ONNX opset {} is not supported; choose 11 to 17", opset));
  auto& m = impl_->model;
  m.set_ir_version(opset >= 15 ? 8 : 7);
  m.set_producer_name("autodet");
  m.set_producer_version("0.1.0");
  auto* o = m.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  impl_->graph = m.mutable_graph();
  impl_->graph->set_name(graph_name);
}

OnnxGraph::~OnnxGraph() = default;

std::string OnnxGraph::unique(const std::string& hint) {
  const int n = used_[hint]++;
  return n == 0 ? hint : fmt::format("{}_{}", hint, n);
}

std::string OnnxGraph::constant(const std::string& hint, const torch::Tensor& value) {
  const std::string name = unique(hint);
  auto t = value.detach().to(torch::kCPU).contiguous();
  auto* init = impl_->graph->add_initializer();
  init->set_name(name);
  for (auto d : t.sizes()) init->add_dims(d);
  if (t.scalar_type() == torch::kFloat) {
    init->set_data_type(onnx::TensorProto::FLOAT);
    init->set_raw_data(t.data_ptr(), std::size_t(t.numel()) * sizeof(float));
  } else if (t.scalar_type() == torch::kLong) {
    init->set_data_type(onnx::TensorProto::INT64);
    init->set_raw_data(t.data_ptr(), std::size_t(t.numel()) * sizeof(std::int64_t));
  } else {
    throw NotSupportedError(fmt::format("ONNX export: constant {} of type {} (float32 and int64 only)", name,
                                        std::string(c10::toString(t.scalar_type()))));
  }
  return name;
}

std::vector<std::string> OnnxGraph::op(const std::string& type, const std::vector<std::string>& inputs,
                                       const std::vector<models::GraphAttribute>& attributes, int outputs) {
  auto* node = impl_->graph->add_node();
  node->set_op_type(type);
  const std::string base = unique(type);
  node->set_name(base);
  for (const auto& i : inputs) node->add_input(i);
  std::vector<std::string> names;
  for (int k = 0; k < outputs; ++k) {
    names.push_back(outputs == 1 ? base + ".out" : fmt::format("{}.out{}", base, k));
    node->add_output(names.back());
  }
  for (const auto& a : attributes) set_attribute(*node->add_attribute(), a);
  return names;
}

void OnnxGraph::add_input(const std::string& name, const models::GraphInts& shape, const std::string& description) {
  auto* v = impl_->graph->add_input();
  v->set_name(name);
  v->set_doc_string(description);
  set_shape(*v, shape);
}

void OnnxGraph::add_output(const models::GraphOutput& output) {
  auto* g = impl_->graph;
  for (auto& node : *g->mutable_node()) {
    for (auto& o : *node.mutable_output())
      if (o == output.tensor) o = output.name;
    for (auto& i : *node.mutable_input())
      if (i == output.tensor) i = output.name;
  }
  auto* v = g->add_output();
  v->set_name(output.name);
  v->set_doc_string(output.description);
  set_shape(*v, output.shape, output.count_name);
}

void OnnxGraph::set_metadata(const std::string& key, const std::string& value) {
  auto* p = impl_->model.add_metadata_props();
  p->set_key(key);
  p->set_value(value);
}

void OnnxGraph::set_doc(const std::string& doc) { impl_->model.set_doc_string(doc); }

std::size_t OnnxGraph::node_count() const { return std::size_t(impl_->graph->node_size()); }
std::size_t OnnxGraph::constant_count() const { return std::size_t(impl_->graph->initializer_size()); }

std::string OnnxGraph::serialize() const {
  std::string bytes;
  if (!impl_->model.SerializeToString(&bytes)) throw Error("ONNX export: the model could not be serialised");
  return bytes;
}

}  // namespace autodet
