/**
 * The default warmup is one pair of constants (DEFAULT_ADAPT, DEFAULT_TUNE in
 * samplers/run/sample_options.ts), but prose states it in several places; this test fails when a
 * change of the constants leaves one of them saying the old default, naming the file and line.
 */
import test from 'tape';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ADAPT, DEFAULT_TUNE } from '../../samplers/run/sample_options.js';

/** The repository root (this file is dist/test/docs/default_warmup.test.js). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

test('the docs state the default warmup the constants give', (t) => {
  const samplers = read('docs/samplers.md');
  t.ok(samplers.includes(`**The default** is \`DEFAULT_ADAPT\` = \`'${DEFAULT_ADAPT}'\` with \`tune\` = \`DEFAULT_TUNE\` = ${DEFAULT_TUNE}`), 'docs/samplers.md: the "Warmup schemes" paragraph');
  t.ok(samplers.includes(`| \`tune\` | ${DEFAULT_TUNE} (\`DEFAULT_TUNE\`)`), 'docs/samplers.md: the tune row of the options table');
  t.ok(samplers.includes(`| \`adapt\` | \`'${DEFAULT_ADAPT}'\` (\`DEFAULT_ADAPT\``), 'docs/samplers.md: the adapt row of the options table');
  t.ok(samplers.includes(`the default warmup is \`'${DEFAULT_ADAPT}'\` for ${DEFAULT_TUNE} iterations`), 'docs/samplers.md: "How a chain runs"');
  t.ok(read('docs/study.md').includes(`(\`DEFAULT_ADAPT\` = \`'${DEFAULT_ADAPT}'\` for\n\`DEFAULT_TUNE\` = ${DEFAULT_TUNE} iterations`), 'docs/study.md: Settings');
  t.ok(read('README.md').includes(`\`adapt: '${DEFAULT_ADAPT}'\` for ${DEFAULT_TUNE}\niterations`), 'README.md: the quick start');
  const options = read('samplers/run/sample_options.ts');
  t.ok(options.includes(`\`DEFAULT_TUNE\` (${DEFAULT_TUNE}) by default`) && options.includes(`it is \`DEFAULT_ADAPT\` ('${DEFAULT_ADAPT}')`), 'the JSDoc of SampleOptions.tune and .adapt');
  t.end();
});
