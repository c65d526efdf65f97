/**
 * The map layout's worker thread (started by layoutMap in map-layout.ts): lays out the
 * request it was started with, posts the layout back and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { computeLayout, type LayoutRequest } from './map-layout.js';

parentPort?.postMessage(await computeLayout(workerData as LayoutRequest));
