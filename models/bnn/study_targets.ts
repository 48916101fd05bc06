/**
 * Factories that rebuild the study's models from plain, structured-cloneable data. Worker threads
 * cannot receive a model object, so `sample(..., { parallel: true, workerTarget })` names one of
 * these exports and its arguments, and each worker calls it to build its own copy.
 */
import type { BnnModel } from './network.js';
import { flatBnn } from './flat.js';
import { hierarchicalBnn } from './hierarchical.js';
import { informativeBnn } from './informative.js';
import type { LayerPrior } from './group_prior.js';
import type { StudyData } from '../data/study_data.js';

export interface GroupArgs {
  X: number[][];
  y: number[];
}

export function buildFlat(args: GroupArgs): BnnModel {
  return flatBnn({ X: args.X, y: args.y });
}

export function buildHierarchical(args: { study: StudyData }): BnnModel {
  return hierarchicalBnn(args.study);
}

export function buildInformative(args: GroupArgs & { prior: LayerPrior[] }): BnnModel {
  return informativeBnn({ X: args.X, y: args.y }, args.prior);
}

/** This module's URL, for `workerTarget.module`. */
export const STUDY_TARGETS_MODULE = import.meta.url;

/** The factories by export name, for code that picks one by the name it sends to a worker. */
export const STUDY_FACTORIES: Readonly<Record<string, (args: never) => BnnModel>> = { buildFlat, buildHierarchical, buildInformative };
