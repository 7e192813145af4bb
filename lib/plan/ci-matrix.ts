/**
 * The scenario ids as GitHub Actions takes a matrix: `strategy.matrix: ${{ fromJSON(...) }}`
 * with `{"scenario":["1","2",...]}`, one job per scenario, in scenarios.json's order.
 */
import type { PlanFile } from './scenarios.ts';

export interface CiMatrix {
  scenario: string[];
}

export function ciMatrix(plan: PlanFile): CiMatrix {
  return { scenario: plan.scenarios.map((s) => s.id) };
}

/** One line of JSON, as `echo "matrix=$(make -s ci-matrix)" >> "$GITHUB_OUTPUT"` needs. */
export function ciMatrixJson(plan: PlanFile): string {
  return JSON.stringify(ciMatrix(plan));
}
