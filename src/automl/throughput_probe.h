#pragma once
// How fast this machine trains: a few timed training steps (forward, backward, optimizer step)
// of a small YOLOv5, in multiply-accumulates per second. AutoMode divides a configuration's
// MACs (yolo_cost.h) by it to estimate training time before running anything.
namespace autodet {

// Trains yolov5 nano at 128 pixels, batch 4, on random images with `threads` CPU threads (0:
// every core) for at least `seconds` after one warm-up step; returns training MACs per second.
double measure_training_macs_per_second(int threads, double seconds = 2.0);

}  // namespace autodet
