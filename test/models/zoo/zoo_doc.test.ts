/**
 * docs/zoo.md shows the zoo's models as the tests run them: each file's code between
 * `// zoo: NAME` and `// end zoo` is a ```ts block of the page (after its import from 'hbnn',
 * which names what the file imports from the package root), and the page has no other block
 * but the closing `doc-test: run` program that imports them.
 */
import test from 'tape';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const FILES = ['eight_schools.ts', 'varying_intercept.ts', 'gp_regression.ts', 'mixture.ts', 'hmm.ts', 'correlated_effects.ts'];

test('docs/zoo.md: every block is a zoo model file\'s code, word for word', (t) => {
  const page = readFileSync(join(ROOT, 'docs', 'zoo.md'), 'utf8');
  // The models' blocks; the closing `doc-test: run` program that imports them is not a model.
  const blocks = [...page.matchAll(/(<!-- doc-test: run -->\n)?```ts\n([\s\S]*?)```/g)].filter((m) => m[1] === undefined).map((m) => m[2]);
  t.equal(blocks.length, FILES.length, `${blocks.length} blocks for ${FILES.length} files`);
  FILES.forEach((file, i) => {
    const source = readFileSync(join(ROOT, 'test', 'models', 'zoo', file), 'utf8');
    const region = /\/\/ zoo: [^\n]*\n([\s\S]*?)\/\/ end zoo\n/.exec(source)?.[1];
    const imported = /import \{([^}]*)\} from '\.\.\/\.\.\/\.\.\/index\.js';/.exec(source)?.[1];
    t.ok(region !== undefined && imported !== undefined, `${file} has a zoo region and imports the package root`);
    t.equal(blocks[i], `import {${imported}} from 'hbnn';\n\n${region}`, `docs/zoo.md block ${i + 1} is ${file}'s model`);
  });
  t.end();
});
