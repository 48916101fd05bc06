/**
 * The post's own data, the default data set of `hbnn reproduce`: `wiecki2018_seed31.json` beside
 * this file's source, made by the data cell of T. Wiecki's post "Hierarchical Bayesian Neural
 * Networks with Informative Priors" (2018): `np.random.seed(31)`, 18 groups of scikit-learn's
 * `make_moons(noise=0.3, n_samples=100)`, each scaled and rotated by `np.random.randn() * 90`
 * degrees, the first 50 points training and the last 50 test (numpy 1.24.2, scikit-learn 1.2.1).
 * The file ships in the npm package (package.json "files"); it is read, not imported, so it stays
 * out of the library's bundle.
 */
import { loadStudyData, type StudyData } from './study_data.js';

/** The data set's name, as the report and metrics.json give it. */
export const WIECKI2018_NAME = "Wiecki (2018), the post's data (numpy seed 31)";

/**
 * Path of the JSON file. This module runs from dist/models/data/ (in the repository and in an
 * installed package alike), and the file lies in models/data/ at the package root.
 */
export const WIECKI2018_PATH = filePath(new URL('../../../models/data/wiecki2018_seed31.json', import.meta.url));

/** A file: URL as a path, without node:url (models/ imports no node: module; see docs/architecture.md). */
function filePath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return /^\/[A-Za-z]:/.test(path) ? path.slice(1) : path; // Windows: '/C:/…' → 'C:/…'
}

/** The post's 18 groups of 50 training and 50 test points, validated as any `--data` file. */
export function loadWiecki2018(): StudyData {
  return loadStudyData(WIECKI2018_PATH);
}
