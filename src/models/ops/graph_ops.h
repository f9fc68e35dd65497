#pragma once
// The exported operators of the layer kinds autodet's networks are made of (convolution with its
// BatchNorm folded in, activations, pooling, upsampling, reshapes), written into a GraphBuilder.
// Each returns the name of the tensor it produces; `name` prefixes the constants it stores.
#include <string>
#include <vector>

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

#include "models/export_graph.h"

namespace autodet::models::graph {

// conv(x) with `bn` (when given, in eval mode) folded into its weight and bias, computed in double.
// in_channel_order, when given, reorders the weight's input channels (weight[:, order]), so a
// network that permuted its input channels first can drop that step.
std::string conv(GraphBuilder& g, const std::string& x, const torch::nn::Conv2dImpl& conv,
                 const torch::nn::BatchNorm2dImpl* bn, const std::string& name, const GraphInts& in_channel_order = {});
// A Sequential of Conv2d (with the BatchNorm2d after it folded in), BatchNorm2d, ReLU, SiLU and
// MaxPool2d layers; throws NotSupportedError naming the first other layer.
std::string sequential(GraphBuilder& g, const std::string& x, const torch::nn::Sequential& layers, const std::string& name);

std::string relu(GraphBuilder& g, const std::string& x);
std::string sigmoid(GraphBuilder& g, const std::string& x);
std::string silu(GraphBuilder& g, const std::string& x);  // x * sigmoid(x)
std::string max_pool(GraphBuilder& g, const std::string& x, std::int64_t kernel, std::int64_t stride, std::int64_t padding);
// PyTorch's avg_pool2d default: the zero padding counts in the average.
std::string avg_pool(GraphBuilder& g, const std::string& x, std::int64_t kernel, std::int64_t stride, std::int64_t padding);
// Nearest-neighbour upsampling of (B, C, H, W) by an integer factor (PyTorch's "nearest").
std::string upsample_nearest(GraphBuilder& g, const std::string& x, std::int64_t factor);
std::string concat(GraphBuilder& g, const std::vector<std::string>& xs, std::int64_t axis);
// shape: 0 keeps the input's size in that dimension (the batch), -1 is inferred.
std::string reshape(GraphBuilder& g, const std::string& x, const GraphInts& shape);
std::string transpose(GraphBuilder& g, const std::string& x, const GraphInts& perm);
// x[..., start:end, ...] along axis.
std::string slice(GraphBuilder& g, const std::string& x, std::int64_t axis, std::int64_t start, std::int64_t end);
// x.index_select(axis, indices).
std::string gather(GraphBuilder& g, const std::string& x, std::int64_t axis, const GraphInts& indices);
// softmax over `axis` of a rank-`rank` tensor, in the form the graph's opset defines (before opset
// 13, Softmax flattens the trailing axes, so the axis is moved last first).
std::string softmax(GraphBuilder& g, const std::string& x, std::int64_t axis, std::int64_t rank);
// Elementwise binary operator ("Add", "Sub", "Mul", "Div", "Pow") of two tensors.
std::string binary(GraphBuilder& g, const std::string& type, const std::string& a, const std::string& b);
// A float scalar constant.
std::string scalar(GraphBuilder& g, float value);

}  // namespace autodet::models::graph
