import type { DemoApp } from './demo-app.js';
import type { DemoEnvironment } from './environment.js';
import type { Narrator } from './narrator.js';
import type { Workload } from './workload.js';

/** What every story step works with. */
export interface StoryContext {
  readonly env: DemoEnvironment;
  readonly app: DemoApp;
  readonly narrator: Narrator;
  readonly workload: Workload;
}
