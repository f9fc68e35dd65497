// Runs an ONNX file in ONNX Runtime (onnxruntime-node, CPU): the input comes as raw float32 from a
// file, each output is written raw next to it and described on stdout as JSON.
//   node ort_run.mjs MODEL.onnx INPUT.bin D0,D1,D2,D3 OUT_PREFIX
import { readFileSync, writeFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const [model, inputPath, dimsText, outPrefix] = process.argv.slice(2);
const dims = dimsText.split(',').map(Number);
const bytes = readFileSync(inputPath);
const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, dims) });
const described = [];
for (const name of session.outputNames) {
  const t = result[name];
  const file = `${outPrefix}.${name}.bin`;
  writeFileSync(file, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  described.push({ name, dims: t.dims, type: t.type, file });
}
console.log(JSON.stringify({ outputs: described }));
