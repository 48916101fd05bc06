/** Where the CSV written by Stan itself lies (test/fixtures/stan_csv, from test/fixtures/make_stan_csv.R). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/samplers/io → the repository root, where the fixtures are.
export const STAN_CSV_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'fixtures', 'stan_csv');
export const STAN_CSV_FILES = [join(STAN_CSV_DIR, 'output_1.csv'), join(STAN_CSV_DIR, 'output_2.csv')];
