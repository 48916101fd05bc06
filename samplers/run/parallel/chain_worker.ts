/**
 * The entry of a sampling worker, the same file for a Node worker thread and a browser's module
 * Web Worker: it connects worker_loop.ts to the platform's port (core/platform/worker_port).
 */
import { importModule, onHostMessage, postToHost } from '../../../core/platform/worker_port.js';
import { serveChains } from './worker_loop.js';
import type { HostMessage } from './protocol.js';

serveChains({ post: postToHost, onMessage: (handler) => onHostMessage((m) => handler(m as HostMessage)) }, importModule);
