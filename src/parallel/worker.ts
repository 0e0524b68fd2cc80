/**
 * Entry point of a worker thread: takes chunks of documents and answers with their reports. The modules
 * a command loads (schemas compiled, stylesheets read) stay in this thread for the whole run.
 */
import { serveTasks } from './pool.js';
import { runTask, type DocumentTask, type TaskResult } from './run.js';

serveTasks<DocumentTask, TaskResult>(runTask);
