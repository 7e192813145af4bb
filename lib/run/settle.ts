/**
 * When to stop re-checking a step whose checks do not all hold yet: as soon as they all hold
 * or what fails has failed for good (lib/judge/evaluate.ts allSettled: a log line that is there
 * stays), or when the verdicts (which checks pass, which fail) have not changed for `stableMs`
 * (waiting longer would only delay the same FAIL), or at the settle deadline. What a failing check saw
 * may change meanwhile (a log grows by periodic lines); only a check turning pass or fail
 * restarts the clock.
 */
export class Stability {
  private signature: string | undefined;
  private since = 0;

  constructor(private readonly stableMs: number, private readonly now: () => number = Date.now) {}

  /**
   * Records one round's verdicts; true when they have been the same for stableMs. `startedAt`:
   * when the round that saw them began gathering: the verdicts held from then, so a round whose
   * verdicts are new counts from its start (a round that pings takes a second or more); it
   * takes a second round with the same verdicts to call them stable.
   */
  observe(verdicts: { id: string; pass: boolean; actual?: string }[], startedAt?: number): boolean {
    const sig = JSON.stringify(verdicts.map((v) => [v.id, v.pass]));
    const t = this.now();
    if (sig !== this.signature) {
      this.signature = sig;
      this.since = startedAt ?? t;
      return false;
    }
    return t - this.since >= this.stableMs;
  }
}
