/** Moved to lib/evidence/exit-status.ts (one module per evidence source); kept for its importers. */
export { exitReason, explainMissing } from './evidence/exit-status.ts';
