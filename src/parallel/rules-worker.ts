/**
 * Entry point of the rule-check worker thread (see RuleWorker): Schematron and pointer integrity for the
 * chunks the main thread sends, with schemas' derived rules and compiled patterns kept for the whole run.
 */
import { serveTasks } from './pool.js';
import { checkRulesTask, type RuleTask, type RuleTaskResult } from './rules.js';

serveTasks<RuleTask, RuleTaskResult>(checkRulesTask);
