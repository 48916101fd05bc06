/** The study's data: the rotated-moons generator and the `--data` format with its validation. */
export * from './moons.js';
export * from './study_data.js';
