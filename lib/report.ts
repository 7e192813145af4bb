/**
 * The run report's types, for the modules that still import them from here
 * (scripts/shared/run-steps.ts). The model, its counting and the renderers live in lib/report/:
 * model.ts, console.ts, json.ts, junit.ts. Import from those.
 */
export type { RunReport, ScenarioReport, Summary } from './report/model.ts';
