# autodet: the commands a user and CI need. `make demo` and `make test` work on a fresh
# Debian 12 machine: they install the packages they need first (as root, or through sudo).

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DEMO_DIR ?= demo-out
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian 12 packages autodet builds and tests with.
DEB_PACKAGES := build-essential cmake ccache pkg-config git \
  libtorch-dev libopenblas0-openmp libopencv-dev nlohmann-json3-dev libyaml-cpp-dev \
  libcpp-httplib-dev libcli11-dev libspdlog-dev libfmt-dev libsqlite3-dev libpq-dev libpugixml-dev libsimdjson-dev \
  libgtest-dev libgmock-dev libbenchmark-dev libonnx-dev libprotobuf-dev protobuf-compiler \
  libcurl4-openssl-dev libssl-dev openssl \
  python3-torch python3-torchvision python3-optuna python3-numpy python3-opencv python3-onnx nodejs \
  chromium
FUZZ_PACKAGES := clang libclang-rt-14-dev

export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime
# Hits across clones in different folders (CI builds a fresh clone): paths relative to the
# checkout, and the working folder left out of the hash (with -g ccache hashes it by default, so
# a clone elsewhere missed every entry; the debug info then names the first clone's folder).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true
export CCACHE_MAXSIZE ?= 5G

.PHONY: all deps web-deps build test demo bench fuzz clean

all: build

# Idempotent: installs only what is missing, so a second run costs a dpkg query.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	else echo "all build and test packages are installed"; fi

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

# Apache ECharts from npm, which `autodet report` embeds in every report it writes (the binary reads
# it from src/report/web/node_modules, docs/report.md). It has no install script.
REPORT_CHARTS := src/report/web/node_modules/echarts/dist/echarts.min.js
$(REPORT_CHARTS): src/report/web/package-lock.json
	cd src/report/web && npm ci --ignore-scripts --no-audit --no-fund
	touch $@
web-deps: $(REPORT_CHARTS)

build: deps $(REPORT_CHARTS) $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS) --target autodet

# ONNX Runtime from npm, which the export tests run exported files in. Its install script is
# skipped: it would only fetch GPU libraries.
TEST_RUNTIMES := tests/runtimes/node_modules/onnxruntime-node/package.json
$(TEST_RUNTIMES): tests/runtimes/package-lock.json
	cd tests/runtimes && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# playwright-core from npm drives Debian's Chromium in the report tests (no browser download).
TEST_BROWSER := tests/report/node_modules/playwright-core/package.json
$(TEST_BROWSER): tests/report/package-lock.json
	cd tests/report && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

test: deps $(TEST_RUNTIMES) $(REPORT_CHARTS) $(TEST_BROWSER) $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS) --target all
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 600

# The main job on the embedded default data: generate, check, train a YOLOv5 for a few minutes
# from the job file (evaluated on its validation split every epoch), show the result. The demo
# trains nano at a larger step size: in the 4-5 minutes that 8 epochs of small take on 2 cores
# (validation mAP 0), 20 epochs of nano reach about 0.4 (bench/RESULTS.md).
DEMO_EPOCHS ?= 20
DEMO_LR ?= 0.005
# Published weights beside the checkout (imported into the weights cache when it lacks them).
SHARED_WEIGHTS ?= ../shared/weights
demo: build
	rm -rf $(DEMO_DIR)
	$(BUILD_DIR)/autodet data synth --out $(DEMO_DIR)/synth --images 300 --seed 1
	$(BUILD_DIR)/autodet data validate $(DEMO_DIR)/synth
	$(BUILD_DIR)/autodet data stats $(DEMO_DIR)/synth
	@if $(BUILD_DIR)/autodet weights list | grep -Eq '^yolov5-nano-coco +cached'; then \
	  echo "demo: the COCO-pretrained YOLOv5n is in the weights cache"; \
	elif [ -f $(SHARED_WEIGHTS)/yolov5/yolov5n_coco_v6.1.pt ]; then \
	  $(BUILD_DIR)/autodet weights import $(SHARED_WEIGHTS)/yolov5/yolov5n_coco_v6.1.pt; \
	elif $(BUILD_DIR)/autodet weights pull yolov5-nano-coco; then :; \
	else echo "demo: the COCO-pretrained YOLOv5n is neither in $(SHARED_WEIGHTS) nor downloadable here: training from random weights"; \
	  touch $(DEMO_DIR)/from-scratch; fi
	$(BUILD_DIR)/autodet train examples/jobs/synth-yolov5.yml --workspace $(DEMO_DIR)/workspace \
	  --set name=demo --set model_size=nano --set learning_rate=$(DEMO_LR) --set number_of_epochs=$(DEMO_EPOCHS) \
	  --set warmup_cosine_lr_warmup_epochs=1 $$([ -f $(DEMO_DIR)/from-scratch ] && echo --set pretrained_weights=none)
	$(BUILD_DIR)/autodet jobs show demo --workspace $(DEMO_DIR)/workspace
	$(BUILD_DIR)/autodet predict --model $(DEMO_DIR)/workspace/jobs/demo/best_model \
	  $(DEMO_DIR)/synth/images/000001.jpg $(DEMO_DIR)/synth/images/000002.jpg $(DEMO_DIR)/synth/images/000003.jpg \
	  --out $(DEMO_DIR)/predictions.jsonl --draw $(DEMO_DIR)/drawn
	$(BUILD_DIR)/autodet report demo --workspace $(DEMO_DIR)/workspace --out $(DEMO_DIR)/report
	@echo "model package: $(DEMO_DIR)/workspace/jobs/demo/best_model/"
	@echo "predictions:   $(DEMO_DIR)/predictions.jsonl, drawn images in $(DEMO_DIR)/drawn/"
	@echo "serve it:      $(BUILD_DIR)/autodet serve --model $(DEMO_DIR)/workspace/jobs/demo/best_model --port 8080"
	@echo "report:        $(DEMO_DIR)/report/report.html (open it in a browser; it needs no network)"

bench: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)
	bench/run.sh $(BUILD_DIR)

# Coverage-guided fuzzing of the readers (clang + libFuzzer); not part of CI.
FUZZ_SECONDS ?= 60
fuzz:
	@missing=$$(for p in $(FUZZ_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; fi
	cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DAUTODET_FUZZ=ON -DAUTODET_TORCH=OFF \
	  -DAUTODET_TESTS=OFF -DAUTODET_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build-fuzz -j$(JOBS) --target fuzz_jsonl fuzz_coco fuzz_voc fuzz_yolo fuzz_csv fuzz_pth
	fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR) build-fuzz $(DEMO_DIR)
