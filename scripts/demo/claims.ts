/**
 * A statement the demo makes about what it just showed, checked against what happened. The demo exits 0 only if
 * every claim held; each id is asserted by test/demo/demo.test.ts.
 */
export interface Claim {
  readonly id: string;
  readonly text: string;
  readonly held: boolean;
  /** The figures behind the verdict. */
  readonly detail: string;
}

export const claim = (id: string, text: string, held: boolean, detail: string): Claim => ({
  id,
  text,
  held,
  detail,
});

/** What every story step returns: its figures for the report, and its claims. */
export interface StepOutcome<TFigures> {
  readonly figures: TFigures;
  readonly claims: readonly Claim[];
}
