// Photo pipeline memory benchmark. Usage: npm run bench:photos
// A 12-megapixel phone JPEG (4000 × 3000, with EXIF and GPS) goes through the platform's photo
// pipeline (check, orient, shrink on load, re-encode to WebP without metadata, thumbnail) in a
// fresh process, and, as the baseline in another fresh process, through a naive full decode to
// pixels and re-encode (what code without shrink-on-load and a cold cache would do). Each run
// samples its resident memory every 2 ms; the figure is the peak above what the process held
// before the photo. Target: the pipeline under 64 MB extra. One JSON line at the end.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env.BENCH_PHOTO_ROUNDS ?? 3);
const here = fileURLToPath(import.meta.url);
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

if (process.argv[2] === '--child') {
  const mode = process.argv[3];
  const sharp = (await import('sharp')).default;
  const { processPhoto } = await import('../../api/dist/community/photo-pipeline.js');
  const noise = await sharp({ create: { width: 4000, height: 3000, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: 'BenchCam', Model: '12MP' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '49/1 36/1 0/1' } })
    .toBuffer();
  // Settle: what the process holds before the photo is the baseline of this run.
  global.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 2);
  const started = performance.now();
  let out;
  if (mode === 'pipeline') out = await processPhoto('image/jpeg', noise);
  else {
    // The naive way: every pixel decoded at full size, then resized and encoded.
    const { data, info } = await sharp(noise).raw().toBuffer({ resolveWithObject: true });
    const full = sharp(data, { raw: info });
    out = {
      photo: await full.clone().resize(2048, 2048, { fit: 'inside' }).webp({ quality: 80 }).toBuffer(),
      thumbnail: await full.clone().resize(320, 320, { fit: 'inside' }).webp().toBuffer(),
    };
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(`${JSON.stringify({ mode, input_bytes: noise.length, extra_mb: (peak - before) / 1024 / 1024, ms, output_bytes: out.photo.length })}\n`);
  process.exit(0);
}

const run = (mode) => {
  const r = spawnSync(process.execPath, ['--expose-gc', here, '--child', mode], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { pipeline: [], naive: [] };
for (let i = 0; i < ROUNDS; i++) {
  // Pairs, alternating, so drift on the machine falls on both.
  for (const mode of i % 2 ? ['naive', 'pipeline'] : ['pipeline', 'naive']) {
    const r = run(mode);
    results[mode].push(r);
    log(
      `round ${i + 1} ${mode}: +${r.extra_mb.toFixed(1)} MB, ${r.ms.toFixed(0)} ms (input ${(r.input_bytes / 1024 / 1024).toFixed(1)} MB, output ${(r.output_bytes / 1024).toFixed(0)} kB)`,
    );
  }
}
const pipelineMb = median(results.pipeline.map((r) => r.extra_mb));
const naiveMb = median(results.naive.map((r) => r.extra_mb));
const pipelineMs = median(results.pipeline.map((r) => r.ms));
const naiveMs = median(results.naive.map((r) => r.ms));
log(`\n12-megapixel JPEG, median of ${ROUNDS}:`);
log(`  pipeline: +${pipelineMb.toFixed(1)} MB resident, ${pipelineMs.toFixed(0)} ms  (target < 64 MB: ${pipelineMb < 64 ? 'met' : 'MISSED'})`);
log(`  naive full decode: +${naiveMb.toFixed(1)} MB, ${naiveMs.toFixed(0)} ms`);
log(`  memory ratio pipeline / naive: ${(pipelineMb / naiveMb).toFixed(2)}`);
console.log(
  JSON.stringify({
    bench: 'photos',
    megapixels: 12,
    rounds: ROUNDS,
    pipeline_extra_mb: Number(pipelineMb.toFixed(1)),
    pipeline_ms: Math.round(pipelineMs),
    naive_extra_mb: Number(naiveMb.toFixed(1)),
    naive_ms: Math.round(naiveMs),
    memory_ratio: Number((pipelineMb / naiveMb).toFixed(2)),
    target_mb: 64,
    met: pipelineMb < 64,
  }),
);
